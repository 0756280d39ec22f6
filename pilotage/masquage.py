"""Disclosure control: what a funder may see of a figure, in one module. ``pilotage.indicateurs``
computes every figure in clear; when the reader may not see personal data (``masquer=True``: the
financeur's dashboard, the roll-up, its Excel file, and the COPIL report, which funders read)
it hands them here, and this module decides, for every page, PDF and sheet, which are hidden.

The marks (``LEGENDE`` says them on every page, PDF and sheet that masks):

- « < 5 » (primary suppression): a number of people (``Effectif``) from 1 to 4. Zero is shown.
  Never used for any other figure.
- « s » (statistical secret, secondary suppression): a figure hidden only so that no « < 5 »
  cell can be recomputed from the figures shown with it — most often a count of 5 or more; a
  count of 1 to 4 too when its « < 5 » would pin its parts (four step types of 1 under a total
  « < 5 »: each is 1) — and a rate (``Taux``) or an average (``Moyenne``) hidden because its
  numerator or denominator is hidden (a rate is never printed as a count).

How: the figures shown together (one dashboard, one PDF, one sheet) are modelled as cells linked
by linear relations, ``total = sum of parts`` (``Relation``); a part the page does not show but
that a reader gets by subtraction (accompanied but no longer in a path, exits that are not
positive, learners not in a QPV…) is an *implicit* cell. ``plan`` builds this model for one
``Indicateurs``: a tree (each cell a part of one relation of its page), on which the bounds a
reader derives (``intervalles``: interval propagation, what « adding or subtracting visible
figures » gives) are exact, plus the sums a reader adds at once (all the steps, all the
trainings, all the exits), which matter once a roll-up's columns close cycles. ``proteger`` then
suppresses (« s ») visible cells of 5 or more, the smallest that suffices first, until every
sensitive cell (a « < 5 » cell, or an implicit cell of 1 to 4) could still be any of 4
consecutive values (at least 2 when the page cannot do better); then, if a cell is still pinned,
a « < 5 » cell near it as « s »; no « s » cell is pinned either (one the reader recomputes anyway
is shown). What a reader knows: a « < 5 » cell is 1 to 4, an « s » cell is not zero (zero is
always shown), an implicit cell is 0 or more.

The engine (``_Systeme``) numbers the cells and folds each shown one into its relations as a
constant, so that the propagation runs over the hidden cells only; after each suppression it
propagates again only the component of relations the suppressed cell is in (the bounds of the
others cannot change). Same decisions as propagating everything again, at a fraction of the
cost (docs/performance.md).

The roll-up (``masquer_synthese``): each project's row is exactly what that project's own
dashboard shows (the same function, alone: a funder sees both, and a project's figures must read
the same everywhere). Only the totals (the totals row, the whole's indicators, the averages) are
decided together, over every project's relations plus, for each figure, ``total = sum of the
projects``: a total is hidden (« s ») when showing it would let a reader recompute a masked cell
of some project from that project's own dashboard (« roll-up 15, my dashboard 12: the other one
has 3 »). With many projects, the masked cells of a column are many and their sum says nothing
of each: most national totals stay visible (not those of a column where few projects have a
masked cell). Each project's dashboard is decided once, and the roll-up starts from the bounds
it gives: a project's own relations are gone through again only where a total narrows one of
its cells.

Only numbers of people (and of things about people: steps, obstacles, outcomes) are masked:
organisations, sessions, amounts and hours are not.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from conciergerie import formats
from conciergerie.formats import MARQUE_PRIMAIRE, MARQUE_SECRET, SEUIL_SECRET

if TYPE_CHECKING:
    from .indicateurs import Indicateurs


LEGENDE = (
    "« < 5 » : moins de 5 personnes ; « s » : secret statistique (masqué pour qu'aucune case de moins "
    "de 5 ne puisse être recalculée à partir des chiffres affichés)."
)


# ------------------------------------------------------------------ figures that can be masked


def _secret(n: int, masquer: bool) -> bool:
    return masquer and 0 < n < SEUIL_SECRET


@dataclass(frozen=True)
class Effectif:
    """A number of people (or of things about people). ``str()`` gives the French display:
    « < 5 » when masked for being 1 to 4, « s » when masked by secondary suppression
    (``secret``, a figure of 5 or more)."""

    valeur: int
    masque: bool = False
    secret: bool = False

    @classmethod
    def de(cls, n: int, masquer: bool) -> Effectif:
        """Primary suppression only (a figure shown alone)."""
        return cls(int(n), _secret(int(n), masquer))

    def __str__(self) -> str:
        if self.masque:
            return MARQUE_SECRET if self.secret else MARQUE_PRIMAIRE
        return formats.nombre(self.valeur)


@dataclass(frozen=True)
class Taux:
    """A share in %, one decimal, half-up. Masked (« s », never a count's mark) when its
    numerator or its denominator is masked."""

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
        return MARQUE_SECRET if self.masque else formats.taux(self.valeur)


@dataclass(frozen=True)
class Ligne:
    """One row of a breakdown (and one bar of its chart)."""

    cle: str
    libelle: str
    effectif: Effectif


@dataclass(frozen=True)
class Moyenne:
    """An average number of people, one decimal; masked (« s ») when the total it divides is
    (the average of a few projects would give their number back)."""

    valeur: Decimal
    masque: bool = False

    def __str__(self) -> str:
        return MARQUE_SECRET if self.masque else formats.nombre_fixe(self.valeur, 1)


# ------------------------------------------------------------------ the engine: relations, bounds, suppression

VISIBLE, PRIMAIRE, SECRET, IMPLICITE = "visible", "primaire", "secret", "implicite"
INFINI = 10**12  # no upper bound: what a reader knows of an « s » or an implicit cell


@dataclass(frozen=True)
class Relation:
    """``total = sum(parties)``, between cells of the same page."""

    total: str
    parties: tuple[str, ...]


def domaine(valeur: int, etat: str) -> tuple[int, int]:
    """What a reader knows of a cell before any relation: « < 5 » is 1 to 4; « s » is hidden
    for the secret, any number but zero (most often 5 or more, but a total of 1 to 4 whose « < 5 »
    would pin its parts is « s » too); an implicit cell is 0 or more."""
    if etat == VISIBLE:
        return (valeur, valeur)
    if etat == PRIMAIRE:
        return (1, SEUIL_SECRET - 1)
    if etat == SECRET:
        return (1, INFINI)
    return (0, INFINI)


#: a relation as ``sum(signe × cell) = k``: its terms (cell, signe) and ``k``
Forme = tuple[list[tuple[object, int]], int]


def _termes(relation: Relation) -> list[tuple[str, int]]:
    return [(relation.total, -1), *((p, 1) for p in relation.parties)]


def _propager(termes, ks, file, lo, hi, index, *, limite: int, modifiees: set | None = None) -> bool:
    """Narrow ``lo`` and ``hi`` (in place) to a fixed point of the relations ``sum(signe × x) =
    ks[n]`` (terms ``termes[n]``): those numbered in ``file``, and every relation of a cell they
    narrow (``index[cell]``). ``modifiees`` collects the cells narrowed. Returns False when
    ``limite`` (a bound on the work: slow convergence on cycles) stopped it before the fixed
    point. Integers only, no call in the inner loop: a roll-up runs it over thousands of terms."""
    file = deque(file)
    en_file = set(file)
    suivante, ajouter, retirer = file.popleft, file.append, en_file.discard
    while file:
        if not limite:
            return False
        limite -= 1
        n = suivante()
        retirer(n)
        termes_n, k = termes[n], ks[n]
        # the bounds of the sum, then of each term given the others: a term of width w is
        # narrowed only if w > k - s_lo or w > s_hi - k (most relations, most of the time: none)
        s_lo = s_hi = w = 0
        for c, signe in termes_n:
            t_lo, t_hi = lo[c], hi[c]
            if signe > 0:
                s_lo += t_lo
                s_hi += t_hi
            else:
                s_lo -= t_hi
                s_hi -= t_lo
            if t_hi - t_lo > w:
                w = t_hi - t_lo
        if w <= k - s_lo and w <= s_hi - k:
            continue
        for c, signe in termes_n:
            if signe > 0:
                t_lo, t_hi = lo[c], hi[c]
            else:
                t_lo, t_hi = -hi[c], -lo[c]
            n_lo = k - s_hi + t_hi
            n_hi = k - s_lo + t_lo
            if n_lo < t_lo:
                n_lo = t_lo
            if n_hi > t_hi:
                n_hi = t_hi
            if n_lo == t_lo and n_hi == t_hi:
                continue
            s_lo += n_lo - t_lo
            s_hi += n_hi - t_hi
            if signe > 0:
                lo[c], hi[c] = n_lo, n_hi
            else:
                lo[c], hi[c] = -n_hi, -n_lo
            if modifiees is not None:
                modifiees.add(c)
            for m in index[c]:
                if m != n and m not in en_file:
                    en_file.add(m)
                    ajouter(m)
    return True


def intervalles(domaines: dict[str, tuple[int, int]], relations: list[Relation]) -> dict[str, tuple[int, int]]:
    """The bounds a reader derives for every cell by adding and subtracting (interval
    propagation to a fixed point; exact on a tree of relations, an over-approximation otherwise).
    An upper bound of ``INFINI`` or more means none."""
    lo = {c: d[0] for c, d in domaines.items()}
    hi = {c: d[1] for c, d in domaines.items()}
    termes = [_termes(r) for r in relations]
    index: dict[str, list[int]] = defaultdict(list)
    for n, t in enumerate(termes):
        for c, _signe in t:
            index[c].append(n)
    _propager(termes, [0] * len(termes), range(len(termes)), lo, hi, index, limite=200 * len(termes) + 1000)
    return {c: (lo[c], min(hi[c], INFINI)) for c in lo}


def largeur(intervalle: tuple[int, int]) -> int:
    lo, hi = intervalle
    return min(hi, INFINI) - lo


#: a « < 5 » cell should stay any of 4 consecutive values (1 to 4)
LARGEUR_VOULUE = SEUIL_SECRET - 2


class _Reseau:
    """Relations over numbered cells, as ``_Systeme`` goes through them: each relation's terms
    (``formes``), each cell's relations, and ``depart``: bounds already derived for cells whose
    state never changes, from the relations that hold only such cells (a project's own
    dashboard, in a roll-up), which are at a fixed point there (``sure``). What does not depend on
    the other cells' states is worked out here once: a cell ``depart`` pins is a constant, folded
    into ``k``."""

    def __init__(self, formes: list[Forme], nb_cellules: int, depart: dict[int, tuple[int, int]] | None = None):
        self.formes = formes
        self.depart = depart = depart or {}
        self.relations_de: list[list[int]] = [[] for _ in range(nb_cellules)]
        self.fixes: list[list[tuple[int, int]]] = []  # each relation's terms of ``depart``, not pinned
        self.autres: list[list[tuple[int, int]]] = []  # and of the cells whose state may change
        self.k: list[int] = []
        for n, (termes, k) in enumerate(formes):
            fixes, autres = [], []
            for c, signe in termes:
                relations_c = self.relations_de[c]
                if not relations_c or relations_c[-1] != n:
                    relations_c.append(n)
                bornes = depart.get(c)
                if bornes is None:
                    autres.append((c, signe))
                elif bornes[0] == bornes[1]:
                    k -= signe * bornes[0]
                else:
                    fixes.append((c, signe))
            self.fixes.append(fixes)
            self.autres.append(autres)
            self.k.append(k)
        self.sure = [bool(depart) and not autres for autres in self.autres]
        self.libres = [c for c in range(nb_cellules) if c not in depart]  # the cells whose state may change


class _Systeme:
    """What a reader derives of numbered cells (``lo``, ``hi``) in given states, kept true while
    cells are suppressed one by one (``changer``).

    A shown cell is a constant (and so is a cell ``depart`` pins): it is folded into its
    relations' ``k``, and the propagation runs over the other hidden cells only. The relations
    sharing such a cell form a component; a suppression changes what a reader knows of its
    component alone, which alone is propagated again from its starting box (each cell's domain,
    or its bounds in ``depart``). ``paresseux``: a component is worked out only when a width in
    it is asked (``largeur``; what « every candidate suppressed » gives, asked of a few cells)."""

    def __init__(self, reseau: _Reseau, valeurs: list[int], etats: list[str], *, paresseux: bool = False):
        self.reseau, self.valeurs, self.etats = reseau, valeurs, etats
        self.termes: list[list[tuple[int, int]] | None] = [None] * len(reseau.formes)  # the terms still unknown
        self.k: list[int] = list(reseau.k)
        self.lo, self.hi = list(valeurs), list(valeurs)  # a shown cell is its value
        for c, (lo, hi) in reseau.depart.items():
            self.lo[c], self.hi[c] = lo, hi
        self.elargies: set[int] = set()  # cells of ``depart`` narrowed since
        self.converge = True
        self.parent: list[int] | None = None  # the components, built at the first change
        self.membres: dict[int, list[int]] = {}
        self.prete: list[bool] | None = [False] * len(valeurs) if paresseux else None  # cells worked out
        if paresseux:
            return
        for n in range(len(reseau.formes)):
            self._construire(n)
        for c in reseau.libres:
            if etats[c] != VISIBLE:
                self.lo[c], self.hi[c] = domaine(valeurs[c], etats[c])
        a_faire = [n for n, termes in enumerate(self.termes) if termes and not reseau.sure[n]]
        self._propager(a_faire, 200 * len(self.termes) + 1000)

    def _construire(self, n: int) -> list[tuple[int, int]]:
        """Relation ``n``'s unknown terms, the shown cells folded into its ``k``."""
        reseau = self.reseau
        fixes, autres = reseau.fixes[n], reseau.autres[n]
        if not autres:  # never changes (``changer`` adds to the relations of a changed cell only)
            inconnus = fixes
        else:
            inconnus, k, etats, valeurs = list(fixes), self.k[n], self.etats, self.valeurs
            for c, signe in autres:
                if etats[c] == VISIBLE:
                    k -= signe * valeurs[c]
                else:
                    inconnus.append((c, signe))
            self.k[n] = k
        self.termes[n] = inconnus
        return inconnus

    def _composante(self, cellule: int) -> None:
        """Work out the component of ``cellule`` (``paresseux``)."""
        reseau, etats, prete = self.reseau, self.etats, self.prete
        relations: list[int] = []
        pile = [cellule]
        prete[cellule] = True
        while pile:
            c = pile.pop()
            if c not in reseau.depart and etats[c] != VISIBLE:
                self.lo[c], self.hi[c] = domaine(self.valeurs[c], etats[c])
            for n in reseau.relations_de[c]:
                if self.termes[n] is None:
                    relations.append(n)
                    for d, _signe in self._construire(n):
                        if not prete[d]:
                            prete[d] = True
                            pile.append(d)
        a_faire = [n for n in relations if self.termes[n] and not reseau.sure[n]]
        self._propager(a_faire, 200 * len(relations) + 1000)

    def _racine(self, n: int) -> int:
        parent = self.parent
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def _unir(self, a: int, b: int) -> None:
        a, b = self._racine(a), self._racine(b)
        if a != b:  # the larger component keeps its list (a relation alone has none yet)
            membres_a, membres_b = self.membres.pop(a, None) or [a], self.membres.pop(b, None) or [b]
            if len(membres_a) < len(membres_b):
                a, b, membres_a, membres_b = b, a, membres_b, membres_a
            membres_a += membres_b
            self.membres[a] = membres_a
            self.parent[b] = a

    def _composantes(self) -> None:
        self.parent = list(range(len(self.termes)))
        self.membres = {}
        relations_de = self.reseau.relations_de
        for n, termes in enumerate(self.termes):
            for c, _signe in termes:
                premiere = relations_de[c][0]
                if premiere != n:
                    self._unir(n, premiere)

    def _propager(self, file: list[int], limite: int) -> set[int]:
        modifiees: set[int] = set()
        self.converge &= _propager(
            self.termes, self.k, file, self.lo, self.hi, self.reseau.relations_de, limite=limite, modifiees=modifiees
        )
        depart = self.reseau.depart
        self.elargies |= {c for c in modifiees if c in depart}
        return modifiees

    def largeur(self, c: int) -> int:
        if self.prete is not None and not self.prete[c]:
            self._composante(c)
        return min(self.hi[c], INFINI) - self.lo[c]

    def changer(self, cellule: int, etat: str) -> set[int]:
        """``cellule`` (shown, or « < 5 ») hidden as ``etat``; its component propagated again.
        Returns the cells whose bounds may have changed."""
        if self.parent is None:
            self._composantes()
        reseau, valeur = self.reseau, self.valeurs[cellule]
        relations = reseau.relations_de[cellule]
        if self.etats[cellule] == VISIBLE:  # a constant no more
            for n in relations:
                for c, signe in reseau.formes[n][0]:
                    if c == cellule:
                        self.termes[n].append((c, signe))
                        self.k[n] += signe * valeur
                self._unir(n, relations[0])
        self.etats[cellule] = etat
        self.lo[cellule], self.hi[cellule] = domaine(valeur, etat)
        if not relations:
            return {cellule}
        racine = self._racine(relations[0])
        membres = self.membres.get(racine) or [racine]
        a_faire = [n for n in membres if self.termes[n] and not reseau.sure[n]]
        touchees = {cellule}
        for n in a_faire:  # back to the starting box
            for c, _ in self.termes[n]:
                if c not in reseau.depart:
                    self.lo[c], self.hi[c] = domaine(self.valeurs[c], self.etats[c])
                    touchees.add(c)
        for c in [c for c in self.elargies if self._racine(reseau.relations_de[c][0]) == racine]:
            self.lo[c], self.hi[c] = reseau.depart[c]
            self.elargies.discard(c)
            touchees.add(c)
        return touchees | self._propager(a_faire, 200 * len(membres) + 1000)


def _candidat(cellule: int, systeme: _Systeme, candidats: set[int], noms: list[str]) -> int | None:
    """The cell to suppress for ``cellule``: among the candidates of the nearest relations (then
    of the relations of the hidden cells met on the way), the smallest that gives enough room,
    else the largest."""
    manque = LARGEUR_VOULUE - systeme.largeur(cellule)
    valeurs, etats, formes = systeme.valeurs, systeme.etats, systeme.reseau.formes
    # a « < 5 » cell is suppressed only when no cell of 5 or more is near: largest first
    vues, front = {cellule}, [cellule]
    while front:
        proches = []
        suivants = []
        for c in front:
            for n in systeme.reseau.relations_de[c]:
                for voisine, _signe in formes[n][0]:
                    if voisine in vues:
                        continue
                    vues.add(voisine)
                    if voisine in candidats:
                        proches.append(voisine)
                    elif etats[voisine] != VISIBLE:
                        suivants.append(voisine)
        if proches:
            grandes = sorted((c for c in proches if valeurs[c] >= SEUIL_SECRET), key=lambda c: (valeurs[c], noms[c]))
            if not grandes:
                return max(proches, key=lambda c: (valeurs[c], noms[c]))
            assez = [c for c in grandes if valeurs[c] - SEUIL_SECRET >= manque]
            return assez[0] if assez else grandes[-1]
        front = suivants
    return None


def _sensible(valeur: int, etat: str) -> bool:
    """A cell a reader must not pin: « < 5 », « s », or an implicit cell of 1 to 4."""
    return etat in (PRIMAIRE, SECRET) or (etat == IMPLICITE and 0 < valeur < SEUIL_SECRET)


def _etat_initial(valeur: int) -> str:
    return PRIMAIRE if 0 < valeur < SEUIL_SECRET else VISIBLE


def _proteger(
    noms: list[str], valeurs: list[int], reseau: _Reseau, etats: list[str], libres: list[int]
) -> tuple[list[str], _Systeme | None]:
    """``proteger`` on numbered cells: ``etats`` the states before suppression (the fixed ones
    included), ``libres`` the shown cells that may be suppressed. Returns the final states and
    the system (its bounds hold for them), or None when there was nothing to protect."""
    if not any(e != VISIBLE and _sensible(valeurs[c], e) for c, e in enumerate(etats)):
        return etats, None  # nothing to protect
    systeme = _Systeme(reseau, valeurs, etats)
    etats = systeme.etats

    depart = reseau.depart

    def supprimer(candidats: set[int], voulue: int) -> None:
        abandonnees: set[int] = set()

        def faible(c: int) -> bool:
            """Too narrow, and maybe helped by suppressing candidates: a cell of ``depart`` is
            not, once as wide as there (every candidate suppressed gives it no more room)."""
            e = etats[c]
            if not _sensible(valeurs[c], e) or c in abandonnees:
                return False
            largeur = systeme.largeur(c)
            if c in depart and largeur >= min(depart[c][1], INFINI) - depart[c][0]:
                return False
            return largeur < (voulue if e != SECRET else 1)

        faibles = {c for c, e in enumerate(etats) if e != VISIBLE and faible(c)}  # a shown cell is never weak
        au_mieux = None  # every candidate suppressed: computed once, if needed
        while True:
            if faibles and au_mieux is None:
                au_mieux = _Systeme(reseau, valeurs, [SECRET if c in candidats else e for c, e in enumerate(etats)], paresseux=True)
            ameliorables = [c for c in faibles if systeme.largeur(c) < au_mieux.largeur(c)] if faibles else []
            if not ameliorables:
                return
            cellule = min(ameliorables)  # the first in the page's order
            choix = _candidat(cellule, systeme, candidats, noms)
            if choix is None:
                abandonnees.add(cellule)
                faibles.discard(cellule)
                continue
            candidats.discard(choix)
            for c in systeme.changer(choix, SECRET):
                if faible(c):
                    faibles.add(c)
                else:
                    faibles.discard(c)

    supprimer({c for c in libres if etats[c] == VISIBLE and valeurs[c] >= SEUIL_SECRET}, LARGEUR_VOULUE)
    if any(e != VISIBLE and _sensible(valeurs[c], e) and systeme.largeur(c) == 0 for c, e in enumerate(etats)):
        supprimer({c for c in libres if etats[c] in (VISIBLE, PRIMAIRE) and valeurs[c] > 0}, 1)
    etats = list(etats)
    for c in libres:
        if etats[c] == SECRET and systeme.largeur(c) == 0:
            etats[c] = _etat_initial(valeurs[c])
    return etats, systeme


def proteger(
    valeurs: dict[str, int],
    relations: list[Relation],
    *,
    implicites: Iterable[str] = (),
    fixes: dict[str, str] | None = None,
) -> dict[str, str]:
    """The state of every cell (``VISIBLE``, ``PRIMAIRE`` « < 5 », ``SECRET`` « s »,
    ``IMPLICITE`` never shown) once secondary suppression is done.

    ``fixes``: cells whose state is decided elsewhere (a project's own dashboard, in a roll-up);
    only the other shown cells may be suppressed. Two rounds:

    1. cells of 5 or more are suppressed until each sensitive cell (« < 5 », or implicit of 1 to
       4) could be any of ``LARGEUR_VOULUE`` + 1 consecutive values, or as many as the page
       allows with all of them suppressed;
    2. a cell still pinned (four step types of 1 under a total « < 5 »: each is 1) gets a
       « < 5 » cell near it suppressed as « s » too, until none is pinned.

    Each time, the weak cell first in the page's order is served first. An « s » cell the reader
    recomputes anyway hides nothing: it is shown."""
    implicites = set(implicites)
    fixes = fixes or {}
    noms = list(valeurs)
    numero = {c: n for n, c in enumerate(noms)}
    etats = [fixes[c] if c in fixes else IMPLICITE if c in implicites else _etat_initial(v) for c, v in valeurs.items()]
    formes = [([(numero[c], signe) for c, signe in _termes(r)], 0) for r in relations]
    libres = [n for n, c in enumerate(noms) if c not in fixes and c not in implicites]
    etats, _ = _proteger(noms, list(valeurs.values()), _Reseau(formes, len(noms)), etats, libres)
    return dict(zip(noms, etats, strict=True))


# ------------------------------------------------------------------ one page's figures as cells and relations


def _positifs() -> frozenset:
    from parcours.models import RESULTATS_POSITIFS

    return frozenset(RESULTATS_POSITIFS)


#: the cells a page never shows, which a reader gets by subtraction
IMPLICITES = frozenset(
    {
        *(f"non_{cle}" for cle in ("nouveaux", "actifs", "sortis", "qpv", "zrr", "rqth")),
        "autres_situations",
        "hors_formations",
        "freins_non_leves",
        "non_positives",
        "non_positives_6_mois",
    }
)


def _cellules(i: Indicateurs) -> dict[str, int]:
    """The cells of a dashboard and their values, in the page's order (the order in which
    ``proteger`` serves the weak cells): each figure, and after it the implicit cell a reader
    gets from it."""
    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties
    acc = a.accompagnes.valeur
    v: dict[str, int] = {"accompagnes": acc}
    for cle, effectif in (
        ("nouveaux", a.nouveaux),
        ("actifs", a.actifs),
        ("sortis", a.sortis),
        *((c, getattr(p, c)) for c in ("qpv", "zrr", "rqth")),
    ):
        v[cle] = effectif.valeur
        v[f"non_{cle}"] = acc - effectif.valeur
    for cle in ("neet", "demandeurs_emploi", "rsa"):
        v[cle] = getattr(p, cle).valeur
    v["autres_situations"] = acc - v["neet"] - v["demandeurs_emploi"] - v["rsa"]
    for li in p.tranches_age:
        v[f"age:{li.cle}"] = li.effectif.valeur
    for li in e.par_type:
        v[f"etape:{li.cle}"] = li.effectif.valeur
    v["etapes"], v["formations"] = e.total.valeur, e.formations.valeur
    v["certifiantes"] = e.certifiantes.valeur  # shown through its share
    v["hors_formations"] = e.total.valeur - e.formations.valeur
    v["freins_identifies"], v["freins_leves"] = f.identifies.valeur, f.leves.valeur
    v["freins_non_leves"] = f.identifies.valeur - f.leves.valeur
    for suffixe, lignes, total, positives in (
        ("", s.a_la_sortie, s.total_sortie, s.positives_sortie),
        ("_6_mois", s.a_6_mois, s.total_6_mois, s.positives_6_mois),
    ):
        v[f"sorties{suffixe}"], v[f"positives{suffixe}"] = total.valeur, positives.valeur
        v[f"non_positives{suffixe}"] = total.valeur - positives.valeur
        for li in lignes:
            v[f"resultat{suffixe}:{li.cle}"] = li.effectif.valeur
    v["places"] = i.sessions.apprenants_places.valeur
    return v


@lru_cache(maxsize=64)
def _relations(cles: tuple[str, ...], sortis_sorties: bool) -> tuple[Relation, ...]:
    """The relations between a page's cells (``_cellules``), which depend on which cells it has
    (the exit outcomes it lists) only: computed once for all the projects that list the same."""
    from .indicateurs import TYPES_CERTIFIANTS, TYPES_FORMATION  # the definitions of the figures

    def sous(prefixe: str) -> dict[str, str]:
        return {c[len(prefixe) :]: c for c in cles if c.startswith(prefixe)}

    relations = [Relation("accompagnes", (cle, f"non_{cle}")) for cle in ("nouveaux", "actifs", "sortis", "qpv", "zrr", "rqth")]
    relations.append(Relation("accompagnes", ("neet", "demandeurs_emploi", "rsa", "autres_situations")))
    relations.append(Relation("accompagnes", tuple(sous("age:").values())))

    # steps: total = formations + the others; formations = certifying + the other trainings
    types = sous("etape:")
    relations.append(Relation("etapes", ("formations", "hors_formations")))
    relations.append(Relation("hors_formations", tuple(c for t, c in types.items() if t not in TYPES_FORMATION)))
    relations.append(
        Relation("formations", ("certifiantes", *(c for t, c in types.items() if t in TYPES_FORMATION and t not in TYPES_CERTIFIANTS)))
    )
    relations.append(Relation("certifiantes", tuple(c for t, c in types.items() if t in TYPES_CERTIFIANTS)))
    # the same sums at once, as a reader adds them (propagation is not exact once relations make
    # cycles, as a roll-up's columns do: the reader's shortcuts are given too)
    relations.append(Relation("etapes", tuple(types.values())))
    relations.append(Relation("formations", tuple(c for t, c in types.items() if t in TYPES_FORMATION)))

    relations.append(Relation("freins_identifies", ("freins_leves", "freins_non_leves")))

    positifs = _positifs()
    for suffixe in ("", "_6_mois"):
        t, pos, non = f"sorties{suffixe}", f"positives{suffixe}", f"non_positives{suffixe}"
        parts = sous(f"resultat{suffixe}:")
        relations.append(Relation(t, (pos, non)))
        relations.append(Relation(pos, tuple(c for r, c in parts.items() if r in positifs)))
        relations.append(Relation(non, tuple(c for r, c in parts.items() if r not in positifs)))
        relations.append(Relation(t, tuple(parts.values())))
    # learners who left and exit outcomes are two counts, most often equal: a reader takes them
    # for one figure when they are
    if sortis_sorties:
        relations.append(Relation("sortis", ("sorties",)))
    return tuple(relations)


def plan(i: Indicateurs, *, sortis_sorties: bool | None = None) -> tuple[dict[str, int], list[Relation], set[str]]:
    """The cells of a dashboard (and of the COPIL PDF, the Excel *Synthèse*: the same figures),
    their relations, and which cells are implicit (never shown, got by subtraction).
    ``sortis_sorties``: whether a reader takes the learners who left and the exits for one
    figure (by default, when they are equal). Returns (valeurs, relations, implicites)."""
    v = _cellules(i)
    egaux = v["sortis"] == v["sorties"] if sortis_sorties is None else sortis_sorties
    return v, list(_relations(tuple(v), egaux)), set(IMPLICITES)


@dataclass(frozen=True)
class _Structure:
    """A page's cells and relations, numbered (``_Systeme``'s terms)."""

    noms: tuple[str, ...]
    formes: tuple[Forme, ...]
    implicites: frozenset[int]
    reseau: _Reseau


@lru_cache(maxsize=64)
def _structure(cles: tuple[str, ...], sortis_sorties: bool) -> _Structure:
    numero = {c: n for n, c in enumerate(cles)}
    formes = tuple(([(numero[c], signe) for c, signe in _termes(r)], 0) for r in _relations(cles, sortis_sorties))
    return _Structure(cles, formes, frozenset(numero[c] for c in IMPLICITES), _Reseau(list(formes), len(cles)))


@dataclass(frozen=True)
class _Protection:
    """One dashboard's masking, and what its reader derives, where a roll-up starts from: its
    hidden cells, their bounds and its relations over them (the shown cells folded in)."""

    structure: _Structure
    valeurs: tuple[int, ...]
    etats: tuple[str, ...]
    caches: tuple[int, ...]  # the hidden cells (page numbers), in the page's order
    formes: tuple[Forme, ...]  # the relations with a hidden cell, over them (numbered by rank in ``caches``)
    bornes: tuple[tuple[int, int], ...] | None  # of each hidden cell; None if not a fixed point
    montrees: tuple[int, ...]  # each cell's value if shown, else 0


@lru_cache(maxsize=4096)
def _proteger_page(cles: tuple[str, ...], valeurs: tuple[int, ...], sortis_sorties: bool) -> _Protection:
    """One dashboard's ``proteger``, remembered: a pure function of the figures, asked again for
    the same project by its dashboard, PDF and every roll-up that shows it. Nothing but the
    figures' masking is kept, per process; the result is the same in every process."""
    structure = _structure(cles, sortis_sorties)
    etats = [IMPLICITE if n in structure.implicites else _etat_initial(v) for n, v in enumerate(valeurs)]
    libres = [n for n in range(len(cles)) if n not in structure.implicites]
    etats, systeme = _proteger(list(cles), list(valeurs), structure.reseau, etats, libres)
    caches = tuple(c for c, e in enumerate(etats) if e != VISIBLE)
    rang = {c: r for r, c in enumerate(caches)}
    formes = []
    for termes, k in structure.formes:
        inconnus = []
        for c, signe in termes:
            if etats[c] == VISIBLE:
                k -= signe * valeurs[c]
            else:
                inconnus.append((rang[c], signe))
        if inconnus:
            formes.append((inconnus, k))
    if systeme is None:  # nothing to protect: the bounds of the hidden cells still
        systeme = _Systeme(structure.reseau, list(valeurs), etats)
    # the bounds were derived with the « s » cells the reader recomputes anyway hidden: the same
    # once they are shown, since they were pinned
    bornes = tuple((systeme.lo[c], systeme.hi[c]) for c in caches) if systeme.converge else None
    montrees = tuple(v if e == VISIBLE else 0 for v, e in zip(valeurs, etats, strict=True))
    return _Protection(structure, valeurs, tuple(etats), caches, tuple(formes), bornes, montrees)


def oublier() -> None:
    """Forget the masking remembered in this process (``make bench`` measures a first request)."""
    for memoire in (_proteger_page, _structure, _relations):
        memoire.cache_clear()


def _protection(i: Indicateurs) -> _Protection:
    v = _cellules(i)
    return _proteger_page(tuple(v), tuple(v.values()), v["sortis"] == v["sorties"])


def _effectif(effectif: Effectif, etat: str) -> Effectif:
    masque, secret = etat in (PRIMAIRE, SECRET, IMPLICITE), etat == SECRET
    if effectif.masque == masque and effectif.secret == secret:
        return effectif
    return Effectif(effectif.valeur, masque=masque, secret=secret)


def _remplacer(objet, **champs):
    """``replace(objet, **champs)``, or ``objet`` itself when nothing changes (most of a
    dashboard is shown: a roll-up masks 205 of them)."""
    if all(getattr(objet, nom) is valeur for nom, valeur in champs.items()):
        return objet
    return replace(objet, **champs)


def appliquer(i: Indicateurs, etats: dict[str, str]) -> Indicateurs:
    """``i`` with each figure masked as ``etats`` (``plan``'s cells) says; rates masked with
    their numerator or denominator. What is shown stays the same object."""
    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties

    def E(cle: str, effectif: Effectif) -> Effectif:
        etat = etats[cle]
        return effectif if etat == VISIBLE and not effectif.masque else _effectif(effectif, etat)

    def T(num: str, den: str, taux: Taux) -> Taux:
        masque = etats[num] != VISIBLE or etats[den] != VISIBLE
        return taux if taux.masque == masque else Taux(taux.numerateur, taux.denominateur, masque)

    def L(prefixe: str, lignes: list[Ligne]) -> list[Ligne]:
        masquees = None  # a new list only if a row changes
        for n, li in enumerate(lignes):
            effectif = E(f"{prefixe}:{li.cle}", li.effectif)
            if effectif is not li.effectif:
                masquees = masquees or list(lignes)
                masquees[n] = Ligne(li.cle, li.libelle, effectif)
        return lignes if masquees is None else masquees

    return replace(
        i,
        masque=True,
        apprenants=_remplacer(
            a,
            accompagnes=E("accompagnes", a.accompagnes),
            nouveaux=E("nouveaux", a.nouveaux),
            actifs=E("actifs", a.actifs),
            sortis=E("sortis", a.sortis),
        ),
        profil=_remplacer(
            p,
            tranches_age=L("age", p.tranches_age),
            **{cle: E(cle, getattr(p, cle)) for cle in ("qpv", "zrr", "neet", "demandeurs_emploi", "rsa", "rqth")},
            **{
                f"part_{cle}": T(cle, "accompagnes", getattr(p, f"part_{cle}"))
                for cle in ("qpv", "zrr", "neet", "demandeurs_emploi", "rqth")
            },
        ),
        etapes=_remplacer(
            e,
            par_type=L("etape", e.par_type),
            total=E("etapes", e.total),
            formations=E("formations", e.formations),
            certifiantes=E("certifiantes", e.certifiantes),
            pre_qualifiantes=E("etape:pre_qualification", e.pre_qualifiantes),
            part_certifiante=T("certifiantes", "formations", e.part_certifiante),
            part_pre_qualifiante=T("etape:pre_qualification", "formations", e.part_pre_qualifiante),
        ),
        freins=_remplacer(
            f,
            identifies=E("freins_identifies", f.identifies),
            leves=E("freins_leves", f.leves),
            part_leves=T("freins_leves", "freins_identifies", f.part_leves),
        ),
        sorties=_remplacer(
            s,
            a_la_sortie=L("resultat", s.a_la_sortie),
            a_6_mois=L("resultat_6_mois", s.a_6_mois),
            total_sortie=E("sorties", s.total_sortie),
            total_6_mois=E("sorties_6_mois", s.total_6_mois),
            positives_sortie=E("positives", s.positives_sortie),
            positives_6_mois=E("positives_6_mois", s.positives_6_mois),
            taux_positif_sortie=T("positives", "sorties", s.taux_positif_sortie),
            taux_positif_6_mois=T("positives_6_mois", "sorties_6_mois", s.taux_positif_6_mois),
        ),
        sessions=_remplacer(i.sessions, apprenants_places=E("places", i.sessions.apprenants_places)),
    )


def etats_tableau(i: Indicateurs) -> dict[str, str]:
    """The masking of one dashboard (or PDF, or sheet of the same figures), alone."""
    protection = _protection(i)
    return dict(zip(protection.structure.noms, protection.etats, strict=True))


def masquer(i: Indicateurs) -> Indicateurs:
    """``i`` (computed in clear) as a funder sees it on one project's pages."""
    return appliquer(i, etats_tableau(i))


def masquer_synthese(
    total: Indicateurs, par_projet: list[tuple[object, Indicateurs]]
) -> tuple[Indicateurs, list[tuple[object, Indicateurs]]]:
    """The roll-up as a funder sees it: each project exactly as its own dashboard (``masquer``),
    the totals hidden where they would give a masked cell back (module docstring).

    The cells: every project's hidden cells (``<n>:<cell>``, their states fixed by their own
    dashboards; a shown one is a constant, folded into the relations), the totals
    (``total:<cell>``), and the relations: each project's own, over its hidden cells, starting
    from the bounds its own dashboard gives (they are a fixed point of these), the totals', and
    for each figure ``total = sum of the projects``."""
    protections = [_protection(i) for _, i in par_projet]
    noms: list[str] = []
    valeurs: list[int] = []
    etats: list[str] = []
    formes: list[Forme] = []
    depart: dict[int, tuple[int, int]] = {}
    colonnes: dict[str, list[int]] = defaultdict(list)  # figure -> the projects' hidden cells
    montrees: dict[tuple[str, ...], list[tuple[int, ...]]] = defaultdict(list)  # the shown values, by page's cells
    for n, protection in enumerate(protections):
        debut = len(valeurs)  # the page's hidden cells, numbered from here in the roll-up
        cles = protection.structure.noms
        for c in protection.caches:
            colonnes[cles[c]].append(len(valeurs))
            noms.append(f"{n}:{cles[c]}")
            valeurs.append(protection.valeurs[c])
            etats.append(protection.etats[c])
        formes += [([(debut + r, signe) for r, signe in termes], k) for termes, k in protection.formes]
        if protection.bornes is not None:
            depart.update(zip(range(debut, len(valeurs)), protection.bornes, strict=True))
        montrees[cles].append(protection.montrees)
    montres: dict[str, int] = defaultdict(int)  # figure -> the sum of the projects' shown cells
    for cles, lignes in montrees.items():
        for cle, somme in zip(cles, map(sum, zip(*lignes, strict=True)), strict=True):
            montres[cle] += somme

    # the total's learners who left and exits read as one figure when each project's do
    egaux = all(i.apprenants.sortis.valeur == i.sorties.total_sortie.valeur for _, i in par_projet)
    v = _cellules(total)
    structure = _structure(tuple(v), egaux)
    base = len(valeurs)
    for c, (cle, valeur) in enumerate(v.items()):
        noms.append(f"total:{cle}")
        valeurs.append(valeur)
        etats.append(IMPLICITE if c in structure.implicites else _etat_initial(valeur))
    formes += [([(base + c, signe) for c, signe in termes], k) for termes, k in structure.formes]
    for c, cle in enumerate(structure.noms):
        if cle in colonnes or cle in montres:  # total = the projects' hidden cells + the shown ones
            formes.append(([(base + c, -1), *((d, 1) for d in colonnes.get(cle, ()))], -montres.get(cle, 0)))
    libres = [base + c for c in range(len(v)) if c not in structure.implicites]
    etats, _ = _proteger(noms, valeurs, _Reseau(formes, len(noms), depart), etats, libres)

    projets = [
        (projet, appliquer(i, dict(zip(p.structure.noms, p.etats, strict=True))))
        for (projet, i), p in zip(par_projet, protections, strict=True)
    ]
    total_masque = appliquer(total, dict(zip(structure.noms, etats[base:], strict=True)))
    return total_masque, projets


# ------------------------------------------------------------------ the competence figures (competences.indicateurs)


@dataclass(frozen=True)
class ProgressionBlocAffichee:
    referentiel: str
    bloc: str
    apprenants: Effectif
    entree: Moyenne
    derniere: Moyenne
    ecart: Moyenne


@dataclass(frozen=True)
class CompetencesAffichees:
    """The competence figures as shown: the counts of people (evaluations, learners evaluated,
    AFEST steps) masked like every count; the competences evaluated are items of the frameworks
    (never masked); a bloc's mean levels are hidden (« s ») with its number of learners when that
    is 1 to 4 (a mean of a few learners gives their levels away)."""

    evaluations: Effectif
    apprenants_evalues: Effectif
    competences_evaluees: int
    progression_blocs: list[ProgressionBlocAffichee]
    afest_total: Effectif
    afest_completes: Effectif
    afest_incompletes: Effectif
    # the Open Badges issued in the period (badges.indicateurs): issued = still valid + revoked
    badges_delivres: Effectif
    badges_valides: Effectif
    badges_revoques: Effectif


def competences(figures, badges, *, masquer: bool) -> CompetencesAffichees:
    """``figures`` (``competences.indicateurs.FiguresCompetences``, in clear) and ``badges``
    (``badges.indicateurs.FiguresBadges``) as the reader sees them: with ``masquer``, the counts go
    through ``proteger`` with the page's relations (AFEST steps = complete + incomplete, badges
    issued = still valid + revoked), so that a « < 5 » cannot be recomputed from the two others."""
    valeurs = {
        "evaluations": figures.evaluations,
        "apprenants_evalues": figures.apprenants_evalues,
        "afest_total": figures.afest_total,
        "afest_completes": figures.afest_completes,
        "afest_incompletes": figures.afest_incompletes,
        "badges_delivres": badges.delivres,
        "badges_valides": badges.valides,
        "badges_revoques": badges.revoques,
    }
    if masquer:
        etats = proteger(
            valeurs,
            [
                Relation("afest_total", ("afest_completes", "afest_incompletes")),
                Relation("badges_delivres", ("badges_valides", "badges_revoques")),
            ],
        )
    else:
        etats = dict.fromkeys(valeurs, VISIBLE)

    def effectif(cle: str) -> Effectif:
        return Effectif(valeurs[cle], masque=etats[cle] in (PRIMAIRE, SECRET), secret=etats[cle] == SECRET)

    progression = []
    for p in figures.progression_blocs:
        cache = _secret(p.apprenants, masquer)
        progression.append(
            ProgressionBlocAffichee(
                referentiel=p.referentiel,
                bloc=p.bloc,
                apprenants=Effectif.de(p.apprenants, masquer),
                entree=Moyenne(p.entree, cache),
                derniere=Moyenne(p.derniere, cache),
                ecart=Moyenne(p.ecart, cache),
            )
        )
    return CompetencesAffichees(
        evaluations=effectif("evaluations"),
        apprenants_evalues=effectif("apprenants_evalues"),
        competences_evaluees=figures.competences_evaluees,
        progression_blocs=progression,
        afest_total=effectif("afest_total"),
        afest_completes=effectif("afest_completes"),
        afest_incompletes=effectif("afest_incompletes"),
        badges_delivres=effectif("badges_delivres"),
        badges_valides=effectif("badges_valides"),
        badges_revoques=effectif("badges_revoques"),
    )


# ------------------------------------------------------------------ breakdowns shown with a dashboard (issue 17)


def etat_affiche(effectif: Effectif) -> str:
    """The state of a figure as a page shows it (« < 5 », « s » or in clear)."""
    if not effectif.masque:
        return VISIBLE
    return SECRET if effectif.secret else PRIMAIRE


def masquer_repartitions(
    valeurs: dict[str, int],
    relations: list[Relation],
    *,
    implicites: Iterable[str] = (),
    tableau: dict[str, Effectif] | None = None,
) -> dict[str, Effectif]:
    """The breakdowns (``pilotage.repartitions``: statuses, sex, obstacles by type, prescribers,
    sessions, eligibility per funding) as a funder sees them, on the page where the dashboard's
    figures are shown too.

    ``valeurs``: the breakdowns' cells (in clear); ``relations``: how they add up, to each other
    and to the dashboard's figures (« the statuses sum to the accompanied »); ``tableau``: the
    dashboard's figures they are tied to, as already masked there (their states are fixed: the
    breakdowns never show what the dashboard hides, nor let it be recomputed). Same engine as the
    dashboard (``proteger``). Returns each cell of ``valeurs`` but the implicit ones as an
    ``Effectif`` to print."""
    tableau = tableau or {}
    implicites = set(implicites)
    tout = {**{cle: e.valeur for cle, e in tableau.items()}, **valeurs}
    fixes = {cle: etat_affiche(e) for cle, e in tableau.items()}
    etats = proteger(tout, relations, implicites=implicites, fixes=fixes)
    return {cle: _effectif(Effectif(int(v)), etats[cle]) for cle, v in valeurs.items() if cle not in implicites}


def masquer_pour(role: str) -> bool:
    """Figures are masked below 5 people for whoever may not see personal data."""
    from conciergerie.roles import peut

    return not peut(role, "apprenants.voir")


def etat_isole(*comptes: int | None) -> str:
    """The state of a figure no other figure of the page adds up to (a count of people, or a
    rate with its numerator and denominator): hidden when one of them is 1 to 4."""
    return PRIMAIRE if any(n is not None and _secret(n, True) for n in comptes) else VISIBLE
