"""The one indicators module: every figure of the dashboards, the COPIL PDF and the Excel bilans.

``calculer(projets, periode)`` returns an ``Indicateurs`` dataclass for one project or the sum of
several; ``calculer_par_projet`` gives the roll-up (each project, the total and the averages the
national programme reports). Both read the database in a constant number of grouped queries,
whatever the number of projects or rows: the raw counts are gathered per project (``Brut``),
summed, then turned into figures.

The caller has already resolved the projects through ``Projet.objects.visible_to`` and checked the
role's capability ``tableau_de_bord.voir``; rows never leave this module, only counts and sums.

Definitions (period = [debut, fin], dates included):

- *accompagnés*: learners who entered during the period, or have a path overlapping it;
  *nouveaux*: entered during the period; *actifs*: with a path still open at the period's end;
  *sortis*: with an exit outcome ("à la sortie") dated in the period.
- *profile at entry*: over the accompanied learners; the age bands use the age on the day the
  learner entered the conciergerie (``date_entree``), not at the period's end (a cohort of
  16–25 year-olds stays in « Moins de 26 ans » over a long period); a learner without a birth
  date is « Âge non renseigné ». Every status (``Situation``) and sex is counted
  (``pilotage.repartitions``): the statuses sum to the accompanied.
- *steps*: the steps overlapping the period; *formations* (« Formations ») are the training
  steps (pré-qualification, certifiante, diplômante, AFEST, alternance, formation distribuée,
  formation collective: ``TYPES_FORMATION``) among them; the certifying share is (certifiante +
  diplômante) / formations, the pre-qualifying share pré-qualification / formations, as the national synthesis counts them.
- *heures de formation* (``etapes.heures_prevues`` / ``heures_realisees``): the planned and
  done hours of those same training steps — the steps « Formations » counts, no other;
  ``heures_etapes_*``: the hours of every step overlapping the period (accompaniment and
  remobilisation included). A step's whole hours count once it overlaps the period.
- *positive outcomes*: emploi durable, emploi de transition, alternance, formation qualifiante,
  création d'activité (``parcours.models.RESULTATS_POSITIFS``).
- *sessions reached thanks to the conciergerie*: sessions overlapping the period whose placed
  learners alone reach the session's minimum (``SessionFormation.objects.avec_placees``).
- *finances*: the state of the fundings the caller passes (``finances.selectors.syntheses``), not
  limited to the period: a funding's cap applies to its whole life.

Masking (``masquer=True``, for funders and every file they may read): the figures are computed
in clear here, then ``pilotage.masquage`` (disclosure control, in one module) decides what is
shown: « < 5 » for 1 to 4 people, « s » for a figure hidden so that no such cell can be
recomputed from the others shown with it (totals, complements, the roll-up's totals against each
project's own dashboard), rates and averages hidden with their numerator or denominator.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Case, CharField, Count, Exists, Func, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from badges.indicateurs import badges_delivres
from competences import indicateurs as indicateurs_competences

# disclosure control (``pilotage.masquage``): the figures' types, and the one place that decides
# what a funder sees of them
from conciergerie.formats import date_longue
from finances.models import Financement, TempsBenevole
from finances.selectors import Totaux, syntheses, totaliser
from parcours.models import (
    RESULTATS_POSITIFS,
    Apprenant,
    Etape,
    Frein,
    Parcours,
    ResultatSortie,
    SessionFormation,
    Situation,
    Sortie,
    TypeEtape,
    TypeSortie,
)
from partenaires.models import MembreConsortium, Organisation, TypeOrganisation
from recits.models import Activite, Recit

from . import masquage, memo
from .masquage import (
    SEUIL_SECRET,  # noqa: F401  (re-exported)
    Effectif,
    Ligne,
    Moyenne,
    Taux,
)

TYPES_FORMATION = frozenset(
    {
        TypeEtape.PRE_QUALIFICATION,
        TypeEtape.FORMATION_CERTIFIANTE,
        TypeEtape.FORMATION_DIPLOMANTE,
        TypeEtape.AFEST,
        TypeEtape.ALTERNANCE,
        TypeEtape.FORMATION_DISTRIBUEE,
        TypeEtape.FORMATION_COLLECTIVE,
    }
)
TYPES_CERTIFIANTS = frozenset({TypeEtape.FORMATION_CERTIFIANTE, TypeEtape.FORMATION_DIPLOMANTE})
# the choices, read once: ``TextChoices.choices`` rebuilds its list at each access (a roll-up
# builds the figures of 204 projects)
CHOIX_ETAPES = TypeEtape.choices
CHOIX_RESULTATS = ResultatSortie.choices
CHOIX_ORGANISATIONS = TypeOrganisation.choices
TRANCHES_AGE = [  # (key, label, min age, max age excluded)
    ("moins_26", "Moins de 26 ans", 0, 26),
    ("de_26_44", "26 à 44 ans", 26, 45),
    ("de_45_54", "45 à 54 ans", 45, 55),
    ("plus_55", "55 ans et plus", 55, None),
]


# ------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    def __str__(self) -> str:
        return f"du {date_longue(self.debut)} au {date_longue(self.fin)}"


@dataclass(frozen=True)
class Apprenants:
    accompagnes: Effectif
    nouveaux: Effectif
    actifs: Effectif
    sortis: Effectif


@dataclass(frozen=True)
class Profil:
    tranches_age: list[Ligne]
    qpv: Effectif
    zrr: Effectif
    neet: Effectif
    demandeurs_emploi: Effectif
    rsa: Effectif
    rqth: Effectif
    part_qpv: Taux
    part_zrr: Taux
    part_neet: Taux
    part_demandeurs_emploi: Taux
    part_rqth: Taux


@dataclass(frozen=True)
class Etapes:
    """The steps overlapping the period. ``heures_prevues`` and ``heures_realisees``: the sums of
    the steps' planned and completed hours. A step in a session that has séances takes its
    ``heures_realisees`` from attendance — the sum of its participant's ``Presence.heures``
    over the session's séances, kept on the step by parcours/services_seances.py
    (``synchroniser_heures``) — and is no longer typed; any other step's hours are those typed
    on it. Every figure that reads the steps (dashboard, COPIL PDF, bilan) follows unchanged."""

    par_type: list[Ligne]
    total: Effectif
    formations: Effectif
    certifiantes: Effectif
    pre_qualifiantes: Effectif
    part_certifiante: Taux
    part_pre_qualifiante: Taux
    heures_prevues: Decimal  # of the training steps (« Formations »)
    heures_realisees: Decimal  # of the training steps (« Formations »)
    heures_etapes_prevues: Decimal = Decimal(0)  # of every step
    heures_etapes_realisees: Decimal = Decimal(0)  # of every step


@dataclass(frozen=True)
class Freins:
    identifies: Effectif
    leves: Effectif
    part_leves: Taux


@dataclass(frozen=True)
class Sorties:
    a_la_sortie: list[Ligne]
    a_6_mois: list[Ligne]
    total_sortie: Effectif
    total_6_mois: Effectif
    positives_sortie: Effectif
    positives_6_mois: Effectif
    taux_positif_sortie: Taux
    taux_positif_6_mois: Taux


@dataclass(frozen=True)
class Sessions:
    total: int
    atteintes_grace_conciergerie: int
    apprenants_places: Effectif


@dataclass(frozen=True)
class Partenaires:
    par_type: list[Ligne]
    organisations: int
    membres_consortium: int


@dataclass(frozen=True)
class Finances:
    financements: list  # finances.selectors.Synthese, one per funding
    totaux: Totaux


@dataclass(frozen=True)
class Benevolat:
    heures_valorisees: Decimal
    heures_donnees: Decimal


@dataclass(frozen=True)
class Indicateurs:
    periode: Periode
    nb_projets: int
    masque: bool
    apprenants: Apprenants
    profil: Profil
    etapes: Etapes
    freins: Freins
    sorties: Sorties
    sessions: Sessions
    partenaires: Partenaires
    finances: Finances
    benevolat: Benevolat
    recits: int
    activites: int


@dataclass(frozen=True)
class Moyennes:
    """The averages the national programme reports, over the projects of a roll-up."""

    apprenants_par_projet: Moyenne
    membres_par_consortium: Decimal
    part_qpv: Taux
    part_zrr: Taux
    part_certifiante: Taux


@dataclass(frozen=True)
class Synthese:
    """A roll-up: each project's figures, their sum and the averages."""

    total: Indicateurs
    par_projet: list[tuple[object, Indicateurs]]
    moyennes: Moyennes


