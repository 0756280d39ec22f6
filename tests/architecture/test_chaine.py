"""The dependency chain beyond Python imports (which `lint-imports` checks in `make test`, see
pyproject.toml): a template, a template name or a URL name used by an app belongs to that app or
to an app on its left. A lower app reaches a higher one only through a documented hook (the home
providers, the page sections of ``conciergerie/sections.py``); an exception would be listed in
EXCEPTIONS with its reason (there is none).

Apps, left to right: conciergerie <- partenaires <- parcours <- finances <- recits <- competences <- badges <- pilotage <- rgpd <- demo.
The project's composition root (``templates/layout/``, the error pages, ``conciergerie/urls.py``,
``settings.py``) assembles every app and is not an app's code.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

RACINE = Path(__file__).resolve().parents[2]
CHAINE = ["conciergerie", "partenaires", "parcours", "finances", "recits", "competences", "badges", "pilotage", "rgpd", "demo"]
RANG = {app: i for i, app in enumerate(CHAINE)}

#: (file relative to the root, what it names) -> why a lower app may name a higher one there
EXCEPTIONS: dict[tuple[str, str], str] = {}

URL = re.compile(r"""\{%\s*url\s+["']([\w:-]+)["']""")
TEMPLATE_HTML = re.compile(r"""\{%\s*(?:include|extends)\s+["']([\w/.-]+\.html)["']""")
TEMPLATE_PY = re.compile(r"""["']([a-z_]+/[\w.-]+\.html)["']""")
URL_PY = re.compile(r"""\b(?:reverse|reverse_lazy|redirect|resolve_url)\(\s*["']([\w:-]+)["']""")


def _apps_des_urls() -> dict[str, str]:
    """URL name -> app of the view it names (from the view's module)."""
    noms: dict[str, str] = {}

    def parcourir(motifs):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                parcourir(motif.url_patterns)
            elif isinstance(motif, URLPattern) and motif.name:
                vue = getattr(motif.callback, "view_class", motif.callback)
                app = vue.__module__.split(".")[0]
                if app in RANG:  # Django's own views (the login page) belong to no app of the chain
                    noms[motif.name] = app

    parcourir(get_resolver().url_patterns)
    return noms


def _app_du_template(nom: str) -> str | None:
    app = nom.split("/")[0]
    return app if app in RANG else None


def _fichiers():
    """(app, file) of every template and Python module of the apps."""
    for app in CHAINE:
        for chemin in sorted((RACINE / "templates" / app).rglob("*.html")):
            yield app, chemin
        for chemin in sorted((RACINE / app).rglob("*.py")):
            if "migrations" not in chemin.parts:
                yield app, chemin


def _references(chemin: Path, apps_des_urls):
    """(kind, name, app) of every template and URL name the file uses."""
    texte = chemin.read_text(encoding="utf-8")
    if chemin.suffix == ".html":
        motifs_templates, motifs_urls = TEMPLATE_HTML, URL
    else:
        motifs_templates, motifs_urls = TEMPLATE_PY, URL_PY
    for nom in motifs_templates.findall(texte):
        yield "template", nom, _app_du_template(nom)
    for nom in motifs_urls.findall(texte):
        yield "url", nom, apps_des_urls.get(nom.split(":")[-1])


@pytest.mark.parametrize("app", CHAINE)
def test_templates_et_urls_suivent_la_chaine(app):
    apps_des_urls = _apps_des_urls()
    violations = []
    for app_fichier, chemin in _fichiers():
        if app_fichier != app:
            continue
        relatif = str(chemin.relative_to(RACINE))
        for genre, nom, app_cible in _references(chemin, apps_des_urls):
            if app_cible is None or RANG[app_cible] <= RANG[app]:
                continue
            if (relatif, nom) in EXCEPTIONS:
                continue
            violations.append(f"{relatif} nomme {genre} « {nom} » de {app_cible}")
    assert violations == []


def test_le_controle_voit_les_references():
    """The check reads what it should: the COPIL page's section hook and a dashboard link exist."""
    apps_des_urls = _apps_des_urls()
    assert apps_des_urls["tableau_de_bord"] == "pilotage"
    assert apps_des_urls["recit_detail"] == "recits"
    refs = set(_references(RACINE / "templates/pilotage/_copil_rapports.html", apps_des_urls))
    assert ("url", "rapport_demander", "pilotage") in refs


def test_les_exceptions_existent_encore():
    """An exception that no longer matches anything is removed (the list says what is true)."""
    apps_des_urls = _apps_des_urls()
    for relatif, nom in EXCEPTIONS:
        noms = {n for _, n, _ in _references(RACINE / relatif, apps_des_urls)}
        assert nom in noms, f"exception périmée : {relatif} → {nom}"
