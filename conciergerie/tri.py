"""Alphabetical order as people read it: case and accents ignored (« Fab'Num » before « FCP »,
« École » among the E), on SQLite and PostgreSQL alike, without an extension (no ``unaccent``)
nor a database collation.

``cle_alphabetique("nom")`` is an expression for ``order_by``; ``cle_texte`` the same key in
Python (for lists sorted in memory). On PostgreSQL the key is ``LOWER(TRANSLATE(…))`` (plus
``œ``/``æ`` spelt out); on SQLite, whose ``lower()`` folds ASCII only and which has no
``translate()``, it is ``cle_texte`` itself, registered on each connection as the SQL function
``conciergerie_cle_texte`` (``enregistrer_sqlite``, connected in ``ConciergerieConfig.ready``).
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower, Replace

FONCTION_SQLITE = "conciergerie_cle_texte"
ACCENTUEES = "àâäáãåçéèêëîïíìñôöóòõùûüúÿýÀÂÄÁÃÅÇÉÈÊËÎÏÍÌÑÔÖÓÒÕÙÛÜÚŸÝ"
SANS_ACCENT = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy"
LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))


def cle_texte(texte: str | None) -> str | None:
    """``sorted(noms, key=cle_texte)``: lower case, without accents, ligatures spelt out."""
    if texte is None:
        return None
    for ligature, lettres in LIGATURES:
        texte = texte.replace(ligature, lettres)
    sans_accents = "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c))
    return sans_accents.lower()


class CleAlphabetique(Func):
    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=FONCTION_SQLITE, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        cle = Func(expression, Value(ACCENTUEES), Value(SANS_ACCENT), function="TRANSLATE", output_field=CharField())
        for ligature, lettres in LIGATURES:
            cle = Replace(cle, Value(ligature), Value(lettres))
        return compiler.compile(Lower(cle))

    def as_sql(self, compiler, connection, **extra_context):  # any other database: the case only
        (expression,) = self.get_source_expressions()
        return compiler.compile(Lower(expression))


def cle_alphabetique(champ: str | Combinable) -> CleAlphabetique:
    """``order_by(cle_alphabetique("nom"), "pk")``: case- and accent-insensitive."""
    return CleAlphabetique(F(champ) if isinstance(champ, str) else champ)


def enregistrer_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: ``conciergerie_cle_texte`` on every SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FONCTION_SQLITE, 1, cle_texte, deterministic=True)
