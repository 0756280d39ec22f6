"""French display of counts: ``{{ n|nombre }}`` → ``12 345`` (no-break space).

Automatic grouping is off (``USE_THOUSAND_SEPARATOR = False``) so that ids print plainly;
figures shown to people are grouped through this filter.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def nombre(value):
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)


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


@register.filter
def date_longue(value):
    """``date(2024, 9, 1)`` → ``1er septembre 2024``; ``date(2025, 7, 22)`` → ``22 juillet 2025``."""
    if not value:
        return ""
    texte = date_format(value, "j F Y")
    return f"1er{texte[1:]}" if value.day == 1 else texte
