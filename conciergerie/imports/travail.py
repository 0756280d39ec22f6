"""Large imports as jobs: the dry run and the confirmation of a big file run in the Celery worker
(``conciergerie.tasks.traiter_import``), not in the web request (a 20 000-row file takes longer
than gunicorn's timeout on a loaded machine: docs/performance.md, section 11).

A file larger than ``SEUIL_OCTETS`` is kept (``deposer``) and a ``TraitementImport`` row created;
its task is sent after commit. The task is idempotent (the row is locked and its status checked
first; a finished job is never redone), ``acks_late`` with ``reject_on_worker_lost`` and
time-limited; a run killed before its end counts in ``tentatives`` and the job fails, in French,
after ``TENTATIVES_MAX`` of them. The import itself is the same service (``importer``): the same
checks, the same all-or-nothing transaction on confirmation. A job whose task could not be sent
(broker down) fails at once with a French message (the user deposits the file again later); one
left in flight longer than ``DELAI_PERDU`` is shown as interrupted (``perdu``) and never runs after that.

While it runs, the job shows its progress, rows read of the file's total (``lignes_faites`` /
``lignes_total``), written by ``Progression``: a thread with its own database connection, since
the import itself is one transaction (all or nothing) whose writes no other connection sees
before its end. A technical error is logged and kept in ``detail`` (the Django admin only); the
user reads a French sentence (``erreur``), without paths.

This lives in ``conciergerie`` (the imports are below every other app): it does not use the
``pilotage`` job mechanism, which sits at the top of the chain.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from ..models import StatutTraitement, TraitementImport
from .depot import deposer, oublier_tout, reprendre
from .execution import ErreurImport, LigneImport, ResultatImport, _verifier_droit, importer
from .registre import type_import

logger = logging.getLogger(__name__)

#: above this size a file is imported by the worker (a CSV of about 1 000 rows)
SEUIL_OCTETS = 100 * 1024
#: the lines of the result kept on the row (the page shows as many)
LIGNES_GARDEES = 500
TENTATIVES_MAX = 2
#: longer than the task's hard time limit: a job still in flight after this was lost
DELAI_PERDU = timedelta(minutes=10)
EN_VOL = (StatutTraitement.EN_ATTENTE, StatutTraitement.EN_COURS)
MESSAGE_INDISPONIBLE = (
    "Le service de calcul est momentanément indisponible : rien n'a été importé. Déposez le fichier à nouveau dans quelques minutes."
)
MESSAGE_INTERROMPU = (
    "L'import a été interrompu avant la fin (serveur redémarré ou limite de temps) : rien n'a été importé. Déposez le fichier à nouveau."
)
MESSAGE_DISPARU = "Ce fichier n'est plus disponible (déjà importé ou remplacé) : déposez-le à nouveau."
MESSAGE_TECHNIQUE = (
    "L'import n'a pas pu aboutir sur une erreur technique : rien n'a été importé ; elle est consignée dans le journal du serveur."
)


#: the worker writes a running import's progress this often (seconds)
PROGRESSION_PERIODE = 1.0
#: the longest technical detail kept on the row
DETAIL_MAX = 20_000


def en_travail(contenu: bytes) -> bool:
    """Whether a file of this size is imported by the worker."""
    return len(contenu) > SEUIL_OCTETS


def perdu(traitement: TraitementImport, *, maintenant=None) -> bool:
    if traitement.statut not in EN_VOL:
        return False
    depuis = traitement.debut or traitement.cree_le
    return (maintenant or timezone.now()) - depuis > DELAI_PERDU


def demander(*, type: str, projet, by, confirmer: bool, contenu: bytes | None = None, nom: str = "", depot: str = "") -> TraitementImport:
    """Create the job of a dry run (``contenu`` is kept first) or of a confirmation (``depot``,
    the file kept by the dry run) and send its task after commit."""
    _verifier_droit(by, projet)
    type_import(type)
    if not confirmer:
        depot = deposer(contenu=contenu, nom=nom, type=type, projet=projet, by=by)
    with transaction.atomic():
        traitement = TraitementImport.objects.create(
            projet=projet, demande_par=by, type=type, depot=depot, nom_fichier=nom[:200], confirmer=confirmer
        )
        pk = traitement.pk
        transaction.on_commit(lambda: envoyer(pk))
    return traitement


def envoyer(pk: int) -> None:
    from ..tasks import traiter_import  # the task module imports this one

    try:
        traiter_import.apply_async(
            args=[pk], retry=True, retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
        )
    except (OperationalError, OSError) as exc:
        logger.warning("Import %s : tâche non envoyée (file indisponible) : %s", pk, exc)
        TraitementImport.objects.filter(pk=pk, statut=StatutTraitement.EN_ATTENTE).update(
            statut=StatutTraitement.ECHEC, erreur=MESSAGE_INDISPONIBLE, fin=timezone.now()
        )


def _echouer(pk: int, message: str, detail: str = "") -> None:
    TraitementImport.objects.filter(pk=pk).exclude(statut=StatutTraitement.PRET).update(
        statut=StatutTraitement.ECHEC, erreur=message, detail=detail[-DETAIL_MAX:], fin=timezone.now()
    )


def suivi_en_direct() -> bool:
    """Whether another connection may write the progress while the import's transaction is open:
    in a real worker (not eager: the request itself runs the job, no page polls it meanwhile) on
    PostgreSQL. SQLite locks the whole file for the transaction's length: the progress would
    wait for the end, and its writer time out."""
    return not settings.CELERY_TASK_ALWAYS_EAGER and connection.vendor != "sqlite"


class Progression:
    """The rows read of the file's total, for the page that polls the job: ``avancer(faites,
    total)`` (the import's callback) only keeps the figures; a thread writes them, when they
    changed, every ``periode`` seconds with its own database connection (closed at the end); the
    final figures are written with the result. ``actif=False`` (``suivi_en_direct``): no thread, nothing
    written."""

    def __init__(self, pk: int, *, periode: float | None = None, actif: bool | None = None):
        self.pk = pk
        self.periode = PROGRESSION_PERIODE if periode is None else periode
        self.actif = suivi_en_direct() if actif is None else actif
        self.faites = self.total = 0
        self._ecrit = (0, 0)
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._suivre, name=f"progression-import-{pk}", daemon=True)

    def avancer(self, faites: int, total: int) -> None:
        self.faites, self.total = faites, total

    def _ecrire(self) -> None:
        valeurs = (self.faites, self.total)
        if valeurs == self._ecrit:
            return
        try:
            TraitementImport.objects.filter(pk=self.pk, statut=StatutTraitement.EN_COURS).update(
                lignes_faites=valeurs[0], lignes_total=valeurs[1]
            )
            self._ecrit = valeurs
        except Exception:  # noqa: BLE001 - a missed progress is logged, the next one retries
            logger.warning("Import %s : progression non enregistrée", self.pk, exc_info=True)
            close_old_connections()

    def _suivre(self) -> None:
        try:
            while not self._arret.wait(self.periode):
                self._ecrire()
        finally:
            connection.close()

    def __enter__(self):
        if self.actif:
            self._fil.start()
        return self

    def __exit__(self, *exc):
        self._arret.set()
        if self._fil.is_alive():
            self._fil.join(timeout=5)
        return False


def executer(pk: int) -> TraitementImport | None:
    """The worker's work (idempotent): lock, check, import, keep the result."""
    with transaction.atomic():
        traitement = TraitementImport.objects.select_for_update(of=("self",)).select_related("projet", "demande_par").filter(pk=pk).first()
        if traitement is None or traitement.statut in (StatutTraitement.PRET, StatutTraitement.ECHEC):
            return traitement
        if traitement.tentatives >= TENTATIVES_MAX or perdu(traitement):
            # killed too often, or already shown as interrupted (a message back after the
            # broker's visibility timeout): never import behind a page that said it stopped
            traitement.statut, traitement.erreur, traitement.fin = StatutTraitement.ECHEC, MESSAGE_INTERROMPU, timezone.now()
            traitement.save(update_fields=["statut", "erreur", "fin"])
            return traitement
        traitement.statut, traitement.debut, traitement.tentatives = StatutTraitement.EN_COURS, timezone.now(), traitement.tentatives + 1
        traitement.lignes_faites = traitement.lignes_total = 0  # a run again after a killed one starts from the start
        traitement.save(update_fields=["statut", "debut", "tentatives", "lignes_faites", "lignes_total"])
    projet, by = traitement.projet, traitement.demande_par
    try:
        contenu = reprendre(depot=traitement.depot, type=traitement.type, projet=projet, by=by)
        if contenu is None:
            _echouer(pk, MESSAGE_DISPARU)
            return TraitementImport.objects.get(pk=pk)
        with Progression(pk) as progression:
            resultat = importer(
                type=traitement.type,
                fichier=contenu,
                nom=traitement.depot,
                projet=projet,
                by=by,
                confirmer=traitement.confirmer,
                progression=progression.avancer,
            )
        resultat.nom_fichier = traitement.nom_fichier
        if traitement.confirmer:
            oublier_tout(type=traitement.type, projet=projet, by=by)
        TraitementImport.objects.filter(pk=pk).update(
            statut=StatutTraitement.PRET,
            resultat=vers_json(resultat),
            erreur="",
            detail="",
            lignes_faites=progression.faites,
            lignes_total=progression.total,
            fin=timezone.now(),
        )
    except Exception:  # the detail goes to the log and the admin; the user reads a French sentence, no path
        logger.exception("Import %s : échec", pk)
        _echouer(pk, MESSAGE_TECHNIQUE, detail=traceback.format_exc())
    return TraitementImport.objects.get(pk=pk)


def vers_json(resultat: ResultatImport) -> dict:
    donnees = asdict(resultat)
    donnees["lignes_total"] = len(resultat.lignes)
    donnees["lignes"] = donnees["lignes"][:LIGNES_GARDEES]
    return donnees


def depuis_json(donnees: dict) -> tuple[ResultatImport, int]:
    """The result kept on the row, and the number of lines it had."""
    donnees = dict(donnees)
    total = donnees.pop("lignes_total", len(donnees.get("lignes", [])))
    donnees["erreurs"] = [ErreurImport(**e) for e in donnees.get("erreurs", [])]
    donnees["lignes"] = [LigneImport(**ligne) for ligne in donnees.get("lignes", [])]
    return ResultatImport(**donnees), total
