"""The free-text guard on every form page, as the pages build their forms (tests/conciergerie/
test_texte_libre.py tests the guard itself). A module of its own: it reads the permission
matrix's world, created once for the module."""

import inspect

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from django.views.generic.edit import FormMixin

from conciergerie.forms import est_texte_libre
from conciergerie.validators import validate_sans_nir
from tests.conciergerie.test_permission_matrix import MATRICE, cible


@pytest.fixture
def monde(monde_du_module, db):
    return monde_du_module


def _pages_de_formulaire():
    """Each (URL name, target) of the permission matrix whose view is a form page and which the
    administrator opens (200)."""
    return sorted({(u, t) for u, t, attendus in MATRICE if attendus.get("administrateur") == 200})


def test_every_form_page_shows_guarded_free_text_fields(monde, login):
    """The forms as the pages build them (fields added per project or role included): on every
    form page of the matrix, each free-text field of the form (and of its formset) carries the
    guard."""
    client = login(monde["users"]["administrateur"])
    vues, sans = 0, []
    for url_name, target in _pages_de_formulaire():
        with transaction.atomic():  # what a target creates is undone before the next one
            vues += _verifier_page(client, monde, url_name, target, sans)
            transaction.set_rollback(True)
    assert vues > 20  # the walk met the apps' form pages
    assert sans == [], "champs de texte libre sans la garde"


def _verifier_page(client, monde, url_name, target, sans) -> int:
    url = reverse(url_name, kwargs=cible(monde, target))
    vue = getattr(resolve(url).func, "view_class", None)
    if vue is None or not (inspect.isclass(vue) and issubclass(vue, FormMixin)):
        return 0
    response = client.get(url)
    if response.status_code != 200 or response.context is None or "form" not in response.context:
        return 0
    formulaires = [response.context["form"]]
    if response.context.get("formset") is not None:
        formulaires += list(response.context["formset"].forms)
    for form in formulaires:
        form.full_clean()
        for nom, champ in form.fields.items():
            if est_texte_libre(champ) and validate_sans_nir not in champ.validators:
                sans.append(f"{url_name}: {type(form).__name__}.{nom}")
    return 1
