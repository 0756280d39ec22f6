"""Each project's revision: where its data stands, moved by every write to it.

Figures computed from a project's data (``pilotage.memo``) are kept under the project's
revision, so they are served again only while nothing in the project changed. Nothing here
expires by time: a kept figure is never stale, it is unreachable once the revision moved.

The revision is a pair: the project's random ``Projet.revision`` (drawn at its creation, drawn
again by ``reviser_tout``) and the number of ``EcritureProjet`` rows of the project, one
inserted by each write, **in the writing transaction**. So it moves exactly when the write
becomes visible, commits in any order, and never locks a row another writer waits for (an
``UPDATE`` of a counter would hold the project's row until commit: deadlocks with two writers,
waits behind an import). Each row names the model written (``parcours.etape``): a figure that
reads some models only is kept under the count of their rows (``Revision.cle``), so an
evaluation entered leaves the attendance figures kept, and an attendance sheet the
competences'. A random start means a project deleted and created again with the same
id (a test database rolled back, a demo regenerated) never meets the figures of the former one.
The nightly clean-up (``conciergerie.menage``) empties the table and draws every project a new
``revision`` in one transaction (``compacter``).

Who writes a row:

- a row saved or deleted one at a time: ``post_save`` / ``pre_delete`` of every model whose
  QuerySet is a ``TenantQuerySet`` (``branchez_les_signaux``, from ``ConciergerieConfig.ready``);
  a delete that sets other models' columns (``SET_NULL``) writes to them too;
- a write by QuerySet (``update``, ``bulk_create``; ``bulk_update`` goes through ``update``):
  ``TenantQuerySet`` marks the projects it wrote to;
- a project saved (its dates): ``Projet`` itself;
- what writes outside the ORM — a restored backup, a data migration (``post_migrate``, which
  with workers also sends every project's run: ``apres_migration``) — calls ``reviser_tout``;
  the generator's ``COPY`` creates projects, whose ``revision`` is new.

Models that feed no figure (the access log, jobs, invitations…) say ``hors_chiffres = True`` on
their QuerySet: a page view, which writes its access-log line, does not throw the figures away.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial

from django.db import router, transaction
from django.db.models import Count
from django.db.models.signals import post_save, pre_delete

logger = logging.getLogger(__name__)


def revision_initiale() -> int:
    """A random starting point (62 bits: a positive ``bigint`` with room to count up)."""
    return secrets.randbits(62)


@dataclass(frozen=True)
class Revision:
    """Where a project's data stands: its random start and its writes counted per model."""

    graine: int
    ecritures: dict[str, int] = field(default_factory=dict)

    def cle(self, modeles: frozenset[str] | None = None) -> str:
        """The revision of the data of ``modeles`` (model labels; ``None``: every model), as a
        key: it moves with every write to one of them, or of a model not named (``""``)."""
        if modeles is None:
            n = sum(self.ecritures.values())
        else:
            n = sum(nb for modele, nb in self.ecritures.items() if not modele or modele in modeles)
        return f"{self.graine:x}.{n}"


def revisions_detaillees(projet_ids: Iterable[int]) -> dict[int, Revision]:
    """The current revision of each project, its writes counted per model (one query)."""
    from .models import Projet

    lues: dict[int, Revision] = {}
    lignes = (
        Projet.objects.filter(pk__in=list(projet_ids))
        .values_list("pk", "revision", "ecritures__modele")
        .annotate(n=Count("ecritures"))
        .order_by()
    )
    for pk, graine, modele, n in lignes:
        revision = lues.setdefault(pk, Revision(graine))
        if n:
            revision.ecritures[modele] = n
    return lues


def revisions(projet_ids: Iterable[int]) -> dict[int, str]:
    """The current revision of each project's whole data, as a key (one query)."""
    return {pk: r.cle() for pk, r in revisions_detaillees(projet_ids).items()}


#: called with the projects written to, once the writing transaction committed: the apps on the
#: right register there what follows a write (``pilotage.precalcul``: their figures computed
#: again in the background). A hook that fails is logged; the write stays done.
APRES_COMMIT: list[Callable[[list[int]], None]] = []


def marquer(projet_ids: Iterable[int | None], *, modeles: Iterable[str] = ("",), using: str | None = None) -> None:
    """The data of ``modeles`` (models' labels, ``parcours.etape``; empty: any model) in these
    projects changes in the current transaction: one row each per model."""
    from .models import EcritureProjet

    ids = sorted({p for p in projet_ids if p is not None})
    if ids:
        alias = using or router.db_for_write(EcritureProjet)
        EcritureProjet.objects.using(alias).bulk_create([EcritureProjet(projet_id=p, modele=m) for p in ids for m in sorted(set(modeles))])
        if APRES_COMMIT:
            transaction.on_commit(partial(_apres_commit, ids), using=alias)


def _apres_commit(ids: list[int]) -> None:
    for hook in APRES_COMMIT:
        try:
            hook(ids)
        except Exception:
            logger.exception("Après l'écriture dans les projets %s : %s a échoué", ids, getattr(hook, "__qualname__", hook))


