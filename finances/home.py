"""The finances block of the project home to-do (registered in FinancesConfig.ready)."""

from datetime import date

from conciergerie.roles import peut

from . import selectors
from .models import Financement, Versement


def taches_finances(*, user, projet, adhesion, today: date | None = None) -> dict | None:
    """Payments to request within 45 days, fundings whose volunteer gauge is orange or red.

    Only for roles that may edit the finances; a constant number of queries (1 + 5).
    """
    if adhesion is None or not peut(adhesion.role, "finances.modifier"):
        return None
    today = today or date.today()
    versements = [
        v
        for v in Versement.objects.visible_to(user, projet=projet)
        .filter(date_demande__isnull=True, date_reception__isnull=True, date_limite_demande__lte=today + selectors.DELAI_VERSEMENT)
        .select_related("financement")
        .order_by("date_limite_demande", "pk")
    ]
    financements = list(Financement.objects.visible_to(user, projet=projet).filter(plafond_benevolat__isnull=False))
    plafonds = [s for s in selectors.syntheses(financements, today=today) if s.plafond.niveau != selectors.Niveau.OK]
    if not versements and not plafonds:
        return None
    return {"template": "finances/_todo.html", "versements": versements, "plafonds": plafonds, "projet": projet, "today": today}
