"""Lenient input: numbers and identifiers as people type them, read one way everywhere.

``lire_nombre`` is the one parser of a typed number, shared by the forms (``DecimalFrField``,
``EntierFrField`` in conciergerie/forms.py) and the imports (``DecimalFrWidget``). Its rules:

- spaces are ignored, ordinary or no-break (U+00A0, U+202F: what a word processor or the app's
  own display pastes), and so is the euro sign: "1 234,50 €", "85 000 €";
- a sign may lead: "-3,5", "+3,5";
- with both a comma and a dot, the last one is the decimal separator and the other separates
  thousands: "85.000,00" and "1,234.50";
- a separator written more than once separates thousands: "1.234.567", "1,234,567";
- one comma alone is the decimal comma: "3,50" → 3.5;
- one dot alone is a decimal point ("3.5" → 3.5) **except** when exactly three digits follow
  it and the part before it is not 0: "85.000" → 85000, "1.250" → 1250 (the French reading —
  in French a dot groups thousands, and amounts and hours never have three decimals), while
  "0.500" → 0.5;
- a thousands separator groups by three: the first group has 1 to 3 digits, every next one
  exactly 3 ("1.23,50" and "1.2345.678" are refused).

Anything else (letters, "1,2,3", ",5"…) raises ``ValueError`` with ``MESSAGE_NOMBRE``.

Identifiers are normalised before validation: a SIRET or an NDA loses its spaces (and a SIRET its
dots, as python-stdnum does), a RNCP/RS code its spaces and dashes and is upper-cased ("rs 6962"
→ "RS6962"). Each is then checked by its validator (conciergerie/validators.py), with one French
message.
"""

import re
from decimal import Decimal, InvalidOperation

MESSAGE_NOMBRE = "Saisissez un nombre, par exemple 1 234,50 ou 7,5."
MESSAGE_ENTIER = "Saisissez un nombre entier, par exemple 12."

_IGNORES = re.compile(r"[\s\u00a0\u202f€]")
_FORME = re.compile(r"[+-]?[\d.,]+")
_GROUPES_DE_MILLIERS = re.compile(r"\d{1,3}(?:\.\d{3})*")


def _sans_milliers(partie: str, separateur: str) -> str:
    """``partie`` (the integer part) without its thousands separator, checked to group by three."""
    if separateur not in partie:
        return partie
    if not _GROUPES_DE_MILLIERS.fullmatch(partie.replace(separateur, ".")):
        raise ValueError(MESSAGE_NOMBRE)
    return partie.replace(separateur, "")


def lire_nombre(texte: str) -> Decimal:
    """The ``Decimal`` that ``texte`` writes (see the module's rules), or ``ValueError``."""
    compact = _IGNORES.sub("", str(texte))
    if not _FORME.fullmatch(compact):
        raise ValueError(MESSAGE_NOMBRE)
    signe = ""
    if compact[0] in "+-":
        signe, compact = compact[0], compact[1:]
    virgules, points = compact.count(","), compact.count(".")
    if virgules and points:
        decimal = "," if compact.rfind(",") > compact.rfind(".") else "."
        milliers = "." if decimal == "," else ","
        if compact.count(decimal) > 1:
            raise ValueError(MESSAGE_NOMBRE)
        entier, fraction = compact.split(decimal)
        entier = _sans_milliers(entier, milliers)
    elif virgules > 1 or points > 1:
        entier, fraction = _sans_milliers(compact, "," if virgules else "."), ""
    elif virgules == 1:
        entier, fraction = compact.split(",")
    elif points == 1:
        entier, fraction = compact.split(".")
        if len(fraction) == 3 and entier and entier.lstrip("0"):
            entier, fraction = entier + fraction, ""
    else:
        entier, fraction = compact, ""
    if not entier.isdigit() or (fraction and not fraction.isdigit()) or compact.endswith((",", ".")):
        raise ValueError(MESSAGE_NOMBRE)
    try:
        return Decimal(f"{signe}{entier}.{fraction or '0'}") if fraction else Decimal(f"{signe}{entier}")
    except InvalidOperation:  # pragma: no cover - the shape is checked above
        raise ValueError(MESSAGE_NOMBRE) from None


def lire_entier(texte: str) -> int:
    """An integer written as ``lire_nombre`` reads it ("1 200", "1.200", "12,0"), or ``ValueError``."""
    try:
        nombre = lire_nombre(texte)
    except ValueError:
        raise ValueError(MESSAGE_ENTIER) from None
    if nombre != nombre.to_integral_value():
        raise ValueError(MESSAGE_ENTIER)
    return int(nombre)


# -- identifiers ---------------------------------------------------------------------------------

_ESPACES = re.compile(r"[\s\u00a0\u202f]")


def normaliser_siret(valeur: str) -> str:
    """ "732 829 320 00074" → "73282932000074" (spaces and dots, as ``stdnum.fr.siret.compact``)."""
    return re.sub(r"[\s\u00a0\u202f.]", "", valeur or "")


def normaliser_nda(valeur: str) -> str:
    """ "72 40 01234 56" → "72400123456"."""
    return _ESPACES.sub("", valeur or "")


def normaliser_code_rncp(valeur: str) -> str:
    """ "rs 6962" → "RS6962", "RNCP-37873" → "RNCP37873"."""
    return re.sub(r"[\s\u00a0\u202f\-]", "", valeur or "").upper()
