"""Figures kept per project, under the project's revision (``conciergerie.revisions``).

A roll-up of 204 projects computed its raw counts again on each view: 0,7–0,9 s of SQL over
60 000 learners and 2,6 million attendance rows, then as much again for the targets' periods.
A project's figures change only when its data does: ``par_projet`` keeps each project's value in
the cache (Redis with workers; the process's memory in the embedded mode) under a key made of

- what is kept (``nom``) and its period,
- the project's revision, moved by every write to its data, in the writing transaction — of
  the models the value reads only (``modeles``: an evaluation entered leaves the attendance
  figures kept; tests/pilotage/test_memo_modeles.py checks each value reads no other),
- a fingerprint of the code that computes it (``EMPREINTE``: a deployment that changes the
  computation does not read the former values),

and computes, in one call of ``calcul``, only the projects whose key is missing: a roll-up
after writes in 10 projects reads 194 values and computes 10. Nothing expires to be right: a
key whose project changed is never read again, and ``CHIFFRES_CACHE_SECONDES`` only bounds the
memory.

A cache that does not answer (Redis down) costs the speed, not the figures: they are computed
as if nothing were kept, with a warning in the log. ``CHIFFRES_EN_CACHE = False`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from conciergerie.revisions import Revision, revisions_detaillees

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MODULES = ("indicateurs.py", "repartitions.py", "masquage.py", "memo.py")
#: the computing code's fingerprint, in every key
EMPREINTE = hashlib.sha256(b"".join((Path(__file__).parent / m).read_bytes() for m in _MODULES)).hexdigest()[:12]


def actif() -> bool:
    return getattr(settings, "CHIFFRES_EN_CACHE", True)


_local = threading.local()


@contextmanager
def lecture(projet_ids: Iterable[int]):
    """One read of several kept figures (a page's): the projects' revisions read once, before
    any of them, and used by every ``par_projet`` inside (a page of the national roll-up read
    them five times). Only around reads: a write inside would not be seen."""
    precedent = getattr(_local, "revisions", None)
    _local.revisions = revisions_detaillees(projet_ids) if actif() else {}
    try:
        yield
    finally:
        _local.revisions = precedent


def _revisions(ids: list[int]) -> dict[int, Revision]:
    lues = getattr(_local, "revisions", None)
    if lues is not None and all(pid in lues for pid in ids):
        return {pid: lues[pid] for pid in ids}
    return revisions_detaillees(ids)


def par_projet(
    nom: str,
    projet_ids: Iterable[int],
    periode,
    calcul: Callable[[list[int]], dict[int, T]],
    *,
    modeles: frozenset[str] | None = None,
) -> dict[int, T]:
    """``{projet_id: value}`` for ``projet_ids`` over ``periode`` (anything with ``debut`` and
    ``fin``): the kept values of the projects unchanged since, ``calcul(ids)`` — one call, which
    returns a value for each of ``ids`` — for the others, then kept. ``modeles``: the labels of
    the models whose rows the value depends on (read by ``calcul``, or by the caller for what it
    passes: the fundings shown), ``None`` for any: the value is kept until a write to one of them."""
    ids = list(dict.fromkeys(projet_ids))
    if not ids or not actif():
        return calcul(ids)
    cles = {
        pid: f"chiffres:{EMPREINTE}:{nom}:{pid}:{revision.cle(modeles)}:{periode.debut:%Y%m%d}:{periode.fin:%Y%m%d}"
        for pid, revision in _revisions(ids).items()
    }
    try:
        trouves = cache.get_many(list(cles.values()))
    except Exception:  # noqa: BLE001 — a cache down: computed as if nothing were kept
        logger.warning("chiffres : le cache ne répond pas, %s calculés pour %s projets", nom, len(ids), exc_info=True)
        trouves = {}
    valeurs = {pid: trouves[cle] for pid, cle in cles.items() if cle in trouves}
    manquants = [pid for pid in ids if pid not in valeurs]
    if manquants:
        calcules = calcul(manquants)
        valeurs.update(calcules)
        a_garder = {cles[pid]: calcules[pid] for pid in manquants if pid in cles and pid in calcules}
        try:
            cache.set_many(a_garder, getattr(settings, "CHIFFRES_CACHE_SECONDES", 86_400))
        except Exception:  # noqa: BLE001
            logger.warning("chiffres : le cache ne répond pas, %s non gardés", nom, exc_info=True)
    return valeurs


def un_projet(nom: str, projet_id: int, periode, calcul: Callable[[], T], *, modeles: frozenset[str] | None = None) -> T:
    """``par_projet`` for one project: ``calcul()`` its value (a dashboard's, a COPIL report's
    part)."""
    return par_projet(nom, [projet_id], periode, lambda ids: {projet_id: calcul()}, modeles=modeles)[projet_id]


@dataclass(frozen=True)
class Anteriorite:
    """A roll-up served as it stood a moment ago (``ensemble_recent``): read at ``lu_le``,
    ``projets_modifies`` of its projects written to since, their run in the background."""

    lu_le: datetime
    projets_modifies: int


def _cle(nom: str, periode, *parties: str) -> str:
    """A kept roll-up's key: what it is, its period, and a digest of ``parties`` and today (a
    target's state, a payment's deadline move with the date)."""
    empreinte = hashlib.sha256(";".join([*parties, f"{timezone.localdate():%Y%m%d}"]).encode()).hexdigest()
    return f"chiffres:{EMPREINTE}:{nom}:{periode.debut:%Y%m%d}:{periode.fin:%Y%m%d}:{empreinte}"


def maintenant() -> datetime:
    return timezone.now()


def ensemble(nom: str, projet_ids: Iterable[int], periode, variante: str, calcul: Callable[[], T]) -> T:
    """A value computed from several projects at once — a roll-up, masked across its projects —
    kept until any of them is written to: its key holds every project's revision, the period,
    today (a target's state, a payment's deadline move with the date) and ``variante`` (what
    else the value depends on: the fundings and targets the user sees, masked or not)."""
    return ensemble_recent(nom, projet_ids, periode, variante, calcul, garder_derniere=False)[0]


def ensemble_recent(
    nom: str,
    projet_ids: Iterable[int],
    periode,
    variante: str,
    calcul: Callable[[], T],
    *,
    retard_max: int = 0,
    garder_derniere: bool = True,
) -> tuple[T, Anteriorite | None]:
    """``ensemble``, or, when some of the projects were written to since the value was kept and
    ``retard_max`` > 0, the value kept last for this reading if its projects were read less than
    ``retard_max`` seconds ago, with its ``Anteriorite`` (else ``None``). For a roll-up whose
    projects' runs are programmed (``pilotage.precalcul``), which keep its new value in the
    background: a roll-up of 204 projects, where someone writes every few seconds, would
    otherwise compute on most views. A run lost with its worker costs the speed only: once the
    kept value is ``retard_max`` seconds old, the page computes. ``garder_derniere``: keep what is
    computed as the reading's latest value too (the background run does, with ``retard_max`` 0)."""
    ids = sorted(set(projet_ids))
    if not ids or not actif():
        return calcul(), None
    lu_le = maintenant()
    detaillees = _revisions(ids)
    etat = {pid: r.cle() for pid, r in detaillees.items()}
    cle = _cle(nom, periode, *(f"{pid}:{etat.get(pid)}" for pid in ids), variante)
    # the reading's latest value, whatever its projects' revisions (its day's only)
    derniere = _cle(nom, periode, "dernier", *map(str, ids), variante)
    try:
        trouves = cache.get_many([cle, derniere] if retard_max > 0 else [cle])
    except Exception:  # noqa: BLE001
        logger.warning("chiffres : le cache ne répond pas, %s calculé", nom, exc_info=True)
        return calcul(), None
    if cle in trouves:
        return trouves[cle], None
    precedente = trouves.get(derniere)
    if precedente is not None and (lu_le - precedente["lu_le"]).total_seconds() <= retard_max:
        modifies = sum(1 for pid in ids if precedente["etat"].get(pid) != etat.get(pid))
        return precedente["valeur"], Anteriorite(precedente["lu_le"], modifies)
    precedent = getattr(_local, "revisions", None)
    _local.revisions = detaillees  # the parts kept per project, under the revisions read for the whole
    try:
        valeur = calcul()
    finally:
        _local.revisions = precedent
    duree = getattr(settings, "CHIFFRES_CACHE_SECONDES", 86_400)
    a_garder = {cle: valeur}
    if garder_derniere:
        a_garder[derniere] = {"valeur": valeur, "lu_le": lu_le, "etat": etat}
    try:
        cache.set_many(a_garder, duree)
    except Exception:  # noqa: BLE001
        logger.warning("chiffres : le cache ne répond pas, %s non gardé", nom, exc_info=True)
    return valeur, None
