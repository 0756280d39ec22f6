"""What the finance pages draw: the volunteer gauge's three colours, the engineering flag, and
the receipts a funder may not open.

Every funding here: 7 000 € spent, 30 % volunteer cap → at most 3 000 € of volunteer time can be
counted (30 / 70 × 7 000); the gauge turns orange at 2 700 € (90 % of the limit) and red above
3 000 €. Engineering: 20 % of the 100 000 € granted → 20 000 €.
"""

import re
from decimal import Decimal as Dec
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
FINE = "\u202f"  # between thousands


def _financement(monde, valorise: Dec, **kw):
    """A capped funding of the financeur's organisation with 7 000 € spent and ``valorise`` € of
    counted volunteer time (one line: 1 h at ``valorise`` €/h, exact to the cent)."""
    fin = f.FinancementFactory(projet=monde["A"], financeur=monde["adhesions"]["financeur"].organisation, plafonne=True, **kw)
    f.DepenseFactory(ligne__financement=fin, montant=Dec("7000.00"))
    if valorise:
        f.TempsBenevoleFactory(projet=monde["A"], financement=fin, heures=Dec("1"), taux_horaire=valorise)
    return fin


def _jauge(html: str) -> str:
    """The gauge's <figure> (one funding on the page)."""
    debut = html.index('<figure class="jauge')
    return html[debut : html.index("</figure>", debut) + len("</figure>")]


def _classe(figure: str) -> str:
    return re.match(r'<figure class="([^"]+)">', figure).group(1)


def _largeur_barre(figure: str) -> str:
    return re.search(r'<rect x="0" y="4" width="([\d.]+)" height="20" rx="4" class="jauge-barre"/>', figure).group(1)


def _page(client, monde, fin):
    return client.get(reverse("financement_detail", args=[monde["A"].pk, fin.pk])).content.decode()


@pytest.mark.parametrize("role", ["coordinateur", "financeur"])
def test_jauge_sous_90_pour_cent_couleur_normale(monde, login, role):
    fin = _financement(monde, Dec("2000.00"))  # 66,67 % of the limit
    figure = _jauge(_page(login(monde["users"][role]), monde, fin))
    assert _classe(figure) == "jauge jauge-ok"
    assert "<svg" in figure and 'class="jauge-barre"' in figure
    assert _largeur_barre(figure) == "66.7"  # 2 000 / (7 000 + 2 000) = 22,22 % of 300 px
    assert "Plafond bientôt atteint" not in figure and "Plafond dépassé" not in figure
    assert f'<dd class="au-dela">0,00{NBSP}€</dd>' in figure


@pytest.mark.parametrize(
    ("valorise", "utilisation"),
    [
        (Dec("2700.00"), f"90{NBSP}%"),  # exactly 90 % of the cap: orange already
        (Dec("2760.00"), f"92{NBSP}%"),
        (Dec("3000.00"), f"100{NBSP}%"),  # exactly the cap: still counted in full, not red
    ],
)
@pytest.mark.parametrize("role", ["coordinateur", "financeur"])
def test_jauge_entre_90_pour_cent_et_le_plafond_orange(monde, login, role, valorise, utilisation):
    fin = _financement(monde, valorise)
    figure = _jauge(_page(login(monde["users"][role]), monde, fin))
    assert _classe(figure) == "jauge jauge-orange"
    assert f'<p class="badge orange" role="status">Plafond bientôt atteint : {utilisation} du plafond</p>' in figure
    assert "Plafond dépassé" not in figure
    assert f'<dd class="au-dela">0,00{NBSP}€</dd>' in figure


def test_jauge_juste_sous_90_pour_cent_reste_normale(monde, login):
    fin = _financement(monde, Dec("2699.99"))
    assert _classe(_jauge(_page(login(monde["users"]["coordinateur"]), monde, fin))) == "jauge jauge-ok"


@pytest.mark.parametrize(
    ("valorise", "au_dela", "utilisation"),
    [
        (Dec("3000.01"), f"0,01{NBSP}€", f"100{NBSP}%"),  # one cent beyond: red
        (Dec("3500.00"), f"500,00{NBSP}€", f"116,7{NBSP}%"),
    ],
)
def test_jauge_au_dela_du_plafond_rouge_avec_le_montant(monde, login, valorise, au_dela, utilisation):
    fin = _financement(monde, valorise)
    figure = _jauge(_page(login(monde["users"]["coordinateur"]), monde, fin))
    assert _classe(figure) == "jauge jauge-rouge"
    assert (
        f'<p class="badge alerte" role="status">Plafond dépassé : {au_dela} au-delà du plafond, non compté ({utilisation} du plafond)</p>'
        in figure
    )
    assert f'<dd class="au-dela">{au_dela}</dd>' in figure
    assert f"<dt>Compté</dt><dd>3{FINE}000,00{NBSP}€" in figure  # the limit, never more
    assert "Plafond bientôt atteint" not in figure


