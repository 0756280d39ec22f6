"""Excel bilans, written in streaming mode (openpyxl write-only): memory stays flat whatever
the number of rows, rows are read from the database in chunks (``iterator``), in a constant number
of queries.

- ``ecrire_bilan``: the bilan of one project or of several for a period, nine sheets; learners
  are pseudonymised (their stable reference, no name, contact, birth date, RQTH nor free text
  written about them) unless ``donnees_personnelles`` (an administrator's request for one project,
  recorded by its job row; never for several). With several projects, the row sheets start with a
  "Projet" column and *Synthèse* holds their sum; the rows are read in the same number of queries
  whatever the number of projects (``of_projet`` with a list). ``ecrire_bilan_projet``: one project.
- ``ecrire_bilan_synthese``: the roll-up for a funder: aggregates only, one row per project,
  masked below 5 people.
- ``demander_bilan`` / ``demander_bilan_projets`` / ``relancer_bilan`` / ``generer_bilan``: the
  bilan as a background job (``BilanExcel``: one project, or several for a user who administers
  each of them), through the job mechanism the COPIL report uses (``pilotage.jobs``).

Every figure of the *Synthèse* sheet comes from ``pilotage.indicateurs`` (the dashboard's numbers).
Every text cell that starts with ``= + - @``, a tab or a carriage return is written as text
(type ``s``, with Excel's quote prefix), never as a formula (``cellules``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from conciergerie.models import Projet
from conciergerie.roles import peut
from conciergerie.scoping import adhesion_for, adhesions_of

from .. import jobs
from ..indicateurs import Periode, calculer, calculer_par_projet
from ..models import BilanExcel
from .cellules import (
    DATE,
    DEBUTS_DANGEREUX,
    ENTETE,
    ENTIER,
    EUROS,
    NOMBRE,
    POURCENT,
    TEXTE,
    TEXTE_MAX,
    TYPE_MIME,
    Colonne,
    Feuille,
    _abandonner,
    _classeur,
)
from .feuilles_apprenants import _feuille_apprenants, _feuille_etapes, _feuille_sorties
from .feuilles_finances import _feuille_benevolat, _feuille_depenses, _feuille_financements
from .feuilles_partenaires import _feuille_partenaires, _feuille_sessions
from .perimetre import LOT, Perimetre
from .synthese import _feuille_synthese, _feuilles_synthese

__all__ = [
    # cellules
    "DATE",
    "DEBUTS_DANGEREUX",
    "ENTETE",
    "ENTIER",
    "EUROS",
    "NOMBRE",
    "POURCENT",
    "TEXTE",
    "TEXTE_MAX",
    "TYPE_MIME",
    "Colonne",
    "Feuille",
    # perimetre
    "LOT",
    "Perimetre",
    # defined here
    "MESSAGE_PLUSIEURS_NOMINATIF",
    "ecrire_bilan",
    "ecrire_bilan_projet",
    "ecrire_bilan_synthese",
    "PREFIXE_ERREUR",
    "MESSAGE_DONNEES_PERSONNELLES",
    "MESSAGE_ROLE",
    "MESSAGE_PROJETS",
    "MESSAGE_PERIODE",
    "CAPACITE_PROJETS",
    "peut_generer",
    "projets_administres",
    "demander_bilan",
    "demander_bilan_projets",
    "relancer_bilan",
    "nom_fichier",
    "generer_bilan",
]


# ------------------------------------------------------------------ the bilan of one project or several


MESSAGE_PLUSIEURS_NOMINATIF = "Le bilan de plusieurs projets est toujours pseudonymisé : pas de données personnelles."


def ecrire_bilan(
    *, projets, periode: Periode, fichier, donnees_personnelles: bool = False, financements=None, progression: Callable | None = None
):
    """Write the bilan of ``projets`` (Projet objects, one or more) to ``fichier`` (a path or a
    binary file object); returns the indicators of its *Synthèse* (``calculer``: their sum).

    The queries do not grow with the number of projects nor of rows. With several projects the
    row sheets start with a "Projet" column and the learners are always pseudonymised
    (``ValueError`` if ``donnees_personnelles``). ``financements``: the fundings shown, read
    through ``visible_to`` by the caller (None: all the projects'). ``progression(pourcent)`` is
    called after each sheet, from 10 to 90 (the job's progress bar).
    """
    projets = tuple({p.pk: p for p in projets}.values())
    if not projets:
        raise ValueError("Aucun projet : pas de bilan à écrire.")
    perimetre = Perimetre(projets)
    if perimetre.plusieurs and donnees_personnelles:
        raise ValueError(MESSAGE_PLUSIEURS_NOMINATIF)
    avancer = progression or (lambda _pourcent: None)
    indicateurs = calculer(projets, periode, financements=financements)
    syntheses = indicateurs.finances.financements
    if perimetre.plusieurs:
        ordre = {p.pk: (p.nom, p.pk) for p in projets}
        syntheses = sorted(syntheses, key=lambda s: ordre.get(s.financement.projet_id, ("", 0)))
    classeur = _classeur()
    etapes: list[Callable] = [
        lambda: _feuille_synthese(classeur, indicateurs),
        lambda: _feuille_apprenants(classeur, perimetre, periode, donnees_personnelles),
        lambda: _feuille_etapes(classeur, perimetre, periode, donnees_personnelles),
        lambda: _feuille_sorties(classeur, perimetre, periode),
        lambda: _feuille_partenaires(classeur, perimetre),
        lambda: _feuille_financements(classeur, perimetre, syntheses),
        lambda: _feuille_depenses(classeur, perimetre, [s.financement for s in syntheses]),
        lambda: _feuille_benevolat(classeur, perimetre, periode, syntheses, donnees_personnelles),
        lambda: _feuille_sessions(classeur, perimetre, periode),
    ]
    try:
        for n, etape in enumerate(etapes, start=1):
            etape()
            avancer(10 + n * 80 // len(etapes))
        classeur.save(fichier)
    except BaseException:
        _abandonner(classeur)
        raise
    return indicateurs


def ecrire_bilan_projet(
    *, projet, periode: Periode, fichier, donnees_personnelles: bool = False, financements=None, progression: Callable | None = None
):
    """The bilan of one project (``ecrire_bilan``)."""
    return ecrire_bilan(
        projets=[projet],
        periode=periode,
        fichier=fichier,
        donnees_personnelles=donnees_personnelles,
        financements=financements,
        progression=progression,
    )


# ------------------------------------------------------------------ the funder's roll-up


def ecrire_bilan_synthese(*, projets, periode: Periode, fichier, masquer: bool = True, financements=None):
    """A funder's roll-up: one row per project and the total, aggregates only, masked below 5."""
    synthese = calculer_par_projet(projets, periode, masquer=masquer, financements=financements)
    classeur = _classeur()
    try:
        _feuilles_synthese(classeur, synthese)
        classeur.save(fichier)
    except BaseException:
        _abandonner(classeur)
        raise
    return synthese


# ------------------------------------------------------------------ the bilan as a job

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


def _mettre_en_file(bilan: BilanExcel) -> None:
    from ..tasks import generer_bilan_excel  # the task module imports this one

    generer_bilan_excel.delay_on_commit(bilan.pk)


def demander_bilan(*, projet, periode: Periode, donnees_personnelles: bool = False, by) -> BilanExcel:
    """Create a bilan job and enqueue it after commit. The row is the record of the export (who,
    when, which period, with or without personal data). Refused (``PermissionDenied``, nothing
    created) unless ``by`` may generate it; personal data needs ``exports.donnees_personnelles``.
    The same request by the same person while the first is still waiting or running returns it."""
    adhesion = adhesion_for(by, projet)
    role = getattr(adhesion, "role", None)
    if not peut_generer(role):
        raise PermissionDenied(MESSAGE_ROLE)
    if donnees_personnelles and not peut(role, "exports.donnees_personnelles"):
        raise PermissionDenied(MESSAGE_DONNEES_PERSONNELLES)
    if periode.fin < periode.debut:
        raise ValidationError(MESSAGE_PERIODE)
    with transaction.atomic():
        # serialise two requests for the same project (a double click)
        Projet.objects.select_for_update().filter(pk=projet.pk).values_list("pk", flat=True).first()
        existant = (
            BilanExcel.objects.filter(
                projet=projet,
                periode_debut=periode.debut,
                periode_fin=periode.fin,
                donnees_personnelles=donnees_personnelles,
                demande_par=by,
                statut__in=jobs.EN_VOL,
            )
            .order_by("cree_le", "pk")
            .first()
        )
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
    created) unless ``by`` is administrateur of every one of them; at least two projects. The same
    request by the same person while the first is still waiting or running returns it."""
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
        en_vol = (
            BilanExcel.objects.filter(
                projet__isnull=True, periode_debut=periode.debut, periode_fin=periode.fin, demande_par=by, statut__in=jobs.EN_VOL
            )
            .prefetch_related("projets")
            .order_by("cree_le", "pk")
        )
        for existant in en_vol:
            if sorted(p.pk for p in existant.projets.all()) == ids:
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
        role = getattr(adhesion_for(by, bilan.projet_id), "role", None)
        if not peut_generer(role):
            raise PermissionDenied(MESSAGE_ROLE)
        if bilan.donnees_personnelles and not peut(role, "exports.donnees_personnelles"):
            raise PermissionDenied(MESSAGE_DONNEES_PERSONNELLES)
    demandeur = bilan.demande_par
    return jobs.remettre_en_file(job=bilan, by=demandeur, mettre_en_file=_mettre_en_file)


def nom_fichier(bilan: BilanExcel) -> str:
    nom = f"{bilan.projets.count()}-projets" if bilan.projet_id is None else (slugify(bilan.projet.nom)[:40] or "projet")
    nominatif = "-nominatif" if bilan.donnees_personnelles else ""
    return f"bilan-{nom}-{bilan.periode_debut:%Y%m%d}-{bilan.periode_fin:%Y%m%d}{nominatif}-{bilan.pk}.xlsx"


def _produire(bilan: BilanExcel, avancer: jobs.Avancer) -> File:
    """The workbook, streamed to a temporary file on disk (deleted once stored or on failure)."""
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
