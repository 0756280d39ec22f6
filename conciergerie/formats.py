"""One way to write each figure, in French, for every page, e-mail and PDF (docs/architecture.md,
"Writing figures"). Built on Babel (CLDR's ``fr_FR`` data): no hand-written variant elsewhere.

| thing | written | function / filter |
|---|---|---|
| a number | ``1 234 567`` (thousands grouped by a narrow no-break space, U+202F) | ``nombre`` |
| a count with its unit | ``0 apprenant``, ``1 apprenant``, ``2 apprenants`` (French plural: 0 and 1 are singular) | ``effectif`` |
| a rate | ``8,3 %`` (one decimal, half-up, ``,0`` dropped: ``50 %``; no-break space before ``%``) | ``taux`` |
| a count and its rate | ``8 (8,3 %)``; a masked count alone (``< 5``); a count whose rate is masked ``12 (s)``; no rate: ``0`` | ``effectif_taux`` |
| hours | decimal hours: ``7 h``, ``3,5 h``, ``2,25 h``, ``1 234 h`` (never ``7``, ``3,50``, ``2,0 h``) | ``heures`` |
| money | always the cents: ``85 000,00 €``, ``0,50 €`` | ``euros`` |
| a date in a table, a list, a caption | ``24 déc. 2026`` | ``date_courte`` |
| a date in a sentence | ``24 décembre 2026``, ``1er septembre 2024`` | ``date_longue`` |
| a moment (date and time) | ``24 déc. 2026 à 14:05`` (Europe/Paris) | ``date_heure`` |
| a masked figure (« < 5 », « s ») | unchanged, the page prints the legend | every function |
| nothing | ``—`` for a missing figure; ``Non renseigné`` for an empty field | ``VIDE``, ``NON_RENSEIGNE`` |

Hours are decimal (``2,5 h``), not ``2 h 30``: they are typed that way in the forms, summed and
multiplied by an hourly rate, and the Excel bilans hold them as numbers written the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils import timezone

LOCALE = Locale.parse("fr_FR")

SEUIL_SECRET = 5
MARQUE_PRIMAIRE = f"< {SEUIL_SECRET}"  # a count of 1 to 4 people
MARQUE_SECRET = "s"  # noqa: S105  (statistical secret: a cell hidden so that none can be recomputed)
MARQUES = frozenset({MARQUE_PRIMAIRE, MARQUE_SECRET})
VIDE = "—"  # a missing figure
NON_RENSEIGNE = "Non renseigné"  # an empty field of a record
CHOIX_VIDE = "Choisir…"  # the empty choice of a drop-down list

_UN = Decimal("1")
_DIXIEME = Decimal("0.1")
_CENTIEME = Decimal("0.01")
_MOTIF_TAUX = LOCALE.percent_formats[None].pattern.replace("#,##0", "#,##0.#", 1)  # "#,##0.# %"
_NON_ECRIT = object()


def _decimal(valeur) -> Decimal | None:
    if valeur is None or valeur == "" or isinstance(valeur, bool):
        return None
    try:
        return valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _masque(valeur):
    """The mark of a masked figure (an ``Effectif``/``Taux``/``Moyenne`` of pilotage.masquage, or
    the mark itself), unchanged; ``_NON_ECRIT`` for anything else."""
    if isinstance(valeur, str) and valeur.strip() in MARQUES:
        return valeur.strip()
    if getattr(valeur, "masque", False):
        return str(valeur)
    return _NON_ECRIT


def _brut(valeur):
    """The number inside a figure object (``Effectif.valeur``, ``Taux.valeur``…) or the value."""
    return getattr(valeur, "valeur", valeur)


def _arrondi(valeur: Decimal, pas: Decimal) -> Decimal:
    return valeur.quantize(pas, rounding=ROUND_HALF_UP)


def _sans_zero_negatif(d: Decimal) -> Decimal:
    """-0,00 (−0,001 rounded) is 0,00: one text for values the kept texts hold as equal."""
    return d.copy_abs() if d.is_zero() else d


def nombre(valeur, decimales: int = 0) -> str:
    """``1234567`` → ``1 234 567`` (U+202F); ``decimales``: at most that many, half-up, trailing
    zeros dropped (``nombre(Decimal("2.50"), 2)`` → ``2,5``). Masked: its mark. None: ``—``."""
    marque = _masque(valeur)
    if marque is not _NON_ECRIT:
        return marque
    valeur = _brut(valeur)
    if type(valeur) is int:
        # nothing to group below 1 000 (the common case); the larger ones are kept
        return str(valeur) if -1000 < valeur < 1000 else _entier(valeur)
    d = _decimal(valeur)
    if d is None:
        return VIDE
    return _nombre_decimal(_sans_zero_negatif(_arrondi(d, Decimal(1).scaleb(-decimales))), decimales)


@lru_cache(maxsize=8192)
def _nombre_decimal(d: Decimal, decimales: int) -> str:
    """Babel takes some 30 µs a number, and a roll-up prints thousands of hours: the texts are
    kept (``d`` already rounded to ``decimales``: equal values, equal texts)."""
    motif = "#,##0" + ("." + "#" * decimales if decimales else "")
    return format_decimal(d, format=motif, locale=LOCALE)


@lru_cache(maxsize=8192)
def _entier(n: int) -> str:
    return format_decimal(n, format="#,##0", locale=LOCALE)


def nombre_fixe(valeur, decimales: int = 1) -> str:
    """Exactly ``decimales`` decimals (an average: ``2,0``), grouped."""
    marque = _masque(valeur)
    if marque is not _NON_ECRIT:
        return marque
    d = _decimal(_brut(valeur))
    if d is None:
        return VIDE
    motif = "#,##0" + ("." + "0" * decimales if decimales else "")
    return format_decimal(_arrondi(d, Decimal(1).scaleb(-decimales)), format=motif, locale=LOCALE)


def pluriel(n, singulier: str, pluriel_: str | None = None) -> str:
    """The word for ``n`` (CLDR's French rule: 0 and 1 take the singular)."""
    d = _decimal(_brut(n))
    forme = LOCALE.plural_form(abs(d)) if d is not None else "other"
    return singulier if forme == "one" else (pluriel_ or f"{singulier}s")


def effectif(n, singulier: str = "", pluriel_: str | None = None) -> str:
    """``effectif(0, "apprenant")`` → ``0 apprenant``; ``(1234, "apprenant")`` → ``1 234 apprenants``
    (U+00A0 between the number and its unit). A masked count: its mark alone."""
    marque = _masque(n)
    if marque is not _NON_ECRIT:
        return marque
    texte = nombre(n)
    if not singulier or texte == VIDE:
        return texte
    return f"{texte}\u00a0{pluriel(n, singulier, pluriel_)}"


def taux(valeur) -> str:
    """A rate in % (``Decimal("8.3")`` or a ``Taux``) → ``8,3 %``; ``50`` → ``50 %``; masked:
    « s »; None (no denominator): ``—``."""
    marque = _masque(valeur)
    if marque is not _NON_ECRIT:
        return marque
    d = _decimal(_brut(valeur))
    if d is None:
        return VIDE
    return _taux(_arrondi(d, _DIXIEME))


@lru_cache(maxsize=8192)
def _taux(d: Decimal) -> str:
    """Babel is slow (some 40 µs a rate) and a roll-up prints thousands of rates with one decimal:
    the texts are kept."""
    return format_percent(d / 100, format=_MOTIF_TAUX, locale=LOCALE, decimal_quantization=False)


def effectif_taux(n, t, singulier: str = "", pluriel_: str | None = None) -> str:
    """A count with its rate: ``8 (8,3 %)``. A masked count stands alone (its rate is masked with
    it); a visible count whose rate is masked: ``12 (s)``; no rate (nothing to divide by): the
    count alone (``0``, never ``0 · —``)."""
    compte = effectif(n, singulier, pluriel_)
    if _masque(n) is not _NON_ECRIT:
        return compte
    part = taux(t)
    if part == VIDE:
        return compte
    return f"{compte} ({part})"


def heures(valeur) -> str:
    """Decimal hours, at most two decimals: ``7 h``, ``3,5 h``, ``2,25 h``, ``1 234 h``."""
    marque = _masque(valeur)
    if marque is not _NON_ECRIT:
        return marque
    texte = nombre(valeur, 2)
    return VIDE if texte == VIDE else f"{texte}\u00a0h"


def euros(valeur) -> str:
    """Money, always with its cents: ``85 000,00 €`` (U+202F thousands, U+00A0 before €)."""
    marque = _masque(valeur)
    if marque is not _NON_ECRIT:
        return marque
    d = _decimal(_brut(valeur))
    if d is None:
        return VIDE
    return _euros(_sans_zero_negatif(_arrondi(d, _CENTIEME)))


@lru_cache(maxsize=8192)
def _euros(d: Decimal) -> str:
    return format_currency(d, "EUR", locale=LOCALE)


def _jour(valeur) -> date | None:
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).date() if timezone.is_aware(valeur) else valeur.date()
    return valeur if isinstance(valeur, date) else None


def date_courte(valeur) -> str:
    """In a table, a list, a caption: ``24 déc. 2026``. Empty: ``""``."""
    jour = _jour(valeur)
    return _date_courte(jour) if jour else ""


@lru_cache(maxsize=8192)
def _date_courte(jour: date) -> str:
    return format_date(jour, "d MMM y", locale=LOCALE)


def date_longue(valeur) -> str:
    """In a sentence: ``24 décembre 2026``, ``1er septembre 2024``. Empty: ``""``."""
    jour = _jour(valeur)
    if not jour:
        return ""
    texte = format_date(jour, "d MMMM y", locale=LOCALE)
    return f"1er{texte[1:]}" if jour.day == 1 else texte


def date_heure(valeur) -> str:
    """A moment: ``24 déc. 2026 à 14:05``, in Europe/Paris. A date alone: ``date_courte``."""
    if not isinstance(valeur, datetime):
        return date_courte(valeur)
    if timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    return format_datetime(valeur, "d MMM y 'à' HH:mm", locale=LOCALE)
