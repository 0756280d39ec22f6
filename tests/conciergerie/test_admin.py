"""Every model is registered in the Django admin and its pages open for the superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from parcours.models import CompteurReference
from tests import factories as f
from tests.connexion import connecter

APPS = {"conciergerie", "partenaires", "parcours", "finances", "recits", "competences", "badges", "rgpd"}
#: records written by the app only: never added, changed nor deleted by hand
REGISTRES = {"JournalAcces", "PurgeConservation", "Anonymisation", "AvisConservation", "CleProjet"}


def _invitation():
    from datetime import timedelta

    from django.utils import timezone

    from conciergerie.models import Invitation

    Invitation.objects.create(
        projet=f.ProjetFactory(), user=f.UserFactory(), jeton_hash="a" * 64, expire_le=timezone.now() + timedelta(days=7)
    )


def domain_models():
    return [m for m in apps.get_models() if m._meta.app_label in APPS and not m.__name__.startswith("Historical")]


def test_every_domain_model_is_registered():
    missing = [m.__name__ for m in domain_models() if m not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m.__name__)
def test_admin_changelist_add_and_change_open(client, model):
    connecter(f.UserFactory(superuser=True), client)  # the admin asks for a second factor
    # a row of each model so that the change page and list columns render
    f.ApprenantFactory()
    f.SortieFactory()
    f.EtapeFactory(bloquee=True)
    f.FreinFactory()
    f.DepenseFactory()
    f.VersementFactory()
    f.TempsBenevoleFactory()
    f.PartageValeurFactory()
    f.DerogationEligibiliteFactory()
    f.ObjectifFactory()
    f.RecitFactory()
    f.ActiviteFactory()
    f.RapportCopilFactory()
    f.BilanExcelFactory()
    f.ConventionFactory()
    f.MembreConsortiumFactory()
    f.ContactFactory()
    f.SessionFormationFactory()
    f.PresenceFactory()
    f.PhaseFactory()
    f.AdhesionFactory()
    f.ResumeEnvoyeFactory()
    f.PreferencesFactory()
    f.AvisRetraitConsentementFactory()
    f.NiveauEvaluationFactory()
    f.ComposanteAfestFactory()
    CompteurReference.objects.create(projet=f.ProjetFactory(), prefixe="FN")
    _registres_rgpd()
    _traitement_import()
    _invitation()
    _badges()
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=a")
    assert changelist.status_code == 200
    # jobs are made by the app, never added by hand (they would not be enqueued)
    sans_ajout = model.__name__ in {
        "RapportCopil",
        "BilanExcel",
        "ResumeEnvoye",
        "AvisRetraitConsentement",
        "TraitementImport",
        "Invitation",
        "Badge",  # proposed and issued (signed) by the app (badges.services)
        "EcritureProjet",  # one per write, by the app (conciergerie.revisions)
        *REGISTRES,
    }
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == (403 if sans_ajout else 200)
    obj = model.objects.first()
    assert obj is not None
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    # the record of the Excel exports (who exported personal data) is never deleted by hand
    suppression = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk]))
    assert suppression.status_code == (403 if model.__name__ in {"BilanExcel", "EcritureProjet", *REGISTRES} else 200)


def _badges():
    from tests.badges.outils import badge_delivre

    badge_delivre()  # a class, its required competence, the project's key, a signed badge


def _traitement_import():
    from conciergerie.models import TraitementImport

    adhesion = f.AdhesionFactory(administrateur=True)
    TraitementImport.objects.create(
        projet=adhesion.projet, demande_par=adhesion.user, type="apprenants", depot="a.csv", nom_fichier="a.csv"
    )


def _registres_rgpd():
    from django.utils import timezone

    from conciergerie.journal import journaliser
    from conciergerie.models import ActionAcces
    from rgpd.models import Anonymisation, AvisConservation, PurgeConservation

    apprenant = f.ApprenantFactory()
    journaliser(user=None, projet=apprenant.projet, action=ActionAcces.FICHE_APPRENANT, objet=apprenant)
    aujourdhui = timezone.localdate()
    AvisConservation.objects.create(
        projet=apprenant.projet,
        apprenant=apprenant,
        derniere_activite=aujourdhui,
        annonce_le=aujourdhui,
        anonymisation_prevue_le=aujourdhui,
    )
    Anonymisation.objects.create(projet=apprenant.projet, contact=f.ContactFactory(), faite_le=timezone.now())
    PurgeConservation.objects.create(projet=apprenant.projet, date=timezone.now(), avis_envoyes=1)


@pytest.mark.django_db
def test_admin_refuses_project_users(client):
    adhesion = f.AdhesionFactory(administrateur=True)
    connecter(adhesion.user, client)  # even with a second factor
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # to the admin login: project users use the app
    assert response.url.startswith(reverse("admin:login"))
