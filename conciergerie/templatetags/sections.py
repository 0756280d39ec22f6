"""``{% sections "place" %}``: renders the sections registered for a place (conciergerie.sections)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from conciergerie import sections as registre

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context, emplacement):
    rendus = []
    for section in registre.sections(emplacement):
        with context.push(**(section.contexte(context) if section.contexte else {})):
            rendus.append(get_template(section.template_name).template.render(context))
    # each part is a template's output, already escaped by its own rendering
    return mark_safe("".join(rendus))  # noqa: S308
