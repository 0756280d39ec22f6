"""Erasure: anonymising a learner or a contact person, from the confirmation page.

After anonymisation no table — history, admin log, access log included — holds the learner's
name, birth date, e-mail or phone (every text column of every model is searched); the
aggregates keep counting them."""

import json
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from conciergerie.models import ActionAcces, JournalAcces
from parcours.models import Apprenant, Etape, Frein, Parcours, Sortie
from partenaires.models import Contact
from pilotage.indicateurs import Periode, calculer
from recits.models import Recit
from rgpd import services
from rgpd.models import Anonymisation, MotifAnonymisation
from tests import factories as f
from tests.rgpd.outils import EMAIL, NAISSANCE, NOM, PRENOM, TRACES, apprenant_partout

pytestmark = pytest.mark.django_db


@pytest.fixture
def projet_admin(login):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dpo")
    return adhesion.projet, adhesion.user, login(adhesion.user)


def traces_en_base(valeurs) -> list[str]:
    """Every (table, column) of every model (historical and many-to-many tables included) whose
    text holds one of ``valeurs``."""
    trouvees = []
    for model in apps.get_models(include_auto_created=True):
        champs = [c for c in model._meta.concrete_fields if isinstance(c, (models.CharField, models.TextField))]
        for champ in champs:
            condition = Q()
            for valeur in valeurs:
                condition |= Q(**{f"{champ.name}__icontains": valeur})
            if model._base_manager.filter(condition).exists():
                trouvees.append(f"{model._meta.db_table}.{champ.column}")
        for champ in (c for c in model._meta.concrete_fields if isinstance(c, models.JSONField)):
            textes = (json.dumps(v, ensure_ascii=False) for v in model._base_manager.values_list(champ.name, flat=True))
            if any(valeur.lower() in texte.lower() for texte in textes for valeur in valeurs):
                trouvees.append(f"{model._meta.db_table}.{champ.column}")
    return trouvees


def test_the_search_finds_every_trace_before(projet_admin):
    """The search itself can fail: before anonymisation it finds the learner everywhere."""
    projet, admin, _ = projet_admin
    apprenant_partout(projet, admin=admin)
    trouvees = traces_en_base(TRACES)
    for attendu in ["parcours_apprenant.prenom", "parcours_historicalapprenant.nom", "parcours_frein.commentaire", "recits_recit.texte"]:
        assert attendu in trouvees
    assert "django_admin_log.object_repr" in trouvees
    assert "conciergerie_traitementimport.resultat" in trouvees


def test_after_anonymisation_no_table_holds_the_person(projet_admin):
    projet, admin, client = projet_admin
    apprenant = apprenant_partout(projet, admin=admin)
    client.get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk]))  # an access-log row
    periode = Periode(date(2020, 1, 1), date(2030, 12, 31))
    avant = calculer([projet], periode)

    reponse = client.post(reverse("apprenant_anonymiser", args=[projet.pk, apprenant.pk]), {"confirmer": "on"})

    assert reponse.status_code == 302
    assert traces_en_base(TRACES) == []
    # dates are not text: the birth date keeps only its year, in the row and its history
    apprenant.refresh_from_db()
    assert apprenant.date_naissance == date(NAISSANCE.year, 7, 1)
    assert not Apprenant.history.filter(date_naissance=NAISSANCE).exists()
    assert list(Apprenant.history.filter(id=apprenant.pk).values_list("history_change_reason", flat=True)) == ["Anonymisation (RGPD)"]
    # what stays: the rows the figures count
    assert Parcours.objects.filter(apprenant=apprenant).count() == 1
    assert Etape.objects.filter(parcours__apprenant=apprenant).count() == 2  # one of them an AFEST
    assert Frein.objects.filter(apprenant=apprenant).count() == 1
    assert Sortie.objects.filter(parcours__apprenant=apprenant).count() == 1
    assert calculer([projet], periode) == avant
    assert not Recit.objects.filter(apprenants=apprenant).exists()
    # the learner's own words in the AFEST's reflexive phase go too; the traces stay (the AFEST is still complete or not)
    from competences.models import ComposanteAfest

    assert list(ComposanteAfest.objects.filter(type="phase_reflexive").values_list("contenu", flat=True)) == [services.PROPOS_EFFACES]
    assert ComposanteAfest.objects.filter(etape__parcours__apprenant=apprenant).count() == 2
    anonymisation = Anonymisation.objects.get(apprenant=apprenant)
    assert (anonymisation.motif, anonymisation.par) == (MotifAnonymisation.DEMANDE, admin)
    assert JournalAcces.objects.filter(action=ActionAcces.ANONYMISATION, objet_id=apprenant.pk).exists()
    assert set(JournalAcces.objects.filter(objet_id=apprenant.pk).values_list("objet_libelle", flat=True)) == {f"ANONYME-{apprenant.pk}"}


