"""Each value kept per project (pilotage/memo.py) names the models it reads (``modeles``), and is
computed again after a write to one of them only: an evaluation entered leaves the attendance
figures kept, an attendance sheet the evaluations'. Checked on the demo (``charger_demo``):

- the SQL of each value reads no table of a model it does not name;
- after writes to one model after another, the dashboard read with the kept values is the one
  computed with nothing kept, for the coordinator and for the funder (masked).
"""

import dataclasses
import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import FileField, Model
from django.utils import timezone

from competences.models import ComposanteAfest, Evaluation, TypeComposante
from conciergerie.models import Projet
from finances.models import DerogationEligibilite, Financement, Objectif
from parcours import services_seances
from parcours.models import Apprenant, Etape, Frein, Seance, Situation
from partenaires.models import Organisation
from pilotage import memo
from pilotage.indicateurs import Periode
from pilotage.views_tableau import figures_du_tableau
from tests import factories as f

#: every value kept per project, by name (before its ``:``)
VALEURS = {
    "bruts_personnes",
    "bruts_etapes",
    "bruts_reseau",
    "repartitions_profils",
    "repartitions_sessions",
    "eligibilites",
    "finances",
    "tableau_masque",
    "competences",
    "afest",
    "repartitions",
    "realises_personnes",
    "realises_etapes",
    "etats_objectifs",
}


@pytest.fixture
def demo(demo_du_module, db):
    cache.clear()
    yield list(Projet.objects.order_by("pk"))
    cache.clear()


def periode_de(projet) -> Periode:
    return Periode(projet.date_debut, timezone.localdate())


def a_plat(valeur):
    """``valeur`` written out to compare: dataclasses field by field, rows with their columns and
    the rows read with them (a funding's funder, whose name a report prints)."""
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, type):
        return (type(valeur).__name__, {c.name: a_plat(getattr(valeur, c.name)) for c in dataclasses.fields(valeur)})
    if isinstance(valeur, Model):
        colonnes = {c.attname: getattr(valeur, c.attname) for c in valeur._meta.concrete_fields if not isinstance(c, FileField)}
        liees = {nom: a_plat(liee) for nom, liee in valeur._state.fields_cache.items()}
        return (valeur._meta.label, colonnes, liees)
    if isinstance(valeur, dict):
        return {cle: a_plat(v) for cle, v in valeur.items()}
    if isinstance(valeur, list | tuple):
        return [a_plat(v) for v in valeur]
    return valeur


def figures(projet, *, masquer: bool):
    """The project's dashboard figures, written out (``a_plat``)."""
    lues = figures_du_tableau(
        projet,
        periode_de(projet),
        masquer=masquer,
        financements=Financement.objects.filter(projet=projet).select_related("financeur"),
        objectifs=Objectif.objects.filter(projet=projet).select_related("projet", "financement"),
    )
    return a_plat(lues)


def test_each_value_kept_per_project_reads_only_the_models_it_names(demo, monkeypatch, settings):
    settings.CHIFFRES_EN_CACHE = False  # every value computed, those it reads inside it too
    tables = {m._meta.db_table: m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    pile: list[str] = []
    lues: dict[str, set[str]] = defaultdict(set)
    nommes: dict[str, frozenset | None] = {}
    original = memo.par_projet

    def suivre(nom, projet_ids, periode, calcul, *, modeles=None):
        nom = nom.split(":")[0]
        nommes[nom] = modeles

        def calcul_suivi(ids):
            pile.append(nom)
            try:
                return calcul(ids)
            finally:
                pile.pop()

        return original(nom, projet_ids, periode, calcul_suivi, modeles=modeles)

    def noter(execute, sql, params, many, context):
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql):
            for nom in pile:  # a value read inside another: the outer one depends on it too
                lues[nom].add(tables.get(table, table))
        return execute(sql, params, many, context)

    monkeypatch.setattr(memo, "par_projet", suivre)
    with connection.execute_wrapper(noter):
        for projet in demo:
            for masquer in (False, True):
                figures(projet, masquer=masquer)

    assert set(nommes) == VALEURS  # each computed: a new value kept per project joins the list
    for nom in VALEURS:
        assert nommes[nom] is not None, nom
        assert lues[nom], nom
        assert lues[nom] <= nommes[nom], f"{nom} lit {sorted(lues[nom] - nommes[nom])} sans les nommer"


def _seance_avec_participants(projet):
    for seance in Seance.objects.filter(session__projet=projet).select_related("session").order_by("pk"):
        participants = services_seances.participants_de_seance(seance)
        if participants:
            return seance, participants
    return None, []