# ------------------------------------------------------------------ raw counts, per project


@dataclass
class Brut:
    """Raw counts of one project (or of several, once summed). Counters only: summable."""

    n: Counter = field(default_factory=Counter)  # scalar counts and sums
    etapes: Counter = field(default_factory=Counter)  # step type -> count
    sorties: Counter = field(default_factory=Counter)  # (moment, résultat) -> count
    organisations: Counter = field(default_factory=Counter)  # organisation type -> count

    def __iadd__(self, other: Brut) -> Brut:
        for nom in ("n", "etapes", "sorties", "organisations"):
            getattr(self, nom).update(getattr(other, nom))
        return self


class _AAAAMMJJ(Func):
    """A date as the integer YYYYMMDD (2006-03-03 → 20060303). PostgreSQL's ``EXTRACT`` returns
    a ``numeric``, slow to compute for each of 60 000 learners: ``date_part`` (a float) cast
    to an integer there, ``strftime`` on SQLite."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        (champ,) = self.source_expressions
        annee, mois, jour = ExtractYear(champ), ExtractMonth(champ), ExtractDay(champ)
        return compiler.compile(annee * 10000 + mois * 100 + jour)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(date_part('year', {sql})::integer * 10000 + date_part('month', {sql})::integer * 100 + date_part('day', {sql})::integer)",
            (*params, *params, *params),
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime('%%Y%%m%%d', {sql}) AS INTEGER)", params


def _annoter_tranche_age(qs):
    """``qs`` (learners) with ``tranche_age``: the key of their age band (``TRANCHES_AGE``) on
    the day they entered the conciergerie (``date_entree``), NULL without a birth date. Issue 17:
    the age at the period's end made a 16–25 cohort drift into « 26 à 44 ans » over a long period.

    The age in whole years is the difference of the dates written YYYYMMDD, divided by 10 000
    and rounded down — the difference of the years, less one when the birthday had not come yet
    that year — so « aged at least N » is « that difference is at least N × 10 000 ». The band is
    a ``CASE`` the query groups by: PostgreSQL computes it once per learner (as sixteen filtered
    counts with the age written out in each, it took 290 of the national roll-up's 860 ms)."""
    ecart = _AAAAMMJJ("date_entree") - _AAAAMMJJ("date_naissance")
    quand = [When(Q(date_naissance__isnull=True), then=Value(None))]
    quand.append(When(Q(_ecart__lt=0), then=Value(None)))
    for cle, _, _mini, maxi in TRANCHES_AGE[:-1]:
        quand.append(When(Q(_ecart__lt=maxi * 10000), then=Value(cle)))
    dernier = TRANCHES_AGE[-1][0]
    return qs.annotate(_ecart=ecart).annotate(tranche_age=Case(*quand, default=Value(dernier), output_field=CharField()))


# What each value kept per project reads (``pilotage.memo.par_projet``'s ``modeles``): it is
# computed again after a write to one of these models only. The project itself (its dates) in
# each. tests/pilotage/test_memo_modeles.py runs every value on the demo and checks that its SQL
# reads no other table.
#: the raw counts, in three groups by what they read (``GROUPES_BRUTS``): the learners' (their
#: paths, obstacles and exits), the steps' (and sessions'), the network's
MODELES_PERSONNES = frozenset({"conciergerie.projet", "parcours.apprenant", "parcours.parcours", "parcours.frein", "parcours.sortie"})
MODELES_ETAPES = frozenset({"conciergerie.projet", "parcours.etape", "parcours.parcours", "parcours.sessionformation"})
MODELES_RESEAU = frozenset(
    {
        "conciergerie.projet",
        "partenaires.organisation",
        "partenaires.membreconsortium",
        "finances.tempsbenevole",
        "recits.activite",
        "recits.recit",
    }
)
MODELES_BRUTS = MODELES_PERSONNES | MODELES_ETAPES | MODELES_RESEAU
#: the fundings' money: what ``finances.selectors.syntheses`` reads, and the fundings and their
#: funders' names the caller passes
MODELES_FINANCES = frozenset(
    {
        "conciergerie.projet",
        "finances.financement",
        "finances.lignebudget",
        "finances.depense",
        "finances.versement",
        "finances.tempsbenevole",
        "partenaires.organisation",
    }
)
MODELES_EVALUATIONS = frozenset(
    {
        "conciergerie.projet",
        "competences.referentiel",
        "competences.bloc",
        "competences.competence",
        "competences.evaluation",
        "competences.niveauevaluation",
        "badges.badge",
    }
)
MODELES_AFEST = frozenset({"conciergerie.projet", "parcours.etape", "competences.composanteafest"})


def _bruts(projet_ids: list[int], periode: Periode) -> dict[int, Brut]:
    """Each project's raw counts over ``periode``, the sum of its groups' (``GROUPES_BRUTS``):
    each group's kept since the project's last write to what it reads (``pilotage.memo``), the
    others computed together (``_bruts_calcules``). An attendance sheet computes the steps'
    counts again, a learner's record the learners'."""
    totaux = {p: Brut() for p in projet_ids}
    for nom, (_, modeles) in GROUPES_BRUTS.items():
        lus = memo.par_projet(f"bruts_{nom}", projet_ids, periode, partial(_bruts_calcules, periode=periode, groupe=nom), modeles=modeles)
        for p, brut in lus.items():
            totaux[p] += brut
    return totaux


def _bruts_calcules(projet_ids: list[int], *, periode: Periode, groupe: str) -> dict[int, Brut]:
    """Raw counts of ``groupe`` for each of ``projet_ids`` (an empty ``Brut`` for a project
    without data): the same queries whatever their number, grouped by project."""
    bruts: dict[int, Brut] = defaultdict(Brut)
    fonction, _ = GROUPES_BRUTS[groupe]
    fonction(projet_ids, periode.debut, periode.fin, bruts)
    return {p: bruts.get(p, Brut()) for p in projet_ids}


def chevauchant(debut: date, fin: date) -> Q:
    """A row with dates (``date_debut``, ``date_fin``: open if NULL) that overlaps the period."""
    return Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))


