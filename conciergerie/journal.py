"""The access log's one write: ``journaliser`` (a single INSERT, no read).

Called by the views that show or hand out personal data: a learner's page (parcours), a receipt
(finances), a nominative bilan (pilotage), a learner's access export (rgpd). The log is read by
the project's administrators (rgpd's page) and purged by the retention task.
"""

from __future__ import annotations

from django.utils import timezone

from .models import ActionAcces, JournalAcces


def libelle_objet(objet) -> str:
    """A label that never carries a learner's name: their reference when the object has one."""
    if objet is None:
        return ""
    reference = getattr(objet, "reference", None)
    if reference:
        return str(reference)[:200]
    return f"{objet._meta.verbose_name} n° {objet.pk}"[:200]


def type_objet(objet) -> str:
    return objet._meta.label_lower if objet is not None else ""


def journaliser(*, user, projet, action: ActionAcces | str, objet=None, libelle: str | None = None) -> JournalAcces:
    """Record that ``user`` did ``action`` on ``objet`` in ``projet`` (now)."""
    nom = ""
    if user is not None and getattr(user, "is_authenticated", False):
        nom = f"{user.get_full_name() or user.username} ({user.username})"[:200]
    return JournalAcces.objects.create(
        projet_id=getattr(projet, "pk", projet),
        user=user if nom else None,
        user_nom=nom,
        action=action,
        objet_type=type_objet(objet),
        objet_id=getattr(objet, "pk", None),
        objet_libelle=libelle_objet(objet) if libelle is None else libelle[:200],
        date=timezone.now(),
    )