def reviser_tout(*, using: str = "default") -> None:
    """A new random revision for every project: after a write outside the ORM (a restored
    backup), whose projects the signals did not see."""
    from .models import Projet

    for pk in Projet.objects.using(using).values_list("pk", flat=True):
        Projet.objects.using(using).filter(pk=pk).update(revision=revision_initiale())


def apres_migration(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate``: a data migration writes through historical models, which no signal
    follows: every project draws a new revision (once the column exists).

    Every figure is then to compute again. With workers (a broker, not eager Celery), the
    ``APRES_COMMIT`` hooks get every project, as after the nightly clean-up: a deployment's
    runs are sent by its ``migrate``, not paid by the first readers after it (the national
    roll-up computed cold: ~2 s). Not in the embedded mode, whose runs would be threads of the
    ``migrate`` command itself, before its demo data."""
    from django.conf import settings
    from django.db import connections

    connexion = connections[using]
    with connexion.cursor() as curseur:
        if "conciergerie_projet" not in connexion.introspection.table_names(curseur):
            return
        colonnes = {c.name for c in connexion.introspection.get_table_description(curseur, "conciergerie_projet")}
    if "revision" in colonnes:
        reviser_tout(using=using)
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            _apres_commit_de_tous(using=using)


def compacter(*, using: str = "default") -> int:
    """The nightly clean-up: the rows written since go, every project draws a new revision, in
    one transaction (a reader sees the old pair or the new one), and the ``APRES_COMMIT`` hooks
    get every project (their figures computed again tonight, not by the morning's first
    readers). Returns the rows deleted."""
    from .models import EcritureProjet

    with transaction.atomic(using=using):
        supprimees, _ = EcritureProjet.objects.using(using).all().delete()
        reviser_tout(using=using)
        _apres_commit_de_tous(using=using)  # every project's figures to compute again: tonight
    return supprimees


def _apres_commit_de_tous(*, using: str) -> None:
    """The ``APRES_COMMIT`` hooks get every project once the transaction commits (their revisions
    all drawn again: the nightly clean-up, a migration)."""
    from .models import Projet

    if APRES_COMMIT:
        ids = list(Projet.objects.using(using).values_list("pk", flat=True))
        if ids:
            transaction.on_commit(partial(_apres_commit, ids), using=using)


def projet_de(instance) -> int | None:
    """The project of a row of a tenant model, along its QuerySet's ``projet_field``
    (``organisation__projet`` → ``instance.organisation.projet_id``)."""
    chemin = type(instance)._default_manager.get_queryset().projet_field.split("__")
    objet = instance
    for nom in chemin[:-1]:
        objet = getattr(objet, nom, None)
        if objet is None:
            return None
    return getattr(objet, f"{chemin[-1]}_id", None)


def _apres_ecriture(sender, instance, using=None, raw=False, **kwargs) -> None:
    if raw:  # loaddata: rows of a new database, whose projects are new too
        return
    marquer([projet_de(instance)], modeles=[sender._meta.label_lower], using=using)


def _avant_suppression(sender, instance, using=None, **kwargs) -> None:
    marquer([projet_de(instance)], modeles=modeles_ecrits_en_supprimant(sender), using=using)


@cache
def modeles_ecrits_en_supprimant(modele) -> tuple[str, ...]:
    """The models a delete of a row of ``modele`` writes to: itself, and those whose foreign key
    to it is set by the delete (``SET_NULL``, ``SET_DEFAULT``, ``SET(…)``: a prescriber's
    learners), which no signal follows. The rows deleted in cascade have their own signal.
    Worked out once per model: a cascade asks for every row."""
    from django.db import models

    sans_ecriture = (models.CASCADE, models.PROTECT, models.RESTRICT, models.DO_NOTHING)
    return (modele._meta.label_lower,) + tuple(
        relation.related_model._meta.label_lower
        for relation in modele._meta.related_objects
        if getattr(relation, "on_delete", None) is not None and relation.on_delete not in sans_ecriture
    )


def _projet_enregistre(sender, instance, using=None, raw=False, **kwargs) -> None:
    if not raw:
        marquer([instance.pk], modeles=[sender._meta.label_lower], using=using)


def branchez_les_signaux() -> None:
    """Connect the receivers to every tenant model that feeds figures, and to ``Projet``."""
    from django.apps import apps

    from .models import Projet
    from .scoping import TenantQuerySet

    post_save.connect(_projet_enregistre, sender=Projet, dispatch_uid="revisions.projet")
    for modele in apps.get_models():
        qs = modele._default_manager.get_queryset()
        if not isinstance(qs, TenantQuerySet) or qs.hors_chiffres:
            continue
        post_save.connect(_apres_ecriture, sender=modele, dispatch_uid=f"revisions.save.{modele._meta.label}")
        # before the delete: the rows on the way to the project still exist
        pre_delete.connect(_avant_suppression, sender=modele, dispatch_uid=f"revisions.delete.{modele._meta.label}")