def _bruts_personnes(projet_ids: list[int], debut: date, fin: date, bruts: dict[int, Brut]) -> None:
    """The learners accompanied (by profile and age band), active and gone, their obstacles and
    exits."""
    chevauche = chevauchant(debut, fin)
    parcours_chevauchant = Parcours.objects.filter(chevauche, apprenant_id=OuterRef("pk"))
    # grouped by age band at entry as well (``_annoter_tranche_age``), summed here per project
    # PostgreSQL runs the EXISTS as a hashed sub-plan (20 ms for 60 000 learners) but prices it
    # above the JIT threshold: the connection runs with jit=off (settings.py, docs/performance.md)
    apprenants = (
        _annoter_tranche_age(
            Apprenant.objects.filter(projet_id__in=projet_ids).filter(Q(date_entree__range=(debut, fin)) | Exists(parcours_chevauchant))
        )
        .values("projet_id", "tranche_age")
        .annotate(
            accompagnes=Count("pk"),
            nouveaux=Count("pk", filter=Q(date_entree__range=(debut, fin))),
            qpv=Count("pk", filter=Q(qpv=True)),
            zrr=Count("pk", filter=Q(zrr=True)),
            neet=Count("pk", filter=Q(situation_entree=Situation.NEET)),
            demandeurs_emploi=Count("pk", filter=Q(situation_entree=Situation.DEMANDEUR_EMPLOI)),
            rsa=Count("pk", filter=Q(situation_entree=Situation.RSA)),
            rqth=Count("pk", filter=Q(rqth=True)),
        )
        .order_by()
    )
    for row in apprenants:
        n = bruts[row.pop("projet_id")].n
        tranche = row.pop("tranche_age")
        if tranche is not None:
            n[tranche] += row["accompagnes"]
        n.update(row)

    # *actifs* and *sortis*, in one query grouped from the paths and the outcomes (not one
    # EXISTS per learner: at 60 000 learners its cost estimate made PostgreSQL JIT-compile the
    # query, ~0.4–0.8 s, more than the query itself — see docs/performance.md).
    # Both are grouped by the path's (and the outcome's) own project, without joining the
    # learners: a path is in its learner's project and an outcome in its path's
    # (``Parcours.clean``, ``parcours.services``), and PostgreSQL then reads a project's paths
    # through the project index instead of hashing the 60 000 learners (national roll-up:
    # 140 ms → 55 ms for both, docs/performance.md).
    # An open path at the period's end overlaps the period: its learner is accompanied.
    ouverts = (
        Parcours.objects.filter(chevauche, Q(date_fin__isnull=True) | Q(date_fin__gt=fin), projet_id__in=projet_ids)
        .values("projet_id")
        .annotate(cle=Value("actifs"), nb=Count("apprenant_id", distinct=True))
        .values_list("projet_id", "cle", "nb")
        .order_by()
    )
    # an exit in the period closes a path that overlaps it (``cloturer_parcours``): its learner is
    # accompanied; the definition itself (entered in the period, or any path overlapping it)
    # stays as the fallback, as hashed sub-plans that PostgreSQL then rarely runs
    accompagne = (
        Q(parcours__date_debut__lte=fin) & (Q(parcours__date_fin__isnull=True) | Q(parcours__date_fin__gte=debut))
        | Q(parcours__apprenant_id__in=Apprenant.objects.filter(date_entree__range=(debut, fin)).values("pk"))
        | Q(parcours__apprenant_id__in=Parcours.objects.filter(chevauche).values("apprenant_id"))
    )
    sortis = (
        Sortie.objects.filter(
            accompagne, type=TypeSortie.SORTIE, date__range=(debut, fin), projet_id__in=projet_ids, parcours__projet_id__in=projet_ids
        )
        .values("projet_id")
        .annotate(cle=Value("sortis"), nb=Count("parcours__apprenant_id", distinct=True))
        .values_list("projet_id", "cle", "nb")
        .order_by()
    )
    for projet_id, cle, nb in ouverts.union(sortis, all=True):
        bruts[projet_id].n[cle] += nb

    for row in (
        Frein.objects.filter(projet_id__in=projet_ids, identifie_le__lte=fin)
        .filter(Q(leve=False) | Q(leve_le__gte=debut))
        .values("projet_id")
        .annotate(identifies=Count("pk"), leves=Count("pk", filter=Q(leve=True, leve_le__lte=fin)))
        .order_by()
    ):
        bruts[row.pop("projet_id")].n.update(freins_identifies=row["identifies"], freins_leves=row["leves"])

    for row in (
        Sortie.objects.filter(projet_id__in=projet_ids, date__range=(debut, fin))
        .values("projet_id", "type", "resultat")
        .annotate(nb=Count("pk"))
        .order_by()
    ):
        bruts[row["projet_id"]].sorties[(row["type"], row["resultat"])] += row["nb"]


