"""Closing a path, its 6-month follow-up, and the home to-do."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.filters import parcours_sans_etape
from parcours.home import LIGNES_TODO, taches_parcours
from parcours.models import Etape, Parcours, Sortie, StatutParcours, TypeSortie
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours(cabinet):
    p = f.ParcoursFactory(apprenant__projet=cabinet["projet"], date_debut=date(2025, 1, 20))
    f.EtapeFactory(parcours=p, organisation=cabinet["of"])
    return p


def test_close_parcours_service(cabinet, parcours):
    sortie = services.cloturer_parcours(parcours=parcours, resultat="formation_qualifiante", date=date(2025, 8, 31), by=cabinet["coord"])
    parcours.refresh_from_db()
    assert (sortie.type, sortie.resultat, sortie.date) == (TypeSortie.SORTIE, "formation_qualifiante", date(2025, 8, 31))
    assert parcours.statut == StatutParcours.CLOTURE and parcours.date_fin == date(2025, 8, 31)
    assert parcours.suivi_6_mois_le == date(2026, 2, 28)
    with pytest.raises(ValidationError):
        services.cloturer_parcours(parcours=parcours, resultat="abandon", date=date(2025, 9, 1), by=cabinet["coord"])
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
    services.cloturer_parcours(parcours=parcours, resultat="formation_qualifiante", date=date(2025, 6, 30), by=cabinet["coord"])
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


# ------------------------------------------------------------------ editing an outcome


@pytest.fixture
def cloture(cabinet, parcours):
    sortie = services.cloturer_parcours(parcours=parcours, resultat="formation_qualifiante", date=date(2025, 6, 30), by=cabinet["coord"])
    parcours.refresh_from_db()
    return sortie


def _modifier_sortie(client, sortie, **data):
    return client.post(reverse("sortie_update", args=[sortie.projet_id, sortie.pk]), data)


def test_edit_the_exit_moves_the_path_end_and_its_follow_up(cabinet, parcours, cloture):
    url = reverse("sortie_update", args=[parcours.projet_id, cloture.pk])
    page = cabinet["client"].get(reverse("apprenant_detail", args=[parcours.projet_id, parcours.apprenant_id])).content.decode()
    assert f'href="{url}"' in page
    form = cabinet["client"].get(url).context["form"]
    assert (form["resultat"].value(), form["date"].value()) == ("formation_qualifiante", date(2025, 6, 30))
    response = _modifier_sortie(cabinet["client"], cloture, resultat="emploi_durable", date="2025-08-31", commentaire="CDI")
    assert response.status_code == 302
    assert response.url == reverse("apprenant_detail", args=[parcours.projet_id, parcours.apprenant_id]) + f"#parcours-{parcours.pk}"
    cloture.refresh_from_db()
    parcours.refresh_from_db()
    assert (cloture.type, cloture.resultat, cloture.date, cloture.commentaire) == (
        TypeSortie.SORTIE,
        "emploi_durable",
        date(2025, 8, 31),
        "CDI",
    )
    assert (parcours.statut, parcours.date_fin, parcours.suivi_6_mois_le) == (StatutParcours.CLOTURE, date(2025, 8, 31), date(2026, 2, 28))
    assert parcours.history.latest().history_user == cabinet["coord"]


def test_edit_the_exit_before_the_path_start_changes_nothing(cabinet, parcours, cloture):
    response = _modifier_sortie(cabinet["client"], cloture, resultat="abandon", date="2025-01-01")
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["La date de sortie précède le début du parcours."]
    cloture.refresh_from_db()
    parcours.refresh_from_db()
    assert (cloture.resultat, cloture.date) == ("formation_qualifiante", date(2025, 6, 30))
    assert (parcours.date_fin, parcours.suivi_6_mois_le) == (date(2025, 6, 30), date(2025, 12, 30))


def test_edit_the_exit_after_the_recorded_follow_up_is_refused(cabinet, parcours, cloture):
    services.enregistrer_suivi(parcours=parcours, resultat="emploi_durable", date=date(2025, 12, 30), by=cabinet["coord"])
    response = _modifier_sortie(cabinet["client"], cloture, resultat="formation_qualifiante", date="2026-01-15")
    assert response.context["form"].errors["date"] == ["La sortie ne peut pas suivre le suivi à 6 mois (enregistré le 30 décembre 2025)."]
    parcours.refresh_from_db()
    assert Sortie.objects.get(pk=cloture.pk).date == date(2025, 6, 30) and parcours.date_fin == date(2025, 6, 30)
    # the same rule in the service, whatever calls it
    with pytest.raises(ValidationError):
        services.modifier_sortie(sortie=cloture, resultat="autre", date=date(2026, 1, 15), by=cabinet["coord"])
    assert Sortie.objects.get(pk=cloture.pk).resultat == "formation_qualifiante"


def test_edit_the_follow_up(cabinet, parcours, cloture):
    suivi = services.enregistrer_suivi(parcours=parcours, resultat="recherche_emploi", date=date(2025, 12, 30), by=cabinet["coord"])
    response = _modifier_sortie(cabinet["client"], suivi, resultat="emploi_durable", date="2025-06-29")
    assert response.context["form"].errors["date"] == ["Le suivi ne peut pas précéder la sortie du parcours."]
    assert Sortie.objects.get(pk=suivi.pk).date == date(2025, 12, 30)
    response = _modifier_sortie(cabinet["client"], suivi, resultat="emploi_durable", date="2026-01-05")
    assert response.status_code == 302
    suivi.refresh_from_db()
    parcours.refresh_from_db()
    assert (suivi.type, suivi.resultat, suivi.date) == (TypeSortie.SUIVI_6_MOIS, "emploi_durable", date(2026, 1, 5))
    # the follow-up does not move the path's end nor its planned follow-up
    assert (parcours.date_fin, parcours.suivi_6_mois_le) == (date(2025, 6, 30), date(2025, 12, 30))


def test_follow_up_service_refuses_a_date_before_the_exit(cabinet, parcours, cloture):
    suivi = services.enregistrer_suivi(parcours=parcours, resultat="autre", date=date(2025, 12, 30), by=cabinet["coord"])
    with pytest.raises(ValidationError) as erreur:
        services.modifier_sortie(sortie=suivi, resultat="autre", date=date(2025, 6, 1), by=cabinet["coord"])
    assert erreur.value.message_dict == {"date": ["Le suivi ne peut pas précéder la sortie du parcours."]}


def test_partner_and_funder_cannot_edit_an_outcome(cabinet, parcours, cloture, login):
    financeur = f.AdhesionFactory(projet=cabinet["projet"], financeur=True).user
    for user in (cabinet["partenaire"], financeur):
        assert _modifier_sortie(login(user), cloture, resultat="abandon", date="2025-07-01").status_code == 403
    assert Sortie.objects.get(pk=cloture.pk).resultat == "formation_qualifiante"


def test_outcome_of_another_project_is_404(cabinet):
    etrangere = f.SortieFactory()
    url = reverse("sortie_update", args=[cabinet["projet"].pk, etrangere.pk])
    assert cabinet["client"].get(url).status_code == 404
    assert cabinet["client"].post(url, {"resultat": "abandon", "date": "2025-07-01"}).status_code == 404
    assert Sortie.objects.get(pk=etrangere.pk).resultat == "emploi_durable"


# ------------------------------------------------------------------ home to-do


def _accueil(client, projet):
    return client.get(reverse("projet_accueil", args=[projet.pk])).content.decode()


def test_home_todo_lists_follow_ups_blocked_steps_and_dormant_paths(cabinet):
    projet = cabinet["projet"]
    today = timezone.localdate()
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
    assert reverse("parcours_suivi", args=[projet.pk, loin.pk]) not in html
    assert reverse("parcours_suivi", args=[projet.pk, fait.pk]) not in html
    assert f"#parcours-{actif.parcours_id}" not in html
    # the same, read from the block itself: exactly these lines and no others
    bloc = taches_parcours(user=cabinet["coord"], projet=projet, adhesion=projet.adhesions.get(user=cabinet["coord"]))
    assert [p.pk for p in bloc["suivis"]] == [retard.pk, du.pk]  # overdue first; not loin (in 180 days) nor fait (recorded)
    assert [e.pk for e in bloc["bloquees"]] == [bloquee.pk]
    assert [p.pk for p in bloc["dormants"]] == [dormant.parcours_id]  # not actif's path: its step was touched recently


def _dormants(projet, au=None):
    return list(parcours_sans_etape(Parcours.objects.filter(projet=projet), au))


def test_a_path_opened_today_without_a_step_is_not_dormant(cabinet):
    projet = cabinet["projet"]
    nouveau = f.ParcoursFactory(apprenant__projet=projet, apprenant__nom="Toutneuf", date_debut=timezone.localdate())
    assert _dormants(projet) == []
    html = _accueil(cabinet["client"], projet)
    assert "Toutneuf" not in html and f"#parcours-{nouveau.pk}" not in html


def test_a_path_opened_61_days_ago_without_a_step_is_dormant(cabinet):
    projet = cabinet["projet"]
    vieux = f.ParcoursFactory(apprenant__projet=projet, apprenant__nom="Oublie", date_debut=timezone.localdate() - timedelta(days=61))
    f.ParcoursFactory(apprenant__projet=projet, date_debut=timezone.localdate() - timedelta(days=59))  # not yet
    f.ParcoursFactory(apprenant__projet=projet, date_debut=timezone.localdate() - timedelta(days=61), statut="suspendu")  # not in progress
    f.ParcoursFactory(apprenant__projet=projet, cloture=True)  # closed
    assert _dormants(projet) == [vieux]
    html = _accueil(cabinet["client"], projet)
    assert reverse("apprenant_detail", args=[projet.pk, vieux.apprenant_id]) + f"#parcours-{vieux.pk}" in html
    assert "Parcours sans étape depuis 60 jours" in html


def test_dormant_paths_are_read_at_the_given_date(cabinet):
    projet = cabinet["projet"]
    parcours = f.ParcoursFactory(apprenant__projet=projet, date_debut=date(2025, 3, 1))
    assert _dormants(projet, au=date(2025, 4, 29)) == []  # 59 days
    assert _dormants(projet, au=date(2025, 4, 30)) == [parcours]  # 60 days


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
    today = timezone.localdate()
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
    assert len(bloc["suivis"]) == len(bloc["bloquees"]) == min(n, LIGNES_TODO)
    assert bloc["nb_suivis"] == bloc["nb_bloquees"] == n


def test_home_todo_shows_the_first_lines_and_links_to_the_whole_list(cabinet):
    projet = cabinet["projet"]
    today = timezone.localdate()
    n = LIGNES_TODO + 3
    for i in range(n):
        f.ParcoursFactory(apprenant__projet=projet, date_debut=today - timedelta(days=200 + i), apprenant__nom=f"Dormant{i:02d}")
    html = _accueil(cabinet["client"], projet)
    assert f"Parcours sans étape depuis 60 jours ({n})" in html
    assert html.count("Dormant") == LIGNES_TODO
    lien = reverse("apprenant_list", args=[projet.pk]) + "?sans_etape=oui"
    assert f'href="{lien}"' in html and f"Voir les {n} parcours sans étape" in html
    # the list behind the link has them all, and only them
    f.EtapeFactory(parcours__apprenant__projet=projet, parcours__apprenant__nom="Actif", date_debut=today)
    noms = [a.nom for a in cabinet["client"].get(lien).context["paginator"].object_list]
    assert len(noms) == n and "Actif" not in noms
