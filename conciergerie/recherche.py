"""Accent- and case-insensitive text matching, the same on SQLite and PostgreSQL.

``contient(champs, texte)`` is the ``Q`` of rows where every word of ``texte`` is found in one
of ``champs``, accents and case ignored: « helene » finds « Hélène », « EVE » finds « Ève ».
Both sides go through one table (``ACCENTS`` → ``SANS_ACCENTS``, then ASCII lower case):

- in Python, ``sans_accents(texte)`` (the words searched for);
- in SQL, the ``SansAccents`` expression: on PostgreSQL ``lower(translate(x, …))`` (built-in
  functions, no ``unaccent`` extension to install, and ``lower`` of ASCII letters is the same
  whatever the database's locale); on SQLite a function of the same name registered on each
  new connection (``enregistrer_sqlite``, wired in ``conciergerie.apps``), which runs
  ``sans_accents``.

The lists' ``q`` filters (learners, organisations, sessions…) and the global search
(``parcours/recherche.py``) use it: a name found by one is found by the others.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func, Q, TextField, Value
from django.db.models.lookups import Transform

# accented Latin letters of French (and a few neighbours), lower and upper case, and the
# typographic apostrophe; each is replaced by one character (its base letter, lower case)
_MINUSCULES = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöōùúûüūýÿž"
ACCENTS = _MINUSCULES + _MINUSCULES.upper() + "øØ\u2019"
SANS_ACCENTS = "".join(unicodedata.normalize("NFKD", c)[0].lower() for c in ACCENTS[:-3]) + "oo'"

_TABLE = str.maketrans(ACCENTS, SANS_ACCENTS)
_ASCII_MINUSCULES = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
NOM_SQL = "conciergerie_sans_accents"


def sans_accents(texte: str | None) -> str | None:
    """``texte`` without its accents, in lower case (ASCII letters lowered, as SQL does)."""
    if texte is None:
        return None
    return texte.translate(_TABLE).translate(_ASCII_MINUSCULES)


class SansAccents(Func):
    """SQL: the column's text as ``sans_accents`` gives it."""

    function = NOM_SQL
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        expression = Func(
            Func(self.source_expressions[0], Value(ACCENTS), Value(SANS_ACCENTS), function="translate", output_field=CharField()),
            function="lower",
            output_field=CharField(),
        )
        return compiler.compile(expression)


def mots(texte: str | None) -> list[str]:
    """The words searched for, normalised (at most 5, each at most 50 characters)."""
    return [sans_accents(m)[:50] for m in (texte or "").split()[:5]]


def contient(champs: list[str] | tuple[str, ...], texte: str | None) -> Q:
    """Rows where each word of ``texte`` is in one of ``champs`` (accents and case ignored).
    An empty text matches every row."""
    condition = Q()
    for mot in mots(texte):
        alternative = Q()
        for champ in champs:
            alternative |= Q(**{f"{champ}__sans_accents__contains": mot})
        condition &= alternative
    return condition


def enregistrer_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created``: give a new SQLite connection the function ``SansAccents`` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(NOM_SQL, 1, sans_accents, deterministic=True)


class SansAccentsTransform(Transform):
    """``champ__sans_accents__contains``: registered on every text field (``conciergerie.apps``)."""

    lookup_name = "sans_accents"
    function = NOM_SQL
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return SansAccents(self.lhs).as_postgresql(compiler, connection)


def enregistrer_transformation() -> None:
    CharField.register_lookup(SansAccentsTransform)
    TextField.register_lookup(SansAccentsTransform)
