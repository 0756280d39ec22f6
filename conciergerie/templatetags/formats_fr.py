"""French display of counts: ``{{ n|nombre }}`` → ``12 345`` (no-break space).

Automatic grouping is off (``USE_THOUSAND_SEPARATOR = False``) so that ids print plainly;
figures shown to people are grouped through this filter.
"""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def nombre(value):
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)
