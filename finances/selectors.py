"""Money reads and rules, in one place: the volunteer cap, the engineering cap, the treasury.

Plain functions returning frozen dataclasses, ``Decimal`` only. The finance page, the home
to-do and (later) the COPIL indicators all call these: a figure is computed here only.

The volunteer cap (see docs/finances.md): the share of counted volunteer valuation in the
funding's total (expenses + counted valuation) may not exceed the cap ``c``. So the counted
valuation is ``min(V, c / (1 − c) × D)``; the rest of ``V`` is "au-delà du plafond".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import connections
from django.db.models import F, Sum
from django.db.models.functions import Round
from django.utils import timezone

from .models import CENT, CategorieBudget, Depense, LigneBudget, TempsBenevole, Versement, arrondi_centime

ZERO = Decimal("0.00")
CENT_POUR_CENT = Decimal("100")
SEUIL_ORANGE = Decimal("0.9")  # the gauge turns orange at 90 % of the cap
DELAI_VERSEMENT = timedelta(days=45)  # the to-do warns this long before a request deadline
CATEGORIES = CategorieBudget.choices  # read once: ``.choices`` rebuilds its list at each access


class Niveau:
    OK = "ok"
    ORANGE = "orange"
    ROUGE = "rouge"


def valorisation(heures: Decimal, taux_horaire: Decimal) -> Decimal:
    """One line of volunteer time: hours × rate, rounded half-up to the cent."""
    return arrondi_centime(Decimal(heures) * Decimal(taux_horaire))


@dataclass(frozen=True)
class Benevolat:
    """Volunteer time of a funding (or a project): valorised lines and "donné en plus" lines."""

    heures_valorisees: Decimal = ZERO
    valorise: Decimal = ZERO
    heures_donnees: Decimal = ZERO
    donne_en_plus: Decimal = ZERO


def cumuler_benevolat(lignes: Iterable[tuple[Decimal, Decimal, bool]]) -> Benevolat:
    """``lignes``: (heures, taux_horaire, valorise). Each line is rounded before summing."""
    hv = v = hd = d = ZERO
    for heures, taux, compte in lignes:
        montant = valorisation(heures, taux)
        if compte:
            hv, v = hv + heures, v + montant
        else:
            hd, d = hd + heures, d + montant
    return Benevolat(heures_valorisees=hv, valorise=v, heures_donnees=hd, donne_en_plus=d)


def benevolat_par_financement(ids: list[int]) -> dict[int, Benevolat]:
    """The volunteer time of each funding in ``ids`` (fundings without any line are absent).

    On PostgreSQL the sums are made by the database, each line rounded first:
    ``SUM(ROUND(heures * taux_horaire, 2))`` — exact ``numeric`` arithmetic, and ``ROUND`` breaks
    ties away from zero, which is half-up here since hours are positive and rates non-negative
    (database constraints). The 90 000 lines of a national roll-up then never leave the server.
    Elsewhere (SQLite stores decimals as floating-point numbers) the lines are read and summed
    in Python by ``cumuler_benevolat``. Same figures either way (tests/finances/test_perf_benevolat.py).
    """
    lignes = TempsBenevole.objects.filter(financement_id__in=ids).order_by()  # no "-date" sort
    if connections[lignes.db].vendor != "postgresql":
        temps = defaultdict(list)
        for fid, heures, taux, compte in lignes.values_list("financement_id", "heures", "taux_horaire", "valorise"):
            temps[fid].append((heures, taux, compte))
        return {fid: cumuler_benevolat(liste) for fid, liste in temps.items()}
    sommes = defaultdict(dict)
    for row in lignes.values("financement_id", "valorise").annotate(
        heures_total=Sum("heures"), montant=Sum(Round(F("heures") * F("taux_horaire"), 2))
    ):
        cle = ("heures_valorisees", "valorise") if row["valorise"] else ("heures_donnees", "donne_en_plus")
        sommes[row["financement_id"]].update({cle[0]: ZERO + row["heures_total"], cle[1]: ZERO + row["montant"]})
    return {fid: Benevolat(**valeurs) for fid, valeurs in sommes.items()}


@dataclass(frozen=True)
class Plafond:
    """The volunteer cap applied to a funding.

    ``limite`` is the most that may be counted (None: no limit); ``part`` the share of the
    counted valuation in (expenses + counted), in %; ``utilisation`` how much of ``limite`` the
    valorised time uses, in % (None when there is no limit or the limit is zero).
    """

    valorise: Decimal
    depenses: Decimal
    plafond: Decimal | None
    limite: Decimal | None
    compte: Decimal
    au_dela: Decimal
    part: Decimal
    part_brute: Decimal
    utilisation: Decimal | None
    niveau: str

    @property
    def depasse(self) -> bool:
        return self.au_dela > 0


def _pourcentage(numerateur: Decimal, denominateur: Decimal) -> Decimal:
    if denominateur <= 0:
        return ZERO
    return arrondi_centime(numerateur * CENT_POUR_CENT / denominateur)


def appliquer_plafond(*, valorise: Decimal, depenses: Decimal, plafond: Decimal | None) -> Plafond:
    """The cap rule. ``plafond`` in % (0–100) or None (no cap: everything counted).

    counted = min(V, cap / (1 − cap) × D), the limit rounded down to the cent; cap 100 % counts all,
    cap 0 % or zero expenses (with a cap below 100 %) count nothing.
    """
    valorise, depenses = Decimal(valorise), Decimal(depenses)
    if plafond is None or Decimal(plafond) >= CENT_POUR_CENT:
        limite = None
        compte = valorise
    else:
        plafond = Decimal(plafond)
        # cap/(1−cap) × D with the cap in %: exact as long as possible, rounded once, *down* to the
        # cent — the cap is a maximum, half a cent above it would break the funder's rule
        limite = (plafond * depenses / (CENT_POUR_CENT - plafond)).quantize(CENT, rounding=ROUND_DOWN)
        compte = min(valorise, limite)
    au_dela = valorise - compte
    if limite is None:
        utilisation, niveau = None, Niveau.OK
    else:
        utilisation = _pourcentage(valorise, limite) if limite > 0 else None
        if au_dela > 0:
            niveau = Niveau.ROUGE
        elif limite > 0 and valorise >= SEUIL_ORANGE * limite:
            niveau = Niveau.ORANGE
        else:
            niveau = Niveau.OK
    return Plafond(
        valorise=valorise,
        depenses=depenses,
        plafond=None if plafond is None else Decimal(plafond),
        limite=limite,
        compte=compte,
        au_dela=au_dela,
        part=_pourcentage(compte, depenses + compte),
        part_brute=_pourcentage(valorise, depenses + valorise),
        utilisation=utilisation,
        niveau=niveau,
    )


@dataclass(frozen=True)
class Ingenierie:
    depenses: Decimal
    montant_accorde: Decimal
    plafond: Decimal | None
    limite: Decimal | None
    au_dela: Decimal
    part: Decimal  # engineering expenses in % of the amount granted

    @property
    def depasse(self) -> bool:
        return self.au_dela > 0


def controler_ingenierie(*, depenses: Decimal, montant_accorde: Decimal, plafond: Decimal | None) -> Ingenierie:
    """Engineering expenses above ``plafond`` % of the amount granted are flagged."""
    depenses, montant_accorde = Decimal(depenses), Decimal(montant_accorde)
    limite = None if plafond is None else arrondi_centime(montant_accorde * Decimal(plafond) / CENT_POUR_CENT)
    au_dela = ZERO if limite is None else max(ZERO, depenses - limite)
    return Ingenierie(
        depenses=depenses,
        montant_accorde=montant_accorde,
        plafond=plafond,
        limite=limite,
        au_dela=au_dela,
        part=_pourcentage(depenses, montant_accorde),
    )


@dataclass(frozen=True)
class LigneCategorie:
    categorie: str
    libelle: str
    prevu: Decimal
    depense: Decimal

    @property
    def ecart(self) -> Decimal:
        return self.prevu - self.depense

    @property
    def taux(self) -> Decimal:
        return _pourcentage(self.depense, self.prevu)


@dataclass(frozen=True)
class Tresorerie:
    accorde: Decimal
    recu: Decimal
    demande: Decimal  # requested, not yet received
    a_demander: Decimal  # granted, neither received nor requested
    echeances: list = field(default_factory=list)  # payments not requested, by deadline


@dataclass(frozen=True)
class Synthese:
    financement: object
    categories: list[LigneCategorie]
    prevu: Decimal
    depense: Decimal
    benevolat: Benevolat
    plafond: Plafond
    ingenierie: Ingenierie
    tresorerie: Tresorerie


def syntheses(financements: list, *, aujourd_hui: date | None = None) -> list[Synthese]:
    """The figures of each funding, in a constant number of queries (4, whatever the count).

    The caller passes fundings it read through ``visible_to``; the rows summed here belong to
    them (aggregates only, no volunteer's name leaves this function).
    """
    aujourd_hui = aujourd_hui or timezone.localdate()
    ids = [f.pk for f in financements]
    prevus = defaultdict(lambda: ZERO)
    for row in LigneBudget.objects.filter(financement_id__in=ids).values("financement_id", "categorie").annotate(s=Sum("montant_prevu")):
        prevus[(row["financement_id"], row["categorie"])] = row["s"]
    depenses = defaultdict(lambda: ZERO)
    for row in (
        Depense.objects.filter(ligne__financement_id__in=ids)
        .values("ligne__financement_id", "ligne__categorie")
        .annotate(s=Sum("montant"))
        .order_by()
    ):
        depenses[(row["ligne__financement_id"], row["ligne__categorie"])] = row["s"]
    benevolats = benevolat_par_financement(ids)
    versements = defaultdict(list)
    for v in Versement.objects.filter(financement_id__in=ids).order_by("date_limite_demande", "pk"):
        versements[v.financement_id].append(v)

    resultat = []
    for f in financements:
        categories = [
            LigneCategorie(value, label, prevus[(f.pk, value)], depenses[(f.pk, value)])
            for value, label in CATEGORIES
            if prevus[(f.pk, value)] or depenses[(f.pk, value)]
        ]
        total_depense = sum((c.depense for c in categories), ZERO)
        benevolat = benevolats.get(f.pk, Benevolat())
        resultat.append(
            Synthese(
                financement=f,
                categories=categories,
                prevu=sum((c.prevu for c in categories), ZERO),
                depense=total_depense,
                benevolat=benevolat,
                plafond=appliquer_plafond(valorise=benevolat.valorise, depenses=total_depense, plafond=f.plafond_benevolat),
                ingenierie=controler_ingenierie(
                    depenses=depenses[(f.pk, CategorieBudget.INGENIERIE)],
                    montant_accorde=f.montant_accorde,
                    plafond=f.plafond_ingenierie,
                ),
                tresorerie=tresorerie(f, versements[f.pk], aujourd_hui=aujourd_hui),
            )
        )
    return resultat


@dataclass(frozen=True)
class Totaux:
    """The sum of several fundings' figures (the finance page, the indicators)."""

    accorde: Decimal = ZERO
    recu: Decimal = ZERO
    demande: Decimal = ZERO
    a_demander: Decimal = ZERO
    prevu: Decimal = ZERO
    depense: Decimal = ZERO
    valorise: Decimal = ZERO
    compte: Decimal = ZERO
    au_dela: Decimal = ZERO


def totaliser(liste: Iterable[Synthese]) -> Totaux:
    """Totals of syntheses already computed (no query)."""
    liste = list(liste)

    def somme(valeurs):
        return sum(valeurs, ZERO)

    return Totaux(
        accorde=somme(s.tresorerie.accorde for s in liste),
        recu=somme(s.tresorerie.recu for s in liste),
        demande=somme(s.tresorerie.demande for s in liste),
        a_demander=somme(s.tresorerie.a_demander for s in liste),
        prevu=somme(s.prevu for s in liste),
        depense=somme(s.depense for s in liste),
        valorise=somme(s.plafond.valorise for s in liste),
        compte=somme(s.plafond.compte for s in liste),
        au_dela=somme(s.plafond.au_dela for s in liste),
    )


def tresorerie(financement, versements: list, *, aujourd_hui: date) -> Tresorerie:
    recu = sum((v.montant for v in versements if v.date_reception), ZERO)
    demande = sum((v.montant for v in versements if v.date_demande and not v.date_reception), ZERO)
    echeances = [v for v in versements if not v.date_demande and not v.date_reception]
    return Tresorerie(
        accorde=financement.montant_accorde,
        recu=recu,
        demande=demande,
        a_demander=max(ZERO, financement.montant_accorde - recu - demande),
        echeances=echeances,
    )


def versement_a_demander(versement, *, aujourd_hui: date) -> bool:
    """Not requested yet and its deadline is within 45 days (or passed)."""
    return (
        versement.date_demande is None
        and versement.date_reception is None
        and versement.date_limite_demande is not None
        and versement.date_limite_demande <= aujourd_hui + DELAI_VERSEMENT
    )


# ------------------------------------------------------------------ eligibility per funding (issue 17)


@dataclass(frozen=True)
class Eligibilite:
    """Who and how many hours one funding may pay for.

    *Participants* of a funding: the learners of its project with a step overlapping the
    funding's period (a funding pays for what happens in its project during its life; no finer
    link exists between a step and a funding). *Hours*: the hours done (``heures_realisees``)
    of those steps. *Eligible*: a participant whose status at entry (``situation_entree``) the
    funding does not exclude (``Financement.statuts_exclus``), unless a coordinator decided
    otherwise for them (``DerogationEligibilite``, with its reason), and the hours of those."""

    financement: object
    participants: int
    eligibles: int
    heures: Decimal
    heures_eligibles: Decimal
    derogations: int


#: fundings read per query by ``eligibilites`` (four aggregates each)
ELIGIBILITES_PAR_REQUETE = 12


def eligibilites(financements: Iterable) -> list[Eligibilite]:
    """The eligibility of each funding: its overrides in one query, then its figures counted by
    the database — four conditional aggregates per funding over the steps of its project that
    overlap its period (two for a funding that excludes no status and has no override: its
    eligible are its participants), twelve fundings per query (a project has a few: one query,
    whatever the number of learners)."""
    from django.db.models import Count, Q, Sum

    from parcours.models import Etape

    from .models import DerogationEligibilite

    financements = list(financements)
    if not financements:
        return []
    derogations: dict[int, dict[int, bool]] = defaultdict(dict)
    for financement_id, apprenant_id, eligible in DerogationEligibilite.objects.filter(financement__in=financements).values_list(
        "financement_id", "apprenant_id", "eligible"
    ):
        derogations[financement_id][apprenant_id] = eligible
    figures: dict[int, dict[str, object]] = {}
    for i in range(0, len(financements), ELIGIBILITES_PAR_REQUETE):
        lot = financements[i : i + ELIGIBILITES_PAR_REQUETE]
        agregats = {}
        for f in lot:
            # the steps of its project overlapping its period
            etapes = Q(projet_id=f.projet_id, date_debut__lte=f.date_fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=f.date_debut))
            agregats |= {
                f"p{f.pk}": Count("parcours__apprenant_id", distinct=True, filter=etapes),
                f"h{f.pk}": Sum("heures_realisees", filter=etapes, default=Decimal(0)),
            }
            decisions = derogations.get(f.pk, {})
            if not (f.statuts_exclus or decisions):
                continue  # nobody excluded: its eligible are its participants (not counted twice)
            oui = [a for a, e in decisions.items() if e]
            non = [a for a, e in decisions.items() if not e]
            eligible = ~Q(parcours__apprenant__situation_entree__in=list(f.statuts_exclus or []))
            if non:
                eligible &= ~Q(parcours__apprenant_id__in=non)
            if oui:
                eligible |= Q(parcours__apprenant_id__in=oui)
            agregats |= {
                f"e{f.pk}": Count("parcours__apprenant_id", distinct=True, filter=etapes & eligible),
                f"he{f.pk}": Sum("heures_realisees", filter=etapes & eligible, default=Decimal(0)),
            }
        projets = {f.projet_id for f in lot}
        # a step's path and learner are in its project: said to the planner, it reads them
        # through the project's indexes instead of hashing the 77 000 paths (largest project,
        # EXPLAIN ANALYZE: 24,7 → 11,7 ms; without the learner's, the function takes 26 ms, not 20)
        lus = Etape.objects.filter(
            projet_id__in=projets, parcours__projet_id__in=projets, parcours__apprenant__projet_id__in=projets
        ).aggregate(**agregats)
        for f in lot:
            p, h = lus[f"p{f.pk}"], lus[f"h{f.pk}"]
            figures[f.pk] = {"p": p, "h": h, "e": lus.get(f"e{f.pk}", p), "he": lus.get(f"he{f.pk}", h)}
    return [
        Eligibilite(
            f,
            figures[f.pk]["p"],
            figures[f.pk]["e"],
            Decimal(figures[f.pk]["h"]),
            Decimal(figures[f.pk]["he"]),
            len(derogations.get(f.pk, {})),
        )
        for f in financements
    ]
