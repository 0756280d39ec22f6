"""Reads of the badges app: a badge class's criteria against a learner's latest evaluations
(``competences.selectors.niveau_atteint``), the badges suggested to a learner, and the section of
the learner's page (``conciergerie.sections``, place ``apprenant_detail``)."""

from dataclasses import dataclass

from competences.models import NiveauEvaluation
from competences.selectors import niveau_atteint
from conciergerie.roles import peut

from .models import Badge, BadgeClasse, CompetenceRequise


@dataclass(frozen=True)
class Ecart:
    """A competence a badge requires that the learner has not reached (``atteint`` None: never evaluated)."""

    requise: CompetenceRequise
    atteint: int | None

    def __str__(self):
        niveau = "jamais évaluée" if self.atteint is None else f"niveau {self.atteint}"
        return f"{self.requise.competence.code} {self.requise.competence.libelle} : {niveau}, {self.requise.niveau} requis"


def criteres_manquants(classe: BadgeClasse, apprenant) -> list[Ecart]:
    """The competences of ``classe`` whose required level the learner's latest evaluation does not
    reach (empty: the criteria are met). A class with no competence has no criteria to check here."""
    manquants = []
    for requise in classe.requises.select_related("competence"):
        atteint = niveau_atteint(apprenant, requise.competence)
        if atteint is None or atteint < requise.niveau:
            manquants.append(Ecart(requise, atteint))
    return manquants


def niveaux_atteints(apprenant) -> dict[int, int]:
    """competence id → the level of the learner's latest evaluation that rated it: what
    ``niveau_atteint`` gives one competence at a time, for all of them in one query (the same
    order: by evaluation date, then by creation)."""
    niveaux: dict[int, int] = {}
    lignes = (
        NiveauEvaluation.objects.filter(evaluation__apprenant=apprenant)
        .order_by("competence_id", "-evaluation__date", "-evaluation_id")
        .values_list("competence_id", "niveau")
    )
    for competence_id, niveau in lignes:
        niveaux.setdefault(competence_id, niveau)
    return niveaux


def badges_suggeres(apprenant, classes=None) -> list[BadgeClasse]:
    """The project's badge classes with at least one competence, every required level reached by
    the learner's latest evaluations, that the learner has not been proposed yet. Three queries
    at most, whatever the number of classes and evaluations."""
    if classes is None:
        classes = list(BadgeClasse.objects.of_projet(apprenant.projet_id).prefetch_related("requises"))
    deja = set(Badge.objects.filter(apprenant=apprenant).values_list("classe_id", flat=True))
    candidates = [c for c in classes if c.pk not in deja and c.requises.all()]
    if not candidates:
        return []
    atteints = niveaux_atteints(apprenant)
    return [c for c in candidates if all(atteints.get(r.competence_id, 0) >= r.niveau for r in c.requises.all())]


def section_apprenant(context) -> dict:
    """Context of the learner page's badges section: for whoever may issue badges
    (``apprenants.modifier``), the learner's badges and the badges suggested. One query when the
    project has no badge class, four at most otherwise."""
    apprenant, request = context["apprenant"], context["request"]
    if not peut(request.adhesion.role, "apprenants.modifier"):
        return {"badges_lisibles": False}
    classes = list(BadgeClasse.objects.of_projet(apprenant.projet_id).prefetch_related("requises"))
    if not classes:
        return {"badges_lisibles": True, "badges_apprenant": [], "badges_suggeres": []}
    noms = {c.pk: c for c in classes}
    badges = list(Badge.objects.filter(apprenant=apprenant))
    for badge in badges:
        badge.classe = noms[badge.classe_id]
    deja = {b.classe_id for b in badges}
    candidates = [c for c in classes if c.pk not in deja and c.requises.all()]
    atteints = niveaux_atteints(apprenant) if candidates else {}
    suggeres = [c for c in candidates if all(atteints.get(r.competence_id, 0) >= r.niveau for r in c.requises.all())]
    return {"badges_lisibles": True, "badges_apprenant": badges, "badges_suggeres": suggeres}
