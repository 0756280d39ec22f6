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

``translate`` per row is too slow for the big tables (docs/architecture.md, « Search »): learners,
organisations, contacts and sessions keep the normalised text in a column the database computes
(``texte_recherche = GeneratedField(texte_normalise(...))``), which ``contient`` matches as it is.

The lists' ``q`` filters (learners, organisations, sessions, paths, steps…), the global search
(``parcours/recherche.py``) and the récit form's picker use it: a name found by one is found by
the others.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

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


#: the name of the stored, already normalised search text of a model (a ``GeneratedField``
#: computed by the database from ``texte_normalise(...)``: Apprenant, Organisation, Contact,
#: SessionFormation); a field path ending with it is not normalised again at each search
NORMALISE = "texte_recherche"


def _joindre(expressions: list) -> Func:
    if len(expressions) == 1:
        return expressions[0]
    morceaux = []
    for expression in expressions:
        morceaux += [expression, Value(" ")]
    return Concat(*morceaux[:-1], output_field=CharField())


def texte_normalise(*champs: str) -> SansAccents:
    """The expression of a stored search text: the fields joined by spaces, normalised once
    (``GeneratedField(expression=texte_normalise("nom", "prenom"), db_persist=True)``)."""
    return SansAccents(_joindre([F(champ) for champ in champs]))


def texte_cherche(champs: list[str] | tuple[str, ...]):
    """The fields searched as one text: a stored search text (``…texte_recherche``) as it is,
    any other field normalised here, each word cannot span two fields (words hold no space).

    ``translate`` costs PostgreSQL ~20 µs a row with this table (the 919 learners of the largest
    national project: 15–30 ms for three fields, 0.5 ms for a stored column): the big tables are
    searched through their stored text, the small ones (a project's paths, expenses…) directly."""
    return _joindre([F(c) if c.split("__")[-1] == NORMALISE else SansAccents(F(c)) for c in champs])


def contient(champs: list[str] | tuple[str, ...], texte: str | None) -> Q:
    """Rows where each word of ``texte`` is in one of ``champs`` (accents and case ignored).
    An empty text matches every row."""
    condition = Q()
    mots_cherches = mots(texte)
    if mots_cherches:
        expression = texte_cherche(champs)
        for mot in mots_cherches:
            condition &= Q(Contains(expression, mot))
    return condition


def enregistrer_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created``: give a new SQLite connection the function ``SansAccents`` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(NOM_SQL, 1, sans_accents, deterministic=True)
