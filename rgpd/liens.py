"""What the database holds on one learner, found by introspection (``apps.get_models()``), so that
a model added later with a foreign key (or many-to-many) to ``Apprenant`` — or to a row that
leads to one (``Parcours``, ``Etape``…) — is exported and anonymised without anyone listing it.

- ``chemins()``: every model that leads to a learner, with the lookups that get there
  (``Etape``: ``parcours__apprenant``; ``Recit``: ``apprenants``);
- ``historiques(apprenant)``: the history rows (django-simple-history) of the learner and of
  every row of theirs, deleted rows included (found by ids, not by joins to live rows).
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db.models import Q

from parcours.models import Apprenant

#: how far from ``Apprenant`` a chain of foreign keys is followed (Apprenant <- Parcours <- Etape <- …)
PROFONDEUR = 4


def est_historique(model) -> bool:
    """A django-simple-history table (``HistoricalApprenant``…)."""
    return hasattr(model, "instance_type") and any(f.name == "history_id" for f in model._meta.fields)


def _relations(model):
    """Forward relations of ``model`` (its foreign keys, one-to-ones and many-to-manys)."""
    return [f for f in [*model._meta.fields, *model._meta.many_to_many] if f.is_relation and f.related_model is not None]


@cache
def chemins() -> dict:
    """model -> lookups from a row of the model to its learner (``"pk"`` for ``Apprenant``).
    Historical models are left out (``historiques`` finds their rows by ids)."""
    trouves: dict = {Apprenant: ["pk"]}
    for _ in range(PROFONDEUR):
        ajoutes = False
        for model in apps.get_models():
            if model is Apprenant or est_historique(model):
                continue
            for field in _relations(model):
                cible = field.related_model
                if cible not in trouves or cible is model:
                    continue
                for suite in trouves[cible]:
                    chemin = field.name if suite == "pk" else f"{field.name}__{suite}"
                    if chemin.count("__") >= PROFONDEUR:
                        continue
                    if chemin not in trouves.setdefault(model, []):
                        trouves[model].append(chemin)
                        ajoutes = True
        if not ajoutes:
            break
    return trouves


def lignes(model, apprenant):
    """The rows of ``model`` that lead to ``apprenant``."""
    condition = Q()
    for chemin in chemins()[model]:
        condition |= Q(**{chemin: apprenant.pk})
    return model._default_manager.filter(condition).distinct().order_by("pk")


def modeles_lies() -> list:
    """The models holding rows about a learner (``Apprenant`` first), by label."""
    return sorted(chemins(), key=lambda m: (m is not Apprenant, m._meta.label))


def ids_lies(apprenant) -> dict:
    """model -> ids of the learner's rows, live and deleted (as the history remembers them), for
    every model with a history that leads to the learner."""
    ids: dict = {Apprenant: {apprenant.pk}}
    historiques_par_modele = {m.instance_type: m for m in apps.get_models() if est_historique(m)}
    # follow the chains, parents first (Parcours before Etape): shortest paths first
    for model in sorted(chemins(), key=lambda m: min(c.count("__") for c in chemins()[m])):
        if model is Apprenant or model not in historiques_par_modele:
            continue
        trouves = set(lignes(model, apprenant).values_list("pk", flat=True))
        historique = historiques_par_modele[model]
        for field in historique._meta.fields:
            if field.is_relation and field.related_model in ids and field.name != "history_user":
                trouves |= set(
                    historique._default_manager.filter(**{f"{field.attname}__in": ids[field.related_model]}).values_list("id", flat=True)
                )
        ids[model] = trouves
    return ids


def historiques(apprenant, ids: dict | None = None) -> dict:
    """historical model -> QuerySet of the history rows of the learner and of their rows."""
    ids = ids if ids is not None else ids_lies(apprenant)
    resultat = {}
    for historique in apps.get_models():
        if not est_historique(historique):
            continue
        condition = Q(pk__in=[])
        if historique.instance_type in ids:
            condition |= Q(id__in=ids[historique.instance_type])
        for field in historique._meta.fields:
            if field.is_relation and field.related_model in ids and field.name != "history_user":
                condition |= Q(**{f"{field.attname}__in": ids[field.related_model]})
        if historique.instance_type in ids or any(
            f.is_relation and f.related_model in ids and f.name != "history_user" for f in historique._meta.fields
        ):
            resultat[historique] = historique._default_manager.filter(condition).order_by("history_date", "pk")
    return resultat
