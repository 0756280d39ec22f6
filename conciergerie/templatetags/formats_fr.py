"""The template filters of ``conciergerie.formats`` (one way to write each figure):
``{% load formats_fr %}`` then ``{{ n|nombre }}``, ``{{ n|effectif:"apprenant" }}``,
``{{ n|effectif_taux:t }}``, ``{{ t|taux }}``, ``{{ h|heures }}``, ``{{ m|euros }}``,
``{{ d|date_courte }}`` (tables), ``{{ d|date_longue }}`` (sentences), ``{{ dt|date_heure }}``,
``{{ n|pluriel:"étape" }}`` (the word only).

Automatic grouping is off (``USE_THOUSAND_SEPARATOR = False``) so that ids print plainly;
figures shown to people are grouped through these filters.
"""

from django import template

from conciergerie import formats
from conciergerie.models import accord_de
from conciergerie.roles import libelle_role

register = template.Library()


def _singulier_pluriel(unite: str) -> tuple[str, str | None]:
    """``"apprenant"`` or ``"travail,travaux"`` (an irregular plural)."""
    singulier, _, pluriel = unite.partition(",")
    return singulier, pluriel or None


@register.filter
def nombre(value):
    return formats.nombre(value)


@register.filter
def effectif(value, unite=""):
    return formats.effectif(value, *_singulier_pluriel(unite))


@register.filter
def effectif_taux(value, taux):
    return formats.effectif_taux(value, taux)


@register.filter
def pluriel(value, unite):
    return formats.pluriel(value, *_singulier_pluriel(unite))


@register.filter
def taux(value):
    return formats.taux(value)


pourcent = register.filter("pourcent", taux)


@register.filter
def heures(value):
    return formats.heures(value)


@register.filter
def euros(value):
    return formats.euros(value)


@register.filter
def date_courte(value):
    return formats.date_courte(value)


@register.filter
def date_longue(value):
    return formats.date_longue(value)


@register.filter
def date_heure(value):
    return formats.date_heure(value)


@register.filter
def role(adhesion):
    """A membership's (or its history's) role as the UI names its person: « Coordinatrice »,
    « Coordinateur », « Coordination » (``Preferences.accord``)."""
    return libelle_role(adhesion.role, accord_de(adhesion.user))
