from decimal import Decimal

from django import template

from conciergerie.templatetags.formats_fr import euros, pourcent
from finances.selectors import Niveau

register = template.Library()

# the French display filters live in the core, so that every app (and the shared charts) use them
register.filter("euros", euros)
register.filter("pourcent", pourcent)


@register.inclusion_tag("components/jauge.html")
def jauge(plafond, titre="Valorisation du bénévolat"):
    """Server-side SVG gauge of the volunteer cap (see finances.selectors.Plafond)."""
    largeur = 300
    echelle = Decimal("100")
    fill = min(plafond.part_brute, echelle) * largeur / echelle
    marque = None if plafond.plafond is None else plafond.plafond * largeur / echelle
    return {
        "p": plafond,
        "titre": titre,
        "largeur": largeur,
        "remplissage": f"{fill:.1f}",
        "marque": None if marque is None else f"{marque:.1f}",
        "niveau": plafond.niveau,
        "ROUGE": Niveau.ROUGE,
        "ORANGE": Niveau.ORANGE,
    }
