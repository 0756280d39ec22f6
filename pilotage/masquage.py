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

The roll-up (``masquer_synthese``): each project's row is exactly what that project's own
dashboard shows (the same function, alone: a funder sees both, and a project's figures must read
the same everywhere). Only the totals (the totals row, the whole's indicators, the averages) are
decided together, over every project's relations plus, for each figure, ``total = sum of the
projects``: a total is hidden (« s ») when showing it would let a reader recompute a masked cell
of some project from that project's own dashboard (« roll-up 15, my dashboard 12: the other one
has 3 »). With many projects, the masked cells of a column are many and their sum says nothing
of each: the national totals stay visible.

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

from django.utils.formats import get_format, number_format

if TYPE_CHECKING:
    from .indicateurs import Indicateurs


SEUIL_SECRET = 5
MARQUE_PRIMAIRE = f"< {SEUIL_SECRET}"
MARQUE_SECRET = "s"  # noqa: S105  (the statistical-secret mark, no password)
LEGENDE = (
    "« < 5 » : moins de 5 personnes ; « s » : secret statistique (masqué pour qu'aucune case de moins "
    "de 5 ne puisse être recalculée à partir des chiffres affichés)."
)


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
        return _entier(self.valeur)


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
        if self.masque:
            return MARQUE_SECRET
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
    """An average number of people, one decimal; masked (« s ») when the total it divides is
    (the average of a few projects would give their number back)."""

    valeur: Decimal
    masque: bool = False

    def __str__(self) -> str:
        return MARQUE_SECRET if self.masque else number_format(self.valeur, decimal_pos=1, force_grouping=True)


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


Forme = tuple[list[tuple[str, int]], int]


def _formes(relations: list[Relation], constantes: dict[str, int]) -> list[Forme]:
    """Each relation as ``sum(signe × cell) = K`` over its cells that are not ``constantes``
    (known cells folded in: a large roll-up has few unknown ones)."""
    formes = []
    for r in relations:
        termes, k = [], 0
        for c, signe in ((r.total, -1), *((p, 1) for p in r.parties)):
            if c in constantes:
                k -= signe * constantes[c]
            else:
                termes.append((c, signe))
        if termes:
            formes.append((termes, k))
    return formes


def _index(formes: list[Forme]) -> dict[str, list[int]]:
    par_cellule: dict[str, list[int]] = defaultdict(list)
    for n, (termes, _) in enumerate(formes):
        for c, _signe in termes:
            par_cellule[c].append(n)
    return par_cellule


def _propager(formes: list[Forme], lo: dict[str, int], hi: dict[str, int], par_cellule: dict[str, list[int]] | None = None) -> None:
    """Narrow ``lo`` and ``hi`` (in place) to a fixed point of ``formes``."""
    if par_cellule is None:
        par_cellule = _index(formes)
    file = deque(range(len(formes)))
    en_file = [True] * len(formes)
    reste = 200 * len(formes) + 1000  # a bound on the work: slow convergence on cycles
    while file and reste:
        reste -= 1
        n = file.popleft()
        en_file[n] = False
        termes, k = formes[n]
        # sum(signe × x) = k: the bounds of the sum, then of each term given the others
        s_lo = s_hi = 0
        for c, signe in termes:
            if signe > 0:
                s_lo += lo[c]
                s_hi += hi[c]
            else:
                s_lo -= hi[c]
                s_hi -= lo[c]
        for c, signe in termes:
            t_lo, t_hi = (lo[c], hi[c]) if signe > 0 else (-hi[c], -lo[c])
            n_lo = max(t_lo, k - (s_hi - t_hi))
            n_hi = min(t_hi, k - (s_lo - t_lo))
            if n_lo == t_lo and n_hi == t_hi:
                continue
            s_lo += n_lo - t_lo
            s_hi += n_hi - t_hi
            if signe > 0:
                lo[c], hi[c] = n_lo, n_hi
            else:
                lo[c], hi[c] = -n_hi, -n_lo
            for m in par_cellule[c]:
                if m != n and not en_file[m]:
                    en_file[m] = True
                    file.append(m)


