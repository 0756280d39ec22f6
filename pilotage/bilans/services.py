"""The bilan as a background job (``BilanExcel``), through the job mechanism the COPIL report
uses (``pilotage.jobs``): who may ask for it (``peut_generer``, ``projets_administres``), the
requests (``demander_bilan`` for one project, ``demander_bilan_projets`` for several, each
refused with ``PermissionDenied`` and nothing created unless allowed, and returning the person's
bilan still waiting or running there, ``en_vol``: one at a time, the page's button is disabled
meanwhile), the retry (``relancer_bilan``), and the job's run
(``generer_bilan``: the workbook streamed to a temporary file, then stored as ``nom_fichier``).
The row is the record of the export: who asked, when, which period, with or without personal data.
"""

from __future__ import annotations

import tempfile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from conciergerie.models import Projet
from conciergerie.roles import peut
from conciergerie.scoping import adhesions_of, exiger

from .. import jobs
from ..indicateurs import Periode
from ..models import BilanExcel

PREFIXE_ERREUR = "Échec de la génération du bilan : "
MESSAGE_DONNEES_PERSONNELLES = "Seul un administrateur du projet peut exporter les données personnelles des apprenants."
MESSAGE_ROLE = "Votre rôle ne permet pas de générer le bilan de ce projet."
MESSAGE_PROJETS = "Le bilan détaillé de plusieurs projets est réservé à qui administre chacun d'eux."
MESSAGE_PERIODE = "La fin de la période doit suivre son début."
#: who may ask for the bilan of several projects: an administrateur of each of them
CAPACITE_PROJETS = "membres.gerer"


def peut_generer(role: str | None) -> bool:
    """A project bilan has one row per learner (pseudonymised): it needs the dashboard *and* the
    learners (administrateur, coordinateur)."""
    return peut(role, "tableau_de_bord.voir") and peut(role, "apprenants.voir")


def projets_administres(user) -> list[Projet]:
    """The projects where ``user`` is administrateur (``membres.gerer``), by name: what the
    detailed bilan of several projects spans. One query (the memberships are cached)."""
    ids = [a.projet_id for a in adhesions_of(user) if peut(a.role, CAPACITE_PROJETS)]
    if not ids:
        return []
    return list(Projet.objects.filter(pk__in=ids).order_by("nom", "pk"))


def en_vol(*, projet, by) -> BilanExcel | None:
    """The bilan ``by`` asked for that is still waiting or running: of ``projet``, or of several
    projects when ``projet`` is None. While there is one, the page's button is disabled and a
    request returns it (one bilan at a time per person and project)."""
    if by is None or not by.is_authenticated:
        return None
    # several projects: only one the person may still see (administrateur of each of its projects)
    bilans = BilanExcel.objects.de_plusieurs_projets(by) if projet is None else BilanExcel.objects.filter(projet=projet)
    return bilans.filter(demande_par=by, statut__in=jobs.EN_VOL).order_by("cree_le", "pk").first()


def _mettre_en_file(bilan: BilanExcel) -> None:
    jobs.envoyer_apres_commit(bilan)  # after commit; the sweeper sends it if the broker is down


def _exiger_bilan(by, projet, *, donnees_personnelles: bool) -> None:
    """A project bilan needs the dashboard and the learners (``peut_generer``); with personal data,
    ``exports.donnees_personnelles`` too. The one check (``exiger``), capability by capability."""
    exiger(by, projet, "tableau_de_bord.voir", MESSAGE_ROLE)
    exiger(by, projet, "apprenants.voir", MESSAGE_ROLE)
    if donnees_personnelles:
        exiger(by, projet, "exports.donnees_personnelles", MESSAGE_DONNEES_PERSONNELLES)


def demander_bilan(*, projet, periode: Periode, donnees_personnelles: bool = False, by) -> BilanExcel:
    """Create a bilan job and enqueue it after commit. The row is the record of the export (who,
    when, which period, with or without personal data). Refused (``PermissionDenied``, nothing
    created) unless ``by`` may generate it; personal data needs ``exports.donnees_personnelles``.
    While a bilan of this project that ``by`` asked for is still waiting or running (``en_vol``),
    a request — a double click, or another period — returns it: never a second job."""
    _exiger_bilan(by, projet, donnees_personnelles=donnees_personnelles)
    if periode.fin < periode.debut:
        raise ValidationError(MESSAGE_PERIODE)
    with transaction.atomic():
        # serialise two requests for the same project (a double click)
        Projet.objects.select_for_update().filter(pk=projet.pk).values_list("pk", flat=True).first()
        existant = en_vol(projet=projet, by=by)
        if existant is not None:
            return existant
        bilan = BilanExcel.objects.create(
            projet=projet, periode_debut=periode.debut, periode_fin=periode.fin, donnees_personnelles=donnees_personnelles, demande_par=by
        )
        _mettre_en_file(bilan)
    return bilan


