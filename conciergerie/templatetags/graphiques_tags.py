"""Server-side charts (conciergerie.graphiques), usable by every app's templates."""

from django import template

from conciergerie import graphiques
from conciergerie.templatetags.formats_fr import euros

register = template.Library()


@register.inclusion_tag("components/graphique_barres.html")
def graphique_barres(lignes, titre):
    """``{% graphique_barres indicateurs.etapes.par_type "Étapes par type" %}``"""
    return graphiques.barres(lignes, titre)


@register.inclusion_tag("components/graphique_prevu_reel.html")
def graphique_prevu_reel(categories, titre, sans_table=False):
    """``categories``: rows with ``libelle``, ``prevu`` and ``depense`` in euros
    (``finances.selectors.LigneCategorie``). ``sans_table``: the page shows the same figures in
    a table of its own, right after the chart (finances/_synthese.html)."""
    lignes = [(c.libelle, c.prevu, c.depense) for c in categories]
    return {**graphiques.prevu_reel(lignes, titre, format_valeur=euros), "sans_table": sans_table}