def _bruts_etapes(projet_ids: list[int], debut: date, fin: date, bruts: dict[int, Brut]) -> None:
    """The steps overlapping the period, by type, with their hours; the sessions and their
    learners placed."""
    chevauche = chevauchant(debut, fin)
    for row in (
        Etape.objects.filter(chevauche, projet_id__in=projet_ids)
        .values("projet_id", "type")
        .annotate(nb=Count("pk"), hp=Sum("heures_prevues"), hr=Sum("heures_realisees"))
        .order_by()
    ):
        brut = bruts[row["projet_id"]]
        brut.etapes[row["type"]] += row["nb"]
        # « Heures de formation » over the steps « Formations » counts (issue 17), and every
        # step's hours apart
        if row["type"] in TYPES_FORMATION:
            brut.n["heures_prevues"] += row["hp"] or 0
            brut.n["heures_realisees"] += row["hr"] or 0
        brut.n["heures_etapes_prevues"] += row["hp"] or 0
        brut.n["heures_etapes_realisees"] += row["hr"] or 0

    for session in (
        SessionFormation.objects.filter(projet_id__in=projet_ids, date_debut__lte=fin, date_fin__gte=debut)
        .avec_placees()
        .values("projet_id", "places_min", "nb_placees")
        .order_by()
    ):
        brut = bruts[session["projet_id"]]
        brut.n["sessions"] += 1
        brut.n["places"] += session["nb_placees"]
        if session["nb_placees"] and session["nb_placees"] >= session["places_min"]:
            brut.n["sessions_atteintes"] += 1


