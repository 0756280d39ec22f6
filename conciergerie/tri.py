"""Alphabetical order as people read it: case and accents ignored (« Fab'Num » before « FCP »,
« École » among the E), on SQLite and PostgreSQL alike, without an extension (no ``unaccent``)
nor a database collation.

The key is the search's one (``conciergerie.recherche``: one table of accents, one SQL function
on SQLite): ``cle_alphabetique("nom")`` is an expression for ``order_by``; ``cle_texte`` the same
key in Python (for lists sorted in memory).
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.expressions import Combinable

from .recherche import SansAccents, sans_accents


def cle_texte(texte: str | None) -> str | None:
    """``sorted(noms, key=cle_texte)``: lower case, without accents."""
    return sans_accents(texte)


def cle_alphabetique(champ: str | Combinable) -> SansAccents:
    """``order_by(cle_alphabetique("nom"), "pk")``: case- and accent-insensitive."""
    return SansAccents(F(champ) if isinstance(champ, str) else champ)
