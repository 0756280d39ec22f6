"""axe-core on every main page of each role (tests/browser/pages_principales.py): 0 violation of
the WCAG 2.1 A and AA rules (RGAA 4.1 rests on them).

axe-core's script is the copy the test dependency axe-playwright-python ships (``axe.min.js`` in
its package directory), injected into each page: nothing is fetched from the network. The
Content-Security-Policy stays on (it refuses inline scripts, so ``page.add_script_tag(content=…)``
is blocked): the script is evaluated through the DevTools protocol (``page.evaluate``), which
the policy does not govern, then run with ``axe.run``.
"""

from pathlib import Path

import axe_playwright_python
import pytest

from tests.browser.pages_principales import ROLES, USERNAMES, creer_donnees, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
REGLES_WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    resultats = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": REGLES_WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return resultats["violations"]


def decrire(violations: list[dict]) -> str:
    lignes = []
    for v in violations:
        cibles = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lignes.append(f"  {v['id']} ({v['impact']}, {len(v['nodes'])} élément(s)) : {' | '.join(cibles)}")
    return "\n".join(lignes)


def test_axe_finds_a_violation_it_is_shown(live_server, page):
    """The check can fail: an image without text alternative and an unlabelled field are reported."""
    page.goto(f"{live_server.url}/connexion/")
    page.evaluate(
        "() => { const m = document.querySelector('main'); m.insertAdjacentHTML('beforeend', "
        '\'<input type="text" id="sans-nom"><img src="/static/x.png">\'); }'
    )
    ids = {v["id"] for v in violations_axe(page)}
    assert {"label", "image-alt"} <= ids


def test_login_page_has_no_violation(live_server, page):
    page.goto(f"{live_server.url}/connexion/")
    violations = violations_axe(page)
    assert not violations, "connexion :\n" + decrire(violations)


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_wcag_violation(role, connecter, live_server):
    donnees = creer_donnees()
    page = connecter(USERNAMES[role])
    page.set_default_timeout(15_000)
    echecs = []
    for nom, chemin in pages(role, donnees):
        reponse = page.goto(live_server.url + chemin)
        assert reponse.status == 200, f"{nom} ({chemin}) : {reponse.status}"
        violations = violations_axe(page)
        if violations:
            echecs.append(f"{nom} ({chemin}) :\n{decrire(violations)}")
    assert not echecs, f"{role} — violations WCAG 2.1 AA :\n" + "\n".join(echecs)


def test_what_a_phone_unfolds_has_no_violation(connecter, live_server):
    """axe-core skips what is hidden: on a phone, with the menu, the filters and each chart's
    « Voir les données » unfolded (clicked open), the pages are checked again."""
    donnees = creer_donnees()
    page = connecter("coord")
    page.set_viewport_size({"width": 390, "height": 844})
    echecs, ouverts = [], 0
    noms = {"liste des apprenants", "finances", "un financement", "tableau de bord", "activités", "un COPIL"}
    for nom, chemin in pages("coordinateur", donnees):
        if nom not in noms:
            continue
        page.goto(live_server.url + chemin)
        page.get_by_role("button", name="Menu").click()
        resumes = page.locator("main details > summary")
        for i in range(resumes.count()):
            resumes.nth(i).click()
            ouverts += 1
        assert page.locator("main details:not([open])").count() == 0
        violations = violations_axe(page)
        if violations:
            echecs.append(f"{nom} ({chemin}) :\n{decrire(violations)}")
    assert ouverts >= 6, "les filtres (2 listes) et les données des graphiques (4 au tableau de bord) se déplient"
    assert not echecs, "déplié sur un téléphone — violations :\n" + "\n".join(echecs)
