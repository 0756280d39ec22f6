"""The one scoping mechanism.

Every tenant QuerySet derives from ``TenantQuerySet`` and is read through
``Model.objects.visible_to(user)`` (optionally narrowed to one project). The user's
memberships (``Adhesion``) give, per project, a role; each model says in ``role_filter`` what a
role sees of it. Administrators and coordinators see the whole project by default; the
``partenaire`` and ``financeur`` roles see nothing unless the model opens something to them.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from . import revisions
from .roles import ECRITURES, MESSAGE_CLOS, Role, peut

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def adhesions_of(user) -> list:
    """The user's active memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_adhesions_cache", None)
    if cache is None:
        from .models import Adhesion

        cache = list(Adhesion.objects.filter(user=user, actif=True).select_related("projet", "user__preferences"))
        user._adhesions_cache = cache
    return cache


def adhesion_for(user, projet) -> object | None:
    projet_id = getattr(projet, "pk", projet)
    for adhesion in adhesions_of(user):
        if adhesion.projet_id == projet_id:
            return adhesion
    return None


MESSAGE_REFUS = "Votre rôle ne permet pas cette action."


def exiger(user, projet, capacite: str, message: str = MESSAGE_REFUS):
    """The one permission check, for views (``ProjetMixin``) and services alike: ``user``'s
    active membership of ``projet`` (a project or its id), returned when its role holds
    ``capacite``; otherwise ``PermissionDenied`` (a non-member too: a service has no 404 to give,
    the views have given it before).

    In a closed project (``Projet.cloture_le``) the capabilities that write
    (``roles.ECRITURES``) are refused to everyone, with ``roles.MESSAGE_CLOS``.

    ``user=None`` is a write made by the system, not by a member (a management command, a
    test of a service's own rules): there is no membership to check. The views always pass
    ``request.user`` (an anonymous user has no membership, so it is refused)."""
    if user is None:
        return None
    adhesion = adhesion_for(user, projet)
    if adhesion is None or not peut(adhesion.role, capacite):
        raise PermissionDenied(message)
    if capacite in ECRITURES and adhesion.projet.cloture_le is not None:
        # a closed project is read-only, for every app's writes (they all come through here)
        raise PermissionDenied(MESSAGE_CLOS)
    return adhesion


class TenantQuerySet(models.QuerySet):
    #: lookup path from the model to its Projet
    projet_field = "projet"
    #: rows that feed no figure (an access log, a job): their writes leave the project's
    #: revision alone (``conciergerie.revisions``)
    hors_chiffres = False

    # --- writes by QuerySet move the revision of the projects written to (conciergerie.revisions;
    # ``bulk_update`` writes through ``update``); one row at a time, the signals do

    def _projets_ecrits(self) -> set[int]:
        return set(self.order_by().values_list(self.projet_field, flat=True).distinct())

    def update(self, **kwargs):
        if self.hors_chiffres:
            return super().update(**kwargs)
        projets = self._projets_ecrits()
        nombre = super().update(**kwargs)
        revisions.marquer(projets, modeles=[self.model._meta.label_lower], using=self.db)
        return nombre

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        crees = super().bulk_create(objs, *args, **kwargs)
        if not self.hors_chiffres:
            revisions.marquer((revisions.projet_de(o) for o in objs), modeles=[self.model._meta.label_lower], using=self.db)
        return crees

    def role_filter(self, role: str, organisation_id: int | None) -> Q:
        """What a member with ``role`` (and organisation) sees of this model in its project."""
        if role in (Role.ADMINISTRATEUR, Role.COORDINATEUR):
            return EVERYTHING
        return NOTHING

    def visible_to(self, user, projet=None):
        adhesions = adhesions_of(user)
        if projet is not None:
            projet_id = getattr(projet, "pk", projet)
            adhesions = [a for a in adhesions if a.projet_id == projet_id]
        groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        for adhesion in adhesions:
            groups[(adhesion.role, adhesion.organisation_id)].append(adhesion.projet_id)
        condition = None
        for (role, organisation_id), projet_ids in groups.items():
            rows = self.role_filter(role, organisation_id)
            if rows == NOTHING:
                continue
            term = Q(**{f"{self.projet_field}__in": projet_ids}) & rows
            condition = term if condition is None else condition | term
        if condition is None:
            return self.none()
        return self.filter(condition)

    def of_projet(self, projet):
        """Rows of one project, without role filtering: only for aggregates computed after
        the view has checked, through ``visible_to``, that the user may see them.

        ``projet``: a project or its id; or several (a list, tuple, set or QuerySet of projects
        or ids), read in the same single query (``<projet_field>__in``)."""
        if isinstance(projet, (list, tuple, set, frozenset, models.QuerySet)):
            return self.filter(**{f"{self.projet_field}__in": [getattr(p, "pk", p) for p in projet]})
        return self.filter(**{self.projet_field: getattr(projet, "pk", projet)})


class ProjetScopedMixin(models.Model):
    """Abstract base for models that belong to a project directly."""

    projet = models.ForeignKey("conciergerie.Projet", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
