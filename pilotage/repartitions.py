"""Breakdowns and targets (issue 17): the figures funders ask for besides the dashboard's.

- *statuses* and *sex* of the accompanied learners (every status: they sum to the accompanied,
  nobody is invisible; « dont femmes »);
- *obstacles by type*, identified and lifted (the same obstacles as the dashboard's total);
- *prescribers* ranked by learners sent (the accompanied learners each sent) and by positive
  exits (the exits « à la sortie » of the period, positive, of the learners each sent);
- *sessions*: learners placed (the dashboard's definition, ``avec_placees``) and hours done per
  session overlapping the period; and per *site* (the sessions' commune, or « À distance »): the
  placements and hours of its sessions (a learner placed in two sessions of a site counts twice,
  as in the sessions' table: the sites add up to the sessions, so one masking holds for both);
- *eligibility per funding* (``finances.selectors.eligibilites``): participants and hours, and
  the eligible ones;
- *targets* (``finances.models.Objectif``) and their progress.

Same conventions as ``pilotage.indicateurs`` (the same period, the same learners), and the same
disclosure control: for a funder, every count goes through ``masquage.masquer_repartitions``,
tied to the dashboard's figures shown on the same page (the statuses sum to the accompanied, the
obstacles by type to the obstacles, the prescribers' positive exits to the positive exits…).
A constant number of queries per page, whatever the number of learners (one per funding and per
target: a project has a few).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format

from finances.models import Indicateur, Objectif
from finances.selectors import eligibilites
from parcours.models import (
    RESULTATS_POSITIFS,
    Apprenant,
    Etape,
    Frein,
    Parcours,
    ResultatSortie,
    SessionFormation,
    Sexe,
    Situation,
    Sortie,
    StatutEtape,
    TypeFrein,
    TypeSortie,
)
from partenaires.models import Organisation

from . import masquage, memo
from .indicateurs import MODELES_BRUTS, TYPES_FORMATION, Indicateurs, Periode, _ids, chevauchant, tableaux_masques
from .masquage import Effectif, Ligne, Relation

#: the exits that are a recruitment (the « recrutements » target)
RESULTATS_RECRUTEMENT = frozenset({ResultatSortie.EMPLOI_DURABLE, ResultatSortie.EMPLOI_TRANSITION, ResultatSortie.ALTERNANCE})
SANS_PRESCRIPTEUR = "Sans prescripteur"
# What the breakdowns read (``pilotage.memo``), part by part: the learners' (statuses, sex,
# obstacles, prescribers), the sessions' and sites', the eligibility per funding
MODELES_PROFILS = frozenset(
    {"conciergerie.projet", "parcours.apprenant", "parcours.parcours", "parcours.frein", "parcours.sortie", "partenaires.organisation"}
)
MODELES_SESSIONS = frozenset(
    {"conciergerie.projet", "parcours.sessionformation", "parcours.etape", "parcours.parcours", "partenaires.organisation"}
)
#: the fundings passed (their dates, excluded statuses, funders' names), their overrides, the
#: steps and learners they count
MODELES_ELIGIBILITES = frozenset(
    {
        "conciergerie.projet",
        "finances.financement",
        "finances.derogationeligibilite",
        "partenaires.organisation",
        "parcours.etape",
        "parcours.parcours",
        "parcours.apprenant",
    }
)
#: the breakdowns as shown: their parts', and the raw counts' models too, since masked they are
#: decided with the dashboard's figures
MODELES_REPARTITIONS = MODELES_BRUTS | MODELES_PROFILS | MODELES_SESSIONS | MODELES_ELIGIBILITES
#: what the targets' achievements read: the learners' and the steps'
MODELES_REALISES_PERSONNES = frozenset({"conciergerie.projet", "parcours.apprenant", "parcours.parcours", "parcours.sortie"})
MODELES_REALISES_ETAPES = frozenset({"conciergerie.projet", "parcours.etape", "parcours.parcours"})
MODELES_REALISES = MODELES_REALISES_PERSONNES | MODELES_REALISES_ETAPES
CENT = Decimal(100)


@dataclass(frozen=True)
class LigneFrein:
    cle: str
    libelle: str
    identifies: Effectif
    leves: Effectif


@dataclass(frozen=True)
class LignePrescripteur:
    nom: str
    envoyes: Effectif
    positives: Effectif


@dataclass(frozen=True)
class LigneSession:
    intitule: str
    organisation: str
    apprenants: Effectif
    heures: Decimal


@dataclass(frozen=True)
class LigneSite:
    """A training site: the sessions held at a commune, or at a distance."""

    site: str
    sessions: int
    apprenants: Effectif
    heures: Decimal


A_DISTANCE, SITE_NON_RENSEIGNE = "À distance", "Lieu non renseigné"


def site_de(session: dict) -> str:
    """The site a session (a row with ``commune`` and ``a_distance``) is counted in."""
    if session["a_distance"]:
        return A_DISTANCE
    return " ".join(session["commune"].split()) or SITE_NON_RENSEIGNE


@dataclass(frozen=True)
class LigneEligibilite:
    financement: object
    participants: Effectif
    eligibles: Effectif
    heures: Decimal
    heures_eligibles: Decimal


@dataclass(frozen=True)
class Repartitions:
    situations: list[Ligne]
    sexes: list[Ligne]
    femmes: Effectif
    freins: list[LigneFrein]
    prescripteurs: list[LignePrescripteur]  # by learners sent, most first
    prescripteurs_par_sorties: list[LignePrescripteur]  # by positive exits, most first
    sessions: list[LigneSession]
    sites: list[LigneSite]  # by learners placed, most first
    eligibilites: list[LigneEligibilite]
    masque: bool


def _accompagnes(projet_ids: list[int], periode: Periode):
    """The accompanied learners (``pilotage.indicateurs``' definition)."""
    debut, fin = periode.debut, periode.fin
    chevauche = chevauchant(debut, fin)
    return Apprenant.objects.filter(projet_id__in=projet_ids).filter(
        Q(date_entree__range=(debut, fin)) | Exists(Parcours.objects.filter(chevauche, apprenant_id=OuterRef("pk")))
    )


def calculer_repartitions(
    projets: Iterable,
    periode: Periode,
    *,
    indicateurs: Indicateurs,
    masquer: bool = False,
    financements: Sequence = (),
) -> Repartitions:
    """The breakdowns of one project (or several) for a period. ``indicateurs``: the dashboard's
    figures of the same projects and period, as the page shows them (masked for a funder): the
    breakdowns are masked consistently with them. ``financements``: the fundings whose
    eligibility is shown (read by the caller through ``visible_to``).

    One project's (a dashboard, a COPIL report) are kept until its next write to what they read
    (``pilotage.memo``), for each set of fundings and each reading (masked or not); ``indicateurs``
    is the same figures for the same data, so it needs no place in the key. Their three parts —
    the learners' (``_profils``), the sessions' (``_sessions``), the eligibility
    (``finances.selectors.eligibilites``) — are kept apart, each until a write to what it reads:
    a learner's record leaves the sessions' part kept, an attendance sheet the learners'."""
    ids = _ids(projets)
    financements = list(financements)
    if len(ids) != 1:
        return _repartitions(ids, periode, indicateurs=indicateurs, masquer=masquer, financements=financements)
    cle_financements = ",".join(str(f.pk) for f in sorted(financements, key=lambda f: f.pk))

    projet_id = ids[0]

    def calcul():
        return _assembler(
            memo.un_projet("repartitions_profils", projet_id, periode, lambda: _profils(ids, periode), modeles=MODELES_PROFILS),
            memo.un_projet("repartitions_sessions", projet_id, periode, lambda: _sessions(ids, periode), modeles=MODELES_SESSIONS),
            memo.un_projet(
                f"eligibilites:{cle_financements}", projet_id, periode, lambda: eligibilites(financements), modeles=MODELES_ELIGIBILITES
            ),
            indicateurs=indicateurs,
            masquer=masquer,
        )

    return memo.un_projet(f"repartitions:{int(masquer)}:{cle_financements}", projet_id, periode, calcul, modeles=MODELES_REPARTITIONS)


@dataclass(frozen=True)
class _Profils:
    """The learners' part of the breakdowns, in clear: counts by key (``situation:…``,
    ``sexe:…``, ``frein:…``, ``envoyes:…``, ``positives:…``), the prescribers in order and
    their names."""

    v: dict[str, int]
    prescripteurs: list
    noms: dict[int, str]


def _repartitions(ids: list[int], periode: Periode, *, indicateurs: Indicateurs, masquer: bool, financements: list) -> Repartitions:
    return _assembler(_profils(ids, periode), _sessions(ids, periode), eligibilites(financements), indicateurs=indicateurs, masquer=masquer)


def _profils(ids: list[int], periode: Periode) -> _Profils:
    """Statuses and sex of the accompanied learners, obstacles by type, prescribers by learners
    sent and by positive exits."""
    debut, fin = periode.debut, periode.fin
    accompagnes = _accompagnes(ids, periode)
    v: dict[str, int] = {}

    situations, sexes = Counter(), Counter()
    for row in accompagnes.values("situation_entree", "sexe").annotate(nb=Count("pk")).order_by():
        situations[row["situation_entree"]] += row["nb"]
        sexes[row["sexe"]] += row["nb"]
    for cle, _ in Situation.choices:
        v[f"situation:{cle}"] = situations[cle]
    for cle, _ in Sexe.choices:
        v[f"sexe:{cle}"] = sexes[cle]

    freins = {
        row["type"]: row
        for row in Frein.objects.filter(projet_id__in=ids, identifie_le__lte=fin)
        .filter(Q(leve=False) | Q(leve_le__gte=debut))
        .values("type")
        .annotate(identifies=Count("pk"), leves=Count("pk", filter=Q(leve=True, leve_le__lte=fin)))
        .order_by()
    }
    for cle, _ in TypeFrein.choices:
        row = freins.get(cle, {"identifies": 0, "leves": 0})
        v[f"frein:{cle}"], v[f"frein_leve:{cle}"] = row["identifies"], row["leves"]
        v[f"frein_actif:{cle}"] = row["identifies"] - row["leves"]

    envoyes = dict(accompagnes.values("prescripteur_id").annotate(nb=Count("pk")).values_list("prescripteur_id", "nb").order_by())
    positives = dict(
        # the path and its learner are in the exit's project: said, the planner reads them by the
        # project's indexes instead of hashing every path (9 → 1 ms on the largest project)
        Sortie.objects.filter(projet_id__in=ids, type=TypeSortie.SORTIE, date__range=(debut, fin), resultat__in=RESULTATS_POSITIFS)
        .filter(parcours__projet_id__in=ids, parcours__apprenant__projet_id__in=ids)
        .values("parcours__apprenant__prescripteur_id")
        .annotate(nb=Count("pk"))
        .values_list("parcours__apprenant__prescripteur_id", "nb")
        .order_by()
    )
    noms = dict(Organisation.objects.filter(pk__in=[p for p in {*envoyes, *positives} if p]).values_list("pk", "nom"))
    prescripteurs = sorted({*envoyes, *positives}, key=lambda p: (p is None, noms.get(p, "")))
    for p in prescripteurs:
        v[f"envoyes:{p}"], v[f"positives:{p}"] = envoyes.get(p, 0), positives.get(p, 0)
    return _Profils(v=v, prescripteurs=prescripteurs, noms=noms)


def _sessions(ids: list[int], periode: Periode) -> list[dict]:
    """The sessions overlapping the period, with their learners placed and hours done."""
    debut, fin = periode.debut, periode.fin
    heures = Etape.objects.filter(session_id=OuterRef("pk")).exclude(statut=StatutEtape.ABANDONNEE).order_by()
    heures = heures.values("session_id").annotate(h=Sum("heures_realisees")).values("h")
    return list(
        SessionFormation.objects.filter(projet_id__in=ids, date_debut__lte=fin, date_fin__gte=debut)
        .avec_placees()
        # (not « heures »: a session has its own, the planned hours per participant)
        .annotate(heures_faites=Coalesce(Subquery(heures), Decimal(0)))
        .values("pk", "intitule", "organisation__nom", "commune", "a_distance", "nb_placees", "heures_faites")
        .order_by("date_debut", "pk")
    )


def _assembler(profils: _Profils, sessions: list[dict], eligibles: list, *, indicateurs: Indicateurs, masquer: bool) -> Repartitions:
    """The breakdowns from their parts, masked with ``indicateurs`` for a funder."""
    v = dict(profils.v)
    prescripteurs, noms = profils.prescripteurs, profils.noms
    sites: dict[str, list[dict]] = {}
    for s in sessions:
        v[f"session:{s['pk']}"] = s["nb_placees"]
        sites.setdefault(site_de(s), []).append(s)
    for site, liste in sites.items():
        v[f"site:{site}"] = sum(s["nb_placees"] for s in liste)

    for e in eligibles:
        n = e.financement.pk
        v[f"participants:{n}"], v[f"eligibles:{n}"], v[f"non_eligibles:{n}"] = e.participants, e.eligibles, e.participants - e.eligibles

    implicites = {c for c in v if c.startswith(("frein_actif:", "non_eligibles:"))}
    if masquer:
        relations = _relations(v, prescripteurs, sessions, eligibles, sites)
        i = indicateurs
        tableau = {
            "accompagnes": i.apprenants.accompagnes,
            "neet": i.profil.neet,
            "demandeurs_emploi": i.profil.demandeurs_emploi,
            "rsa": i.profil.rsa,
            "freins_identifies": i.freins.identifies,
            "freins_leves": i.freins.leves,
            "positives": i.sorties.positives_sortie,
            "places": i.sessions.apprenants_places,
        }
        e = masquage.masquer_repartitions(v, relations, implicites=implicites, tableau=tableau)
    else:
        e = {c: Effectif(n) for c, n in v.items() if c not in implicites}

    lignes_prescripteurs = [
        LignePrescripteur(noms.get(p, SANS_PRESCRIPTEUR), e[f"envoyes:{p}"], e[f"positives:{p}"]) for p in prescripteurs
    ]
    return Repartitions(
        situations=[Ligne(cle, libelle, e[f"situation:{cle}"]) for cle, libelle in Situation.choices],
        sexes=[Ligne(cle, libelle, e[f"sexe:{cle}"]) for cle, libelle in Sexe.choices],
        femmes=e[f"sexe:{Sexe.FEMME}"],
        freins=[LigneFrein(cle, libelle, e[f"frein:{cle}"], e[f"frein_leve:{cle}"]) for cle, libelle in TypeFrein.choices],
        prescripteurs=sorted(lignes_prescripteurs, key=lambda li: -li.envoyes.valeur if not li.envoyes.masque else 0),
        prescripteurs_par_sorties=sorted(lignes_prescripteurs, key=lambda li: -li.positives.valeur if not li.positives.masque else 0),
        sessions=[
            LigneSession(s["intitule"], s["organisation__nom"], e[f"session:{s['pk']}"], Decimal(s["heures_faites"])) for s in sessions
        ],
        sites=sorted(
            (
                LigneSite(site, len(liste), e[f"site:{site}"], sum((Decimal(s["heures_faites"]) for s in liste), Decimal(0)))
                for site, liste in sites.items()
            ),
            key=lambda li: (li.site in (A_DISTANCE, SITE_NON_RENSEIGNE), -li.apprenants.valeur if not li.apprenants.masque else 0, li.site),
        ),
        eligibilites=[
            LigneEligibilite(
                x.financement, e[f"participants:{x.financement.pk}"], e[f"eligibles:{x.financement.pk}"], x.heures, x.heures_eligibles
            )
            for x in eligibles
        ],
        masque=masquer,
    )


def _relations(v: dict[str, int], prescripteurs, sessions, eligibles, sites) -> list[Relation]:
    """How the breakdowns add up, to each other and to the dashboard's figures."""

    def cles(prefixe: str) -> tuple[str, ...]:
        return tuple(c for c in v if c.startswith(prefixe))

    relations = [
        Relation("accompagnes", cles("situation:")),
        Relation("accompagnes", cles("sexe:")),
        Relation("neet", (f"situation:{Situation.NEET}",)),
        Relation("demandeurs_emploi", (f"situation:{Situation.DEMANDEUR_EMPLOI}",)),
        Relation("rsa", (f"situation:{Situation.RSA}",)),
        Relation("freins_identifies", cles("frein:")),
        Relation("freins_leves", cles("frein_leve:")),
        *(Relation(f"frein:{t}", (f"frein_leve:{t}", f"frein_actif:{t}")) for t, _ in TypeFrein.choices),
        Relation("accompagnes", tuple(f"envoyes:{p}" for p in prescripteurs)),
        Relation("positives", tuple(f"positives:{p}" for p in prescripteurs)),
        Relation("places", tuple(f"session:{s['pk']}" for s in sessions)),
        Relation("places", tuple(f"site:{site}" for site in sites)),
        *(Relation(f"site:{site}", tuple(f"session:{s['pk']}" for s in liste)) for site, liste in sites.items()),
    ]
    for x in eligibles:
        n = x.financement.pk
        relations.append(Relation(f"participants:{n}", (f"eligibles:{n}", f"non_eligibles:{n}")))
    return [r for r in relations if r.parties]


# ------------------------------------------------------------------ targets and their progress


@dataclass(frozen=True)
class Progression:
    """A target and where it stands. ``realise``: the figure reached over the target's period
    [début, échéance] (up to today); ``part_atteinte``: realise / cible (in %, at most 100 for
    the bar); ``part_ecoulee``: the share of the period gone by today. On time when the achieved
    share is at least the elapsed share (a rate: when it reaches its target)."""

    objectif: Objectif
    realise: Decimal
    affiche: str  # the figure as printed (masked for a funder: « < 5 », « s »)
    masque: bool
    part_atteinte: Decimal
    part_ecoulee: Decimal
    etat: str

    @property
    def barre(self) -> int:
        return 0 if self.masque else int(min(self.part_atteinte, CENT))

    @property
    def repere(self) -> int:
        """Where the elapsed share of the period falls on the bar (0–100)."""
        return int(min(self.part_ecoulee, CENT))

    @property
    def en_retard(self) -> bool:
        return self.etat in (EN_RETARD, ECHU)


ATTEINT, A_L_HEURE, EN_RETARD, ECHU = "Atteint", "Dans les temps", "En retard", "Échéance passée, non atteint"
NON_COMMUNIQUE = "Non communiqué (secret statistique)"


def _part(a, b) -> Decimal:
    if not b:
        return Decimal(0)
    return (Decimal(a) * CENT / Decimal(b)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _realises(debut: date, fin: date, projet_ids: list[int]) -> dict[int, dict[str, tuple[Decimal, int | None, int | None]]]:
    """Every figure a target may measure, over [debut, fin], for each project: the learners'
    (accompanied, recruitments, positive exits) and the steps' (trained, hours), each kept per
    project until its next write to what it reads (``pilotage.memo``: an attendance sheet leaves
    the learners' kept). Each figure: (value, count of people or numerator, denominator) — the
    counts for masking; ``None`` for hours (never masked)."""
    periode = Periode(debut, fin)
    mesures: dict[int, dict[str, tuple]] = {p: {} for p in projet_ids}
    for nom, (_, modeles) in GROUPES_REALISES.items():
        lues = memo.par_projet(
            f"realises_{nom}", projet_ids, periode, partial(_realises_calcules, periode=periode, groupe=nom), modeles=modeles
        )
        for p, figures in lues.items():
            mesures[p].update(figures)
    return mesures


def _realises_calcules(projet_ids: list[int], *, periode: Periode, groupe: str) -> dict[int, dict[str, tuple]]:
    """The figures of ``groupe`` (``GROUPES_REALISES``) for each project: queries grouped by
    project, whatever the number of projects and of targets."""
    fonction, _ = GROUPES_REALISES[groupe]
    return fonction(projet_ids, periode.debut, periode.fin)


def _realises_personnes(projet_ids: list[int], debut: date, fin: date) -> dict[int, dict[str, tuple]]:
    """Accompanied, recruitments, positive exits: two queries."""
    mesures: dict[int, dict[str, tuple]] = {
        p: {
            Indicateur.ACCOMPAGNES: (Decimal(0), 0, None),
            Indicateur.RECRUTEMENTS: (Decimal(0), 0, None),
            Indicateur.TAUX_SORTIES_POSITIVES: (Decimal(0), 0, 0),
        }
        for p in projet_ids
    }
    for li in _accompagnes(projet_ids, Periode(debut, fin)).values("projet_id").annotate(nb=Count("pk")).order_by():
        mesures[li["projet_id"]][Indicateur.ACCOMPAGNES] = (Decimal(li["nb"]), li["nb"], None)
    for li in (
        Sortie.objects.filter(projet_id__in=projet_ids, type=TypeSortie.SORTIE, date__range=(debut, fin))
        .values("projet_id")
        .annotate(
            total=Count("pk"),
            positives=Count("pk", filter=Q(resultat__in=RESULTATS_POSITIFS)),
            recrutements=Count("pk", filter=Q(resultat__in=RESULTATS_RECRUTEMENT)),
        )
        .order_by()
    ):
        m = mesures[li["projet_id"]]
        m[Indicateur.RECRUTEMENTS] = (Decimal(li["recrutements"]), li["recrutements"], None)
        m[Indicateur.TAUX_SORTIES_POSITIVES] = (_part(li["positives"], li["total"]), li["positives"], li["total"])
    return mesures


def _realises_etapes(projet_ids: list[int], debut: date, fin: date) -> dict[int, dict[str, tuple]]:
    """Trained (a training step not abandoned) and hours done: one query."""
    mesures: dict[int, dict[str, tuple]] = {
        p: {Indicateur.FORMES: (Decimal(0), 0, None), Indicateur.HEURES: (Decimal(0), None, None)} for p in projet_ids
    }
    chevauche = chevauchant(debut, fin)
    for li in (
        # (its path in its project: read by the project's index, not by hashing every path)
        Etape.objects.filter(chevauche, projet_id__in=projet_ids, parcours__projet_id__in=projet_ids, type__in=TYPES_FORMATION)
        .values("projet_id")
        .annotate(
            nb=Count("parcours__apprenant_id", distinct=True, filter=~Q(statut=StatutEtape.ABANDONNEE)),
            h=Sum("heures_realisees"),
        )
        .order_by()
    ):
        mesures[li["projet_id"]][Indicateur.FORMES] = (Decimal(li["nb"]), li["nb"], None)
        mesures[li["projet_id"]][Indicateur.HEURES] = (Decimal(li["h"] or 0), None, None)
    return mesures


#: the targets' figures in groups: name → (the function that counts them, the models it reads)
GROUPES_REALISES = {
    "personnes": (_realises_personnes, MODELES_REALISES_PERSONNES),
    "etapes": (_realises_etapes, MODELES_REALISES_ETAPES),
}


def realise(objectif: Objectif) -> tuple[Decimal, int | None, int | None]:
    """The figure ``objectif`` measures over its period [début, échéance] (``_realises``)."""
    return _realises(objectif.debut, objectif.date_echeance, [objectif.projet_id])[objectif.projet_id][objectif.indicateur]


def _etat_masque(indicateur: str, compte: int | None, denominateur: int | None, tableau: Indicateurs | None) -> str:
    """How a funder reads a target's figure: the state (``masquage.VISIBLE``, ``PRIMAIRE``,
    ``SECRET``) the project's dashboard over the target's period (``tableau``, masked) gives the
    same figure, so that the target never shows what that dashboard hides, nor lets it be
    recomputed:

    - the people accompanied, the positive-exit rate: figures of that dashboard, with its state;
    - the recruitments: the sum of three exit outcomes of that dashboard, protected with all its
      cells and relations, their states fixed (a recruitment figure beside « emploi durable 6,
      alternance 0 » would give back an « emploi de transition » hidden there);
    - the people trained: no figure of that dashboard adds up to it: hidden below 5;
    - hours are not people: never hidden.

    A function of the project, the period and the measured figure alone: ``etats_masques``
    keeps it per project."""
    if indicateur == Indicateur.HEURES:
        return masquage.VISIBLE
    if tableau is None or indicateur == Indicateur.FORMES:
        return masquage.etat_isole(compte, denominateur)
    if indicateur == Indicateur.ACCOMPAGNES:
        return masquage.etat_affiche(tableau.apprenants.accompagnes)
    if indicateur == Indicateur.TAUX_SORTIES_POSITIVES:
        return masquage.SECRET if tableau.sorties.taux_positif_sortie.masque else masquage.VISIBLE
    valeurs, relations, implicites = masquage.plan(tableau)
    parties = tuple(f"resultat:{r}" for r in RESULTATS_RECRUTEMENT if f"resultat:{r}" in valeurs)
    fixes = masquage.etats_tableau(tableau)
    etats = masquage.proteger(
        {**valeurs, "recrutements": compte or 0},
        [*relations, Relation("recrutements", parties)] if parties else relations,
        implicites=implicites,
        fixes=fixes,
    )
    return etats["recrutements"]


def etats_masques(projet_ids: list[int], periode: Periode) -> dict[int, dict[str, str]]:
    """For each project, how a funder reads each figure a target may measure over ``periode``
    (``_etat_masque``: agreeing with the project's dashboard over that period, masked), kept
    until the project's next write (``pilotage.memo``): a roll-up no longer reads 204 masked
    dashboards back to decide a handful of states."""

    def calcul(ids):
        tableaux = tableaux_masques(ids, periode)
        mesures = _realises(periode.debut, periode.fin, ids)
        return {p: {ind: _etat_masque(ind, mesures[p][ind][1], mesures[p][ind][2], tableaux[p]) for ind in Indicateur.values} for p in ids}

    return memo.par_projet("etats_objectifs", projet_ids, periode, calcul, modeles=MODELES_BRUTS | MODELES_REALISES)


def progression(
    objectif: Objectif, *, masquer: bool = False, au: date | None = None, mesure=None, lecture: str | None = None
) -> Progression:
    """Where ``objectif`` stands today (``au``); ``mesure``: its figure, if read already
    (``_realises``); ``lecture``: for a funder, how the figure is read (``etats_masques``: it agrees
    with the project's dashboard over the target's period, masked); read here if not given."""
    au = au or timezone.localdate()
    valeur, compte, denominateur = mesure if mesure is not None else realise(objectif)
    cible = objectif.valeur_cible
    debut, echeance = objectif.debut, objectif.date_echeance
    duree = (echeance - debut).days
    ecoulee = _part(min(max((au - debut).days, 0), duree), duree)
    atteinte = _part(valeur, cible)
    taux = objectif.indicateur == Indicateur.TAUX_SORTIES_POSITIVES
    if valeur >= cible:
        etat = ATTEINT
    elif au > echeance:
        etat = ECHU
    elif taux:
        etat = EN_RETARD  # a rate below its target is behind, whatever the date
    else:
        etat = A_L_HEURE if atteinte >= ecoulee else EN_RETARD
    visibilite = masquage.VISIBLE
    if masquer:
        if lecture is None:
            lecture = etats_masques([objectif.projet_id], Periode(debut, echeance))[objectif.projet_id][objectif.indicateur]
        visibilite = lecture
    masque = visibilite != masquage.VISIBLE
    if masque:
        affiche = masquage.MARQUE_SECRET if taux or visibilite == masquage.SECRET else masquage.MARQUE_PRIMAIRE
    elif taux:
        affiche = f"{number_format(valeur, force_grouping=True)}\u00a0%"
    elif objectif.indicateur == Indicateur.HEURES:
        affiche = f"{number_format(valeur, force_grouping=True)}\u00a0h"
    else:
        affiche = number_format(int(valeur), force_grouping=True)
    if masque:
        etat = NON_COMMUNIQUE  # « atteint » or « en retard » would tell on which side of the target it is
    return Progression(objectif, valeur, affiche, masque, atteinte, ecoulee, etat)


def progressions(objectifs: Iterable[Objectif], *, masquer: bool = False, au: date | None = None) -> list[Progression]:
    """The progress of each target (read by the caller through ``Objectif.objects.visible_to``):
    a constant number of queries per period, whatever the number of projects (the targets of a
    roll-up share a few periods): three per period (``_realises``)."""
    objectifs = list(objectifs)
    groupes: dict[tuple, set[int]] = {}
    for o in objectifs:
        groupes.setdefault((o.debut, o.date_echeance), set()).add(o.projet_id)
    lues = {periode: _realises(*periode, sorted(projets)) for periode, projets in groupes.items()}
    mesures = {o.pk: lues[(o.debut, o.date_echeance)][o.projet_id][o.indicateur] for o in objectifs}
    etats: dict[tuple, dict[int, dict[str, str]]] = {}
    if masquer:
        # how a funder reads each figure: the dashboards over the targets' periods, masked (the
        # same queries as one roll-up per period), kept per project (hours need none)
        a_lire: dict[tuple, set[int]] = {}
        for o in objectifs:
            if o.indicateur != Indicateur.HEURES:
                a_lire.setdefault((o.debut, o.date_echeance), set()).add(o.projet_id)
        etats = {periode: etats_masques(sorted(projets), Periode(*periode)) for periode, projets in a_lire.items()}
    return [
        progression(
            o,
            masquer=masquer,
            au=au,
            mesure=mesures[o.pk],
            lecture=masquage.VISIBLE
            if o.indicateur == Indicateur.HEURES
            else etats.get((o.debut, o.date_echeance), {}).get(o.projet_id, {}).get(o.indicateur),
        )
        for o in objectifs
    ]


def eligibilite_masquee(financement, *, masquer: bool) -> LigneEligibilite:
    """One funding's eligibility, as its page shows it (masked for a funder: the eligible and
    the non-eligible participants are both protected)."""
    (x,) = eligibilites([financement])
    v = {"participants": x.participants, "eligibles": x.eligibles, "non_eligibles": x.participants - x.eligibles}
    if masquer:
        e = masquage.masquer_repartitions(v, [Relation("participants", ("eligibles", "non_eligibles"))], implicites={"non_eligibles"})
    else:
        e = {c: Effectif(n) for c, n in v.items()}
    return LigneEligibilite(financement, e["participants"], e["eligibles"], x.heures, x.heures_eligibles)


def objectifs_accueil(*, user, projet, adhesion) -> dict | None:
    """The project home shows the targets' progress to whoever reads the dashboard (a funder:
    its fundings' targets, masked); nothing when there is no target."""
    from conciergerie.roles import peut

    if adhesion is None or not peut(adhesion.role, "tableau_de_bord.voir"):
        return None
    objectifs = list(Objectif.objects.visible_to(user, projet=projet).select_related("projet", "financement"))
    if not objectifs:
        return None
    masquer = masquage.masquer_pour(adhesion.role)
    return {"template": "pilotage/_objectifs_accueil.html", "progressions": progressions(objectifs, masquer=masquer), "projet": projet}
