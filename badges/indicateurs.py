"""The badges' figures for the competences part of the dashboard, the COPIL PDF and the bilan
(``pilotage`` calls it; a figure is computed here only). Raw counts: ``pilotage/masquage.py``
masks them for funders like every count it shows.

The signature is ``competences.indicateurs.calculer``'s: projects, first and last day (this app is
below ``pilotage`` and cannot take its ``Periode``). A badge counts in the period it was issued in
(``delivre_le``, Europe/Paris day), revoked since or not; ``revoques`` counts those of them
revoked, ``valides`` those still valid.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import Badge, StatutBadge


@dataclass(frozen=True)
class FiguresBadges:
    delivres: int
    valides: int
    revoques: int
    apprenants: int  # learners holding at least one badge issued in the period
    proposes: int  # waiting for a coordinator's confirmation (now, whatever the period)
    par_badge: tuple[tuple[str, int], ...]  # (badge class, issued in the period), most issued first


def _bornes(debut: date, fin: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(debut, time.min)),
        timezone.make_aware(datetime.combine(fin + timedelta(days=1), time.min)),
    )


def badges_delivres(projets, debut: date, fin: date, *, par_classe: bool = True) -> FiguresBadges:
    """« Badges délivrés » of ``projets`` (a project, its id, or several) issued from ``debut`` to
    ``fin`` (days, Europe/Paris, both included): one query, two with ``par_classe`` (the dashboard,
    the COPIL report and the bilan do not list the classes: ``par_classe=False``)."""
    debut, fin = _bornes(debut, fin)
    dans_la_periode = Q(delivre_le__gte=debut, delivre_le__lt=fin)
    totaux = Badge.objects.of_projet(projets).aggregate(
        delivres=Count("pk", filter=dans_la_periode),
        revoques=Count("pk", filter=dans_la_periode & Q(statut=StatutBadge.REVOQUE)),
        apprenants=Count("apprenant", distinct=True, filter=dans_la_periode),
        proposes=Count("pk", filter=Q(statut=StatutBadge.PROPOSE)),
    )
    par_badge = ()
    if par_classe:
        delivres = Badge.objects.of_projet(projets).filter(dans_la_periode)
        par_badge = tuple(
            (ligne["classe__nom"], ligne["n"])
            for ligne in delivres.values("classe__nom").annotate(n=Count("pk")).order_by("-n", "classe__nom")
        )
    return FiguresBadges(
        delivres=totaux["delivres"],
        valides=totaux["delivres"] - totaux["revoques"],
        revoques=totaux["revoques"],
        apprenants=totaux["apprenants"],
        proposes=totaux["proposes"],
        par_badge=par_badge,
    )