def demander_bilan_projets(*, projets, periode: Periode, by) -> BilanExcel:
    """The detailed bilan of several projects (pseudonymised, always) as a job: a ``BilanExcel``
    without ``projet``, its projects in ``projets``. Refused (``PermissionDenied``, nothing
    created) unless ``by`` is administrateur of every one of them; at least two projects. While a
    bilan of several projects that ``by`` asked for is still waiting or running (``en_vol``), it is
    returned: never a second job."""
    ids = sorted({getattr(p, "pk", p) for p in projets})
    administres = {a.projet_id for a in adhesions_of(by) if peut(a.role, CAPACITE_PROJETS)}
    if not ids or not set(ids) <= administres:
        raise PermissionDenied(MESSAGE_PROJETS)
    if len(ids) < 2:
        raise ValidationError("Le bilan détaillé de plusieurs projets en demande au moins deux.")
    if periode.fin < periode.debut:
        raise ValidationError(MESSAGE_PERIODE)
    with transaction.atomic():
        # serialise two requests by the same person (a double click)
        get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True).first()
        existant = en_vol(projet=None, by=by)
        if existant is not None:
            return existant
        bilan = BilanExcel.objects.create(projet=None, periode_debut=periode.debut, periode_fin=periode.fin, demande_par=by)
        bilan.projets.set(ids)
        _mettre_en_file(bilan)
    return bilan


def relancer_bilan(*, bilan: BilanExcel, by) -> BilanExcel:
    """Put a failed (or lost) bilan back in the queue, on the same row. The row keeps who asked
    for it and when: it is the record of the export request. A bilan of several projects may be
    retried by whoever may see it (an administrateur of each of its projects)."""
    if bilan.projet_id is None:
        if not BilanExcel.objects.de_plusieurs_projets(by).filter(pk=bilan.pk).exists():
            raise PermissionDenied(MESSAGE_PROJETS)
    else:
        _exiger_bilan(by, bilan.projet_id, donnees_personnelles=bilan.donnees_personnelles)
    demandeur = bilan.demande_par
    return jobs.remettre_en_file(job=bilan, by=demandeur, mettre_en_file=_mettre_en_file)


def nom_fichier(bilan: BilanExcel) -> str:
    nom = f"{bilan.projets.count()}-projets" if bilan.projet_id is None else (slugify(bilan.projet.nom)[:40] or "projet")
    nominatif = "-nominatif" if bilan.donnees_personnelles else ""
    return f"bilan-{nom}-{bilan.periode_debut:%Y%m%d}-{bilan.periode_fin:%Y%m%d}{nominatif}-{bilan.pk}.xlsx"


def _produire(bilan: BilanExcel, avancer: jobs.Avancer) -> File:
    """The workbook, streamed to a temporary file on disk (deleted once stored or on failure)."""
    from . import ecrire_bilan  # the package, which imports this module, defines it

    projets = list(bilan.projets.order_by("nom", "pk")) if bilan.projet_id is None else [Projet.objects.get(pk=bilan.projet_id)]
    tampon = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (handed to the runner, which closes it)
    try:
        ecrire_bilan(
            projets=projets,
            periode=Periode(bilan.periode_debut, bilan.periode_fin),
            fichier=tampon,
            donnees_personnelles=bilan.donnees_personnelles,
            progression=avancer,
        )
    except BaseException:
        tampon.close()
        raise
    return File(tampon, name="bilan.xlsx")


def generer_bilan(*, bilan_id: int) -> BilanExcel | None:
    """Generate the workbook of job ``bilan_id`` (``pilotage.jobs.executer``). Idempotent."""
    return jobs.executer(modele=BilanExcel, job_id=bilan_id, produire=_produire, nom_fichier=nom_fichier, prefixe_erreur=PREFIXE_ERREUR)
