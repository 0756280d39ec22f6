"""Security headers: a strict Content-Security-Policy and a Permissions-Policy on every page,
``Cache-Control: private, no-store`` on every response to a logged-in user; templates hold
nothing the policy would block (tests/browser/test_securite.py checks it in a browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    politique = response["Content-Security-Policy"]
    return {nom: valeurs for nom, *valeurs in (partie.split() for partie in politique.split(";") if partie.strip())}


@pytest.fixture
def coordination(db, login):
    adhesion = f.AdhesionFactory(coordinateur=True)
    projet = adhesion.projet
    apprenant = f.ApprenantFactory(projet=projet)
    return {"client": login(adhesion.user), "projet": projet, "apprenant": apprenant}


def pages(projet, apprenant):
    return [
        reverse("projet_accueil", args=[projet.pk]),
        reverse("mes_projets"),
        reverse("apprenant_list", args=[projet.pk]),
        reverse("apprenant_detail", args=[projet.pk, apprenant.pk]),
        reverse("apprenant_create", args=[projet.pk]),
        reverse("tableau_de_bord", args=[projet.pk]),
        reverse("finances", args=[projet.pk]),
    ]


def test_every_page_has_the_strict_policy(coordination):
    client, projet = coordination["client"], coordination["projet"]
    for url in pages(projet, coordination["apprenant"]):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = directives(response)
        assert csp["default-src"] == ["'self'"], url
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"], url
        assert csp["form-action"] == ["'self'"], url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"], url
        assert "microphone=()" in response["Permissions-Policy"], url


def test_the_login_page_and_error_pages_have_it_too(client, db, coordination):
    connexion = client.get(reverse("connexion"))
    assert directives(connexion)["script-src"] == ["'self'"]
    assert "camera=()" in connexion["Permissions-Policy"]
    introuvable = coordination["client"].get("/p/999999/")
    assert introuvable.status_code == 404
    assert directives(introuvable)["default-src"] == ["'self'"]


def test_pages_and_downloads_of_a_logged_in_user_are_not_stored(coordination):
    client, projet = coordination["client"], coordination["projet"]
    fiche = client.get(reverse("apprenant_detail", args=[projet.pk, coordination["apprenant"].pk]))
    assert fiche["Cache-Control"] == "private, no-store"
    # an htmx fragment of the list too
    fragment = client.get(reverse("apprenant_list", args=[projet.pk]), headers={"HX-Request": "true"})
    assert fragment["Cache-Control"] == "private, no-store"
    depense = f.DepenseFactory(ligne__financement__projet=projet, avec_justificatif=True)
    justificatif = client.get(reverse("depense_justificatif", args=[projet.pk, depense.pk]))
    assert justificatif.status_code == 200
    assert justificatif["Content-Disposition"].startswith("attachment")
    assert justificatif["Cache-Control"] == "private, no-store"
    b"".join(justificatif.streaming_content)


def test_anonymous_pages_and_static_files_keep_their_cache(client, db):
    # the rule is the user's, not the page's: /sante/ says nothing (the login page has Django's never_cache)
    assert "Cache-Control" not in client.get(reverse("sante"))
    statique = client.get("/static/css/app.css")
    assert statique.status_code == 200
    assert "no-store" not in statique.get("Cache-Control", "")


def test_htmx_is_configured_without_eval_nor_inline_styles(coordination):
    html = coordination["client"].get(reverse("mes_projets")).content.decode()
    assert (
        """<meta name="htmx-config" content='{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"""
        """"historyCacheSize":0,"refreshOnHistoryMiss":true}'>"""
    ) in html
    # the vendored htmx reads that meta and knows these settings
    htmx = (ROOT / "static" / "vendor" / "htmx.min.js").read_text(encoding="utf-8")
    assert "querySelector('meta[name=\"htmx-config\"]')" in htmx
    for reglage in (
        "allowEval:true",
        "allowScriptTags:true",
        "includeIndicatorStyles:true",
        "historyCacheSize:10",
        "refreshOnHistoryMiss:false",
    ):
        assert reglage in htmx, reglage


# --- the templates --------------------------------------------------------------------------

#: templates that are not pages the app serves, so that no Content-Security-Policy applies: the
#: COPIL report (HTML turned into a PDF by WeasyPrint) and the daily e-mail (inline styles are
#: what e-mail clients read)
# the PDFs (WeasyPrint reads them, no browser: no CSP) and the e-mail
PAS_DES_PAGES = {"pilotage/rapport_pdf.html", "pilotage/emargement_pdf.html", "conciergerie/email_resume.html"}

INTERDITS = {
    "inline event handler": re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE),
    "htmx hx-on (needs eval)": re.compile(r"""\b(?:data-)?hx-on\b""", re.IGNORECASE),
    "inline <script>": re.compile(r"""<script\b(?![^>]*\bsrc\s*=)[^>]*>""", re.IGNORECASE),
    "javascript: URL": re.compile(r"""javascript:""", re.IGNORECASE),
    "js: value (needs eval)": re.compile(r"""hx-(?:vals|vars)\s*=\s*['"]\s*js:""", re.IGNORECASE),
}
INTERDITS_DANS_LES_PAGES = {
    "style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "<style> element": re.compile(r"""<style\b""", re.IGNORECASE),
}


def gabarits():
    dossiers = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dossiers += [p for p in ROOT.glob("*/templates") if p.is_dir()]
    for dossier in dossiers:
        for chemin in sorted(dossier.rglob("*")):
            if chemin.is_file() and chemin.suffix in {".html", ".txt", ".svg", ".xml"}:
                yield chemin.relative_to(dossier).as_posix(), chemin


def test_the_scan_finds_what_it_looks_for():
    echantillon = """<select onchange="this.form.submit()"><a href="javascript:void(0)"><script>alert(1)</script>
    <div hx-on:click="x" hx-vals='js:{a: 1}' style="color: red"><style>p{}</style>"""
    for nom, motif in {**INTERDITS, **INTERDITS_DANS_LES_PAGES}.items():
        assert motif.search(echantillon), nom
    propre = """<script src="/static/js/conciergerie.js" defer></script><select data-soumettre-au-changement>
    <a href="?page=2" hx-get="?page=2" hx-trigger="change, input delay:400ms from:#id_q">"""
    for nom, motif in {**INTERDITS, **INTERDITS_DANS_LES_PAGES}.items():
        assert not motif.search(propre), nom


def test_no_template_holds_what_the_policy_blocks():
    trouves = []
    vus = 0
    for nom, chemin in gabarits():
        vus += 1
        texte = chemin.read_text(encoding="utf-8")
        motifs = dict(INTERDITS)
        if nom not in PAS_DES_PAGES:
            motifs |= INTERDITS_DANS_LES_PAGES
        for quoi, motif in motifs.items():
            for m in motif.finditer(texte):
                ligne = texte.count("\n", 0, m.start()) + 1
                trouves.append(f"{nom}:{ligne}: {quoi}")
    assert vus > 50
    assert trouves == []
    assert {nom for nom, _ in gabarits()} >= PAS_DES_PAGES
