"""Disclosure control: what a funder may see of a figure. ``pilotage.indicateurs`` builds every
figure with these types and asks here whether to hide it; the rules live in this module only.
They apply with ``masquer=True``: for whoever may not see personal data (the financeur role: its
dashboard, the roll-up and its Excel file) and in the COPIL report, which funders read.

Primary suppression (``SEUIL_SECRET`` = 5): a number of people (``Effectif``) from 1 to 4 shows
"< 5"; zero is shown. A rate (``Taux``) shows "< 5" when its numerator or its denominator is 1 to 4
people; an average number of people (``Moyenne``) when the people counted are 1 to 4 (the average
of a few projects would give their number back). A masked count keeps its value: what hides it is
its display, ``str()``, which the pages, the PDF and the Excel cells show; a masked rate gives
no value (``valeur`` is None).

Secondary suppression: a figure shown with its total must not be the total minus the others. A
breakdown (age brackets, steps by type, outcomes: ``Ligne``) goes through ``_proteger``; the
roll-up's columns (``COLONNES_SYNTHESE``, whose total is shown) through ``_masquage_secondaire``.
Both mask in addition the visible cells of 5 people or more that ``_a_masquer_en_plus`` picks,
until each masked cell could be anything from 1 to 4.

Only numbers of people are masked: organisations, sessions, amounts and hours are not (the
breakdown of the organisations by type is built with ``masquer=False``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.formats import get_format, number_format

if TYPE_CHECKING:
    from .indicateurs import Indicateurs


SEUIL_SECRET = 5


# ------------------------------------------------------------------ figures that can be masked


def _secret(n: int, masquer: bool) -> bool:
    return masquer and 0 < n < SEUIL_SECRET


def _entier(n: int) -> str:
    """``number_format(n, force_grouping=True)``, without its three format look-ups when there is
    no thousand to group (a roll-up of 204 projects prints some 2 000 figures)."""
    if -1000 < n < 1000:
        return str(n)
    return number_format(n, force_grouping=True)


@dataclass(frozen=True)
class Effectif:
    """A number of people (or of things about people). ``str()`` gives the French display."""

    valeur: int
    masque: bool = False

    @classmethod
    def de(cls, n: int, masquer: bool) -> Effectif:
        return cls(int(n), _secret(int(n), masquer))

    def __str__(self) -> str:
        return f"< {SEUIL_SECRET}" if self.masque else _entier(self.valeur)


@dataclass(frozen=True)
class Taux:
    """A share in %, one decimal, half-up. Masked when computed over 1 to 4 people."""

    numerateur: int
    denominateur: int
    masque: bool = False

    @classmethod
    def de(cls, numerateur: int, denominateur: int, masquer: bool) -> Taux:
        masque = _secret(numerateur, masquer) or _secret(denominateur, masquer)
        return cls(int(numerateur), int(denominateur), masque)

    @property
    def valeur(self) -> Decimal | None:
        if self.masque or not self.denominateur:
            return None
        return (Decimal(self.numerateur) * 100 / Decimal(self.denominateur)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        if self.masque:
            return f"< {SEUIL_SECRET}"
        valeur = self.valeur
        if valeur is None:
            return "—"
        # below 1 000 there is nothing to group: the digits, with the language's decimal separator
        texte = f"{valeur:.1f}".replace(".", get_format("DECIMAL_SEPARATOR")) if valeur < 1000 else number_format(valeur, decimal_pos=1)
        return f"{texte.replace(',0', '')}\u00a0%"


@dataclass(frozen=True)
class Ligne:
    """One row of a breakdown (and one bar of its chart)."""

    cle: str
    libelle: str
    effectif: Effectif


@dataclass(frozen=True)
class Moyenne:
    """An average number of people, one decimal; masked when the people counted are 1 to 4 (the
    average of a few projects would give their number back)."""

    valeur: Decimal
    masque: bool = False

    def __str__(self) -> str:
        return f"< {SEUIL_SECRET}" if self.masque else number_format(self.valeur, decimal_pos=1, force_grouping=True)


# ------------------------------------------------------------------ secondary suppression


def _proteger(lignes: list[Ligne]) -> list[Ligne]:
    """A breakdown is shown with its total: the same secondary suppression as the roll-up's
    columns (``_a_masquer_en_plus``), so that a masked line is not the total minus the others."""
    en_plus = _a_masquer_en_plus([ligne.effectif for ligne in lignes])
    if not en_plus:
        return lignes
    return [replace(ligne, effectif=replace(ligne.effectif, masque=True)) if i in en_plus else ligne for i, ligne in enumerate(lignes)]


# the columns of the roll-up table (page and Excel sheet « Projets »): a count, or a rate whose
# numerator is a count of people
COLONNES_SYNTHESE = (
    ("apprenants", "accompagnes"),
    ("apprenants", "nouveaux"),
    ("apprenants", "sortis"),
    ("profil", "part_qpv"),
    ("profil", "part_zrr"),
    ("etapes", "part_certifiante"),
    ("sorties", "taux_positif_sortie"),
)


def _personnes(cellule) -> int:
    return cellule.numerateur if isinstance(cellule, Taux) else cellule.valeur


def _a_masquer_en_plus(cellules: list) -> set[int]:
    """Secondary suppression of one column of the roll-up, whose total is shown.

    A masked cell (1 to 4 people) would be the total minus the cells shown. So as soon as a column
    has masked cells, visible cells of 5 people or more are masked too, until the masked cells'
    sum leaves every masked cell free to be anything from 1 to 4: with p masked cells summing to
    P and s added cells summing to S, the reader only learns P + S, which says nothing of each
    masked cell once S − 5·s ≥ 4·p − P (each added cell holds at least 5). Returns the positions
    to mask in addition."""
    masquees = [i for i, c in enumerate(cellules) if c.masque]
    if not masquees:
        return set()
    manque = 4 * len(masquees) - sum(_personnes(cellules[i]) for i in masquees)
    candidates = sorted((_personnes(c), i) for i, c in enumerate(cellules) if not c.masque and _personnes(c) >= SEUIL_SECRET)
    ajout: set[int] = set()
    while candidates and (not ajout or manque > 0):
        # the smallest cell that is enough on its own, else the largest one and go on
        suffisante = next(((n, i) for n, i in candidates if n - SEUIL_SECRET >= manque), None)
        n, i = suffisante or candidates[-1]
        candidates.remove((n, i))
        ajout.add(i)
        manque -= n - SEUIL_SECRET
    return ajout


def _masquer(indicateurs: Indicateurs, section: str, champ: str) -> Indicateurs:
    partie = getattr(indicateurs, section)
    cellule = replace(getattr(partie, champ), masque=True)
    return replace(indicateurs, **{section: replace(partie, **{champ: cellule})})


def _masquage_secondaire(par_projet: list[tuple[object, Indicateurs]]) -> list[tuple[object, Indicateurs]]:
    projets = [p for p, _ in par_projet]
    figures = [i for _, i in par_projet]
    for section, champ in COLONNES_SYNTHESE:
        for position in _a_masquer_en_plus([getattr(getattr(i, section), champ) for i in figures]):
            figures[position] = _masquer(figures[position], section, champ)
    return list(zip(projets, figures, strict=True))
