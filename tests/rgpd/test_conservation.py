"""Retention with a frozen clock: notice at 23 months without activity, anonymisation at 24,
nominative files deleted after 30 days, history and access log purged; a second run changes
nothing more. The Celery task and the management command run the same thing."""

import os
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from conciergerie.journal import journaliser
from conciergerie.models import ActionAcces, JournalAcces, TraitementImport
from parcours.models import Apprenant
from pilotage.models import BilanExcel
from rgpd import conservation, tasks
from rgpd.models import Anonymisation, AvisConservation, MotifAnonymisation, PurgeConservation
from tests import factories as f
from tests.rgpd.outils import NOM, horloge

pytestmark = pytest.mark.django_db

D = date(2023, 5, 10)  # the last activity: 23 months later (2025-04-10) is 30 days before 24 (2025-05-10)


def _inactif(projet, **kwargs):
    """A learner whose every date is ``D`` (entry, path, step, history)."""
    with horloge(D):
        apprenant = f.ApprenantFactory(projet=projet, date_entree=D, nom=NOM, **kwargs)
        parcours = f.ParcoursFactory(apprenant=apprenant, date_debut=D)
        f.EtapeFactory(parcours=parcours, date_debut=D)
    return apprenant


def _run(jour):
    with horloge(jour):
        return conservation.conserver()


def test_notice_at_23_months_then_anonymisation_at_24(login):
    coordination = f.AdhesionFactory(coordinateur=True)
    projet = coordination.projet
    apprenant = _inactif(projet)
    with horloge(D):
        actif = f.ApprenantFactory(projet=projet, date_entree=D)
    with horloge(D + relativedelta(months=20)):
        f.ParcoursFactory(apprenant=actif, date_debut=D + relativedelta(months=20))

    assert _run(D + relativedelta(months=23) - timedelta(days=1)) == []
    assert not AvisConservation.objects.exists()

    [purge] = _run(D + relativedelta(months=23))
    avis = AvisConservation.objects.get()
    assert (avis.apprenant, avis.derniere_activite, avis.annonce_le) == (apprenant, D, D + relativedelta(months=23))
    assert avis.anonymisation_prevue_le == D + relativedelta(months=24)
    assert (purge.avis_envoyes, purge.apprenants_anonymises) == (1, 0)
    assert _run(D + relativedelta(months=23)) == []  # the same day again: nothing
    assert AvisConservation.objects.count() == 1
    # the coordinators' home page shows it
    with horloge(D + relativedelta(months=23)):
        accueil = login(coordination.user).get(reverse("projet_accueil", args=[projet.pk])).content.decode()
    assert "Fin de conservation des données" in accueil
    assert "anonymisation le 10 mai 2025" in accueil

    assert _run(D + relativedelta(months=24) - timedelta(days=1)) == []
    [purge] = _run(D + relativedelta(months=24))
    assert purge.apprenants_anonymises == 1
    apprenant.refresh_from_db()
    assert apprenant.nom != NOM
    assert Anonymisation.objects.get(apprenant=apprenant).motif == MotifAnonymisation.CONSERVATION
    assert not AvisConservation.objects.exists()
    actif.refresh_from_db()
    assert not Anonymisation.objects.filter(apprenant=actif).exists()

    assert _run(D + relativedelta(months=24)) == []
    # a month later: only the active learner's creation row (D), now over 24 months old, goes
    [purge] = _run(D + relativedelta(months=25))
    assert {k: v for k, v in purge.comptes().items() if v} == {"historique_supprime": 1}
    assert Anonymisation.objects.count() == 1


def test_new_activity_withdraws_the_notice():
    projet = f.ProjetFactory()
    apprenant = _inactif(projet)
    _run(D + relativedelta(months=23))
    assert AvisConservation.objects.filter(apprenant=apprenant).exists()
    jour = D + relativedelta(months=23, days=5)
    with horloge(jour):
        f.FreinFactory(apprenant=apprenant, identifie_le=jour)
    [purge] = _run(jour)
    assert purge.avis_retires == 1
    assert not AvisConservation.objects.exists()
    _run(D + relativedelta(months=24))
    assert not Anonymisation.objects.exists()


def test_a_notice_gives_30_days_at_least():
    """A project whose retention is shortened: the learners past it are announced, and
    anonymised 30 days later, not at once."""
    projet = f.ProjetFactory(conservation_inactivite_mois=6)
    apprenant = _inactif(projet)
    jour = D + relativedelta(months=12)
    _run(jour)
    assert AvisConservation.objects.get(apprenant=apprenant).anonymisation_prevue_le == jour + timedelta(days=30)
    _run(jour + timedelta(days=29))
    assert not Anonymisation.objects.exists()
    _run(jour + timedelta(days=30))
    assert Anonymisation.objects.filter(apprenant=apprenant).exists()


