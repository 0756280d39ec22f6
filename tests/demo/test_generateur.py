"""The dataset generator (``generer_donnees``) at a small size: counts, the national programme's
distributions, determinism, every model rule on samples, and what a second run does (its refusals:
test_generateur_refus.py)."""

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from conciergerie.models import Adhesion, Projet
from conciergerie.roles import Role
from demo.generateur import MARQUEUR, lire_marqueur
from finances.models import Depense, Financement, TempsBenevole
from parcours.models import (
    Apprenant,
    Etape,
    Frein,
    Parcours,
    PorteeConsentement,
    Presence,
    SessionFormation,
    Sortie,
    StatutParcours,
    TypeSortie,
)
from partenaires.models import MembreConsortium, RoleConsortium
from pilotage.indicateurs import Periode, calculer
from recits.models import Copil, Recit
from tests.partage import lignes_partagees

AU = "2025-06-30"
PETIT = ["--projets", "3", "--apprenants", "300", "--graine", "7", "--au", AU]
APPS = {"conciergerie", "partenaires", "parcours", "finances", "recits", "competences"}


def generer(*args) -> str:
    sortie = StringIO()
    call_command("generer_donnees", *args, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture(scope="module")
def petit_du_module(django_db_setup, django_db_blocker):
    """The small dataset, generated once for the module's tests (tests/partage.py); the refusals,
    on an empty database, are in test_generateur_refus.py."""
    yield from lignes_partagees(django_db_blocker, lambda: generer(*PETIT))


@pytest.fixture
def petit(petit_du_module, db):
    pass


def test_counts(petit):
    projets = list(Projet.objects.all())
    assert len(projets) == 3
    assert Apprenant.objects.count() == 300
    assert list(Apprenant.objects.order_by("projet").values_list("projet", flat=True).distinct()) == sorted(p.pk for p in projets)
    nb_parcours, nb_etapes = Parcours.objects.count(), Etape.objects.count()
    assert 300 <= nb_parcours <= 450  # one to three paths a learner, ~1.27 on average
    # ~250 000 steps for 60 000 learners, and one per collective session taken (1–3 a learner)
    assert 5.0 <= nb_etapes / 300 <= 7.5
    assert 1.0 <= Frein.objects.count() / 300 <= 2.2
    assert TempsBenevole.objects.count() == sum(
        round(n * 2.5) for n in Apprenant.objects.values("projet").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    # every closed path has its exit outcome; some 6-month follow-ups are recorded
    clos = Parcours.objects.filter(statut=StatutParcours.CLOTURE)
    assert clos.exists()
    assert Sortie.objects.filter(type=TypeSortie.SORTIE).count() == clos.count()
    assert Sortie.objects.filter(type=TypeSortie.SUIVI_6_MOIS).exists()
    for projet in projets:
        membres = MembreConsortium.objects.filter(projet=projet)
        assert membres.filter(role=RoleConsortium.CHEF_DE_FILE).count() == 1
        assert membres.count() >= 2
        assert Financement.objects.filter(projet=projet, programme="Deffinov", plafond_benevolat=30, plafond_ingenierie=20).count() == 1
        assert Depense.objects.filter(ligne__financement__projet=projet).exists()
        assert Copil.objects.filter(projet=projet).exists() and Recit.objects.filter(projet=projet).exists()
        roles = set(Adhesion.objects.filter(projet=projet).values_list("role", flat=True))
        assert roles == {Role.ADMINISTRATEUR, Role.COORDINATEUR, Role.PARTENAIRE, Role.FINANCEUR}
    # the national user is a funder in every project, each Région's user in its projects
    national = Adhesion.objects.filter(user__username="national")
    assert national.count() == 3 and set(national.values_list("role", flat=True)) == {Role.FINANCEUR}
    assert Adhesion.objects.filter(user__username__startswith="region-").count() == 3
    # the history holds one "+" record per learner, path, step, obstacle and outcome
    for modele in (Apprenant, Parcours, Etape, Frein, Sortie):
        assert modele.history.filter(history_type="+").count() == modele.objects.count()
    # séances and attendance (demo/generateur/seances.py): every learner in 1 to 3 collective
    # sessions of 10 to 40 séances, attendance of the past ones, hours from attendance
    collectives = Etape.objects.filter(session__nature__in=["promotion", "atelier", "formation_developpement"])
    par_apprenant = collectives.values("parcours__apprenant").annotate(n=Count("session", distinct=True))
    assert par_apprenant.count() == 300 and {r["n"] for r in par_apprenant} <= {1, 2, 3}
    for session in SessionFormation.objects.filter(nature="atelier").annotate(n=Count("seances"))[:20]:
        assert 10 <= session.n <= 40
    assert Presence.objects.count() > 300 * 15
    assert not Presence.objects.filter(seance__date__gt=date.fromisoformat(AU)).exists()
    etape = collectives.filter(statut="terminee").first()
    assert etape.heures_realisees == sum(
        Presence.objects.filter(seance__session=etape.session, apprenant=etape.parcours.apprenant).values_list("heures", flat=True)
    )
    # competences (issue 18): a framework per project, two evaluations of 8 competences for about a
    # third of the learners, AFEST steps with their components
    from competences.models import ComposanteAfest, Evaluation, NiveauEvaluation, Referentiel

    assert Referentiel.objects.count() == len(projets)
    evalues = Evaluation.objects.values("apprenant").distinct().count()
    assert 60 <= evalues <= 120 and Evaluation.objects.count() == 2 * evalues
    assert NiveauEvaluation.objects.count() == 8 * Evaluation.objects.count()
    assert ComposanteAfest.objects.exists()
    # every account opens with the password given (one hash for all)
    assert get_user_model().objects.get(username="coord-001").check_password("demo")


def test_distributions_of_the_national_synthesis(petit):
    """≈ 47 % QPV, ≈ 46 % ZRR, ≈ 33 % certifying and ≈ 50 % pre-qualifying training, ≈ 5
    members per consortium — read through the indicators the dashboards use."""
    projets = list(Projet.objects.all())
    i = calculer(projets, Periode(date(2020, 1, 1), date.fromisoformat(AU)))
    assert i.apprenants.accompagnes.valeur == 300
    assert abs(i.profil.part_qpv.valeur - 47) <= 3
    assert abs(i.profil.part_zrr.valeur - 46) <= 3
    assert i.etapes.formations.valeur >= 250
    assert abs(i.etapes.part_certifiante.valeur - 33) <= 8
    assert abs(i.etapes.part_pre_qualifiante.valeur - 50) <= 8
    assert 3 <= MembreConsortium.objects.count() / 3 <= 8
    # QPV and ZRR are mostly distinct places: they overlap only when the shares force it
    assert Apprenant.objects.filter(qpv=True, zrr=True).count() < 30


def _instantane():
    """The generated rows by natural keys (primary keys and clocks aside)."""
    return (
        list(
            Apprenant.objects.order_by("reference").values_list(
                "reference", "prenom", "nom", "date_naissance", "qpv", "zrr", "situation_entree", "date_entree", "prescripteur__nom"
            )
        ),
        list(
            Etape.objects.order_by("parcours__apprenant__reference", "date_debut", "type", "statut", "heures_prevues").values_list(
                "parcours__apprenant__reference", "type", "date_debut", "date_fin", "statut", "heures_prevues", "organisation__nom"
            )
        ),
        list(
            TempsBenevole.objects.order_by("projet__nom", "date", "personne", "heures").values_list(
                "projet__nom", "date", "personne", "heures", "valorise"
            )
        ),
        list(Financement.objects.order_by("projet__nom", "programme").values_list("projet__nom", "programme", "montant_accorde")),
    )


def test_same_seed_same_rows_other_seed_other_rows(petit):
    premier = _instantane()
    assert "Vidage" in generer(*PETIT, "--vider")
    assert _instantane() == premier
    generer(*PETIT[:-4], "--graine", "8", "--au", AU, "--vider")
    assert _instantane()[0] != premier[0]


def test_every_row_sampled_passes_full_clean(petit):
    """The database enforces the constraints at insert; ``full_clean`` adds each model's
    ``clean()`` (an organisation of the same project, a session of the step's OF…).
    django-simple-history's own records are left out: they never pass ``full_clean``
    (``history_change_reason`` is null, as when simple-history writes them itself)."""
    erreurs, verifies = [], 0
    for modele in apps.get_models():
        if modele._meta.app_label not in APPS or modele.__name__.startswith("Historical"):
            continue
        for objet in modele.objects.order_by("?")[:100]:
            verifies += 1
            try:
                objet.full_clean()
            except ValidationError as erreur:
                erreurs.append((modele.__name__, objet.pk, erreur.message_dict))
    assert verifies > 1200
    assert erreurs == []


def test_dates_are_consistent(petit):
    au = date.fromisoformat(AU)
    assert not Apprenant.objects.filter(date_entree__gt=au).exists()
    assert not Sortie.objects.filter(date__gt=au).exists()
    assert not Parcours.objects.filter(statut=StatutParcours.CLOTURE, date_fin__gt=au).exists()
    assert not Etape.objects.filter(Q(statut__in=["terminee", "abandonnee"]), date_fin__gt=au).exists()
    assert not Etape.objects.filter(statut="prevue", date_debut__lte=au).exists()
    # a récit names only learners who consented before it was written
    for recit in Recit.objects.prefetch_related("apprenants"):
        for apprenant in recit.apprenants.all():
            assert apprenant.consentement_date <= recit.date
            assert apprenant.consent_a(PorteeConsentement.COPIL if recit.a_presenter_copil else PorteeConsentement.INTERNE)


def test_second_run_is_idempotent_with_the_same_seed_and_refuses_otherwise(petit):
    avant = Apprenant.objects.count(), Etape.objects.count(), get_user_model().objects.count()
    assert "rien à faire" in generer(*PETIT)
    assert (Apprenant.objects.count(), Etape.objects.count(), get_user_model().objects.count()) == avant
    with pytest.raises(CommandError, match="n'est pas vide"):
        generer("--projets", "3", "--apprenants", "301", "--graine", "7", "--au", AU)
    assert Apprenant.objects.count() == 300
    marqueur = lire_marqueur()
    assert marqueur["graine"] == "7" and marqueur["apprenants"] == "300" and marqueur["au"] == AU
    assert not get_user_model().objects.get(username=MARQUEUR).is_active