def _bruts_reseau(projet_ids: list[int], debut: date, fin: date, bruts: dict[int, Brut]) -> None:
    """The organisations, the consortium's members, the volunteer time, the stories and the
    activities."""
    for row in Organisation.objects.filter(projet_id__in=projet_ids).values("projet_id", "type").annotate(nb=Count("pk")).order_by():
        bruts[row["projet_id"]].organisations[row["type"]] += row["nb"]
    for row in (
        MembreConsortium.objects.filter(projet_id__in=projet_ids)
        .filter(Q(date_entree__isnull=True) | Q(date_entree__lte=fin), Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut))
        .values("projet_id")
        .annotate(nb=Count("pk"))
        .order_by()
    ):
        bruts[row["projet_id"]].n["membres"] += row["nb"]

    for row in (
        TempsBenevole.objects.filter(projet_id__in=projet_ids, date__range=(debut, fin))
        .values("projet_id", "valorise")
        .annotate(h=Sum("heures"))
        .order_by()
    ):
        cle = "heures_valorisees" if row["valorise"] else "heures_donnees"
        bruts[row["projet_id"]].n[cle] += row["h"] or 0

    for modele, cle in ((Recit, "recits"), (Activite, "activites")):
        for row in (
            modele.objects.filter(projet_id__in=projet_ids, date__range=(debut, fin))
            .values("projet_id")
            .annotate(nb=Count("pk"))
            .order_by()
        ):
            bruts[row["projet_id"]].n[cle] += row["nb"]


