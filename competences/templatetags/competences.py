from django import template

from competences.models import TypeComposante

register = template.Library()


@register.filter
def libelle_composante(valeur) -> str:
    """The French label of an AFEST component type (« analyse » → « Analyse de la situation de travail »)."""
    return TypeComposante(valeur).label
