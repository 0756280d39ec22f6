"""The partners' block of the project home to-do (registered in PartenairesConfig.ready)."""

from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut

from . import selectors


def taches_partenaires(*, user, projet, adhesion) -> dict | None:
    """The home page's to-do lines about partners (two queries, whatever the number of rows)."""
    if adhesion is None or not peut(adhesion.role, "partenaires.voir"):
        return None
    aujourd_hui = timezone.localdate()
    conventions, qualiopi = selectors.echeances(user, projet, adhesion, aujourd_hui)
    return {
        "template": "partenaires/_todo.html",
        "conventions": conventions,
        "qualiopi": qualiopi,
        "aujourd_hui": aujourd_hui,
        "projet": projet,
        # the morning digest (conciergerie.resume): counts and links
        "resume": [
            {
                "libelle": "Conventions qui se terminent dans les 60 jours",
                "nombre": len(conventions),
                "url": reverse("projet_accueil", args=[projet.pk]),
            },
            {
                "libelle": "Certificats Qualiopi à renouveler",
                "nombre": len(qualiopi),
                "url": reverse("organisation_list", args=[projet.pk]),
            },
        ],
    }
