"""Reads of the competences app that other apps call (``badges`` checks a badge's criteria with
``niveau_atteint``)."""

from .models import NiveauEvaluation


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
