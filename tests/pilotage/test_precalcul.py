"""Figures computed again in the background after a write (pilotage/precalcul.py): the run
computes what the pages read — after it, the dashboards and the roll-up compute nothing — and a
burst of writes sends one run; a broker down loses nothing but the speed."""

from datetime import date as D

import pytest
from django.core.cache import cache
from django.urls import reverse

from competences import indicateurs as indicateurs_competences
from pilotage import indicateurs, precalcul, repartitions, tasks, views_tableau
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def deux():
    a, b = f.ProjetFactory(nom="A", date_debut=D(2025, 1, 1)), f.ProjetFactory(nom="B", date_debut=D(2025, 1, 1))
    coord = f.UserFactory()
    for p in (a, b):
        f.AdhesionFactory(user=coord, projet=p, coordinateur=True)
        f.EtapeFactory(parcours=f.ParcoursFactory(apprenant__projet=p, apprenant__date_entree=D(2025, 2, 1), date_debut=D(2025, 2, 1)))
    financement = f.FinancementFactory(projet=a)
    f.ObjectifFactory(projet=a, financement=financement)
    financeur = f.AdhesionFactory(projet=a, financeur=True, organisation=financement.financeur).user
    return {"a": a, "b": b, "coord": coord, "financeur": financeur}


@pytest.fixture
def calculs(monkeypatch):
    """What was computed, by name."""
    appels = []
    for module, nom in (
        (indicateurs, "_bruts_calcules"),
        (repartitions, "_assembler"),  # the breakdowns, from their parts
        (repartitions, "_realises_calcules"),
        (indicateurs_competences, "evaluees"),
        (indicateurs_competences, "afest"),
        (views_tableau, "calculer_par_projet"),  # the roll-up across its projects
    ):
        original = getattr(module, nom)

        def compter(*args, _original=original, _nom=nom, **kwargs):
            appels.append(_nom)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, nom, compter)
    return appels


def _pages(deux, login):
    a = deux["a"]
    for user, url in (
        (deux["coord"], reverse("tableau_de_bord", args=[a.pk])),
        (deux["financeur"], reverse("tableau_de_bord", args=[a.pk])),
        (deux["coord"], reverse("synthese")),
    ):
        assert login(user).get(url).status_code == 200


