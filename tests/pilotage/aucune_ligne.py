"""What a funder reads holds aggregates only: the checks shared by the demo's and the generated
project's tests (test_financeur_demo.py, test_financeur_genere.py).

A funder's files are read back as a funder would (pypdf, openpyxl) and searched for every
learner's reference, name and date of birth; its pages are searched for « < 5 » standing for 5
people or more, and must carry the legend wherever « s » is used."""

from __future__ import annotations

import html as html_lib
import io
import re

import openpyxl
import pypdf
from django.template.loader import render_to_string
from django.urls import reverse

from conciergerie.formats import date_courte, date_longue
from conciergerie.roles import Role
from parcours.models import Apprenant
from pilotage import pdf, rapports
from pilotage.indicateurs import Periode, calculer
from pilotage.models import Destinataire
from recits.models import Copil

FIGURE = re.compile(r'data-indicateur="([a-z_0-9]+)">(.*?)</dd>', re.S)
# the dashboard's figures that are one count (the others pair a count and a rate)
COMPTES = {
    "accompagnes": ("apprenants", "accompagnes"),
    "nouveaux": ("apprenants", "nouveaux"),
    "actifs": ("apprenants", "actifs"),
    "sortis": ("apprenants", "sortis"),
    "etapes": ("etapes", "total"),
    "formations": ("etapes", "formations"),
    "total_sortie": ("sorties", "total_sortie"),
    "total_6_mois": ("sorties", "total_6_mois"),
    "places": ("sessions", "apprenants_places"),
}
LEGENDE = "« < 5 » : moins de 5 personnes ; « s » : secret statistique"


def _texte(texte: str) -> str:
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


def traces(apprenants) -> set[str]:
    """What would point at one learner: its reference, full name, name, date of birth."""
    secrets = set()
    for a in apprenants:
        secrets |= {a.reference, f"{a.prenom} {a.nom}", f"{a.nom} {a.prenom}"}
        if len(a.nom) >= 4:
            secrets.add(a.nom)
        if a.date_naissance:
            # every way a date is written (conciergerie.formats), and the data files' own
            secrets |= {
                f"{a.date_naissance:%d/%m/%Y}",
                a.date_naissance.isoformat(),
                date_courte(a.date_naissance),
                date_longue(a.date_naissance),
            }
    return {s for s in secrets if s}


def verifier_sans_personne(texte: str, apprenants) -> None:
    texte = _texte(texte)
    for secret in traces(apprenants):
        assert secret not in texte, f"« {secret} » dans un document de financeur"


def texte_pdf(contenu: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(contenu)).pages)


def texte_classeur(contenu: bytes) -> tuple[str, list]:
    wb = openpyxl.load_workbook(io.BytesIO(contenu))
    cellules = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    return " ".join(str(v) for v in cellules), cellules


def pdf_du_comite(copil: Copil) -> str:
    """The committee's rendering (what a funder downloads), as text."""
    html = render_to_string("pilotage/rapport_pdf.html", rapports.contexte_rapport(copil=copil, destinataire=Destinataire.FINANCEURS))
    assert "Parcours marquants" not in html
    texte = texte_pdf(pdf.rendre_pdf(html))
    assert LEGENDE in _texte(texte)
    return texte


def verifier_page(html: str, projet, periode: Periode) -> None:
    """A funder's dashboard: « < 5 » only for 1 to 4, the legend where « s » is used."""
    clair = calculer([projet], periode)
    for cle, valeur in FIGURE.findall(html):
        valeur = html_lib.unescape(re.sub(r"<[^>]+>", "", valeur)).strip()
        if cle in COMPTES and valeur == "< 5":
            section, champ = COMPTES[cle]
            assert 0 < getattr(getattr(clair, section), champ).valeur < 5, cle
    if re.search(r">\s*s\s*<", html):
        assert html_lib.unescape(LEGENDE.replace("<", "&lt;")) in html or LEGENDE.replace("<", "&lt;") in html


def verifier_financeur(client, user, projets, apprenants, periode: Periode) -> None:
    """Every page and file of ``user`` (a funder of ``projets``) for ``periode``."""
    params = {"debut": periode.debut.isoformat(), "fin": periode.fin.isoformat()}
    for projet in projets:
        html = client.get(reverse("tableau_de_bord", args=[projet.pk]), params).content.decode()
        verifier_sans_personne(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)), apprenants)
        verifier_page(html, projet, periode)
    synthese = client.get(reverse("synthese"), params)
    if synthese.status_code == 200:
        html = synthese.content.decode()
        verifier_sans_personne(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)), apprenants)
        if re.search(r">\s*s\s*<", html):
            assert "secret statistique" in html
    reponse = client.get(reverse("synthese_bilan"), params)
    assert reponse.status_code == 200
    texte, cellules = texte_classeur(b"".join(reponse.streaming_content))
    verifier_sans_personne(texte, apprenants)
    if "s" in cellules or "< 5" in cellules:
        assert LEGENDE in texte


def financeurs(projet):
    return [a.user for a in projet.adhesions.filter(role=Role.FINANCEUR).select_related("user")]


def apprenants_de(projets):
    return list(Apprenant.objects.filter(projet__in=projets))
