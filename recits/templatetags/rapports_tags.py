"""Template tags of the COPIL report jobs (``{% load rapports_tags %}``).

- ``{% rapports_du_copil copil as rapports %}``: the COPIL's reports the current user may see
  (read through ``RapportCopil.objects.visible_to``);
- ``{% statut_rapport rapport adhesion %}``: a job's status block (``recits/_rapport_statut.html``),
  polled by htmx while the job is waiting or running;
- ``{% peut_faire adhesion "recits.modifier" as peut_modifier %}``: the role's capability.
"""

from django import template
from django.utils import timezone

from conciergerie.roles import peut
from recits.models import RapportCopil, StatutRapport
from recits.rapports import EN_VOL, relancable

register = template.Library()


def contexte_statut(rapport: RapportCopil, adhesion) -> dict:
    """What ``recits/_rapport_statut.html`` shows; the status view renders the same."""
    role = getattr(adhesion, "role", None)
    fin = rapport.fin or (timezone.now() if rapport.debut and rapport.statut in EN_VOL else None)
    return {
        "rapport": rapport,
        "projet_id": rapport.copil.projet_id,
        "en_vol": rapport.statut in EN_VOL,
        "pret": rapport.statut == StatutRapport.PRET and bool(rapport.fichier),
        "echec": rapport.statut == StatutRapport.ECHEC,
        "duree": (fin - rapport.debut).total_seconds() if rapport.debut and fin else None,
        "peut_relancer": relancable(rapport) and peut(role, "recits.modifier"),
    }


@register.simple_tag(takes_context=True)
def rapports_du_copil(context, copil):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return []
    return list(
        RapportCopil.objects.visible_to(user, projet=copil.projet_id)
        .filter(copil=copil)
        .select_related("copil", "demande_par")
        .order_by("-cree_le", "-pk")[:10]
    )


@register.inclusion_tag("recits/_rapport_statut.html", takes_context=True)
def statut_rapport(context, rapport, adhesion):
    return contexte_statut(rapport, adhesion)


@register.simple_tag
def peut_faire(adhesion, capacite):
    return peut(getattr(adhesion, "role", None), capacite)
