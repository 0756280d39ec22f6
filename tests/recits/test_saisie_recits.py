"""Récits: list (filters, search, pagination, query budget), page (sanitised Markdown), create
and edit (the learners' consent, links limited to the project)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import SafeString

from recits import services
from recits.markdown import rendre_markdown
from recits.models import Recit, TypeRecit
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(name, monde, *args):
    return reverse(name, args=[monde["A"].pk, *args])


def _coord(monde, login):
    return login(monde["users"]["coordinateur"])


def _donnees(**kw):
    data = {"titre": "Le premier jour", "type": "temoignage", "date": "2025-04-10", "texte": "Un **beau** moment."}
    data.update(kw)
    return data


# ---------------------------------------------------------------- the sanitiser


@pytest.mark.parametrize(
    ("texte", "interdits"),
    [
        ("<script>alert('x')</script>Bonjour", ["<script", "alert("]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror", "alert("]),
        ('<p onclick="voler()">clic</p>', ["onclick", "voler("]),
        ("[piège](javascript:alert(1))", ["javascript:", "alert("]),
        ('<a href="JaVaScRiPt:alert(1)">piège</a>', ["javascript:", "alert("]),
        ('<img src="http://exemple.org/pisteur.png">', ["<img", "exemple.org"]),
        ("![photo](https://exemple.org/photo.jpg)", ["<img", "exemple.org"]),
        ('<img src="data:image/png;base64,iVBORw0KGgo=">', ["<img"]),
        ('<iframe src="https://exemple.org">cadre</iframe>', ["<iframe", "exemple.org", "cadre"]),
        ('<link rel="attachment" href="file:///etc/passwd">', ["<link", "attachment", "/etc/passwd"]),
        ('<a href="file:///etc/passwd">fichier</a>', ["file:", "/etc/passwd"]),
        ("<style>body { display: none }</style>texte", ["<style", "display"]),
        ('<span style="position:fixed">x</span>', ["style=", "position"]),
        ('<object data="x.swf"></object><embed src="y.swf">', ["<object", "<embed", ".swf"]),
        ("<svg><script>alert(1)</script></svg>", ["<svg", "<script", "alert("]),
    ],
)
def test_sanitiser_removes_dangerous_markup(texte, interdits):
    html = rendre_markdown(texte).lower()
    for interdit in interdits:
        assert interdit.lower() not in html, (texte, html)


def test_sanitiser_keeps_bold_lists_and_safe_links():
    html = rendre_markdown(
        "**gras** et *italique*\n\n- un\n- deux\n\n1. premier\n\n[site](https://exemple.org) [écrire](mailto:a@exemple.org)"
    )
    assert isinstance(html, SafeString)
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>" in html and "<ol>" in html
    assert '<a href="https://exemple.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert '<a href="mailto:a@exemple.org" rel="noopener noreferrer nofollow">écrire</a>' in html


def test_sanitiser_escapes_text_and_handles_empty():
    assert "&lt;3" in rendre_markdown("Je t'aime <3")
    assert rendre_markdown("") == ""


def test_markdown_template_filter_renders_sanitised_html():
    rendu = Template("{% load recits_tags %}{{ texte|markdown }}").render(Context({"texte": "**ok**<script>alert(1)</script>"}))
    assert "<strong>ok</strong>" in rendu
    assert "<script" not in rendu and "&lt;script" not in rendu


# ---------------------------------------------------------------- list


def test_list_filters_by_type_copil_and_title(monde, login):
    f.RecitFactory(projet=monde["A"], titre="Portrait de Léa", type=TypeRecit.PORTRAIT)
    f.RecitFactory(projet=monde["A"], titre="Carnet de mars", type=TypeRecit.CARNET_DE_BORD, copil=True)
    f.RecitFactory(projet=monde["A"], titre="Témoignage d'un OF", type=TypeRecit.TEMOIGNAGE, copil=True)
    f.RecitFactory(projet=monde["B"], titre="Portrait étranger", type=TypeRecit.PORTRAIT)
    client = _coord(monde, login)

    response = client.get(_url("recit_list", monde), {"type": "portrait"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Portrait de Léa" in content and "Carnet de mars" not in content and "Portrait étranger" not in content
    assert response.context["paginator"].count == 1 and "1\u00a0récit<" in content

    response = client.get(_url("recit_list", monde), {"a_presenter_copil": "oui"})
    assert {r.titre for r in response.context["recits"]} == {"Carnet de mars", "Témoignage d'un OF"}
    assert "2\u00a0récits" in response.content.decode()

    response = client.get(_url("recit_list", monde), {"a_presenter_copil": "non"})
    assert [r.titre for r in response.context["recits"]] == ["Portrait de Léa"]

    response = client.get(_url("recit_list", monde), {"q": "carnet"})
    assert [r.titre for r in response.context["recits"]] == ["Carnet de mars"]


def test_list_pagination_keeps_filters(monde, login):
    for i in range(30):
        f.RecitFactory(projet=monde["A"], titre=f"Moment {i:02d}", type=TypeRecit.MOMENT_CLE)
    response = _coord(monde, login).get(_url("recit_list", monde), {"type": "moment_cle", "q": "moment"})
    assert response.context["paginator"].count == 30
    assert len(response.context["recits"]) == 25
    assert "type=moment_cle&amp;q=moment&amp;page=2" in response.content.decode()


def test_list_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    url = _url("recit_list", monde)
    auteur = monde["users"]["coordinateur"]
    for _ in range(3):
        f.RecitFactory(projet=monde["A"], auteur=auteur)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(url).context["recits"]) == 3
    for _ in range(27):
        f.RecitFactory(projet=monde["A"], auteur=f.UserFactory())
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(client.get(url).context["recits"]) == 25


def test_nav_shows_recits_to_coordinator_only(monde, login):
    lien = f'href="{_url("recit_list", monde)}"'
    assert lien in _coord(monde, login).get(_url("projet_accueil", monde)).content.decode()
    assert lien not in login(monde["users"]["financeur"]).get(_url("projet_accueil", monde)).content.decode()


# ---------------------------------------------------------------- page


def test_detail_renders_sanitised_markdown_and_links(monde, login):
    apprenant = f.ApprenantFactory(projet=monde["A"], consentant=True, prenom="Inès", nom="Martin")
    recit = f.RecitFactory(
        projet=monde["A"],
        titre="Inès à l'atelier",
        texte='**Un pas**\n\n- CV\n- permis\n\n<script>alert(1)</script><img src="http://pisteur.example/x.png" onerror="alert(2)">'
        '<iframe src="https://x.example"></iframe>[ok](https://greta.example) [non](javascript:alert(3))',
    )
    recit.apprenants.add(apprenant)
    content = _coord(monde, login).get(_url("recit_detail", monde, recit.pk)).content.decode()
    assert "<strong>Un pas</strong>" in content and "<li>CV</li>" in content
    assert '<a href="https://greta.example" rel="noopener noreferrer nofollow">ok</a>' in content
    for interdit in ("alert(", "pisteur.example", "onerror", "<iframe", "javascript:"):
        assert interdit not in content
    assert "Inès Martin" in content
    assert reverse("apprenant_detail", args=[monde["A"].pk, apprenant.pk]) in content


# ---------------------------------------------------------------- create / edit


def test_create_recit_with_links(monde, login):
    apprenant = f.ApprenantFactory(projet=monde["A"], consentant=True)
    organisation = f.OrganisationFactory(projet=monde["A"])
    activite = f.ActiviteFactory(projet=monde["A"])
    data = _donnees(apprenants=[apprenant.pk], organisations=[organisation.pk], activites=[activite.pk], a_presenter_copil="on")
    response = _coord(monde, login).post(_url("recit_create", monde), data)
    recit = Recit.objects.get(titre="Le premier jour")
    assert response.status_code == 302
    assert response.url == _url("recit_detail", monde, recit.pk)
    assert recit.projet == monde["A"] and recit.auteur == monde["users"]["coordinateur"]
    assert recit.a_presenter_copil is True and recit.date == date(2025, 4, 10)
    assert list(recit.apprenants.all()) == [apprenant]
    assert list(recit.organisations.all()) == [organisation]
    assert list(recit.activites.all()) == [activite]


def test_create_form_offers_only_the_project_rows(monde, login):
    ici = f.ApprenantFactory(projet=monde["A"], consentant=True)
    ailleurs = f.ApprenantFactory(projet=monde["B"], consentant=True)
    activite_b = f.ActiviteFactory(projet=monde["B"])
    form = _coord(monde, login).get(_url("recit_create", monde)).context["form"]
    assert ici in form.fields["apprenants"].queryset
    assert ailleurs not in form.fields["apprenants"].queryset
    assert activite_b not in form.fields["activites"].queryset


def test_create_refused_without_consent_names_the_learner_and_changes_nothing(monde, login):
    d_accord = f.ApprenantFactory(projet=monde["A"], consentant=True, prenom="Alice", nom="Accord")
    refus = f.ApprenantFactory(projet=monde["A"], prenom="Bruno", nom="Sanslaccord")
    avant = Recit.objects.count()
    response = _coord(monde, login).post(_url("recit_create", monde), _donnees(apprenants=[d_accord.pk, refus.pk]))
    assert response.status_code == 200
    erreurs = response.context["form"].errors["apprenants"]
    assert len(erreurs) == 1
    assert "Bruno Sanslaccord n'a pas donné son consentement" in erreurs[0]
    assert "Alice" not in erreurs[0]
    assert "Bruno Sanslaccord n&#x27;a pas donné son consentement" in response.content.decode()
    assert Recit.objects.count() == avant


@pytest.mark.parametrize(
    ("champ", "titre", "texte"),
    [
        ("titre", "Le parcours de Karim Bensaïd", "Un beau parcours."),
        ("texte", "Un portrait", "Ce matin, **BENSAID Karim** a signé son contrat."),
    ],
    ids=["titre", "texte-nom-prenom-majuscules-sans-accent"],
)
def test_create_refused_when_the_text_names_a_learner_without_consent(monde, login, champ, titre, texte):
    f.ApprenantFactory(projet=monde["A"], prenom="Karim", nom="Bensaïd")
    avant = Recit.objects.count()
    response = _coord(monde, login).post(_url("recit_create", monde), _donnees(titre=titre, texte=texte))
    assert response.status_code == 200
    assert "Karim Bensaïd n'a pas donné son consentement" in response.context["form"].errors[champ][0]
    assert Recit.objects.count() == avant


def test_the_text_may_name_a_consenting_learner_or_another_projects_person(monde, login):
    f.ApprenantFactory(projet=monde["A"], consentant=True, prenom="Alice", nom="Accord")
    f.ApprenantFactory(projet=monde["B"], prenom="Karim", nom="Bensaïd")  # not a learner of A
    f.ApprenantFactory(projet=monde["A"], prenom="Karim", nom="Autre")  # first name alone is no name
    response = _coord(monde, login).post(
        _url("recit_create", monde), _donnees(titre="Alice Accord et Karim Bensaïd", texte="Karim a témoigné.")
    )
    assert response.status_code == 302
    assert Recit.objects.filter(titre="Alice Accord et Karim Bensaïd").exists()


def test_update_refused_without_consent_changes_nothing(monde, login):
    recit = f.RecitFactory(projet=monde["A"], titre="Avant")
    consentant = f.ApprenantFactory(projet=monde["A"], consentant=True)
    recit.apprenants.add(consentant)
    refus = f.ApprenantFactory(projet=monde["A"])
    response = _coord(monde, login).post(_url("recit_update", monde, recit.pk), _donnees(titre="Après", apprenants=[refus.pk]))
    assert response.status_code == 200
    assert "apprenants" in response.context["form"].errors
    recit.refresh_from_db()
    assert recit.titre == "Avant"
    assert list(recit.apprenants.all()) == [consentant]


@pytest.mark.parametrize(
    ("champ", "fabrique", "message"),
    [
        ("apprenants", lambda p: f.ApprenantFactory(projet=p, consentant=True), "Un des apprenants choisis n'appartient pas à ce projet."),
        ("organisations", lambda p: f.OrganisationFactory(projet=p), "Une des organisations choisies n'appartient pas à ce projet."),
        ("activites", lambda p: f.ActiviteFactory(projet=p), "Une des activités choisies n'appartient pas à ce projet."),
    ],
)
def test_rows_of_another_project_cannot_be_linked(monde, login, champ, fabrique, message):
    etranger = fabrique(monde["B"])
    avant = Recit.objects.count()
    response = _coord(monde, login).post(_url("recit_create", monde), _donnees(**{champ: [etranger.pk]}))
    assert response.status_code == 200
    assert response.context["form"].errors[champ] == [message]
    assert Recit.objects.count() == avant


def test_update_recit(monde, login):
    recit = f.RecitFactory(projet=monde["A"], titre="Brouillon", auteur=monde["users"]["administrateur"])
    organisation = f.OrganisationFactory(projet=monde["A"])
    client = _coord(monde, login)
    assert client.get(_url("recit_update", monde, recit.pk)).context["form"]["titre"].value() == "Brouillon"
    response = client.post(
        _url("recit_update", monde, recit.pk), _donnees(titre="Version finale", type="portrait", organisations=[organisation.pk])
    )
    assert response.status_code == 302
    recit.refresh_from_db()
    assert recit.titre == "Version finale" and recit.type == TypeRecit.PORTRAIT
    assert list(recit.organisations.all()) == [organisation]
    assert recit.auteur == monde["users"]["administrateur"]  # the author stays the one who wrote it


def test_required_fields_have_french_messages(monde, login):
    response = _coord(monde, login).post(_url("recit_create", monde), {"type": "temoignage"})
    erreurs = response.context["form"].errors
    assert erreurs["titre"] == ["Ce champ est obligatoire."]
    assert erreurs["texte"] == ["Ce champ est obligatoire."]


def test_partner_and_funder_cannot_post(monde, login):
    for role in ("partenaire", "financeur"):
        response = login(monde["users"][role]).post(_url("recit_create", monde), _donnees())
        assert response.status_code == 403
    assert not Recit.objects.exists()


# ---------------------------------------------------------------- the service


def test_service_refuses_learner_without_consent(monde):
    apprenant = f.ApprenantFactory(projet=monde["A"], prenom="Zoé", nom="Refus")
    recit = Recit(titre="x", type=TypeRecit.TEMOIGNAGE, texte="x", date=date(2025, 1, 1))
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_recit(recit=recit, projet=monde["A"], by=monde["users"]["coordinateur"], apprenants=[apprenant])
    assert "Zoé Refus" in erreur.value.message_dict["apprenants"][0]
    assert not Recit.objects.exists()


def test_service_refuses_rows_of_another_project(monde):
    recit = Recit(titre="x", type=TypeRecit.TEMOIGNAGE, texte="x", date=date(2025, 1, 1))
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_recit(recit=recit, projet=monde["A"], by=None, organisations=[f.OrganisationFactory(projet=monde["B"])])
    assert "organisations" in erreur.value.message_dict
    assert not Recit.objects.exists()
