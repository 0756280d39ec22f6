"""``{% lien_nav url "Libellé" %}``: a link of the header's navigation, marked for assistive
technologies when it is where the user is (WCAG 2.4.8, RGAA 12.x): ``aria-current="page"`` on
the link of the page itself, ``aria-current="true"`` on the link of the section the page belongs
to (a learner's page under « Apprenants »). The project's home is only current on itself."""

from django import template
from django.utils.html import format_html

register = template.Library()


def courant(chemin: str, url: str, racine: str | None = None) -> str | None:
    if chemin == url:
        return "page"
    if url != racine and chemin.startswith(url):
        return "true"
    return None


@register.simple_tag(takes_context=True)
def lien_nav(context, url: str, libelle: str, racine: str | None = None):
    request = context.get("request")
    etat = courant(request.path, url, racine) if request is not None else None
    if etat:
        return format_html('<a href="{}" aria-current="{}">{}</a>', url, etat, libelle)
    return format_html('<a href="{}">{}</a>', url, libelle)
