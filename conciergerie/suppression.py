"""Deleting a row from the application (not from /admin/): what goes with it, what blocks it, the
trace it leaves.

``inventaire(objet)`` runs Django's deletion collector the way the admin's confirmation page does
(``NestedObjects``): the rows deleted with ``objet`` (cascades, the many-to-many links) counted by
kind, in French, and the rows that block it (``PROTECT``/``RESTRICT``). ``supprimer(objet, by=…)``
is the one delete of the apps' services: it deletes in a transaction and leaves a history entry —
the model's own history (django-simple-history records a « - » row, its author ``by``) or, for a
model without history, an entry of the admin's log (``LogEntry``, action « suppression »), seen in
/admin/. A row still pointed to raises ``Refus`` (a ``ValidationError`` naming what blocks),
nothing deleted.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError


class Refus(ValidationError):
    """The row cannot be deleted: something still points to it (the French reason)."""


def _libelle(model, nombre: int) -> str:
    """« 3 contacts », « 1 lien avec : activité » in French, from the models' verbose names."""
    opts = model._meta
    if opts.auto_created:
        # the hidden table of a many-to-many field: the rows it links, not a thing of its own
        cibles = [f.related_model._meta.verbose_name for f in opts.fields if f.is_relation]
        return f"{nombre} lien{'s' if nombre > 1 else ''} « {' — '.join(str(c) for c in cibles)} »"
    nom = opts.verbose_name if nombre == 1 else opts.verbose_name_plural
    return f"{nombre} {nom}"


@dataclass
class Inventaire:
    objet: object
    #: what goes with the row, by kind: [« 2 étapes », …] (the row itself not counted)
    avec: list[str] = field(default_factory=list)
    #: each row deleted with it, as displayed: [(kind, text), …]
    lignes: list[tuple[str, str]] = field(default_factory=list)
    #: what blocks the deletion, by kind: [« 1 session de formation », …]
    bloquants: list[str] = field(default_factory=list)
    #: the rows that block it, as displayed
    lignes_bloquantes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.bloquants

    def message_refus(self) -> str:
        return f"« {self.objet} » ne peut pas être supprimé : il est encore lié à {', '.join(self.bloquants)}. Retirez d'abord ces liens."


def _par_type(objets) -> Counter:
    return Counter(type(o) for o in objets)


def _affiche(objet) -> tuple[str, str]:
    return (str(type(objet)._meta.verbose_name), str(objet))


def inventaire(objet) -> Inventaire:
    """What deleting ``objet`` takes with it, and what blocks it (Django's admin collector)."""
    collector = NestedObjects(using=router.db_for_write(type(objet)))
    collector.collect([objet])
    avec, lignes = [], []
    for model, objets in collector.model_objs.items():
        autres = [o for o in objets if not (type(o) is type(objet) and o.pk == objet.pk)]
        if autres:
            avec.append(_libelle(model, len(autres)))
            if not model._meta.auto_created:
                lignes += sorted(_affiche(o) for o in autres)
    proteges = _par_type(collector.protected)
    return Inventaire(
        objet=objet,
        avec=sorted(avec),
        lignes=lignes,
        bloquants=sorted(_libelle(model, n) for model, n in proteges.items()),
        lignes_bloquantes=sorted(_affiche(o) for o in collector.protected),
    )


def supprimer(objet, *, by) -> None:
    """Delete ``objet`` and what cascades from it, with its history entry; ``Refus`` (nothing
    deleted) when a ``PROTECT``/``RESTRICT`` relation still points to it. The caller (an app's
    service) has checked the capability."""
    model = type(objet)
    historise = hasattr(model, "history")
    representation, pk = str(objet)[:200], objet.pk
    try:
        with transaction.atomic():
            if historise:
                objet._history_user = by  # the « - » row of simple_history names its author
            objet.delete()
            if not historise:
                LogEntry.objects.create(
                    user_id=by.pk,
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=str(pk),
                    object_repr=representation,
                    action_flag=DELETION,
                    change_message="Supprimé depuis l'application.",
                )
    except (ProtectedError, RestrictedError) as error:
        bloquants = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        noms = ", ".join(sorted(_libelle(m, n) for m, n in _par_type(bloquants).items()))
        raise Refus(f"« {representation} » ne peut pas être supprimé : il est encore lié à {noms}. Retirez d'abord ces liens.") from None
