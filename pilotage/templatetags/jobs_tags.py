"""Template tags of the background jobs: COPIL reports and Excel bilans (``{% load jobs_tags %}``).

- ``{% rapports_du_copil copil as rapports %}``: the COPIL's reports the current user may see
  (read through ``RapportCopil.objects.visible_to``);
- ``{% statut_job job adhesion %}`` (``statut_rapport``, its former name): a job's status block
  (``pilotage/_job_statut.html``), polled by htmx while the job is waiting or running;
- ``{% peut_faire adhesion "recits.modifier" as peut_modifier %}``: the role's capability;
- ``{% generer_rapport copil as generer %}``: the COPIL's "Générer le rapport" button's state
  (``pilotage/_generer.html``): disabled, with why, while a report of this COPIL is in flight.

"Générer" is disabled while a job of the same kind is in flight for the same object (a COPIL's
report; a person's bilan of a project, or of several projects): the page renders it so, the
service returns the job in flight to a POST anyway (never a second one), and the status views
send the button's new state out of band (``hx-swap-oob``) with each poll from a page that shows it
(``?bouton=1`` on its polling URL), so it comes back when the job ends.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from conciergerie.formats import date_heure
from conciergerie.roles import peut
from pilotage.jobs import EN_VOL, MESSAGE_FILE_INDISPONIBLE, bloque, indisponible, relancable
from pilotage.models import Destinataire, Job, RapportCopil, StatutJob

register = template.Library()


def contexte_statut(job: Job, adhesion=None, *, urls: dict | None = None, peut_relancer: bool | None = None, bouton: bool = False) -> dict:
    """What ``pilotage/_job_statut.html`` shows, for any kind of job (the model's ``cle`` names its
    URLs and DOM id, ``libelle`` its texts); the status views render the same.

    A job of a project: its URLs under ``/p/<projet_id>/`` and the retry right of ``adhesion``'s
    role. A job outside any project (a bilan of several projects) passes its ``urls``
    (``statut``, ``relancer``, ``telecharger``) and ``peut_relancer``. ``bouton``: the page shows
    the kind's "Générer" button, which the polls update (``?bouton=1`` on the status and retry URLs)."""
    fin = job.fin or (timezone.now() if job.debut and job.statut in EN_VOL else None)
    projet_id = job.projet_du_job
    if urls is None:
        kwargs = {"projet_id": projet_id, "pk": job.pk}
        urls = {nom: reverse(f"{job.cle}_{nom}", kwargs=kwargs) for nom in ("statut", "relancer", "telecharger")}
    if bouton:
        urls = {nom: f"{url}?bouton=1" if nom in ("statut", "relancer") else url for nom, url in urls.items()}
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


def _quand(job: Job) -> str:
    return date_heure(job.cree_le)


def contexte_generer(
    *, id: str, libelle: str, en_vol: Job | None, pourquoi: str, pourquoi_bloque: str, oob: bool = False, bouton: dict | None = None
) -> dict:
    """The state of a "Générer" button (``pilotage/_generer.html``): ``en_vol`` is the job of the
    same kind in flight for the same object (None: the button is enabled). ``pourquoi`` and
    ``pourquoi_bloque`` (the job looks lost: retry it) take ``{quand}``, when it was asked for."""
    explication = ""
    if en_vol is not None:
        explication = (pourquoi_bloque if bloque(en_vol) else pourquoi).format(quand=_quand(en_vol))
    # ``bouton``: the button's name, value and class when one form has several (the COPIL report)
    return {"id": id, "libelle": libelle, "en_vol": en_vol, "pourquoi": explication, "oob": oob, **(bouton or {})}


RAPPORT_EN_VOL = "Un rapport de ce COPIL, demandé le {quand}, est en préparation : vous pourrez en demander un autre quand il sera prêt."
RAPPORT_BLOQUE = "Le rapport demandé le {quand} semble bloqué : relancez-le ci-dessous avant d'en demander un autre."


# the two renderings of the report: the committee's (aggregates only) and the coordinators'
LIBELLES_RAPPORT = {
    Destinataire.FINANCEURS: ("Générer le rapport du comité", ""),
    Destinataire.COORDINATION: ("Version coordination (parcours individuels)", "secondaire"),
}


def contexte_generer_rapport(copil, destinataire: str = Destinataire.FINANCEURS, *, oob: bool = False) -> dict:
    en_vol = RapportCopil.objects.filter(copil=copil, destinataire=destinataire, statut__in=EN_VOL).order_by("cree_le", "pk").first()
    libelle, classe = LIBELLES_RAPPORT[destinataire]
    return contexte_generer(
        id=f"generer-rapport-{copil.pk}-{destinataire}",
        libelle=libelle,
        en_vol=en_vol,
        pourquoi=RAPPORT_EN_VOL,
        pourquoi_bloque=RAPPORT_BLOQUE,
        oob=oob,
        bouton={"nom": "destinataire", "valeur": destinataire, "classe": classe},
    )


@register.simple_tag
def generer_rapport(copil, destinataire=Destinataire.FINANCEURS):
    return contexte_generer_rapport(copil, destinataire)


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
def statut_job(job, adhesion, bouton=False):
    return contexte_statut(job, adhesion, bouton=bouton)


@register.inclusion_tag("pilotage/_job_statut.html")
def statut_rapport(rapport, adhesion, bouton=False):
    return contexte_statut(rapport, adhesion, bouton=bouton)


@register.simple_tag
def peut_faire(adhesion, capacite):
    return peut(getattr(adhesion, "role", None), capacite)