#: the raw counts' groups: name → (the function that counts them, the models it reads)
GROUPES_BRUTS = {
    "personnes": (_bruts_personnes, MODELES_PERSONNES),
    "etapes": (_bruts_etapes, MODELES_ETAPES),
    "reseau": (_bruts_reseau, MODELES_RESEAU),
}


# ------------------------------------------------------------------ from raw counts to figures


def _lignes(compteur: Counter, choix, *, garder_zero: bool = False) -> list[Ligne]:
    return [Ligne(valeur, libelle, Effectif(compteur[valeur])) for valeur, libelle in choix if garder_zero or compteur[valeur]]


def _syntheses(financements: Sequence) -> list:
    """``finances.selectors.syntheses`` of ``financements``, in their order: each project's kept
    until its next write (``pilotage.memo``), for this set of fundings (a funder sees its own) and
    today (the cash position's deadlines move with the date)."""
    financements = list(financements)
    par_projet: dict[int, list] = defaultdict(list)
    for f in financements:
        par_projet[f.projet_id].append(f)
    ensemble = hashlib.sha256(",".join(str(pk) for pk in sorted(f.pk for f in financements)).encode()).hexdigest()[:16]
    aujourd_hui = timezone.localdate()

    def calcul(ids):
        lues = {s.financement.pk: s for s in syntheses([f for p in ids for f in par_projet[p]], aujourd_hui=aujourd_hui)}
        return {p: [lues[f.pk] for f in par_projet[p]] for p in ids}

    gardees = memo.par_projet(f"finances:{ensemble}", list(par_projet), Periode(aujourd_hui, aujourd_hui), calcul, modeles=MODELES_FINANCES)
    rangs = {f.pk: i for i, f in enumerate(financements)}
    return sorted((s for liste in gardees.values() for s in liste), key=lambda s: rangs[s.financement.pk])


def _finances(financements: Sequence) -> Finances:
    liste = _syntheses(financements)
    return Finances(financements=liste, totaux=totaliser(liste))


def _indicateurs(brut: Brut, periode: Periode, *, nb_projets: int, masquer: bool, finances: Finances) -> Indicateurs:
    """The figures of ``brut``; with ``masquer``, as a funder sees them on one project's pages
    (``masquage.masquer``)."""
    indicateurs = _en_clair(brut, periode, nb_projets=nb_projets, finances=finances)
    return masquage.masquer(indicateurs) if masquer else indicateurs


