"""The home page's block (``conciergerie.home``): learners about to be anonymised."""

from __future__ import annotations

from conciergerie.roles import peut

from .models import AvisConservation

LIGNES = 15


def avis_conservation(*, user, projet, adhesion) -> dict | None:
    """Administrators and coordinators: the notices of the project (one query, none if empty)."""
    if adhesion is None or not peut(adhesion.role, "apprenants.modifier"):
        return None
    avis = list(
        AvisConservation.objects.visible_to(user, projet=projet)
        .select_related("apprenant")
        .order_by("anonymisation_prevue_le", "pk")[: LIGNES + 1]
    )
    if not avis:
        return None
    return {"template": "rgpd/_todo_conservation.html", "avis": avis[:LIGNES], "avis_en_plus": len(avis) > LIGNES, "projet": projet}
