"""The « Aperçu » button of the récit form (issue 19): htmx posts the text, the view answers with
it rendered and sanitised as the récit's page shows it (recits/markdown.py)."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def projet(db):
    return f.ProjetFactory()


def _membre(projet, role):
    return f.AdhesionFactory(projet=projet, role=role, organisation=f.OrganisationFactory(projet=projet)).user


def test_the_form_has_the_button(projet, login):
    client = login(_membre(projet, "coordinateur"))
    html = client.get(reverse("recit_create", args=[projet.pk])).content.decode()
    url = reverse("recit_apercu", args=[projet.pk])
    assert f'hx-post="{url}" hx-include="#id_texte" hx-target="#id_texte_apercu"' in html
    assert 'id="id_texte_apercu"' in html
    assert "<script>" not in html.split("<body", 1)[1]  # no inline script (CSP): htmx attributes only


@pytest.mark.parametrize("role", ["coordinateur", "administrateur"])
def test_the_preview_renders_markdown_and_strips_scripts(projet, login, role):
    client = login(_membre(projet, role))
    texte = "# Titre\n\nUn **beau** moment.\n\n<script>alert('x')</script>\n\n![i](https://exemple.fr/i.png)"
    response = client.post(reverse("recit_apercu", args=[projet.pk]), {"texte": texte}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Titre</h1>" in html and "<strong>beau</strong>" in html
    assert "script" not in html and "alert" not in html
    assert "<img" not in html
    assert "<html" not in html  # a fragment, not a page


def test_an_empty_text_says_so(projet, login):
    client = login(_membre(projet, "coordinateur"))
    html = client.post(reverse("recit_apercu", args=[projet.pk]), {"texte": "  "}).content.decode()
    assert "Rien à prévisualiser" in html


@pytest.mark.parametrize("role", ["partenaire", "financeur"])
def test_roles_that_cannot_write_recits_are_refused(projet, login, role):
    response = login(_membre(projet, role)).post(reverse("recit_apercu", args=[projet.pk]), {"texte": "**x**"})
    assert response.status_code == 403


def test_the_csrf_token_is_required_and_the_header_is_enough(projet, login):
    """htmx sends the token in the ``X-CSRFToken`` header (the body's ``hx-headers``)."""
    client = login(_membre(projet, "coordinateur"))
    client.handler.enforce_csrf_checks = True
    url = reverse("recit_apercu", args=[projet.pk])
    html = client.get(reverse("recit_create", args=[projet.pk])).content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": ' in html
    assert client.post(url, {"texte": "x"}).status_code == 403
    jeton = client.cookies["csrftoken"].value
    assert client.post(url, {"texte": "**x**"}, HTTP_X_CSRFTOKEN=jeton).status_code == 200