def intervalles(domaines: dict[str, tuple[int, int]], relations: list[Relation]) -> dict[str, tuple[int, int]]:
    """The bounds a reader derives for every cell by adding and subtracting (interval
    propagation to a fixed point; exact on a tree of relations, an over-approximation otherwise).
    An upper bound of ``INFINI`` or more means none."""
    constantes = {c: d[0] for c, d in domaines.items() if d[0] == d[1]}
    lo = {c: d[0] for c, d in domaines.items()}
    hi = {c: d[1] for c, d in domaines.items()}
    _propager(_formes(relations, constantes), lo, hi)
    return {c: (lo[c], min(hi[c], INFINI)) for c in lo}


def largeur(intervalle: tuple[int, int]) -> int:
    lo, hi = intervalle
    return min(hi, INFINI) - lo


#: a « < 5 » cell should stay any of 4 consecutive values (1 to 4)
LARGEUR_VOULUE = SEUIL_SECRET - 2


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

    An « s » cell the reader recomputes anyway hides nothing: it is shown."""
    implicites = set(implicites)
    fixes = fixes or {}
    etats: dict[str, str] = {}
    for c, v in valeurs.items():
        if c in fixes:
            etats[c] = fixes[c]
        elif c in implicites:
            etats[c] = IMPLICITE
        else:
            etats[c] = PRIMAIRE if 0 < v < SEUIL_SECRET else VISIBLE
    if not any(e in (PRIMAIRE, SECRET) or (e == IMPLICITE and 0 < valeurs[c] < SEUIL_SECRET) for c, e in etats.items()):
        return etats  # nothing to protect
    par_cellule: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        for c in (r.total, *r.parties):
            par_cellule[c].append(r)

    # the cells fixed as shown are constants once and for all: folded into the relations once
    constantes = {c: valeurs[c] for c, e in fixes.items() if e == VISIBLE}
    formes = _formes(relations, constantes)
    index = _index(formes)
    variables = [c for c in etats if c not in constantes]

    def bornes(etats_):
        lo, hi = {}, {}
        for c in variables:
            lo[c], hi[c] = domaine(valeurs[c], etats_[c])
        _propager(formes, lo, hi, index)
        return {c: (lo[c], min(hi[c], INFINI)) for c in variables}

    def sensible(c: str) -> bool:
        e = etats[c]
        return e in (PRIMAIRE, SECRET) or (e == IMPLICITE and 0 < valeurs[c] < SEUIL_SECRET)

    def supprimer(candidats: set[str], voulue: int) -> dict[str, tuple[int, int]]:
        au_mieux = None  # every candidate suppressed: computed once, if needed
        abandonnees: set[str] = set()
        while True:
            actuelles = bornes(etats)
            faibles = [
                c
                for c in variables
                if sensible(c) and c not in abandonnees and largeur(actuelles[c]) < (voulue if etats[c] != SECRET else 1)
            ]
            if faibles and au_mieux is None:
                au_mieux = bornes({c: SECRET if c in candidats else e for c, e in etats.items()})
            faibles = [c for c in faibles if largeur(actuelles[c]) < largeur(au_mieux[c])]
            if not faibles:
                return actuelles
            choix = _candidat(faibles[0], actuelles, etats, candidats, par_cellule, valeurs)
            if choix is None:
                abandonnees.add(faibles[0])
                continue
            etats[choix] = SECRET
            candidats.discard(choix)

    libres = {c for c, e in etats.items() if c not in fixes and e != IMPLICITE}
    actuelles = supprimer({c for c in libres if etats[c] == VISIBLE and valeurs[c] >= SEUIL_SECRET}, LARGEUR_VOULUE)
    if any(sensible(c) and largeur(actuelles[c]) == 0 for c in variables):
        actuelles = supprimer({c for c in libres if etats[c] in (VISIBLE, PRIMAIRE) and valeurs[c] > 0}, 1)
    for c in libres:
        if etats[c] == SECRET and largeur(actuelles[c]) == 0:
            etats[c] = VISIBLE if valeurs[c] >= SEUIL_SECRET else PRIMAIRE
    return etats


def _candidat(cellule, actuelles, etats, candidats, par_cellule, valeurs) -> str | None:
    """The cell to suppress for ``cellule``: among the candidates of the nearest relations (then
    of the relations of the hidden cells met on the way), the smallest that gives enough room,
    else the largest."""
    manque = LARGEUR_VOULUE - largeur(actuelles[cellule])
    # a « < 5 » cell is suppressed only when no cell of 5 or more is near: largest first
    vues, front = {cellule}, [cellule]
    while front:
        proches = []
        suivants = []
        for c in front:
            for r in par_cellule[c]:
                for voisine in (r.total, *r.parties):
                    if voisine in vues:
                        continue
                    vues.add(voisine)
                    if voisine in candidats:
                        proches.append(voisine)
                    elif etats[voisine] != VISIBLE:
                        suivants.append(voisine)
        if proches:
            grandes = sorted((c for c in proches if valeurs[c] >= SEUIL_SECRET), key=lambda c: (valeurs[c], c))
            if not grandes:
                return max(proches, key=lambda c: (valeurs[c], c))
            assez = [c for c in grandes if valeurs[c] - SEUIL_SECRET >= manque]
            return assez[0] if assez else grandes[-1]
        front = suivants
    return None


# ------------------------------------------------------------------ one page's figures as cells and relations


def _positifs() -> frozenset:
    from parcours.models import RESULTATS_POSITIFS

    return frozenset(RESULTATS_POSITIFS)


def plan(i: Indicateurs, *, sortis_sorties: bool | None = None) -> tuple[dict[str, int], list[Relation], set[str]]:
    """The cells of a dashboard (and of the COPIL PDF, the Excel *Synthèse*: the same figures),
    their relations, and which cells are implicit (never shown, got by subtraction).
    ``sortis_sorties``: whether a reader takes the learners who left and the exits for one
    figure (by default, when they are equal). Returns (valeurs, relations, implicites)."""
    from .indicateurs import TYPES_CERTIFIANTS, TYPES_FORMATION  # the definitions of the figures

    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties
    v: dict[str, int] = {}
    relations: list[Relation] = []
    implicites: set[str] = set()

    def cellule(cle: str, n: int, *, implicite: bool = False) -> str:
        v[cle] = int(n)
        if implicite:
            implicites.add(cle)
        return cle

    def complement(total: str, partie: str, cle: str) -> None:
        """``total = partie + cle``: what the reader gets by subtraction."""
        cellule(cle, v[total] - v[partie], implicite=True)
        relations.append(Relation(total, (partie, cle)))

    acc = cellule("accompagnes", a.accompagnes.valeur)
    for cle, effectif in (("nouveaux", a.nouveaux), ("actifs", a.actifs), ("sortis", a.sortis)):
        complement(acc, cellule(cle, effectif.valeur), f"non_{cle}")
    for cle in ("qpv", "zrr", "rqth"):
        complement(acc, cellule(cle, getattr(p, cle).valeur), f"non_{cle}")
    situations = [cellule(cle, getattr(p, cle).valeur) for cle in ("neet", "demandeurs_emploi", "rsa")]
    autres = cellule("autres_situations", v[acc] - sum(v[c] for c in situations), implicite=True)
    relations.append(Relation(acc, (*situations, autres)))
    relations.append(Relation(acc, tuple(cellule(f"age:{li.cle}", li.effectif.valeur) for li in p.tranches_age)))

    # steps: total = formations + the others; formations = certifying + the other trainings
    types = {li.cle: cellule(f"etape:{li.cle}", li.effectif.valeur) for li in e.par_type}
    total = cellule("etapes", e.total.valeur)
    formations = cellule("formations", e.formations.valeur)
    certifiantes = cellule("certifiantes", e.certifiantes.valeur)  # shown through its share
    hors = cellule("hors_formations", v[total] - v[formations], implicite=True)
    relations.append(Relation(total, (formations, hors)))
    relations.append(Relation(hors, tuple(c for t, c in types.items() if t not in TYPES_FORMATION)))
    relations.append(
        Relation(formations, (certifiantes, *(c for t, c in types.items() if t in TYPES_FORMATION and t not in TYPES_CERTIFIANTS)))
    )
    relations.append(Relation(certifiantes, tuple(c for t, c in types.items() if t in TYPES_CERTIFIANTS)))
    # the same sums at once, as a reader adds them (propagation is not exact once relations make
    # cycles, as a roll-up's columns do: the reader's shortcuts are given too)
    relations.append(Relation(total, tuple(types.values())))
    relations.append(Relation(formations, tuple(c for t, c in types.items() if t in TYPES_FORMATION)))

    complement(cellule("freins_identifies", f.identifies.valeur), cellule("freins_leves", f.leves.valeur), "freins_non_leves")

    positifs = _positifs()
    for suffixe, lignes, total_, positives in (
        ("", s.a_la_sortie, s.total_sortie, s.positives_sortie),
        ("_6_mois", s.a_6_mois, s.total_6_mois, s.positives_6_mois),
    ):
        t = cellule(f"sorties{suffixe}", total_.valeur)
        pos = cellule(f"positives{suffixe}", positives.valeur)
        non = cellule(f"non_positives{suffixe}", v[t] - v[pos], implicite=True)
        relations.append(Relation(t, (pos, non)))
        parts = {li.cle: cellule(f"resultat{suffixe}:{li.cle}", li.effectif.valeur) for li in lignes}
        relations.append(Relation(pos, tuple(c for r, c in parts.items() if r in positifs)))
        relations.append(Relation(non, tuple(c for r, c in parts.items() if r not in positifs)))
        relations.append(Relation(t, tuple(parts.values())))
    # learners who left and exit outcomes are two counts, most often equal: a reader takes them
    # for one figure when they are
    if v["sortis"] == v["sorties"] if sortis_sorties is None else sortis_sorties:
        relations.append(Relation("sortis", ("sorties",)))

    cellule("places", i.sessions.apprenants_places.valeur)
    return v, relations, implicites


def _effectif(effectif: Effectif, etat: str) -> Effectif:
    return Effectif(effectif.valeur, masque=etat in (PRIMAIRE, SECRET, IMPLICITE), secret=etat == SECRET)


def appliquer(i: Indicateurs, etats: dict[str, str]) -> Indicateurs:
    """``i`` with each figure masked as ``etats`` (``plan``'s cells) says; rates masked with
    their numerator or denominator."""
    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties

    def E(cle: str, effectif: Effectif) -> Effectif:
        return _effectif(effectif, etats[cle])

    def T(num: str, den: str, taux: Taux) -> Taux:
        return replace(taux, masque=etats[num] != VISIBLE or etats[den] != VISIBLE)

    def L(prefixe: str, lignes: list[Ligne]) -> list[Ligne]:
        return [replace(li, effectif=E(f"{prefixe}:{li.cle}", li.effectif)) for li in lignes]

    return replace(
        i,
        masque=True,
        apprenants=replace(
            a,
            accompagnes=E("accompagnes", a.accompagnes),
            nouveaux=E("nouveaux", a.nouveaux),
            actifs=E("actifs", a.actifs),
            sortis=E("sortis", a.sortis),
        ),
        profil=replace(
            p,
            tranches_age=L("age", p.tranches_age),
            **{cle: E(cle, getattr(p, cle)) for cle in ("qpv", "zrr", "neet", "demandeurs_emploi", "rsa", "rqth")},
            **{
                f"part_{cle}": T(cle, "accompagnes", getattr(p, f"part_{cle}"))
                for cle in ("qpv", "zrr", "neet", "demandeurs_emploi", "rqth")
            },
        ),
        etapes=replace(
            e,
            par_type=L("etape", e.par_type),
            total=E("etapes", e.total),
            formations=E("formations", e.formations),
            certifiantes=E("certifiantes", e.certifiantes),
            pre_qualifiantes=E("etape:pre_qualification", e.pre_qualifiantes),
            part_certifiante=T("certifiantes", "formations", e.part_certifiante),
            part_pre_qualifiante=T("etape:pre_qualification", "formations", e.part_pre_qualifiante),
        ),
        freins=replace(
            f,
            identifies=E("freins_identifies", f.identifies),
            leves=E("freins_leves", f.leves),
            part_leves=T("freins_leves", "freins_identifies", f.part_leves),
        ),
        sorties=replace(
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
        sessions=replace(i.sessions, apprenants_places=E("places", i.sessions.apprenants_places)),
    )


def etats_tableau(i: Indicateurs) -> dict[str, str]:
    """The masking of one dashboard (or PDF, or sheet of the same figures), alone."""
    valeurs, relations, implicites = plan(i)
    return dict(_proteger_memo(tuple(valeurs.items()), tuple(relations), frozenset(implicites)))


def _proteger_memo(valeurs: tuple, relations: tuple, implicites: frozenset, fixes: tuple = ()) -> tuple:
    """``proteger``, remembered: a pure function of the figures, asked again for the same
    project by every dashboard, PDF and roll-up that shows it (a national roll-up masks 204
    dashboards, then its totals). Nothing but the figures' masking is kept, per process; the
    result is the same in every process."""
    return tuple(proteger(dict(valeurs), list(relations), implicites=implicites, fixes=dict(fixes)).items())


# a page's masking is small (some 80 cells): many are kept; a roll-up's is large: a few
_proteger_synthese_memo = lru_cache(maxsize=8)(_proteger_memo)
_proteger_memo = lru_cache(maxsize=4096)(_proteger_memo)


def masquer(i: Indicateurs) -> Indicateurs:
    """``i`` (computed in clear) as a funder sees it on one project's pages."""
    return appliquer(i, etats_tableau(i))


def plan_synthese(
    total: Indicateurs, par_projet: list[Indicateurs]
) -> tuple[dict[str, int], list[Relation], set[str], dict[str, str], list[dict[str, str]]]:
    """The cells of a roll-up: every project's dashboard (``<n>:<cell>``, their states fixed by
    their own dashboards), the totals (``total:<cell>``), and for each cell ``total = sum of the
    projects``. Returns (valeurs, relations, implicites, fixes, each project's own states)."""
    valeurs: dict[str, int] = {}
    relations: list[Relation] = []
    implicites: set[str] = set()
    fixes: dict[str, str] = {}
    etats_projets: list[dict[str, str]] = []
    colonnes: dict[str, list[str]] = defaultdict(list)
    for n, i in enumerate(par_projet):
        v, rel, imp = plan(i)
        etats = dict(_proteger_memo(tuple(v.items()), tuple(rel), frozenset(imp)))
        etats_projets.append(etats)
        for cle, valeur in v.items():
            valeurs[f"{n}:{cle}"] = valeur
            fixes[f"{n}:{cle}"] = etats[cle]
            colonnes[cle].append(f"{n}:{cle}")
        relations += [Relation(f"{n}:{r.total}", tuple(f"{n}:{c}" for c in r.parties)) for r in rel]
    # the total's learners who left and exits read as one figure when each project's do
    egaux = all(i.apprenants.sortis.valeur == i.sorties.total_sortie.valeur for i in par_projet)
    v, rel, imp = plan(total, sortis_sorties=egaux)
    for cle, valeur in v.items():
        valeurs[f"total:{cle}"] = valeur
    implicites |= {f"total:{c}" for c in imp}
    relations += [Relation(f"total:{r.total}", tuple(f"total:{c}" for c in r.parties)) for r in rel]
    relations += [Relation(f"total:{cle}", tuple(cellules)) for cle, cellules in colonnes.items() if f"total:{cle}" in valeurs]
    return valeurs, relations, implicites, fixes, etats_projets


def masquer_synthese(
    total: Indicateurs, par_projet: list[tuple[object, Indicateurs]]
) -> tuple[Indicateurs, list[tuple[object, Indicateurs]]]:
    """The roll-up as a funder sees it: each project exactly as its own dashboard (``masquer``),
    the totals hidden where they would give a masked cell back (module docstring)."""
    figures = [i for _, i in par_projet]
    valeurs, relations, implicites, fixes, etats_projets = plan_synthese(total, figures)
    etats = dict(_proteger_synthese_memo(tuple(valeurs.items()), tuple(relations), frozenset(implicites), tuple(fixes.items())))
    projets = [(projet, appliquer(i, e)) for (projet, i), e in zip(par_projet, etats_projets, strict=True)]
    total_masque = appliquer(total, {cle[len("total:") :]: e for cle, e in etats.items() if cle.startswith("total:")})
    return total_masque, projets
