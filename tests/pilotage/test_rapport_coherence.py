"""The dashboard and the COPIL PDF show the same numbers for the same period (the funder's view,
masked below 5 people): every figure the dashboard marks with ``data-indicateur`` has the same
value in the report's HTML, and each of them is printed in the PDF."""

import html as html_lib
import io
import re
from datetime import date as D
from decimal import Decimal

import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from parcours.models import ResultatSortie, TypeEtape, TypeSortie
from pilotage import pdf, rapports
from tests import factories as f

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'data-indicateur="([a-z_0-9]+)">(.*?)</dd>', re.S)


def _figures(html: str) -> dict[str, str]:
    return {cle: " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", valeur)).split()) for cle, valeur in FIGURE.findall(html)}


def _normaliser(texte: str) -> str:
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def copil(monde):
    projet = monde["A"]
    of = f.OrganisationFactory(projet=projet, type="organisme_formation")
    for i in range(9):
        apprenant = f.ApprenantFactory(projet=projet, qpv=i % 3 == 0, zrr=i % 2 == 0, date_entree=D(2025, 2, 1))
        parcours = f.ParcoursFactory(apprenant=apprenant, date_debut=D(2025, 2, 1))
        type_ = TypeEtape.FORMATION_CERTIFIANTE if i < 6 else TypeEtape.PRE_QUALIFICATION
        code = {"code_rncp": "RNCP37873"} if type_ == TypeEtape.FORMATION_CERTIFIANTE else {}
        f.EtapeFactory(parcours=parcours, type=type_, organisation=of, date_debut=D(2025, 3, 1), heures_prevues=Decimal("120"), **code)
        f.FreinFactory(apprenant=apprenant, leve=i < 4, leve_le=D(2025, 4, 1) if i < 4 else None, identifie_le=D(2025, 2, 1))
        if i < 6:
            f.SortieFactory(parcours=parcours, type=TypeSortie.SORTIE, resultat=ResultatSortie.EMPLOI_DURABLE, date=D(2025, 6, 1))
    financement = f.FinancementFactory(projet=projet, financeur=monde["adhesions"]["financeur"].organisation, plafonne=True)
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement), montant=Decimal("5000.00"))
    f.TempsBenevoleFactory(projet=projet, financement=financement, heures=Decimal("40"), taux_horaire=Decimal("20.00"))
    return f.CopilFactory(projet=projet, periode_debut=D(2025, 1, 1), periode_fin=D(2025, 6, 30))


def test_dashboard_and_pdf_show_the_same_figures(copil, monde, login):
    tableau = login(monde["users"]["financeur"]).get(
        reverse("tableau_de_bord", args=[copil.projet_id]), {"debut": "2025-01-01", "fin": "2025-06-30"}
    )
    figures_tableau = _figures(tableau.content.decode())
    html_rapport = render_to_string("pilotage/rapport_pdf.html", rapports.contexte_rapport(copil=copil))
    figures_rapport = _figures(html_rapport)

    assert len(figures_tableau) >= 20
    assert figures_rapport == figures_tableau
    # the data is rich enough for the comparison to mean something: real counts and masked ones
    assert figures_tableau["accompagnes"] == "11"  # these 9 and the 2 of ``monde``
    assert figures_tableau["total_sortie"] == "6"
    assert any(v.startswith("< 5") for v in figures_tableau.values())

    texte = _normaliser(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.rendre_pdf(html_rapport))).pages))
    for cle, valeur in figures_tableau.items():
        assert _normaliser(valeur) in texte, f"{cle} = {valeur!r} absent du PDF"


ARGENT = {"accorde", "depense", "recu", "a_demander", "valorise", "compte", "au_dela"}


def test_with_two_funders_the_report_shows_the_committee_its_whole_budget(copil, monde, login):
    """The COPIL report is the committee's document, as in the minutes (« Gilles présente le
    bilan qualitatif et financier » to every partner and funder): its money is that of every
    funding of the project. A funder's dashboard shows the money of its own fundings only; every
    other figure is the same in both."""
    f.FinancementFactory(projet=copil.projet, programme="Fondation", montant_accorde=Decimal("15000.00"))
    tableau = login(monde["users"]["financeur"]).get(
        reverse("tableau_de_bord", args=[copil.projet_id]), {"debut": "2025-01-01", "fin": "2025-06-30"}
    )
    figures_tableau = _figures(tableau.content.decode())
    figures_rapport = _figures(render_to_string("pilotage/rapport_pdf.html", rapports.contexte_rapport(copil=copil)))
    assert {k: v for k, v in figures_tableau.items() if k not in ARGENT} == {k: v for k, v in figures_rapport.items() if k not in ARGENT}
    assert figures_tableau["accorde"] == "100 000,00 €"
    assert figures_rapport["accorde"] == "115 000,00 €"
