"""After a write, the written projects' figures computed again in the background, so that the
next reader finds them kept (``pilotage.memo``) instead of computing them in the request.

A write moves its project's revision (``conciergerie.revisions``): every figure kept for the
project that reads the model written becomes unreachable (an attendance sheet: the counts, the
breakdowns, the targets; not the evaluations, nor the money), and so does every roll-up that
spans the project, and the next reader computes them again — on the largest project some
100 ms, for the national roll-up after writes in 20 projects some 500 ms. Once the writing
transaction committed (``revisions.APRES_COMMIT``), ``programmer`` sends ``recalculer`` to the
background — the Celery worker, or the process's local executor in the embedded mode
(``conciergerie.execution_locale``) — which computes, through the very functions the pages call
(so under the very keys they read):

- the project's dashboard over its default period, once per reading of it (each set of fundings
  and targets its members see, masked or not: ``views_tableau.figures_du_tableau``);
- each roll-up that spans the project, once per reading (the set of memberships that reads
  it) and per run however many of its projects the run has, over its default period: the
  written projects' parts, then the page's figures across all of them (``memo.ensemble``).

Figures computed this way are right by construction: the worker reads the revision before the
data, like a page, and keeps them under it; a write meanwhile moves the revision and programs
another run. A burst of writes ends in one run per project (``cache.add`` of a mark the run
takes off when it starts, ``ATTENTE`` seconds after the first write). Nothing here is needed for
the figures to be right: a run that fails, a broker or a cache down, and the next reader
computes them as before (logged).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

#: seconds between a project's first write and its run: the burst's other writes join it
ATTENTE = 1
#: projects per run sent to the worker
PAR_RUN = 20
#: the mark's life: a run lost with its worker does not keep the project from another one
DUREE_MARQUE = 300


_local = threading.local()


def actif() -> bool:
    return (
        getattr(settings, "PRECALCUL_CHIFFRES", True)
        and getattr(settings, "CHIFFRES_EN_CACHE", True)
        and not getattr(_local, "suspendu", 0)
    )


@contextmanager
def suspendu():
    """No run sent for the writes made inside (this thread): a bulk load that writes every
    project (``generer_donnees``) would send a run of each, the projects' readers compute."""
    _local.suspendu = getattr(_local, "suspendu", 0) + 1
    try:
        yield
    finally:
        _local.suspendu -= 1


def _marque(projet_id: int) -> str:
    return f"precalcul:{projet_id}"


def programme() -> bool:
    """Whether a write programs a run: not with eager Celery that runs jobs in the request (the
    next reader computes the figures instead)."""
    from conciergerie import execution_locale

    return actif() and not (settings.CELERY_TASK_ALWAYS_EAGER and not execution_locale.en_fond())


def programmer(projet_ids: list[int]) -> list[int]:
    """Send the run of the projects that have none pending; returns them."""
    from conciergerie import execution_locale

    if not programme():
        return []
    try:
        nouveaux = [p for p in projet_ids if cache.add(_marque(p), 1, DUREE_MARQUE)]
    except Exception:  # noqa: BLE001 — a cache down: the readers compute the figures
        logger.warning("Précalcul des chiffres : le cache ne répond pas, rien d'envoyé", exc_info=True)
        return []
    if not nouveaux:
        return []
    if execution_locale.en_fond():
        execution_locale.lancer("precalcul", lambda: recalculer(nouveaux))
    else:
        from .tasks import recalculer_chiffres

        # by lots: the nightly clean-up gives every project, whose run would outlast the task's
        # time limit in one go (a project's run: up to 1 s at national size)
        for debut in range(0, len(nouveaux), PAR_RUN):
            lot = nouveaux[debut : debut + PAR_RUN]
            try:
                recalculer_chiffres.apply_async(args=[lot], countdown=ATTENTE)
            except Exception:  # noqa: BLE001 — the broker down: the readers compute the figures
                logger.warning("Précalcul des chiffres : tâche non envoyée (projets %s)", lot, exc_info=True)
                cache.delete_many([_marque(p) for p in nouveaux[debut:]])
                return nouveaux[:debut]
    return nouveaux


def recalculer(projet_ids: list[int]) -> int:
    """Compute again the figures of ``projet_ids`` that their readers will ask for; returns the
    number of readings computed."""
    from conciergerie.models import Adhesion, Projet
    from conciergerie.roles import peut
    from finances.models import Financement, Objectif

    from .masquage import masquer_pour
    from .views_tableau import CAPACITE, chiffres_de_synthese, figures_du_tableau, lecture_synthese, perimetre_synthese, periode_par_defaut

    try:
        cache.delete_many([_marque(p) for p in projet_ids])  # a write from now programs another run
    except Exception:  # noqa: BLE001
        logger.warning("Précalcul des chiffres : le cache ne répond pas", exc_info=True)
        return 0
    lectures = 0
    syntheses: dict[str, object] = {}  # a roll-up's reading → one of its users
    for projet in Projet.objects.filter(pk__in=projet_ids):
        adhesions = [a for a in Adhesion.objects.filter(projet=projet, actif=True).select_related("user") if peut(a.role, CAPACITE)]
        # those who write first (their figures masked the last): what they just wrote, soonest
        adhesions.sort(key=lambda a: (masquer_pour(a.role), a.pk))
        # the dashboard, once per reading: what a member sees follows from its role and
        # organisation (``visible_to``), read once for each
        vues = set()
        for adhesion in adhesions:
            if (adhesion.role, adhesion.organisation_id) in vues:
                continue
            vues.add((adhesion.role, adhesion.organisation_id))
            user = adhesion.user
            figures_du_tableau(
                projet,
                periode_par_defaut(projet.date_debut),
                masquer=masquer_pour(adhesion.role),
                financements=Financement.objects.visible_to(user, projet=projet).select_related("financeur"),
                objectifs=Objectif.objects.visible_to(user, projet=projet).select_related("projet", "financement"),
            )
            lectures += 1
        # each roll-up that spans the project, once per reading (the page's key), after every
        # dashboard of the run
        for user in {a.user_id: a.user for a in adhesions}.values():  # read with the memberships
            lecture = lecture_synthese(user)
            if lecture.count(";") >= 1:  # one project: no roll-up link
                syntheses.setdefault(lecture, user)
    # the whole page, once per reading however many of its projects the run has: its projects'
    # parts computed again (the written ones), then the roll-up across them and its HTML, kept
    # under the keys the page reads (``chiffres_de_synthese``)
    for user in syntheses.values():
        projets, masquer, financements = perimetre_synthese(user)
        periode = periode_par_defaut(min(p.date_debut for p in projets))
        chiffres_de_synthese(user, projets, periode, masquer=masquer, financements=financements)
        lectures += 1
    return lectures
