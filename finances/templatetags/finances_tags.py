from decimal import Decimal, InvalidOperation

from django import template

from finances.selectors import Niveau

register = template.Library()

ESPACE = "\u00a0"  # no-break space between thousands
INSECABLE = "\u00a0"


@register.filter
def euros(value):
    """``Decimal("12345.67")`` → ``12 345,67 €`` (non-breaking spaces)."""
    if value is None or value == "":
        return "—"
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    texte = f"{value:,.2f}".replace(",", ESPACE).replace(".", ",")
    return f"{texte}{INSECABLE}€"


@register.filter
def pourcent(value):
    """``Decimal("33.33")`` → ``33,33 %``; whole numbers without decimals."""
    if value is None:
        return "—"
    value = Decimal(value)
    texte = f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}".rstrip("0").replace(".", ",")
    return f"{texte}{INSECABLE}%"


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
