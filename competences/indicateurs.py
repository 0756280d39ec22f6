"""The competence figures of one or several projects over a period, in clear (raw numbers): the
dashboard, the COPIL PDF and the bilan's « Compétences » sheet call ``calculer`` through
``pilotage``, which masks them for funders (``pilotage.masquage.competences``) like every count.

Definitions (period = [debut, fin], dates included):

- *evaluations*: the evaluations dated in the period; *learners evaluated*: their distinct
  learners; *competences evaluated*: the distinct competences rated in them (items of the
  frameworks, not people: never masked).
- *progression per bloc*: for each learner with at least two evaluations of a framework in the
  period, the mean level of the bloc's competences at entry (the first « positionnement
  d'entrée », else the first evaluation) and in the latest; averaged over those learners, with
  their number (a few learners' mean is masked with their count).
- *AFEST*: the AFEST steps overlapping the period; *complete*: the four components traced
  (analysis, mise en situation, reflexive phase, evaluation), whatever their dates.

Four queries whatever the number of rows (evaluations, levels, blocs: ``evaluees``; AFEST steps:
``afest``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from parcours.models import Etape, TypeEtape

from .models import Bloc, Evaluation, MomentEvaluation, NiveauEvaluation, TypeComposante


@dataclass(frozen=True)
class ProgressionBloc:
    referentiel: str
    bloc: str
    apprenants: int  # learners with an entry and a later evaluation of this bloc
    entree: Decimal
    derniere: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.derniere - self.entree


@dataclass(frozen=True)
class FiguresCompetences:
    evaluations: int
    apprenants_evalues: int
    competences_evaluees: int
    progression_blocs: list[ProgressionBloc]
    afest_completes: int
    afest_incompletes: int

    @property
    def afest_total(self) -> int:
        return self.afest_completes + self.afest_incompletes


def _moyenne(valeurs: list[float]) -> Decimal:
    return (Decimal(sum(valeurs)) / len(valeurs)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def calculer(projets: Iterable, debut: date, fin: date) -> FiguresCompetences:
    """The competence figures of ``projets`` (projects or ids, already checked by the caller)."""
    ids = [getattr(p, "pk", p) for p in projets]
    return avec_afest(evaluees(ids, debut, fin), *afest(ids, debut, fin))


def avec_afest(figures: FiguresCompetences, completes: int, incompletes: int) -> FiguresCompetences:
    """``figures`` (``evaluees``'s) with the AFEST steps ``afest`` counted."""
    return replace(figures, afest_completes=completes, afest_incompletes=incompletes)


def evaluees(ids: list[int], debut: date, fin: date) -> FiguresCompetences:
    """The figures of the evaluations alone (AFEST counted apart, by ``afest``: it reads the
    steps, which the evaluations do not — each is kept until a write to what it reads)."""
    evaluations = list(
        Evaluation.objects.filter(projet_id__in=ids, date__range=(debut, fin))
        .order_by("date", "pk")
        .values_list("pk", "apprenant_id", "referentiel_id", "moment")
    )
    # no order: the model's (bloc, competence) would join the blocs and sort 5 000 rows for nothing
    niveaux = (
        NiveauEvaluation.objects.filter(evaluation__projet_id__in=ids, evaluation__date__range=(debut, fin))
        .order_by()
        .values_list("evaluation_id", "competence_id", "competence__bloc_id", "niveau")
    )
    par_evaluation: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    competences = set()
    for evaluation_id, competence_id, bloc_id, niveau in niveaux:
        par_evaluation[evaluation_id][bloc_id].append(niveau)
        competences.add(competence_id)

    # per learner and framework: its evaluations in order, then entry vs latest per bloc
    suites: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for pk, apprenant_id, referentiel_id, moment in evaluations:
        suites[(apprenant_id, referentiel_id)].append((pk, moment))
    par_bloc: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for suite in suites.values():
        if len(suite) < 2:
            continue
        entree = next((pk for pk, moment in suite if moment == MomentEvaluation.ENTREE), suite[0][0])
        derniere = suite[-1][0]
        if entree == derniere:
            continue
        for bloc_id, avant in par_evaluation[entree].items():
            apres = par_evaluation[derniere].get(bloc_id)
            if apres:
                par_bloc[bloc_id].append((sum(avant) / len(avant), sum(apres) / len(apres)))
    blocs = {b.pk: b for b in Bloc.objects.filter(pk__in=par_bloc).select_related("referentiel")}
    progression = sorted(
        (
            ProgressionBloc(
                referentiel=str(blocs[bloc_id].referentiel),
                bloc=f"{blocs[bloc_id].code} — {blocs[bloc_id].libelle}",
                apprenants=len(paires),
                entree=_moyenne([a for a, _ in paires]),
                derniere=_moyenne([b for _, b in paires]),
            )
            for bloc_id, paires in par_bloc.items()
        ),
        key=lambda p: (p.referentiel, p.bloc),
    )

    return FiguresCompetences(
        evaluations=len(evaluations),
        apprenants_evalues=len({a for _, a, _, _ in evaluations}),
        competences_evaluees=len(competences),
        progression_blocs=progression,
        afest_completes=0,
        afest_incompletes=0,
    )


def afest(ids: list[int], debut: date, fin: date) -> tuple[int, int]:
    """The AFEST steps overlapping the period: (complete, incomplete)."""
    types = len(TypeComposante.values)
    etapes = Etape.objects.filter(projet_id__in=ids, type=TypeEtape.AFEST, date_debut__lte=fin).filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=debut)
    )
    tracees = list(etapes.annotate(n=Count("composantes_afest__type", distinct=True)).values_list("n", flat=True))
    completes = sum(1 for n in tracees if n >= types)
    return completes, len(tracees) - completes
