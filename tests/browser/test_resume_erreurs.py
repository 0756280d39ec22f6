"""The error summary in a real browser: focused when the page comes back with errors, and a link
of it moves the focus to its field (components/resume_erreurs.html, static/js/conciergerie.js)."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_le_resume_des_erreurs_prend_le_focus_et_mene_au_champ(connecter):
    f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Apprenants").click()
    page.get_by_role("link", name="Nouvel apprenant").click()
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_role("button", name="Enregistrer").click()
    resume = page.get_by_role("alert").filter(has_text=re.compile(r"Le formulaire contient \d+ erreurs?"))
    expect(resume).to_be_focused()
    resume.get_by_role("link", name=re.compile(r"^Nom\b.*obligatoire")).click()
    expect(page.get_by_label(re.compile(r"^Nom\b"))).to_be_focused()