def _en_clair(brut: Brut, periode: Periode, *, nb_projets: int, finances: Finances) -> Indicateurs:
    n = brut.n
    E = Effectif
    T = lambda a, b: Taux(a, b)  # noqa: E731
    accompagnes = n["accompagnes"]

    formations = sum(nb for type_, nb in brut.etapes.items() if type_ in TYPES_FORMATION)
    certifiantes = sum(brut.etapes[t] for t in TYPES_CERTIFIANTS)
    pre_qualifiantes = brut.etapes[TypeEtape.PRE_QUALIFICATION]

    def sorties(moment):
        return Counter({resultat: nb for (m, resultat), nb in brut.sorties.items() if m == moment})

    a_la_sortie, a_6_mois = sorties(TypeSortie.SORTIE), sorties(TypeSortie.SUIVI_6_MOIS)
    positives = {moment: sum(c[r] for r in RESULTATS_POSITIFS) for moment, c in ((1, a_la_sortie), (6, a_6_mois))}

    return Indicateurs(
        periode=periode,
        nb_projets=nb_projets,
        masque=False,
        apprenants=Apprenants(accompagnes=E(accompagnes), nouveaux=E(n["nouveaux"]), actifs=E(n["actifs"]), sortis=E(n["sortis"])),
        profil=Profil(
            tranches_age=[Ligne(cle, libelle, E(n[cle])) for cle, libelle, _, _ in TRANCHES_AGE]
            + [Ligne("inconnu", "Âge non renseigné", E(accompagnes - sum(n[cle] for cle, *_ in TRANCHES_AGE)))],
            qpv=E(n["qpv"]),
            zrr=E(n["zrr"]),
            neet=E(n["neet"]),
            demandeurs_emploi=E(n["demandeurs_emploi"]),
            rsa=E(n["rsa"]),
            rqth=E(n["rqth"]),
            part_qpv=T(n["qpv"], accompagnes),
            part_zrr=T(n["zrr"], accompagnes),
            part_neet=T(n["neet"], accompagnes),
            part_demandeurs_emploi=T(n["demandeurs_emploi"], accompagnes),
            part_rqth=T(n["rqth"], accompagnes),
        ),
        etapes=Etapes(
            par_type=_lignes(brut.etapes, CHOIX_ETAPES, garder_zero=True),
            total=E(sum(brut.etapes.values())),
            formations=E(formations),
            certifiantes=E(certifiantes),
            pre_qualifiantes=E(pre_qualifiantes),
            part_certifiante=T(certifiantes, formations),
            part_pre_qualifiante=T(pre_qualifiantes, formations),
            heures_prevues=Decimal(n["heures_prevues"]),
            heures_realisees=Decimal(n["heures_realisees"]),
            heures_etapes_prevues=Decimal(n["heures_etapes_prevues"]),
            heures_etapes_realisees=Decimal(n["heures_etapes_realisees"]),
        ),
        freins=Freins(
            identifies=E(n["freins_identifies"]), leves=E(n["freins_leves"]), part_leves=T(n["freins_leves"], n["freins_identifies"])
        ),
        sorties=Sorties(
            a_la_sortie=_lignes(a_la_sortie, CHOIX_RESULTATS),
            a_6_mois=_lignes(a_6_mois, CHOIX_RESULTATS),
            total_sortie=E(sum(a_la_sortie.values())),
            total_6_mois=E(sum(a_6_mois.values())),
            positives_sortie=E(positives[1]),
            positives_6_mois=E(positives[6]),
            taux_positif_sortie=T(positives[1], sum(a_la_sortie.values())),
            taux_positif_6_mois=T(positives[6], sum(a_6_mois.values())),
        ),
        sessions=Sessions(total=n["sessions"], atteintes_grace_conciergerie=n["sessions_atteintes"], apprenants_places=E(n["places"])),
        partenaires=Partenaires(
            par_type=_lignes(brut.organisations, CHOIX_ORGANISATIONS),  # organisations are no people: never masked
            organisations=sum(brut.organisations.values()),
            membres_consortium=n["membres"],
        ),
        finances=finances,
        benevolat=Benevolat(heures_valorisees=Decimal(n["heures_valorisees"]), heures_donnees=Decimal(n["heures_donnees"])),
        recits=n["recits"],
        activites=n["activites"],
    )


def _ids(projets: Iterable) -> list[int]:
    return [getattr(p, "pk", p) for p in projets]


def calculer(projets: Iterable, periode: Periode, *, masquer: bool = False, financements: Sequence | None = None) -> Indicateurs:
    """The figures of one project, or the sum of several, for a period.

    ``financements``: the fundings whose money is shown, read by the caller through
    ``Financement.objects.visible_to(user)`` (a funder sees its own); ``None`` means all the
    fundings of these projects (for a COPIL report, made for the whole committee).
    """
    ids = _ids(projets)
    total = Brut()
    for brut in _bruts(ids, periode).values():
        total += brut
    if financements is None:
        financements = Financement.objects.filter(projet_id__in=ids).select_related("financeur")
    return _indicateurs(total, periode, nb_projets=len(ids), masquer=masquer, finances=_finances(financements))