def test_after_a_write_and_its_run_the_pages_compute_nothing(deux, login, calculs):
    _pages(deux, login)  # every figure kept
    f.ParcoursFactory(apprenant__projet=deux["a"], apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    calculs.clear()
    assert precalcul.recalculer([deux["a"].pk]) == 3  # two readings of the dashboard, one roll-up
    assert "_bruts_calcules" in calculs and "_assembler" in calculs and "calculer_par_projet" in calculs
    calculs.clear()
    _pages(deux, login)
    assert calculs == []
    # and what they read is the new data
    synthese = login(deux["coord"]).get(reverse("synthese")).context["synthese"]
    assert synthese.total.apprenants.accompagnes.valeur == 3


def test_a_run_over_several_projects_computes_their_roll_up_once(deux, login, calculs):
    _pages(deux, login)
    for projet in (deux["a"], deux["b"]):
        f.ParcoursFactory(apprenant__projet=projet, apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    calculs.clear()
    # A: the coordinator's and the funder's dashboards; B: the coordinator's; one roll-up
    assert precalcul.recalculer([deux["a"].pk, deux["b"].pk]) == 4
    assert calculs.count("calculer_par_projet") == 1
    calculs.clear()
    _pages(deux, login)
    assert calculs == []


def test_without_the_run_the_pages_compute_what_changed(deux, login, calculs):
    _pages(deux, login)
    f.ParcoursFactory(apprenant__projet=deux["a"], apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    calculs.clear()
    _pages(deux, login)
    assert "_bruts_calcules" in calculs


@pytest.fixture(autouse=True)
def _sans_marques():
    """The process's cache outlives a test: no project's mark left by another one."""
    cache.clear()


@pytest.fixture
def avec_worker(settings, monkeypatch):
    """The real mode: a worker behind a broker (the task's sending recorded)."""
    settings.PRECALCUL_CHIFFRES = True
    settings.CELERY_TASK_ALWAYS_EAGER = False
    envois = []
    monkeypatch.setattr(tasks.recalculer_chiffres, "apply_async", lambda args, countdown: envois.append((args, countdown)))
    return envois


def test_a_burst_of_writes_sends_one_run_per_project(deux, avec_worker, django_capture_on_commit_callbacks):
    a, b = deux["a"], deux["b"]
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=a)
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=a)
        f.ApprenantFactory(projet=b)
    assert avec_worker == [([[a.pk]], precalcul.ATTENTE), ([[b.pk]], precalcul.ATTENTE)]
    # once the run started, a new write sends another
    precalcul.recalculer([a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=a)
    assert avec_worker[-1] == ([[a.pk]], precalcul.ATTENTE)


def test_a_rolled_back_write_sends_nothing(deux, avec_worker, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        f.ApprenantFactory(projet=deux["a"])
        raise RuntimeError
    assert avec_worker == []


def test_the_broker_down_loses_nothing_but_the_speed(deux, settings, monkeypatch, django_capture_on_commit_callbacks, caplog):
    settings.PRECALCUL_CHIFFRES = True
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def panne(*args, **kwargs):
        raise ConnectionError("broker injoignable")

    monkeypatch.setattr(tasks.recalculer_chiffres, "apply_async", panne)
    with django_capture_on_commit_callbacks(execute=True):
        apprenant = f.ApprenantFactory(projet=deux["a"])
    assert apprenant.__class__.objects.filter(pk=apprenant.pk).exists()  # the write is done
    assert "tâche non envoyée" in caplog.text
    # the mark is gone: the next write tries again
    envois = []
    monkeypatch.setattr(tasks.recalculer_chiffres, "apply_async", lambda args, countdown: envois.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=deux["a"])
    assert envois == [[[deux["a"].pk]]]


def test_a_bulk_load_sends_nothing(deux, avec_worker, django_capture_on_commit_callbacks):
    with precalcul.suspendu(), django_capture_on_commit_callbacks(execute=True):  # committed inside
        f.ApprenantFactory(projet=deux["a"])
    assert avec_worker == []
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=deux["a"])
    assert avec_worker == [([[deux["a"].pk]], precalcul.ATTENTE)]


def _total_affiche(reponse) -> str:
    """The roll-up's « Accompagnés » total, as the page shows it."""
    import re

    return re.search(r"<tfoot>.*?<th[^>]*>Total</th>\s*<td>([^<]*)</td>", reponse.content.decode(), re.S).group(1)


def test_a_roll_up_shows_its_former_figures_while_the_run_computes_the_new_ones(
    deux, login, avec_worker, calculs, django_capture_on_commit_callbacks
):
    client = login(deux["coord"])
    premiere = client.get(reverse("synthese"))
    assert _total_affiche(premiere) == "2" and premiere.context["anteriorite"] is None
    with django_capture_on_commit_callbacks(execute=True):
        f.ParcoursFactory(apprenant__projet=deux["b"], apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    calculs.clear()
    pendant = client.get(reverse("synthese"))
    # the figures kept last, said to be, with the time they were read: nothing computed
    assert _total_affiche(pendant) == "2"
    assert pendant.context["anteriorite"].projets_modifies == 1
    assert "1\u00a0projet modifié depuis, recalculé en arrière-plan" in pendant.content.decode()
    assert "calculer_par_projet" not in calculs
    # the run (programmed by the write: avec_worker records its sending) keeps the new ones
    assert [args for args, _ in avec_worker] == [[[deux["b"].pk]]]
    precalcul.recalculer([deux["b"].pk])
    apres = client.get(reverse("synthese"))
    assert _total_affiche(apres) == "3" and apres.context["anteriorite"] is None


def test_a_run_lost_costs_the_speed_not_the_figures(deux, login, avec_worker, calculs, settings, monkeypatch):
    """The worker lost the run: once the kept figures are SYNTHESE_RETARD_MAX seconds old, the
    page computes them."""
    from datetime import timedelta

    from pilotage import memo

    client = login(deux["coord"])
    assert _total_affiche(client.get(reverse("synthese"))) == "2"
    f.ParcoursFactory(apprenant__projet=deux["b"], apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    plus_tard = memo.maintenant() + timedelta(seconds=settings.SYNTHESE_RETARD_MAX + 1)
    monkeypatch.setattr(memo, "maintenant", lambda: plus_tard)
    reponse = client.get(reverse("synthese"))
    assert _total_affiche(reponse) == "3" and reponse.context["anteriorite"] is None
    assert "calculer_par_projet" in calculs


def test_without_runs_a_roll_up_computes_after_each_write(deux, login, calculs):
    """Eager Celery, no background executor (the tests' default): nothing programs the run,
    the page computes."""
    client = login(deux["coord"])
    assert _total_affiche(client.get(reverse("synthese"))) == "2"
    f.ParcoursFactory(apprenant__projet=deux["b"], apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    reponse = client.get(reverse("synthese"))
    assert _total_affiche(reponse) == "3" and reponse.context["anteriorite"] is None


def test_the_nightly_clean_up_sends_every_project_s_run_by_lots(deux, avec_worker, monkeypatch, django_capture_on_commit_callbacks):
    """Every revision drawn again (conciergerie.revisions.compacter): every figure is to compute
    again, tonight, by lots the task's time limit allows."""
    from conciergerie.menage import faire_le_menage

    monkeypatch.setattr(precalcul, "PAR_RUN", 1)
    with django_capture_on_commit_callbacks(execute=True):
        faire_le_menage()
    assert sorted(args for args, _ in avec_worker) == sorted([[[deux["a"].pk]], [[deux["b"].pk]]])


def test_a_deployment_s_migrate_sends_every_project_s_run(deux, avec_worker, django_capture_on_commit_callbacks):
    """``migrate`` draws every revision again (conciergerie.revisions.apres_migration): with
    workers, every figure is computed again in the background, not by the first readers."""
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)
    assert sorted(p for (lot,), _ in avec_worker for p in lot) == sorted([deux["a"].pk, deux["b"].pk])


def test_the_embedded_mode_s_migrate_starts_no_run(deux, settings, monkeypatch, django_capture_on_commit_callbacks):
    """The embedded mode's runs are threads of the process: none in the ``migrate`` command."""
    from django.core.management import call_command

    from conciergerie import execution_locale

    settings.PRECALCUL_CHIFFRES = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_EN_FOND = True
    lances = []
    monkeypatch.setattr(execution_locale, "lancer", lambda nom, fonction: lances.append(nom))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)
    assert lances == []
    # the same mode runs a write's run in the background (the test does see one)
    with django_capture_on_commit_callbacks(execute=True):
        f.ApprenantFactory(projet=deux["a"])
    assert lances == ["precalcul"]
