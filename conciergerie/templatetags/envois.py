"""``{% jeton_envoi %}``: the one-time token of a creation form drawn on another page than its
own (``ServiceFormView`` puts it in its own pages itself; conciergerie.concurrence)."""

from django import template
from django.utils.html import format_html

from conciergerie.concurrence import CHAMP_JETON, nouveau_jeton

register = template.Library()


@register.simple_tag
def jeton_envoi():
    return format_html('<input type="hidden" name="{}" value="{}">', CHAMP_JETON, nouveau_jeton())
