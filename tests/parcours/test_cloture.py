"""Closing a path, its 6-month follow-up, and the home to-do."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.models import Etape, Parcours, Sortie, StatutParcours, TypeSortie
from parcours.views import taches_parcours
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours(cabinet):
    p = f.ParcoursFactory(apprenant__projet=cabinet["projet"], date_debut=date(2025, 1, 20))
    f.EtapeFactory(parcours=p, organisation=cabinet["of"])
    return p


def test_close_parcours_service(cabinet, parcours):
    sortie = services.close_parcours(parcours=parcours, resultat="formation_qualifiante", date=date(2025, 8, 31), by=cabinet["coord"])
    parcours.refresh_from_db()
    assert (sortie.type, sortie.resultat, sortie.date) == (TypeSortie.SORTIE, "formation_qualifiante", date(2025, 8, 31))
    assert parcours.statut == StatutParcours.CLOTURE and parcours.date_fin == date(2025, 8, 31)
    assert parcours.suivi_6_mois_le == date(2026, 2, 28)
    with pytest.raises(ValidationError):
        services.close_parcours(parcours=parcours, resultat="abandon", date=date(2025, 9, 1), by=cabinet["coord"])
    assert Sortie.objects.count() == 1


def test_close_through_the_form_accepts_a_past_date(cabinet, parcours):
    url = reverse("parcours_cloturer", args=[parcours.projet_id, parcours.pk])
    response = cabinet["client"].post(url, {"resultat": "formation_qualifiante", "date": "2025-06-30", "commentaire": "CAP AEPE"})
    assert response.status_code == 302
    parcours.refresh_from_db()
    assert parcours.statut == "cloture" and parcours.suivi_6_mois_le == date(2025, 12, 30)


def test_close_date_before_the_start_is_refused(cabinet, parcours):
    url = reverse("parcours_cloturer", args=[parcours.projet_id, parcours.pk])
    response = cabinet["client"].post(url, {"resultat": "emploi_durable", "date": "2025-01-01"})
    assert response.context["form"].errors["date"] == ["La date de sortie précède le début du parcours."]
    parcours.refresh_from_db()
    assert parcours.statut == "en_cours" and not Sortie.objects.exists()


def test_closing_twice_is_refused_without_change(cabinet, parcours):
    url = reverse("parcours_cloturer", args=[parcours.projet_id, parcours.pk])
    cabinet["client"].post(url, {"resultat": "emploi_durable", "date": "2025-06-30"})
    response = cabinet["client"].post(url, {"resultat": "abandon", "date": "2025-07-30"})
    assert "Ce parcours est déjà clôturé." in response.content.decode()
    assert Sortie.objects.get().resultat == "emploi_durable"


def test_follow_up_form(cabinet, parcours):
    services.close_parcours(parcours=parcours, resultat="formation_qualifiante", date=date(2025, 6, 30), by=cabinet["coord"])
    url = reverse("parcours_suivi", args=[parcours.projet_id, parcours.pk])
    response = cabinet["client"].post(url, {"resultat": "emploi_durable", "date": "2025-06-01"})
    assert response.context["form"].errors["date"] == ["Le suivi ne peut pas précéder la sortie du parcours."]
    response = cabinet["client"].post(url, {"resultat": "emploi_durable", "date": "2025-12-30"})
    assert response.status_code == 302
    suivi = Sortie.objects.get(type=TypeSortie.SUIVI_6_MOIS)
    assert (suivi.resultat, suivi.parcours) == ("emploi_durable", parcours)
    response = cabinet["client"].post(url, {"resultat": "autre", "date": "2026-01-30"})
    assert "déjà enregistré" in response.content.decode()
    assert Sortie.objects.filter(type=TypeSortie.SUIVI_6_MOIS).count() == 1


def test_follow_up_of_an_open_path_is_refused(cabinet, parcours):
    response = cabinet["client"].post(
        reverse("parcours_suivi", args=[parcours.projet_id, parcours.pk]), {"resultat": "autre", "date": "2025-12-30"}
    )
    assert "Clôturez le parcours" in response.content.decode()
    assert not Sortie.objects.exists()


# ------------------------------------------------------------------ home to-do


def _accueil(client, projet):
    return client.get(reverse("projet_accueil", args=[projet.pk])).content.decode()


def test_home_todo_lists_follow_ups_blocked_steps_and_dormant_paths(cabinet):
    projet = cabinet["projet"]
    today = date.today()
    du = f.ParcoursFactory(
        apprenant__projet=projet,
        apprenant__nom="Suividu",
        statut="cloture",
        date_fin=today - relativedelta(months=6),
        suivi_6_mois_le=today + timedelta(days=20),
    )
    retard = f.ParcoursFactory(
        apprenant__projet=projet,
        apprenant__nom="Enretard",
        statut="cloture",
        date_fin=today - relativedelta(months=7),
        suivi_6_mois_le=today - timedelta(days=20),
    )
    loin = f.ParcoursFactory(
        apprenant__projet=projet, apprenant__nom="Pasencore", statut="cloture", date_fin=today, suivi_6_mois_le=today + timedelta(days=180)
    )
    fait = f.ParcoursFactory(
        apprenant__projet=projet,
        apprenant__nom="Dejafait",
        statut="cloture",
        date_fin=today - relativedelta(months=6),
        suivi_6_mois_le=today,
    )
    f.SortieFactory(parcours=fait, suivi=True)
    bloquee = f.EtapeFactory(
        parcours__apprenant__projet=projet, parcours__apprenant__nom="Bloque", bloquee=True, organisation=cabinet["of"], date_debut=today
    )
    dormant = f.EtapeFactory(
        parcours__apprenant__projet=projet,
        parcours__apprenant__nom="Dormant",
        organisation=cabinet["of"],
        date_debut=today - timedelta(days=90),
    )
    Etape.objects.filter(pk=dormant.pk).update(modifie_le=timezone.now() - timedelta(days=90))
    actif = f.EtapeFactory(
        parcours__apprenant__projet=projet,
        parcours__apprenant__nom="Actif",
        organisation=cabinet["of"],
        date_debut=today - timedelta(days=90),
    )
    html = _accueil(cabinet["client"], projet)
    assert reverse("parcours_suivi", args=[projet.pk, du.pk]) in html
    assert reverse("parcours_suivi", args=[projet.pk, retard.pk]) in html and "en retard" in html
    assert "Pasencore" not in html and "Dejafait" not in html
    assert reverse("apprenant_detail", args=[projet.pk, bloquee.parcours.apprenant_id]) + f"#etape-{bloquee.pk}" in html
    assert "Numéro de sécurité sociale provisoire" in html
    assert reverse("apprenant_detail", args=[projet.pk, dormant.parcours.apprenant_id]) + f"#parcours-{dormant.parcours_id}" in html
    assert "Actif" not in html  # its step was touched recently (modifie_le)
    assert Parcours.objects.filter(pk=loin.pk).exists() and actif.pk


def test_home_todo_is_not_for_funders_and_partner_sees_its_own(cabinet, login):
    projet = cabinet["projet"]
    f.EtapeFactory(parcours__apprenant__projet=projet, parcours__apprenant__nom="Chezgreta", bloquee=True, organisation=cabinet["of"])
    f.EtapeFactory(
        parcours__apprenant__projet=projet, parcours__apprenant__nom="Ailleurs", bloquee=True, organisation=cabinet["tiers_lieu"]
    )
    financeur = f.AdhesionFactory(projet=projet, financeur=True)
    assert taches_parcours(user=financeur.user, projet=projet, adhesion=financeur) is None
    assert "Chezgreta" not in _accueil(login(financeur.user), projet)
    html = _accueil(login(cabinet["partenaire"]), projet)
    assert "Chezgreta" in html and "Ailleurs" not in html


@pytest.mark.parametrize("n", [5, 50])
def test_home_todo_constant_queries(cabinet, django_assert_num_queries, n):
    projet = cabinet["projet"]
    today = date.today()
    for i in range(n):
        f.EtapeFactory(parcours__apprenant__projet=projet, bloquee=True, organisation=cabinet["of"], date_debut=today - timedelta(days=100))
        f.ParcoursFactory(
            apprenant__projet=projet,
            statut="cloture",
            date_fin=today - relativedelta(months=6),
            suivi_6_mois_le=today + timedelta(days=i % 30),
        )
    adhesion = projet.adhesions.get(user=cabinet["coord"])
    # the user's memberships (visible_to), follow-ups due, blocked steps, dormant paths
    with django_assert_num_queries(4):
        bloc = taches_parcours(user=cabinet["coord"], projet=projet, adhesion=adhesion)
    assert len(bloc["suivis"]) == n and len(bloc["bloquees"]) == n