def test_nominative_files_deleted_after_30_days():
    projet = f.ProjetFactory(conservation_inactivite_mois=120)
    jour = date(2025, 4, 1)
    with horloge(jour) as instant:
        nominatif = f.BilanExcelFactory(projet=projet, pret=True, nominatif=True)
        pseudonymise = f.BilanExcelFactory(projet=projet, pret=True)
        depot = default_storage.save(f"imports/{projet.pk}/7/apprenants/abc.csv", ContentFile(b"reference;nom\n"))
        os.utime(default_storage.path(depot), (instant.timestamp(), instant.timestamp()))
        traitement = TraitementImport.objects.create(projet=projet, demande_par=f.UserFactory(), type="apprenants", depot="abc.csv")
        autre_projet = default_storage.save("imports/999999/7/apprenants/abc.csv", ContentFile(b"x"))
        os.utime(default_storage.path(autre_projet), (instant.timestamp(), instant.timestamp()))
    chemin = nominatif.fichier.name

    assert _run(jour + timedelta(days=29)) == []
    assert default_storage.exists(chemin) and default_storage.exists(depot)
    assert TraitementImport.objects.filter(pk=traitement.pk).exists()

    [purge] = _run(jour + timedelta(days=31))
    assert (purge.bilans_supprimes, purge.imports_supprimes) == (1, 2)  # the file and the import job's result
    assert not TraitementImport.objects.filter(pk=traitement.pk).exists()
    assert not default_storage.exists(chemin)
    assert not default_storage.exists(depot)
    assert default_storage.exists(autre_projet)  # another project's folder is its own run's
    nominatif.refresh_from_db()
    assert nominatif.fichier.name == ""  # the record of the export stays
    assert BilanExcel.objects.get(pk=pseudonymise.pk).fichier.name != ""
    assert _run(jour + timedelta(days=32)) == []


def test_history_and_access_log_purged(settings):
    settings.RGPD_HISTORIQUE_MOIS = 24
    settings.RGPD_JOURNAL_MOIS = 12
    projet = f.ProjetFactory(conservation_inactivite_mois=120)
    admin = f.AdhesionFactory(projet=projet, administrateur=True).user
    apprenant = _inactif(projet)
    with horloge(D + relativedelta(months=6)):
        apprenant.commune = "Dax"
        apprenant.save()
        journaliser(user=admin, projet=projet, action=ActionAcces.FICHE_APPRENANT, objet=apprenant)
    with horloge(D + relativedelta(months=13)):
        journaliser(user=admin, projet=projet, action=ActionAcces.FICHE_APPRENANT, objet=apprenant)
    assert Apprenant.history.filter(id=apprenant.pk).count() == 2

    [purge] = _run(D + relativedelta(months=18, days=1))
    assert (purge.journal_supprime, purge.historique_supprime) == (1, 0)
    assert JournalAcces.objects.count() == 1

    [purge] = _run(D + relativedelta(months=24, days=1))
    # the creation rows of the learner, the path and the step (D); the change of D + 6 months stays
    assert purge.historique_supprime == 3
    assert Apprenant.history.filter(id=apprenant.pk).count() == 1
    assert _run(D + relativedelta(months=24, days=1)) == []


def test_the_task_and_the_command_run_the_same_rules(capsys):
    projet = f.ProjetFactory()
    _inactif(projet)
    with horloge(D + relativedelta(months=23)):
        assert tasks.appliquer_conservation() == 1
        call_command("conserver")
    assert "Conservation appliquée (0 projet(s) concerné(s))" in capsys.readouterr().out
    assert PurgeConservation.objects.count() == 1


