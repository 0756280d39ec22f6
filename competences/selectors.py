"""Reads of the competences app that other apps call (``badges`` checks a badge's criteria with
``niveau_atteint``)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from conciergerie.roles import peut

from .models import Bloc, Competence, ComposanteAfest, Evaluation, MomentEvaluation, NiveauEvaluation, Referentiel, TypeComposante
from .radar import Axe, Serie, radar_svg


def niveau_atteint(apprenant, competence) -> int | None:
    """The level of ``competence`` in the learner's latest evaluation that rated it (by date,
    then by creation), or None if it was never evaluated."""
    niveau = (
        NiveauEvaluation.objects.filter(evaluation__apprenant=apprenant, competence=competence)
        .order_by("-evaluation__date", "-evaluation_id")
        .values_list("niveau", flat=True)
        .first()
    )
    return niveau


# ---------------------------------------------------------------- the learner's page


@dataclass
class ProgressionBloc:
    bloc: Bloc
    entree: float | None  # mean level at entry over the bloc's competences rated then
    derniere: float | None  # the same in the latest evaluation

    @property
    def ecart(self) -> float | None:
        if self.entree is None or self.derniere is None:
            return None
        return round(self.derniere - self.entree, 2)


@dataclass
class SuiviReferentiel:
    """A learner's evaluations against one framework version: the entry (the first positioning,
    else the first evaluation), the latest, the radar of both and the progression per bloc."""

    referentiel: Referentiel
    evaluations: list[Evaluation]
    entree: Evaluation
    derniere: Evaluation
    blocs: list[ProgressionBloc]
    svg: str


def _moyenne(valeurs) -> float | None:
    valeurs = [v for v in valeurs if v is not None]
    return round(sum(valeurs) / len(valeurs), 2) if valeurs else None


def niveaux_par_code(evaluation) -> dict[str, int]:
    """The levels of a (prefetched) evaluation by competence code."""
    return {n.competence.code: n.niveau for n in evaluation.niveaux.all()}


def suivis(evaluations, competences) -> list[SuiviReferentiel]:
    """Group ``evaluations`` (with ``niveaux`` and their competence prefetched, oldest first) by
    framework; ``competences``: those of these frameworks (with their bloc). No query."""
    par_referentiel: dict[int, list] = defaultdict(list)
    for evaluation in evaluations:
        par_referentiel[evaluation.referentiel_id].append(evaluation)
    competences_par_ref: dict[int, list] = defaultdict(list)
    for c in competences:
        competences_par_ref[c.bloc.referentiel_id].append(c)
    resultat = []
    for referentiel_id, liste in par_referentiel.items():
        entree = next((e for e in liste if e.moment == MomentEvaluation.ENTREE), liste[0])
        derniere = liste[-1]
        comps = competences_par_ref[referentiel_id]
        axes = [Axe(c.code, c.libelle) for c in comps]
        niveaux_entree, niveaux_derniere = niveaux_par_code(entree), niveaux_par_code(derniere)
        series = [Serie(f"{entree.get_moment_display()} du {entree.date:%d/%m/%Y}", niveaux_entree)]
        if derniere.pk != entree.pk:
            series.append(Serie(f"{derniere.get_moment_display()} du {derniere.date:%d/%m/%Y}", niveaux_derniere))
        blocs: dict[int, list] = defaultdict(list)
        objets_blocs = {}
        for c in comps:
            blocs[c.bloc_id].append(c)
            objets_blocs[c.bloc_id] = c.bloc
        progression = [
            ProgressionBloc(
                bloc=objets_blocs[bloc_id],
                entree=_moyenne(niveaux_entree.get(c.code) for c in cs),
                derniere=_moyenne(niveaux_derniere.get(c.code) for c in cs),
            )
            for bloc_id, cs in blocs.items()
        ]
        referentiel = liste[0].referentiel
        resultat.append(
            SuiviReferentiel(
                referentiel=referentiel,
                evaluations=liste,
                entree=entree,
                derniere=derniere,
                blocs=progression,
                svg=radar_svg(axes, series, f"{referentiel} : niveaux par compétence") if axes else "",
            )
        )
    return resultat


def evaluations_apprenant(user, projet, apprenant):
    """The learner's evaluations the user may see, oldest first, with what the page shows: three
    queries whatever their number (evaluations, their levels with competence)."""
    return list(
        Evaluation.objects.visible_to(user, projet=projet)
        .filter(apprenant=apprenant)
        .select_related("referentiel", "etape", "organisation")
        .prefetch_related(Prefetch("niveaux", queryset=NiveauEvaluation.objects.select_related("competence")))
        .order_by("date", "pk")
    )


def suivis_apprenant(user, projet, apprenant) -> list[SuiviReferentiel]:
    evaluations = evaluations_apprenant(user, projet, apprenant)
    if not evaluations:
        return []
    competences = Competence.objects.filter(bloc__referentiel__in={e.referentiel_id for e in evaluations}).select_related("bloc")
    return suivis(evaluations, competences.order_by("bloc__ordre", "bloc_id", "ordre", "pk"))


def section_apprenant(context) -> dict:
    """Context of the learner page's competences section (``conciergerie.sections``): for a role
    that reads competences, the radar and progression per framework and the frameworks one may
    evaluate against (the latest versions)."""
    request, projet, apprenant = context["request"], context["projet"], context["apprenant"]
    role = request.adhesion.role
    if not peut(role, "competences.voir"):
        return {"competences_lisibles": False}
    return {
        "competences_lisibles": True,
        "suivis_competences": suivis_apprenant(request.user, projet, apprenant),
        "peut_evaluer": peut(role, "evaluations.saisir"),
    }


# ---------------------------------------------------------------- AFEST


@dataclass
class Completude:
    etape: object
    composantes: dict[str, list]  # type -> its components, in the order of TypeComposante

    @property
    def manquantes(self) -> list[str]:
        return [TypeComposante(t).label for t, liste in self.composantes.items() if not liste]

    @property
    def complete(self) -> bool:
        return not self.manquantes


def completude_afest(etapes, composantes) -> list[Completude]:
    """Per AFEST step, its components by type and the missing ones (``composantes``: those of
    these steps, with what is shown). No query."""
    par_etape: dict[int, dict[str, list]] = {e.pk: {t: [] for t in TypeComposante.values} for e in etapes}
    for composante in composantes:
        par_etape[composante.etape_id][composante.type].append(composante)
    return [Completude(etape=e, composantes=par_etape[e.pk]) for e in etapes]


def composantes_de(etapes):
    return (
        ComposanteAfest.objects.filter(etape__in=etapes)
        .select_related("evaluation", "saisie_par")
        .prefetch_related(Prefetch("competences", queryset=Competence.objects.only("pk", "code", "libelle")))
        .order_by("date", "pk")
    )
