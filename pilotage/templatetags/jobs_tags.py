"""Template tags of the background jobs: COPIL reports and Excel bilans (``{% load jobs_tags %}``).

- ``{% rapports_du_copil copil as rapports %}``: the COPIL's reports the current user may see
  (read through ``RapportCopil.objects.visible_to``);
- ``{% statut_job job adhesion %}`` (``statut_rapport``, its former name): a job's status block
  (``pilotage/_job_statut.html``), polled by htmx while the job is waiting or running;
- ``{% peut_faire adhesion "recits.modifier" as peut_modifier %}``: the role's capability.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut
from pilotage.jobs import EN_VOL, MESSAGE_FILE_INDISPONIBLE, indisponible, relancable
from pilotage.models import Job, RapportCopil, StatutJob

register = template.Library()


def contexte_statut(job: Job, adhesion=None, *, urls: dict | None = None, peut_relancer: bool | None = None) -> dict:
    """What ``pilotage/_job_statut.html`` shows, for any kind of job (the model's ``cle`` names its
    URLs and DOM id, ``libelle`` its texts); the status views render the same.

    A job of a project: its URLs under ``/p/<projet_id>/`` and the retry right of ``adhesion``'s
    role. A job outside any project (a bilan of several projects) passes its ``urls``
    (``statut``, ``relancer``, ``telecharger``) and ``peut_relancer``."""
    fin = job.fin or (timezone.now() if job.debut and job.statut in EN_VOL else None)
    projet_id = job.projet_du_job
    if urls is None:
        kwargs = {"projet_id": projet_id, "pk": job.pk}
        urls = {nom: reverse(f"{job.cle}_{nom}", kwargs=kwargs) for nom in ("statut", "relancer", "telecharger")}
    if peut_relancer is None:
        role = getattr(adhesion, "role", None)
        peut_relancer = all(peut(role, c) for c in job.capacites_relancer)
    return {
        "job": job,
        "projet_id": projet_id,
        "resume": job.resume(),
        **{f"url_{nom}": url for nom, url in urls.items()},
        "en_vol": job.statut in EN_VOL,
        "pret": job.statut == StatutJob.PRET and bool(job.fichier),
        # a nominative bilan's file is deleted after its retention (rgpd.conservation); the row stays
        "fichier_supprime": job.statut == StatutJob.PRET and not job.fichier,
        "echec": job.statut == StatutJob.ECHEC,
        "message_indisponible": MESSAGE_FILE_INDISPONIBLE if indisponible(job) else "",
        "duree": (fin - job.debut).total_seconds() if job.debut and fin else None,
        "peut_relancer": relancable(job) and peut_relancer,
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


@register.inclusion_tag("pilotage/_job_statut.html")
def statut_job(job, adhesion):
    return contexte_statut(job, adhesion)


@register.inclusion_tag("pilotage/_job_statut.html")
def statut_rapport(rapport, adhesion):
    return contexte_statut(rapport, adhesion)


@register.simple_tag
def peut_faire(adhesion, capacite):
    return peut(getattr(adhesion, "role", None), capacite)
