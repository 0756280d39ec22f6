"""Reads of the badges app: a badge class's criteria against a learner's latest evaluations
(``competences.selectors.niveau_atteint``), the badges suggested to a learner, and the section of
the learner's page (``conciergerie.sections``, place ``apprenant_detail``)."""

from dataclasses import dataclass

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


def badges_suggeres(apprenant) -> list[BadgeClasse]:
    """The project's badge classes with at least one competence, every required level reached by
    the learner's latest evaluations, that the learner has not been proposed yet."""
    deja = Badge.objects.filter(apprenant=apprenant).values_list("classe_id", flat=True)
    classes = BadgeClasse.objects.of_projet(apprenant.projet_id).filter(requises__isnull=False).exclude(pk__in=deja).distinct()
    return [c for c in classes if not criteres_manquants(c, apprenant)]


def section_apprenant(context) -> dict:
    """Context of the learner page's badges section: for whoever may issue badges
    (``apprenants.modifier``), the learner's badges and the badges suggested."""
    apprenant, request = context["apprenant"], context["request"]
    lire = peut(request.adhesion.role, "apprenants.modifier")
    return {
        "badges_lisibles": lire,
        "badges_apprenant": list(Badge.objects.filter(apprenant=apprenant).select_related("classe")) if lire else [],
        "badges_suggeres": badges_suggeres(apprenant) if lire else [],
    }
