from django import template

from recits import graphiques

register = template.Library()


@register.inclusion_tag("components/graphique_barres.html")
def graphique_barres(lignes, titre):
    """``{% graphique_barres indicateurs.etapes.par_type "Étapes par type" %}``"""
    return graphiques.barres(lignes, titre)
