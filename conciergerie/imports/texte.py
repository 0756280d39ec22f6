"""Text helpers of the imports: how headers and natural keys compare, a cell as the user typed it
(for messages), and the detection of social-security numbers, which are never imported nor kept:
a cell (``ressemble_a_un_nir``) or a column header (``NIR_ENTETE``) that looks like one is refused.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from ..validators import contient_un_nir


def normaliser(valeur) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: how headers and keys compare."""
    texte = unicodedata.normalize("NFKD", str(valeur or ""))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", texte).split())


def cle_texte(valeur) -> str:
    """Natural-key form of a text value: trimmed, case-insensitive, single spaces."""
    return " ".join(str(valeur or "").split()).casefold()


def _texte_brut(valeur) -> str:
    """A cell as the user typed it (for messages): numbers without a trailing ``.0``."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, datetime):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur).strip()


# A social-security number (NIR): 13 characters (sex, year, month, department — 2A/2B for
# Corsica — commune, order) and often its 2-digit key. Never stored: a cell or a column that
# looks like one is refused.
NIR_VALEUR = re.compile(r"^[1278]\d{4}(\d{2}|2[AB])\d{6}(\d{2})?$", re.IGNORECASE)
# headers once normalised (``normaliser``): "NIR", "N° SS", "Numéro SS", "NumSecu", "N° sécu",
# "N° sécurité soc.", "Numéro INSEE", "Sécurité sociale"…
NIR_ENTETE = re.compile(r"\b(nir|nss|insee|ss|secu|numsecu|numss|num secu|num ss)\b|securite soc|secu soc")
MESSAGE_NIR_VALEUR = "Cette valeur ressemble à un numéro de sécurité sociale : ce numéro ne doit jamais être importé ni conservé."


def ressemble_a_un_nir(valeur) -> bool:
    """A cell that is a NIR (13 characters, or 15 with the key, whatever the key), or a text that
    holds one (the forms' free-text guard, ``conciergerie.validators.contient_un_nir``: "NIR
    1 85 05 78 006 084 36" in a comment column)."""
    if valeur is None or isinstance(valeur, bool | date):
        return False
    texte = _texte_brut(valeur)
    return bool(NIR_VALEUR.fullmatch(re.sub(r"[\s.\-]", "", texte))) or contient_un_nir(texte)
