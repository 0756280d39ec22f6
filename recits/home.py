"""The récits' block of the project home to-do (registered in RecitsConfig.ready): the user's
récits taken out of the reports because a learner withdrew consent (``AvisRetraitConsentement``),
over the last ``JOURS_AVIS`` days. The morning digest shows the same block (links, no name)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut

from .models import AvisRetraitConsentement

JOURS_AVIS = 30


def avis_retrait(*, user, projet, adhesion) -> dict | None:
    """One query; nothing for a role that does not write récits."""
    if adhesion is None or not peut(adhesion.role, "recits.modifier"):
        return None
    depuis = timezone.now() - timedelta(days=JOURS_AVIS)
    avis = list(
        AvisRetraitConsentement.objects.of_projet(projet)
        .filter(destinataire=user, cree_le__gte=depuis)
        .select_related("recit")
        .order_by("-cree_le", "-pk")[:15]
    )
    if not avis:
        return None
    return {
        "template": "recits/_todo.html",
        "avis": avis,
        "projet": projet,
        # the morning digest (conciergerie.resume): a count and a link, no title nor name
        "resume": [
            {
                "libelle": "Récits retirés des rapports (consentement retiré)",
                "nombre": len(avis),
                "url": reverse("projet_accueil", args=[projet.pk]),
            }
        ],
    }
