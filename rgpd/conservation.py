"""Retention, run each night (Celery beat ``rgpd.tasks.appliquer_conservation``; the embedded
mode's cron runs ``manage.py conserver``). Idempotent: a second run the same day changes nothing.

Per project:

1. **Inactive learners.** A learner's *last activity* is the latest of: entry date, creation,
   the start/end of their paths, steps, outcomes, obstacles (identified, lifted), a step's last
   change and the latest history row of their file or paths. A learner whose last activity is
   ``conservation_inactivite_mois`` months old is anonymised (``services.anonymiser_apprenant``,
   motive « fin de la durée de conservation »), after a notice ``DELAI_AVIS_JOURS`` (30) days
   before that date (``AvisConservation``, shown on the coordinators' home page; about 23 months
   for 24) — and never less than 30 days after the notice (a learner already past the limit
   when the task first sees them, or when the project shortens its retention, is announced and
   anonymised 30 days later). New activity after a notice withdraws it.
2. **Files.** Nominative bilans (``BilanExcel`` with personal data) older than
   ``conservation_fichiers_jours`` days lose their file (the row, the record of the export,
   stays); import files left after a dry run (``MEDIA_ROOT/imports/<projet>/…``) as old are deleted.
   Signed attendance sheets (``Seance.feuille_signee``, issue 17) are the fundings' proof of
   attendance: kept ``conservation_emargements_ans`` years (10 by default) after the séance's
   date — even when a learner named on them is anonymised, since a sheet bears the whole group's
   names and signatures and the funders' control is a legal obligation (RGPD art. 17.3 b) —
   then deleted (the séance and its attendance rows stay).
3. **History** rows (django-simple-history) older than ``settings.RGPD_HISTORIQUE_MOIS`` months
   and **access-log** rows older than ``settings.RGPD_JOURNAL_MOIS`` months are deleted.

Every run logs one line per project with its counts; a project where anything was done gets a
``PurgeConservation`` row (the administrators' page).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from conciergerie.models import JournalAcces, Projet, TraitementImport
from parcours.models import Apprenant, Etape, Frein, Parcours, Seance, Sortie
from pilotage.models import BilanExcel

from .liens import est_historique
from .models import Anonymisation, AvisConservation, MotifAnonymisation, PurgeConservation
from .services import anonymiser_apprenant

logger = logging.getLogger(__name__)

DELAI_AVIS_JOURS = 30


def _jour(valeur) -> date | None:
    if valeur is None:
        return None
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).date() if timezone.is_aware(valeur) else valeur.date()
    return valeur


def dernieres_activites(projet) -> dict[int, date]:
    """learner id -> date of their last activity, for the project's learners not anonymised (a
    constant number of grouped queries)."""
    activite: dict[int, date] = {}

    def porter(lignes):
        for apprenant_id, *dates in lignes:
            for d in map(_jour, dates):
                if d is not None and (apprenant_id not in activite or d > activite[apprenant_id]):
                    activite[apprenant_id] = d

    apprenants = Apprenant.objects.filter(projet=projet).exclude(
        pk__in=Anonymisation.objects.filter(apprenant__isnull=False).values("apprenant_id")
    )
    porter(apprenants.values_list("pk", "date_entree", "cree_le"))
    ids = set(activite)
    porter(
        Parcours.objects.filter(projet=projet)
        .values("apprenant_id")
        .annotate(Max("date_debut"), Max("date_fin"), Max("suivi_6_mois_le"))
        .values_list("apprenant_id", "date_debut__max", "date_fin__max", "suivi_6_mois_le__max")
    )
    porter(
        Etape.objects.filter(projet=projet)
        .values("parcours__apprenant_id")
        .annotate(Max("date_debut"), Max("date_fin"), Max("modifie_le"))
        .values_list("parcours__apprenant_id", "date_debut__max", "date_fin__max", "modifie_le__max")
    )
    porter(
        Sortie.objects.filter(projet=projet)
        .values("parcours__apprenant_id")
        .annotate(Max("date"))
        .values_list("parcours__apprenant_id", "date__max")
    )
    porter(
        Frein.objects.filter(projet=projet)
        .values("apprenant_id")
        .annotate(Max("identifie_le"), Max("leve_le"))
        .values_list("apprenant_id", "identifie_le__max", "leve_le__max")
    )
    porter(Apprenant.history.filter(projet_id=projet.pk).values("id").annotate(d=Max("history_date")).values_list("id", "d"))
    porter(
        Parcours.history.filter(projet_id=projet.pk).values("apprenant_id").annotate(d=Max("history_date")).values_list("apprenant_id", "d")
    )
    return {pk: d for pk, d in activite.items() if pk in ids}


def _limite_mois(aujourdhui: date, mois: int) -> datetime:
    return timezone.make_aware(datetime.combine(aujourdhui - relativedelta(months=mois), time.min))


def _learners(projet, aujourdhui: date, comptes: dict) -> None:
    mois = projet.conservation_inactivite_mois
    activites = dernieres_activites(projet)
    avis = {a.apprenant_id: a for a in AvisConservation.objects.filter(projet=projet)}
    a_anonymiser = []
    for apprenant_id, derniere in activites.items():
        echeance = derniere + relativedelta(months=mois)
        existant = avis.get(apprenant_id)
        if existant is not None and derniere > existant.derniere_activite:
            existant.delete()  # active again: the notice is withdrawn
            comptes["avis_retires"] += 1
            existant = None
        if existant is None:
            if aujourdhui >= echeance - timedelta(days=DELAI_AVIS_JOURS):
                AvisConservation.objects.create(
                    projet=projet,
                    apprenant_id=apprenant_id,
                    derniere_activite=derniere,
                    annonce_le=aujourdhui,
                    anonymisation_prevue_le=max(echeance, aujourdhui + timedelta(days=DELAI_AVIS_JOURS)),
                )
                comptes["avis_envoyes"] += 1
        elif aujourdhui >= existant.anonymisation_prevue_le:
            a_anonymiser.append(apprenant_id)
    for apprenant in Apprenant.objects.filter(pk__in=a_anonymiser):
        anonymiser_apprenant(apprenant=apprenant, by=None, motif=MotifAnonymisation.CONSERVATION)
        comptes["apprenants_anonymises"] += 1


def _fichiers(projet, maintenant: datetime, comptes: dict) -> None:
    limite = maintenant - timedelta(days=projet.conservation_fichiers_jours)
    for bilan in BilanExcel.objects.filter(projet=projet, donnees_personnelles=True, cree_le__lt=limite).exclude(fichier=""):
        bilan.fichier.delete(save=False)
        BilanExcel.objects.filter(pk=bilan.pk).update(fichier="")
        comptes["bilans_supprimes"] += 1
    comptes["imports_supprimes"] += _supprimer_anciens(f"imports/{projet.pk}", limite)
    # the import jobs' results name the file's first lines: they go with the files
    n, _ = TraitementImport.objects.filter(projet=projet, cree_le__lt=limite).delete()
    comptes["imports_supprimes"] += n
    _emargements(projet, timezone.localdate(maintenant), comptes)


def _emargements(projet, aujourdhui: date, comptes: dict) -> None:
    """The signed attendance sheets of the séances held ``conservation_emargements_ans`` years
    ago or more lose their file. A file that cannot be deleted (a disk error) keeps its séance's
    reference, so that the next night tries again; the error is logged."""
    limite = aujourdhui - relativedelta(years=projet.conservation_emargements_ans)
    supprimees = []
    for seance in Seance.objects.filter(projet=projet, date__lt=limite).exclude(feuille_signee="").only("pk", "feuille_signee"):
        nom = seance.feuille_signee.name
        try:
            default_storage.delete(nom)
        except OSError:
            logger.exception("conservation projet=%s : feuille d'émargement %s non supprimée, réessayée la nuit prochaine", projet.pk, nom)
            continue
        supprimees.append(seance.pk)
    Seance.objects.filter(pk__in=supprimees).update(feuille_signee="")
    comptes["emargements_supprimes"] += len(supprimees)


def _supprimer_anciens(dossier: str, limite: datetime) -> int:
    """Delete the files under ``dossier`` (recursively) last modified before ``limite``."""
    try:
        sous_dossiers, fichiers = default_storage.listdir(dossier)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    n = 0
    for nom in fichiers:
        chemin = f"{dossier}/{nom}"
        if default_storage.get_modified_time(chemin) < limite:
            default_storage.delete(chemin)
            n += 1
    for nom in sous_dossiers:
        n += _supprimer_anciens(f"{dossier}/{nom}", limite)
    return n


def _historique_et_journal(projet, aujourdhui: date, comptes: dict) -> None:
    limite = _limite_mois(aujourdhui, settings.RGPD_HISTORIQUE_MOIS)
    for historique in apps.get_models():
        if est_historique(historique) and any(f.attname == "projet_id" for f in historique._meta.fields):
            n, _ = historique._default_manager.filter(projet_id=projet.pk, history_date__lt=limite).delete()
            comptes["historique_supprime"] += n
    n, _ = JournalAcces.objects.filter(projet=projet, date__lt=_limite_mois(aujourdhui, settings.RGPD_JOURNAL_MOIS)).delete()
    comptes["journal_supprime"] += n


def conserver_projet(projet, *, maintenant: datetime | None = None) -> PurgeConservation | None:
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    comptes = dict.fromkeys(PurgeConservation.COMPTES, 0)
    with transaction.atomic():
        _learners(projet, aujourdhui, comptes)
        _historique_et_journal(projet, aujourdhui, comptes)
    _fichiers(projet, maintenant, comptes)  # files are not transactional: after the rows
    logger.info("conservation projet=%s %s", projet.pk, " ".join(f"{k}={v}" for k, v in comptes.items()))
    if not any(comptes.values()):
        return None
    return PurgeConservation.objects.create(projet=projet, date=maintenant, **comptes)


def conserver(*, maintenant: datetime | None = None) -> list[PurgeConservation]:
    """Apply the retention rules to every project; the runs that did something."""
    return [p for p in (conserver_projet(projet, maintenant=maintenant) for projet in Projet.objects.order_by("pk")) if p is not None]