def test_the_beat_schedule_runs_the_task():
    from django.conf import settings

    taches = {t["task"] for t in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "rgpd.tasks.appliquer_conservation" in taches
    assert tasks.appliquer_conservation.name == "rgpd.tasks.appliquer_conservation"


def test_the_administrators_page_shows_the_purges(login):
    adhesion = f.AdhesionFactory(administrateur=True)
    _inactif(adhesion.projet)
    _run(D + relativedelta(months=23))
    page = login(adhesion.user).get(reverse("conservation", args=[adhesion.projet.pk])).content.decode()
    assert "Apprenants annoncés (1)" in page
    assert "anonymisés après 24 mois" in page


def test_a_bilan_whose_file_was_deleted_says_so(login):
    adhesion = f.AdhesionFactory(administrateur=True)
    projet = adhesion.projet
    jour = date(2025, 4, 1)
    with horloge(jour):
        bilan = f.BilanExcelFactory(projet=projet, pret=True, nominatif=True)
    _run(jour + timedelta(days=31))
    client = login(adhesion.user)
    page = client.get(reverse("bilan_statut", kwargs={"projet_id": projet.pk, "pk": bilan.pk})).content.decode()
    assert "Fichier supprimé à la fin de sa durée de conservation." in page
    assert reverse("bilan_telecharger", kwargs={"projet_id": projet.pk, "pk": bilan.pk}) not in page
    assert client.get(reverse("bilan_telecharger", kwargs={"projet_id": projet.pk, "pk": bilan.pk})).status_code == 404


def _seance_signee(projet, jour, nom):
    seance = f.SeanceFactory(session__projet=projet, session__date_debut=jour, session__date_fin=jour, date=jour)
    seance.feuille_signee.save(nom, ContentFile(b"%PDF-1.4 feuille signee"), save=True)
    return seance


def test_signed_attendance_sheets_kept_10_years_after_the_seance_then_deleted(login):
    """Proof of attendance for the fundings: an anonymised learner does not take the sheet away
    (it bears the whole group's signatures); ten years after the séance, the file goes, the
    séance and its attendance rows stay."""
    projet = f.ProjetFactory()
    ancienne = _seance_signee(projet, date(2015, 3, 2), "ancienne.pdf")
    recente = _seance_signee(projet, date(2020, 3, 2), "recente.pdf")
    presence = f.PresenceFactory(seance=ancienne)
    chemin_ancien, chemin_recent = ancienne.feuille_signee.name, recente.feuille_signee.name

    # the day before the tenth anniversary: nothing
    _run(date(2025, 3, 1))
    assert not PurgeConservation.objects.filter(emargements_supprimes__gt=0).exists()
    assert default_storage.exists(chemin_ancien)

    _run(date(2025, 3, 3))
    purge = PurgeConservation.objects.get(emargements_supprimes__gt=0)
    assert purge.emargements_supprimes == 1
    ancienne.refresh_from_db()
    recente.refresh_from_db()
    assert not ancienne.feuille_signee and not default_storage.exists(chemin_ancien)
    assert recente.feuille_signee.name == chemin_recent and default_storage.exists(chemin_recent)
    presence.refresh_from_db()  # the attendance stays: the hours it gave are still counted
    assert presence.seance_id == ancienne.pk

    _run(date(2025, 3, 3))  # idempotent
    assert PurgeConservation.objects.filter(emargements_supprimes__gt=0).count() == 1


def test_a_project_sets_how_long_it_keeps_the_sheets(login):
    """Five years for a funding agreement that asks for five: the setting is on the project's
    page, and a value below one year is refused with a French message."""
    coordination = f.AdhesionFactory(administrateur=True)
    projet = coordination.projet
    seance = _seance_signee(projet, date(2019, 6, 3), "cinq-ans.pdf")
    client = login(coordination.user)
    url = reverse("projet_modifier", args=[projet.pk])
    page = client.get(url).content.decode()
    assert "feuilles d&#x27;émargement signées" in page or "feuilles d'émargement signées" in page
    donnees = {
        "nom": projet.nom,
        "territoire": projet.territoire,
        "date_debut": projet.date_debut.isoformat(),
        "taux_horaire_benevolat": "15,00",
        "conservation_inactivite_mois": 24,
        "conservation_fichiers_jours": 30,
        "conservation_emargements_ans": 0,
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert "supérieure ou égale à 1" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.conservation_emargements_ans == 10
    assert client.post(url, {**donnees, "conservation_emargements_ans": 5}).status_code == 302
    projet.refresh_from_db()
    assert projet.conservation_emargements_ans == 5

    _run(date(2024, 6, 4))
    seance.refresh_from_db()
    assert not seance.feuille_signee


def test_a_sheet_that_cannot_be_deleted_is_kept_on_record_and_retried(monkeypatch, caplog):
    """A disk error on deletion: the séance keeps its reference (the file is not forgotten on the
    disk), the error is logged in French, the next night deletes it."""
    projet = f.ProjetFactory()
    seance = _seance_signee(projet, date(2010, 1, 4), "disque.pdf")
    chemin = seance.feuille_signee.name
    from django.core.files.storage import FileSystemStorage

    def panne(self, nom):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "delete", panne)
    _run(date(2025, 1, 5))
    seance.refresh_from_db()
    assert seance.feuille_signee.name == chemin and default_storage.exists(chemin)
    assert "non supprimée, réessayée la nuit prochaine" in caplog.text
    monkeypatch.undo()
    _run(date(2025, 1, 6))
    seance.refresh_from_db()
    assert not seance.feuille_signee and not default_storage.exists(chemin)