def tableaux_masques(projet_ids: Sequence[int], periode: Periode) -> dict[int, Indicateurs]:
    """Each project's dashboard over ``periode`` as a funder reads it (masked, no money), for
    the figures shown elsewhere that must agree with it (``pilotage.repartitions.progressions``:
    the targets' progress). The same queries as ``calculer``, grouped by project."""

    def calcul(ids):
        bruts = _bruts(ids, periode)
        sans_argent = Finances(financements=[], totaux=totaliser([]))
        return {p: _indicateurs(bruts.get(p, Brut()), periode, nb_projets=1, masquer=True, finances=sans_argent) for p in ids}

    return memo.par_projet("tableau_masque", projet_ids, periode, calcul, modeles=MODELES_BRUTS)


def _moyenne(total: int, nb: int) -> Decimal:
    if not nb:
        return Decimal("0.0")
    return (Decimal(total) / nb).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def calculer_par_projet(projets: Sequence, periode: Periode, *, masquer: bool = True, financements: Sequence | None = None) -> Synthese:
    """The roll-up: each project side by side, their sum and the national averages.

    Same queries as ``calculer`` (grouped by project), whatever the number of projects.
    """
    projets = list(projets)
    ids = _ids(projets)
    bruts = _bruts(ids, periode)
    if financements is None:
        financements = Financement.objects.filter(projet_id__in=ids).select_related("financeur")
    financements = list(financements)
    par_financement = defaultdict(list)
    for f in financements:
        par_financement[f.projet_id].append(f)
    finances_projets = {s.financement.pk: s for s in _syntheses(financements)}

    total = Brut()
    par_projet = []
    for projet in projets:
        brut = bruts.get(projet.pk, Brut())
        total += brut
        liste = [finances_projets[f.pk] for f in par_financement[projet.pk]]
        par_projet.append((projet, _en_clair(brut, periode, nb_projets=1, finances=Finances(financements=liste, totaux=totaliser(liste)))))
    somme = _en_clair(
        total,
        periode,
        nb_projets=len(ids),
        finances=Finances(financements=list(finances_projets.values()), totaux=totaliser(finances_projets.values())),
    )
    if masquer:
        # each project as its own dashboard shows it, the totals decided with them
        somme, par_projet = masquage.masquer_synthese(somme, par_projet)
    moyennes = Moyennes(
        apprenants_par_projet=Moyenne(_moyenne(total.n["accompagnes"], len(ids)), somme.apprenants.accompagnes.masque),
        membres_par_consortium=_moyenne(total.n["membres"], len(ids)),
        # the shares of the whole: those of the totals, masked with them
        part_qpv=somme.profil.part_qpv,
        part_zrr=somme.profil.part_zrr,
        part_certifiante=somme.etapes.part_certifiante,
    )
    return Synthese(total=somme, par_projet=par_projet, moyennes=moyennes)


# ------------------------------------------------------------------ competences (issue 18)


def competences(projets: Iterable, periode: Periode, *, masquer: bool = False) -> masquage.CompetencesAffichees:
    """The competence figures (``competences.indicateurs``: evaluations, learners evaluated,
    progression per bloc, AFEST complete vs incomplete), masked for funders by ``pilotage.masquage``.
    and the Open Badges issued in the period (``badges.indicateurs``). The dashboard, the COPIL
    report and the bilan's « Compétences » sheet all call this."""
    ids = _ids(projets)
    debut, fin = periode.debut, periode.fin

    def evaluees():
        return indicateurs_competences.evaluees(ids, debut, fin), badges_delivres(ids, debut, fin, par_classe=False)

    def afest():
        return indicateurs_competences.afest(ids, debut, fin)

    if len(ids) == 1:
        # a dashboard, a COPIL report: the evaluations kept until a write to them, the AFEST
        # steps until a write to the steps (an attendance sheet leaves the evaluations kept)
        (figures, badges), comptes_afest = (
            memo.un_projet("competences", ids[0], periode, evaluees, modeles=MODELES_EVALUATIONS),
            memo.un_projet("afest", ids[0], periode, afest, modeles=MODELES_AFEST),
        )
    else:
        (figures, badges), comptes_afest = evaluees(), afest()
    return masquage.competences(indicateurs_competences.avec_afest(figures, *comptes_afest), badges, masquer=masquer)
