"""The finances block of the project home to-do (registered in FinancesConfig.ready)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut

from . import selectors
from .models import Financement, Versement


def taches_finances(*, user, projet, adhesion, aujourd_hui: date | None = None) -> dict | None:
    """Payments to request within 45 days, fundings whose volunteer gauge is orange or red.

    Only for roles that may edit the finances; a constant number of queries (1 + 5).
    """
    if adhesion is None or not peut(adhesion.role, "finances.modifier"):
        return None
    aujourd_hui = aujourd_hui or timezone.localdate()
    versements = [
        v
        for v in Versement.objects.visible_to(user, projet=projet)
        .filter(date_demande__isnull=True, date_reception__isnull=True, date_limite_demande__lte=aujourd_hui + selectors.DELAI_VERSEMENT)
        .select_related("financement")
        .order_by("date_limite_demande", "pk")
    ]
    financements = list(Financement.objects.visible_to(user, projet=projet).filter(plafond_benevolat__isnull=False))
    plafonds = [s for s in selectors.syntheses(financements, aujourd_hui=aujourd_hui) if s.plafond.niveau != selectors.Niveau.OK]
    if not versements and not plafonds:
        return None
    page = reverse("finances", args=[projet.pk])
    return {
        "template": "finances/_todo.html",
        "versements": versements,
        "plafonds": plafonds,
        "projet": projet,
        "aujourd_hui": aujourd_hui,
        # the morning digest (conciergerie.resume): counts and links
        "resume": [
            {"libelle": "Versements à demander (échéance dans les 45 jours ou passée)", "nombre": len(versements), "url": page},
            {"libelle": "Plafonds de bénévolat bientôt atteints ou dépassés", "nombre": len(plafonds), "url": page},
        ],
    }