def _ecritures(projet):
    """Writes to one model after another, as the pages make them."""
    apprenant = Apprenant.objects.filter(projet=projet).order_by("pk").first()
    financement = Financement.objects.filter(projet=projet).select_related("financeur").order_by("pk").first()

    def presences():
        seance, participants = _seance_avec_participants(projet)
        assert seance is not None
        lignes = [(p.pk, "absent" if i == 0 else "present", None) for i, p in enumerate(participants)]
        services_seances.enregistrer_presences(seance=seance, lignes=lignes, by=None)

    def evaluation():
        faite = Evaluation.objects.filter(projet=projet).order_by("pk").first()
        assert faite is not None
        nouvelle = f.EvaluationFactory(
            projet=projet, apprenant=faite.apprenant, referentiel=faite.referentiel, date=timezone.localdate() - timedelta(days=1)
        )
        for niveau in faite.niveaux.all():
            f.NiveauEvaluationFactory(evaluation=nouvelle, competence=niveau.competence, niveau=4)

    def situation():
        apprenant.situation_entree = Situation.AGENT_PUBLIC
        apprenant.save()

    def financeur_renomme():
        financeur = financement.financeur
        financeur.nom = f"{financeur.nom} (renommé)"
        financeur.save()

    def statuts_exclus():
        financement.statuts_exclus = [Situation.AGENT_PUBLIC, Situation.ELU]
        financement.save()

    def derogation():
        DerogationEligibilite.objects.create(
            projet=projet, financement=financement, apprenant=apprenant, eligible=True, motif="Décision du comité"
        )

    def afest():
        etape = Etape.objects.filter(projet=projet, type="afest").order_by("pk").first() or f.EtapeFactory(
            parcours=f.ParcoursFactory(apprenant=apprenant, projet=projet), projet=projet, type="afest"
        )
        for t in TypeComposante.values:
            ComposanteAfest.objects.get_or_create(etape=etape, type=t, defaults={"date": timezone.localdate()})

    def frein_leve():
        frein = Frein.objects.filter(projet=projet, leve=False).order_by("pk").first()
        assert frein is not None
        frein.leve, frein.leve_le = True, timezone.localdate()
        frein.save()

    def depense():
        ligne = financement.lignes.order_by("pk").first()
        assert ligne is not None
        f.DepenseFactory(ligne=ligne, date=timezone.localdate(), montant="1234.56")

    def prescripteur_supprime():
        prescripteur = Organisation.objects.filter(projet=projet, apprenants_prescrits__isnull=False).order_by("pk").first()
        assert prescripteur is not None
        prescripteur.delete()

    def etape_supprimee():
        Etape.objects.filter(projet=projet, evaluations__isnull=False).order_by("pk").first().delete()

    def dates_du_projet():
        projet.date_debut -= timedelta(days=30)
        projet.save()

    return [
        presences,
        evaluation,
        situation,
        financeur_renomme,
        statuts_exclus,
        derogation,
        afest,
        frein_leve,
        depense,
        prescripteur_supprime,
        etape_supprimee,
        dates_du_projet,
    ]


def test_after_writes_to_one_model_after_another_the_kept_figures_are_the_fresh_ones(demo, settings):
    projet = max(demo, key=lambda p: Apprenant.objects.filter(projet=p).count())
    for ecrire in _ecritures(projet):
        for masquer in (False, True):
            figures(projet, masquer=masquer)  # kept, under the revisions before the write
        ecrire()
        projet.refresh_from_db()
        for masquer in (False, True):
            gardees = figures(projet, masquer=masquer)
            settings.CHIFFRES_EN_CACHE = False
            fraiches = figures(projet, masquer=masquer)
            settings.CHIFFRES_EN_CACHE = True
            assert gardees == fraiches, f"après « {ecrire.__name__} » (masqué : {masquer})"


def test_a_write_computes_again_only_the_values_that_read_its_model(demo, monkeypatch):
    projet = max(demo, key=lambda p: Apprenant.objects.filter(projet=p).count())
    calcules: list[str] = []
    original = memo.par_projet

    def suivre(nom, projet_ids, periode, calcul, *, modeles=None):
        def calcul_note(ids):
            calcules.append(nom.split(":")[0])
            return calcul(ids)

        return original(nom, projet_ids, periode, calcul_note, modeles=modeles)

    monkeypatch.setattr(memo, "par_projet", suivre)
    ecritures = {e.__name__: e for e in _ecritures(projet)}

    def apres(nom: str) -> set[str]:
        calcules.clear()
        ecritures[nom]()
        figures(projet, masquer=False)
        return set(calcules)

    figures(projet, masquer=False)
    assert {"bruts_personnes", "bruts_etapes", "bruts_reseau", "finances", "competences", "afest"} <= set(calcules)
    # an attendance sheet: the steps' counts and hours, not the learners' nor the evaluations
    presences = apres("presences")
    assert "bruts_etapes" in presences and "afest" in presences
    assert not presences & {"bruts_personnes", "bruts_reseau", "repartitions_profils", "realises_personnes", "finances", "competences"}
    # an evaluation: its own figures only
    assert apres("evaluation") == {"competences"}
    # a learner's status: the learners' counts and the breakdowns, not the steps' nor the money
    situation = apres("situation")
    assert "bruts_personnes" in situation and "repartitions" in situation
    assert not situation & {"bruts_etapes", "bruts_reseau", "repartitions_sessions", "realises_etapes", "finances", "competences", "afest"}
