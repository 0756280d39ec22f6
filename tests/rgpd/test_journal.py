"""The access log: who opened a learner's file or downloaded personal data, written by one
INSERT per view; read-only page for the project's administrators, paginated, filterable."""

import pytest
from django.urls import reverse

from conciergerie.journal import journaliser
from conciergerie.models import ActionAcces, JournalAcces
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def equipe(login):
    admin = f.AdhesionFactory(administrateur=True, user__username="dpo", user__first_name="Dora", user__last_name="Po")
    projet = admin.projet
    coord = f.AdhesionFactory(projet=projet, coordinateur=True, user__username="camille").user
    return {"projet": projet, "admin": admin.user, "coord": coord, "client_admin": login(admin.user), "client_coord": login(coord)}


def test_opening_a_learner_file_is_logged(equipe):
    projet = equipe["projet"]
    apprenant = f.ApprenantFactory(projet=projet, reference="APP-7", nom="Quenouille")
    equipe["client_coord"].get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk]))
    [acces] = JournalAcces.objects.all()
    assert (acces.projet, acces.user, acces.action, acces.objet_type, acces.objet_id) == (
        projet,
        equipe["coord"],
        ActionAcces.FICHE_APPRENANT,
        "parcours.apprenant",
        apprenant.pk,
    )
    assert acces.objet_libelle == "APP-7"  # the reference, never the name
    assert "camille" in acces.user_nom


def test_a_refused_page_logs_nothing(equipe, login):
    projet = equipe["projet"]
    apprenant = f.ApprenantFactory(projet=projet)
    financeur = f.AdhesionFactory(projet=projet, financeur=True).user
    assert login(financeur).get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk])).status_code == 403
    assert not JournalAcces.objects.exists()


def test_downloading_a_receipt_is_logged(equipe):
    projet = equipe["projet"]
    depense = f.DepenseFactory(ligne__financement__projet=projet, avec_justificatif=True)
    reponse = equipe["client_coord"].get(reverse("depense_justificatif", args=[projet.pk, depense.pk]))
    assert reponse.status_code == 200
    [acces] = JournalAcces.objects.all()
    assert (acces.action, acces.objet_type, acces.objet_id) == (ActionAcces.JUSTIFICATIF, "finances.depense", depense.pk)


def test_downloading_a_nominative_bilan_is_logged_a_pseudonymised_one_not(equipe):
    projet = equipe["projet"]
    nominatif = f.BilanExcelFactory(projet=projet, pret=True, nominatif=True)
    pseudonymise = f.BilanExcelFactory(projet=projet, pret=True)
    client = equipe["client_admin"]
    assert client.get(reverse("bilan_telecharger", kwargs={"projet_id": projet.pk, "pk": pseudonymise.pk})).status_code == 200
    assert not JournalAcces.objects.exists()
    assert client.get(reverse("bilan_telecharger", kwargs={"projet_id": projet.pk, "pk": nominatif.pk})).status_code == 200
    [acces] = JournalAcces.objects.all()
    assert (acces.action, acces.objet_id, acces.user) == (ActionAcces.BILAN_NOMINATIF, nominatif.pk, equipe["admin"])


def test_the_page_lists_filters_and_paginates(equipe):
    projet = equipe["projet"]
    lea = f.ApprenantFactory(projet=projet, reference="LEA-1")
    autre = f.ApprenantFactory(projet=projet, reference="AUT-2")
    for _ in range(55):
        journaliser(user=equipe["coord"], projet=projet, action=ActionAcces.FICHE_APPRENANT, objet=lea)
    journaliser(user=equipe["admin"], projet=projet, action=ActionAcces.EXPORT_ACCES, objet=autre)
    journaliser(user=equipe["admin"], projet=f.ProjetFactory(), action=ActionAcces.EXPORT_ACCES, objet=lea)  # another project
    client = equipe["client_admin"]
    url = reverse("journal_acces", args=[projet.pk])

    page = client.get(url)
    assert page.context["paginator"].count == 56
    assert len(page.context["acces"]) == 50
    assert "Export des données d&#x27;un apprenant téléchargé" in page.content.decode()
    assert len(client.get(url, {"page": 2}).context["acces"]) == 6

    assert client.get(url, {"apprenant": "aut-2"}).context["paginator"].count == 1
    assert client.get(url, {"apprenant": str(lea.pk)}).context["paginator"].count == 55
    assert client.get(url, {"action": ActionAcces.EXPORT_ACCES}).context["paginator"].count == 1
    inconnu = client.get(url, {"apprenant": "PERSONNE"})
    assert inconnu.context["paginator"].count == 0
    assert "Aucun apprenant du projet n'a cette référence." in inconnu.content.decode()


@pytest.mark.parametrize("n", [5, 60])
def test_the_page_query_budget(equipe, django_assert_max_num_queries, n):
    projet = equipe["projet"]
    for _ in range(n):
        journaliser(user=f.UserFactory(), projet=projet, action=ActionAcces.FICHE_APPRENANT, objet=f.ApprenantFactory(projet=projet))
    client = equipe["client_admin"]
    url = reverse("journal_acces", args=[projet.pk])
    client.get(url)
    # session, user, device (second factor), memberships, count, rows: whatever the number of rows
    with django_assert_max_num_queries(7):
        client.get(url)
