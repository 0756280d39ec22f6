"""The charts (conciergerie.graphiques, components/graphique_*.html): bars as long as their values,
words and figures in HTML (never scaled down with the drawing), and the data table after each
chart says what the chart says — on the page and in the COPIL PDF."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.template import Context, Template
from lxml import html as lxml_html

from conciergerie import graphiques
from pilotage import pdf
from pilotage.masquage import Effectif, Ligne

LIGNES = [
    Ligne("emploi", "Emploi durable", Effectif(12)),
    Ligne("formation", "Formation qualifiante", Effectif(6)),
    Ligne("autre", "Autre", Effectif(3, masque=True)),
    Ligne("rien", "Sans solution", Effectif(0)),
]


class Categorie:
    def __init__(self, libelle, prevu, depense):
        self.libelle, self.prevu, self.depense = libelle, Decimal(prevu), Decimal(depense)


CATEGORIES = [Categorie("Personnel", "1000", "1500"), Categorie("Ingénierie", "2000", "500")]


def rendre(gabarit: str, **contexte) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(
        Template("{% load graphiques_tags %}" + gabarit).render(Context(contexte)).strip(), create_parent="div"
    )


def _xpath(selecteur: str) -> str:
    """A descendant CSS selector of tags and classes (``.barres .barre-ligne``, ``th, td``) as XPath
    (lxml's cssselect needs a package the project does not install)."""
    chemins = []
    for alternative in selecteur.split(","):
        etapes = []
        for jeton in alternative.split():
            tag, _, classe = jeton.partition(".")
            condition = f"[contains(concat(' ', normalize-space(@class), ' '), ' {classe} ')]" if classe else ""
            etapes.append(f"{tag or '*'}{condition}")
        chemins.append(".//" + "//".join(etapes))
    return " | ".join(chemins)


def css(element, selecteur: str) -> list:
    return element.xpath(_xpath(selecteur))


def texte(element) -> str:
    return " ".join(element.text_content().split())


def test_bars_are_as_long_as_their_values_a_masked_one_draws_nothing():
    donnees = graphiques.barres(LIGNES, "Résultats")
    assert [b.pourcent for b in donnees["barres"]] == [100.0, 50.0, 0.0, 0.0]
    assert [b.valeur for b in donnees["barres"]] == ["12", "6", "< 5", "0"]
    assert donnees["donnees"] == [("Emploi durable", "12"), ("Formation qualifiante", "6"), ("Autre", "< 5"), ("Sans solution", "0")]
    assert graphiques.barres([Ligne("a", "A", Effectif(0))], "Vide")["barres"][0].pourcent == 0.0


def test_the_bar_chart_table_says_what_the_chart_says():
    racine = rendre("{% graphique_barres lignes 'Résultats à la sortie' %}", lignes=LIGNES)
    dessin = [
        (texte(css(r, ".barre-libelle")[0]), texte(css(r, ".barre-valeur")[0]), css(r, "rect")[0].get("width"))
        for r in css(racine, ".barres .barre-ligne")
    ]
    tableau = [tuple(texte(c) for c in css(tr, "th, td")) for tr in css(racine, ".donnees-graphique tbody tr")]
    assert (
        [(libelle, valeur) for libelle, valeur, _ in dessin]
        == tableau
        == [
            ("Emploi durable", "12"),
            ("Formation qualifiante", "6"),
            ("Autre", "< 5"),
            ("Sans solution", "0"),
        ]
    )
    assert [largeur for *_, largeur in dessin] == ["100.0", "50.0", "0.0", "0.0"]
    # the words are HTML text, not drawn in the SVG (which would shrink them with the drawing)
    assert not css(racine, "svg text")
    assert all(svg.get("viewbox") == "0 0 100 10" for svg in css(racine, "svg"))  # (lxml lowers attribute names)
    # the drawing is hidden from screen readers, which read the table, named after the chart
    assert css(racine, ".barres")[0].get("aria-hidden") == "true"
    assert texte(css(racine, ".donnees-graphique caption")[0]) == "Données : Résultats à la sortie"
    assert [texte(th) for th in css(racine, ".donnees-graphique thead th")] == ["Catégorie", "Effectif"]
    assert texte(css(racine, ".donnees-graphique summary")[0]) == "Voir les données : Résultats à la sortie"


def test_the_planned_vs_spent_table_says_what_the_chart_says():
    racine = rendre("{% graphique_prevu_reel categories 'Prévu et dépensé' %}", categories=CATEGORIES)
    dessin = [
        (
            texte(css(r, ".barre-libelle")[0]),
            texte(css(r, ".barre-valeur .prevu")[0]),
            texte(css(r, ".barre-valeur strong")[0]),
            [rect.get("width") for rect in css(r, "rect")],
        )
        for r in css(racine, ".barres .barre-ligne")
    ]
    tableau = [tuple(texte(c) for c in css(tr, "th, td")) for tr in css(racine, ".donnees-graphique tbody tr")]
    assert [d[:3] for d in dessin] == tableau == [("Personnel", "1 000,00 €", "1 500,00 €"), ("Ingénierie", "2 000,00 €", "500,00 €")]
    assert [d[3] for d in dessin] == [["50.0", "75.0"], ["100.0", "25.0"]]
    assert 'fill="#c4322f"' in lxml_html.tostring(css(racine, ".barre-ligne")[0], encoding="unicode")  # beyond the plan: red
    assert [texte(th) for th in css(racine, ".donnees-graphique thead th")] == ["Catégorie", "Prévu", "Dépensé"]


def test_a_page_that_shows_the_table_itself_asks_for_no_second_one():
    racine = rendre("{% graphique_prevu_reel categories 'Prévu et dépensé' sans_table=True %}", categories=CATEGORIES)
    assert css(racine, ".barres") and not css(racine, ".donnees-graphique")


@pytest.mark.parametrize("lignes", [[], [Ligne("a", "A", Effectif(0))]])
def test_an_empty_chart_says_so_or_draws_zero(lignes):
    racine = rendre("{% graphique_barres lignes 'Âges' %}", lignes=lignes)
    if lignes:
        assert [texte(c) for c in css(racine, ".donnees-graphique tbody th, .donnees-graphique tbody td")] == ["A", "0"]
    else:
        assert texte(racine) == "Âges Aucune donnée sur la période."


def test_the_pdf_prints_each_chart_and_its_data_table():
    corps = Template("{% load graphiques_tags %}{% graphique_barres lignes 'Résultats à la sortie' %}").render(Context({"lignes": LIGNES}))
    document = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Test</title>'
        f'<link rel="stylesheet" href="{pdf.url_statique("css/print.css")}"></head><body>{corps}</body></html>'
    )
    lecteur = pypdf.PdfReader(io.BytesIO(pdf.rendre_pdf(document)))
    contenu = " ".join(" ".join((p.extract_text() or "").split()) for p in lecteur.pages)
    assert "Données : Résultats à la sortie" in contenu
    assert "Voir les données" not in contenu
    # the label of each bar twice: next to its bar, then in the table
    assert contenu.count("Formation qualifiante") == 2 and contenu.count("< 5") == 2