def test_couleurs_de_la_jauge_dans_la_feuille_de_style():
    """The SVG bar takes its colour from the figure's class: orange and red are really drawn."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.jauge-orange \.jauge-barre \{ fill: #f79009; \}", css)
    assert re.search(r"\.jauge-rouge \.jauge-barre \{ fill: var\(--alerte\); \}", css)
    assert re.search(r"\.jauge-barre \{ fill: var\(--accent\); \}", css)


def test_page_finances_une_jauge_par_financement_avec_sa_couleur(monde, login):
    vert = _financement(monde, Dec("1000.00"), intitule="Vert")
    orange = _financement(monde, Dec("2800.00"), intitule="Orange")
    rouge = _financement(monde, Dec("4000.00"), intitule="Rouge")
    html = login(monde["users"]["coordinateur"]).get(reverse("finances", args=[monde["A"].pk])).content.decode()
    for fin, classe in ((vert, "jauge-ok"), (orange, "jauge-orange"), (rouge, "jauge-rouge")):
        debut = html.index(f'id="f-{fin.pk}"')
        assert _classe(_jauge(html[debut:])) == f"jauge {classe}", fin.intitule


# --- engineering ------------------------------------------------------------------------------


def _ingenierie(monde, montant: Dec):
    fin = f.FinancementFactory(projet=monde["A"], financeur=monde["adhesions"]["financeur"].organisation, plafonne=True)
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=fin, ingenierie=True), montant=montant)
    return fin


def _section_ingenierie(html: str) -> str:
    debut = html.index('<section class="synthese-ingenierie">')
    return html[debut : html.index("</section>", debut)]


@pytest.mark.parametrize("role", ["coordinateur", "financeur"])
def test_ingenierie_au_dela_du_plafond_signalee(monde, login, role):
    fin = _ingenierie(monde, Dec("25000.00"))
    section = _section_ingenierie(_page(login(monde["users"][role]), monde, fin))
    assert f"25{FINE}000,00{NBSP}€ dépensés, 25{NBSP}% du montant accordé (plafond 20{NBSP}%, soit 20{FINE}000,00{NBSP}€)." in section
    assert f'<p class="badge alerte" role="status">Ingénierie au-delà du plafond : 5{FINE}000,00{NBSP}€</p>' in section


@pytest.mark.parametrize("montant", [Dec("15000.00"), Dec("20000.00")])
def test_ingenierie_sous_ou_au_plafond_sans_alerte(monde, login, montant):
    fin = _ingenierie(monde, montant)
    html = _page(login(monde["users"]["coordinateur"]), monde, fin)
    section = _section_ingenierie(html)
    assert "dépensés" in section and "(plafond 20" in section
    assert "Ingénierie au-delà du plafond" not in html


def test_ingenierie_signalee_sur_la_page_finances(monde, login):
    _ingenierie(monde, Dec("20000.01"))
    html = login(monde["users"]["coordinateur"]).get(reverse("finances", args=[monde["A"].pk])).content.decode()
    assert f"Ingénierie au-delà du plafond : 0,01{NBSP}€" in html


# --- receipts: not for funders ------------------------------------------------------------------


def test_justificatif_ni_lien_ni_telechargement_pour_le_financeur(monde, login):
    fin = _financement(monde, Dec("0"))
    depense = f.DepenseFactory(
        ligne__financement=fin, libelle="Bulletin de paie mars", justificatif=ContentFile(b"%PDF-1.4 paie", name="paie.pdf")
    )
    url = reverse("depense_justificatif", args=[monde["A"].pk, depense.pk])
    financeur, coordinateur = login(monde["users"]["financeur"]), login(monde["users"]["coordinateur"])

    page = _page(financeur, monde, fin)
    assert "Bulletin de paie mars" in page  # the expense itself is shown
    assert url not in page and "Télécharger" not in page
    assert re.search(r"<td>Fourni</td>", page)
    response = financeur.get(url)
    assert response.status_code == 403
    assert b"%PDF" not in response.content

    assert f'href="{url}"' in _page(coordinateur, monde, fin)
    response = coordinateur.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 paie"