def test_the_confirmation_says_what_remains_and_needs_the_box(projet_admin):
    projet, _, client = projet_admin
    apprenant = f.ApprenantFactory(projet=projet, prenom=PRENOM, nom=NOM)
    url = reverse("apprenant_anonymiser", args=[projet.pk, apprenant.pk])
    page = client.get(url).content.decode()
    assert "Ce qui restera" in page and "Ce qui sera effacé" in page
    assert "les indicateurs et les bilans continuent de compter cette personne" in page

    reponse = client.post(url, {})

    assert reponse.status_code == 200
    assert "Cochez la case pour confirmer" in reponse.content.decode()
    apprenant.refresh_from_db()
    assert apprenant.nom == NOM
    assert not Anonymisation.objects.exists()


def test_twice_is_refused_and_changes_nothing(projet_admin):
    projet, admin, client = projet_admin
    apprenant = f.ApprenantFactory(projet=projet)
    services.anonymiser_apprenant(apprenant=apprenant, by=admin)
    with pytest.raises(ValidationError, match="déjà anonymisée"):
        services.anonymiser_apprenant(apprenant=apprenant, by=admin)
    assert "déjà anonymisée" in client.get(reverse("apprenant_anonymiser", args=[projet.pk, apprenant.pk])).content.decode()
    assert Anonymisation.objects.count() == 1


def test_the_service_refuses_a_coordinator(projet_admin):
    projet, _, _ = projet_admin
    coordinateur = f.AdhesionFactory(projet=projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=projet, nom=NOM)
    with pytest.raises(PermissionDenied):
        services.anonymiser_apprenant(apprenant=apprenant, by=coordinateur)
    apprenant.refresh_from_db()
    assert apprenant.nom == NOM


def test_a_coordinator_gets_403_and_nothing_changes(projet_admin, login):
    projet, _, _ = projet_admin
    coordinateur = f.AdhesionFactory(projet=projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=projet, nom=NOM)
    reponse = login(coordinateur).post(reverse("apprenant_anonymiser", args=[projet.pk, apprenant.pk]), {"confirmer": "on"})
    assert reponse.status_code == 403
    apprenant.refresh_from_db()
    assert apprenant.nom == NOM


def test_anonymising_a_contact(projet_admin):
    projet, _, client = projet_admin
    contact = f.ContactFactory(organisation__projet=projet, prenom="Gontran", nom="Pécuchet", email="gp@exemple.fr", fonction="Conseiller")
    f.RecitFactory(projet=projet, texte="Réunion avec Gontran Pécuchet de la Mission Locale.")
    copil = f.CopilFactory(projet=projet, decisions="Pécuchet Gontran relancera les OF.")
    copil.participants.add(contact)
    apprenant = f.ApprenantFactory(projet=projet, prescripteur=contact.organisation, prescripteur_contact=contact)

    page = client.get(reverse("contact_anonymiser", args=[projet.pk, contact.pk])).content.decode()
    assert "Ce qui restera" in page
    reponse = client.post(reverse("contact_anonymiser", args=[projet.pk, contact.pk]), {"confirmer": "on"})

    assert reponse.status_code == 302
    assert traces_en_base(["Gontran", "Pécuchet", "gp@exemple.fr"]) == []
    contact.refresh_from_db()
    assert (contact.prenom, contact.nom, contact.fonction, contact.email) == ("Contact", "anonymisé", "", "")
    assert copil.participants.filter(pk=contact.pk).exists()
    apprenant.refresh_from_db()
    assert apprenant.prescripteur_contact_id == contact.pk
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_learner_page_offers_the_rights_to_administrators_only(projet_admin, login):
    projet, _, client = projet_admin
    apprenant = f.ApprenantFactory(projet=projet, prenom=PRENOM)
    export = reverse("apprenant_export", args=[projet.pk, apprenant.pk])
    assert export in client.get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk])).content.decode()
    coordinateur = f.AdhesionFactory(projet=projet, coordinateur=True).user
    assert export not in login(coordinateur).get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk])).content.decode()


def test_the_history_says_which_fields_changed(projet_admin):
    """Rectification stays the edit forms; the learner's history names the fields changed."""
    projet, _, client = projet_admin
    apprenant = f.ApprenantFactory(projet=projet, email="ancien@exemple.fr")
    apprenant.email = "nouveau@exemple.fr"
    apprenant.telephone = "0612345678"
    apprenant.save()
    page = client.get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk])).content.decode()
    assert "champs modifiés : e-mail (ancien@exemple.fr → nouveau@exemple.fr), téléphone (vide → 0612345678)" in page
    assert EMAIL not in page
