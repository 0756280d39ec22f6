"""A deterministic dataset at the national programme's size, for benchmarks and load tests.

``Generateur(taille).executer()`` fills every app in one transaction with ``bulk_create`` (in
batches), from one seeded ``random.Random``: the same seed, size and reference date give the same
rows (primary keys and the database's own clock aside — creation/modification timestamps are
set from the data's dates, not from ``now()``).

Distributions (``../shared/domain/deffinov-rencontre-nationale-2025.txt`` where it says so):

- about 100 learners per project per year: a project's learners ∝ its age × a log-normal factor;
- ≈ 47 % of learners in a QPV and ≈ 46 % in a ZRR (per project, an urban/rural mix, rescaled so
  that the whole dataset hits the national shares; QPV and ZRR overlap only when they must);
- among training steps, ≈ 50 % pre-qualifying and ≈ 33 % certifying or diplômante (the
  indicators' ``part_pre_qualifiante`` and ``part_certifiante``);
- ≈ 5 members per consortium (one lead tiers-lieu, 1–3 OF, some associates), ~1 tiers-lieu and
  ~1.7 OF per consortium (208 tiers-lieux, 353 OF for 204 projects);
- elsewhere realistic guesses: ~1.2 paths per learner, ~3.3 steps per path, ~1.5 obstacles per
  learner (mobility first), exits and 6-month follow-ups (80 % recorded), 2.5 volunteer
  entries per learner, 3–4 fundings with caps (Deffinov: engineering ≤ 20 %, volunteering
  ≤ 30 %), budget lines, expenses, payments, sessions, value sharing, activities, récits
  (learners named only with their consent), a COPIL every four months.

Every row satisfies the models' constraints and ``clean()`` rules (the test runs ``full_clean``
on samples). Users: per project ``admin-NNN``, ``coord-NNN``, ``partenaire-NNN`` (at an OF of the
consortium), ``financeur-NNN``; per region ``region-<slug>`` (financeur through the Région in
each of its projects) and ``national`` (financeur through the Deffinov funder in every project).
All share one password (hashed once). A marker user (inactive, no membership) records the seed
and size: ``lire_marqueur()``.
"""

from __future__ import annotations

import random
import time
import unicodedata
from bisect import bisect
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, reset_queries, transaction

from conciergerie.models import Adhesion, Projet
from conciergerie.roles import Role
from demo import referentiel as R
from finances.models import Depense, Financement, LigneBudget, ModePartage, PartageValeur, TempsBenevole, TypeVersement, Versement
from parcours.models import (
    Apprenant,
    Etape,
    Frein,
    Modalite,
    Parcours,
    ResultatSortie,
    SessionFormation,
    Situation,
    Sortie,
    StatutEtape,
    StatutParcours,
    StatutSecu,
    TypeEtape,
    TypeSortie,
)
from partenaires.models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium, StatutQualiopi, TypeConvention
from partenaires.models import TypeOrganisation as TO
from recits.models import Activite, Copil, Recit, TypeActivite, TypeRecit

VERSION = 1
MARQUEUR = "generateur-donnees"
PARIS = ZoneInfo("Europe/Paris")
GROUPE = 12  # projects generated (and flushed) together
TE = TypeEtape
FORMATIONS = [
    # (type, share among training steps): 50 % pre-qualifying, 33 % certifying or diplômante
    (TE.PRE_QUALIFICATION, 50),
    (TE.FORMATION_CERTIFIANTE, 25),
    (TE.FORMATION_DIPLOMANTE, 8),
    (TE.AFEST, 5),
    (TE.ALTERNANCE, 4),
    (TE.FORMATION_DISTRIBUEE, 8),
]
DUREES = {  # days
    TE.ACCUEIL_DIAGNOSTIC: (1, 10),
    TE.REMOBILISATION: (14, 60),
    TE.ACCOMPAGNEMENT: (30, 120),
    TE.IMMERSION_PMSMP: (5, 20),
    TE.PRE_QUALIFICATION: (30, 120),
    TE.FORMATION_CERTIFIANTE: (90, 300),
    TE.FORMATION_DIPLOMANTE: (180, 365),
    TE.AFEST: (30, 120),
    TE.ALTERNANCE: (180, 365),
    TE.FORMATION_DISTRIBUEE: (30, 200),
}
HEURES = {
    TE.ACCUEIL_DIAGNOSTIC: (2, 6),
    TE.REMOBILISATION: (10, 60),
    TE.ACCOMPAGNEMENT: (5, 30),
    TE.IMMERSION_PMSMP: (35, 140),
    TE.PRE_QUALIFICATION: (70, 300),
    TE.FORMATION_CERTIFIANTE: (150, 800),
    TE.FORMATION_DIPLOMANTE: (400, 1200),
    TE.AFEST: (50, 200),
    TE.ALTERNANCE: (400, 1200),
    TE.FORMATION_DISTRIBUEE: (35, 400),
}
CERTIFIANTS = {TE.FORMATION_CERTIFIANTE, TE.FORMATION_DIPLOMANTE}
SESSIONS_TYPES = (TE.PRE_QUALIFICATION, TE.FORMATION_CERTIFIANTE, TE.FORMATION_DISTRIBUEE)
RS = ResultatSortie
SORTIES = [
    (RS.EMPLOI_DURABLE, 20),
    (RS.EMPLOI_TRANSITION, 15),
    (RS.ALTERNANCE, 8),
    (RS.FORMATION_QUALIFIANTE, 15),
    (RS.CREATION_ACTIVITE, 2),
    (RS.RECHERCHE_EMPLOI, 25),
    (RS.ABANDON, 10),
    (RS.AUTRE, 5),
]
SUIVIS = [
    (RS.EMPLOI_DURABLE, 30),
    (RS.EMPLOI_TRANSITION, 15),
    (RS.ALTERNANCE, 7),
    (RS.FORMATION_QUALIFIANTE, 10),
    (RS.CREATION_ACTIVITE, 3),
    (RS.RECHERCHE_EMPLOI, 25),
    (RS.ABANDON, 3),
    (RS.AUTRE, 7),
]
FREINS = [
    ("mobilite", 30),
    ("numerique", 15),
    ("financier", 12),
    ("garde_enfants", 10),
    ("administratif", 10),
    ("logement", 8),
    ("sante", 8),
    ("langue", 7),
]
#: fields set by Django from the clock (auto_now/auto_now_add): the generator sets them itself
HORODATAGES = [
    (Projet, "cree_le"),
    (Adhesion, "cree_le"),
    (Apprenant, "cree_le"),
    (Etape, "modifie_le"),
    (Recit, "cree_le"),
    (Recit, "modifie_le"),
]


@dataclass(frozen=True)
class Taille:
    projets: int = 204
    apprenants: int = 60_000
    graine: int = 42
    au: date = field(default_factory=date.today)
    historique: bool = True

    def signature(self) -> str:
        """What makes two datasets equal (the reference date aside: it only shifts dates)."""
        return f"v={VERSION};graine={self.graine};projets={self.projets};apprenants={self.apprenants};historique={int(self.historique)}"


def lire_marqueur() -> dict | None:
    """The marker left by a complete generation: {"v", "graine", "projets", "apprenants",
    "historique", "au", "signature"}, or None."""
    user = get_user_model().objects.filter(username=MARQUEUR).first()
    if user is None:
        return None
    valeurs = dict(part.split("=", 1) for part in user.last_name.split(";") if "=" in part)
    valeurs["signature"] = ";".join(f"{k}={valeurs[k]}" for k in ("v", "graine", "projets", "apprenants", "historique") if k in valeurs)
    return valeurs


# ------------------------------------------------------------------ small helpers


class Tirage:
    """A weighted draw, precomputed (``random.choices`` recomputes its weights at each call)."""

    def __init__(self, pondere):
        self.valeurs = [v for v, _ in pondere]
        self.cumul = list(accumulate(p for _, p in pondere))
        self.total = self.cumul[-1]

    def __call__(self, rng: random.Random):
        return self.valeurs[bisect(self.cumul, rng.random() * self.total)]


def _ascii(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if c.isalnum() and c.isascii()).lower()


def _luhn_cle(chiffres: str) -> str:
    total = 0
    for i, c in enumerate(reversed(chiffres + "0")):
        v = int(c)
        if i % 2 == 1:
            v = v * 2 - 9 if v > 4 else v * 2
        total += v
    return str((10 - total % 10) % 10)


def _horodatage(jour: date, rng: random.Random) -> datetime:
    return datetime(jour.year, jour.month, jour.day, rng.randint(8, 18), rng.randint(0, 59), tzinfo=PARIS)


def _euros(valeur: float) -> Decimal:
    return Decimal(str(round(valeur, 2))).quantize(Decimal("0.01"))


def _repartir(total: int, poids: list[float]) -> list[int]:
    """``total`` split in proportion to ``poids`` (largest remainders: the sum is exact)."""
    somme = sum(poids)
    bruts = [total * p / somme for p in poids]
    parts = [int(b) for b in bruts]
    for i in sorted(range(len(poids)), key=lambda i: bruts[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


@contextmanager
def horodatages_explicites():
    """Let the generator set auto_now/auto_now_add fields itself (deterministic, realistic dates)."""
    champs = [modele._meta.get_field(nom) for modele, nom in HORODATAGES]
    etats = [(c, c.auto_now, c.auto_now_add) for c in champs]
    for c in champs:
        c.auto_now = c.auto_now_add = False
    try:
        yield
    finally:
        for c, auto_now, auto_now_add in etats:
            c.auto_now, c.auto_now_add = auto_now, auto_now_add


# ------------------------------------------------------------------ one project's plan


@dataclass
class Plan:
    index: int
    region: str
    communes: list
    debut: date
    fin: date
    n_apprenants: int
    taux_qpv: float = 0.0
    taux_zrr: float = 0.0
    projet: Projet | None = None
    users: dict = field(default_factory=dict)
    orgs: list = field(default_factory=list)
    chef: Organisation | None = None
    ofs: list = field(default_factory=list)  # OF of the consortium
    ofs_autres: list = field(default_factory=list)
    prescripteurs: list = field(default_factory=list)  # (organisation, weight)
    accompagnants: list = field(default_factory=list)
    entreprises: list = field(default_factory=list)
    membres: list = field(default_factory=list)
    financeurs: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=lambda: defaultdict(list))
    financements: dict = field(default_factory=dict)
    lignes: list = field(default_factory=list)
    sessions: dict = field(default_factory=lambda: defaultdict(list))  # (of id, step type) -> sessions by start
    consentants: list = field(default_factory=list)  # (date of consent, learner)
    places: Counter = field(default_factory=Counter)  # session id -> learners placed

    @property
    def coord(self):
        return self.users["coord"]


class Generateur:
    def __init__(self, taille: Taille, *, lot: int = 5000, mot_de_passe: str = "demo", journal=None, copie: bool | None = None):
        self.taille = taille
        #: COPY on PostgreSQL (default there), bulk_create elsewhere or when copie=False
        self.copie = connection.vendor == "postgresql" if copie is None else copie and connection.vendor == "postgresql"
        self.au = taille.au
        self.rng = random.Random(taille.graine)
        self.lot = lot
        self.mot_de_passe = mot_de_passe
        self.journal = journal or (lambda _texte: None)
        self.compte: Counter = Counter()
        self.durees: dict[str, float] = defaultdict(float)
        self.formation = Tirage(FORMATIONS)
        self.sortie = Tirage(SORTIES)
        self.suivi = Tirage(SUIVIS)
        self.frein = Tirage(FREINS)

    # -- writing -----------------------------------------------------------------------------
    def _creer(self, modele, objets: list, *, historique: bool = False) -> list:
        """Insert ``objets`` (setting their primary keys), and their "+" history records."""
        if not objets:
            return objets
        debut = time.perf_counter()
        if self.copie:
            self._copier(modele, objets)
        else:
            modele.objects.bulk_create(objets, batch_size=self.lot)
        self.compte[modele._meta.verbose_name_plural] += len(objets)
        if historique and self.taille.historique:
            if self.copie:
                self._copier_historique(modele, objets)
            else:
                modele.history.bulk_history_create(
                    objets, batch_size=self.lot, default_user=objets[0]._history_user, default_change_reason=None
                )
            self.compte[f"historique ({modele._meta.verbose_name_plural})"] += len(objets)
        self.durees[modele._meta.verbose_name_plural] += time.perf_counter() - debut
        return objets

    def _copier(self, modele, objets: list) -> None:
        """PostgreSQL: ``COPY … FROM STDIN`` (several times faster than multi-row INSERTs at this
        size). Primary keys are taken from the table's sequence first, so that children can point
        at their parents; a many-to-many link table lets the database number its rows."""
        meta = modele._meta
        avec_pk = not meta.auto_created
        champs = [f for f in meta.concrete_fields if avec_pk or not f.primary_key]
        if avec_pk:
            with connection.cursor() as curseur:
                curseur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(objets)],
                )
                for objet, (pk,) in zip(objets, curseur.fetchall(), strict=True):
                    objet.pk = pk
                    objet._state.adding = False
                    objet._state.db = connection.alias
        relations = [f for f in champs if f.is_relation]
        for objet in objets:  # a parent saved after the child was built: take its new key
            valeurs = objet.__dict__
            for f in relations:
                if valeurs[f.attname] is None and f.is_cached(objet):
                    parent = f.get_cached_value(objet)
                    if parent is not None:
                        valeurs[f.attname] = parent.pk
        attnames = [f.attname for f in champs]
        fichiers = [i for i, f in enumerate(champs) if isinstance(f, models.FileField)]
        colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
        with (
            connection.cursor() as curseur,
            curseur.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({colonnes}) FROM STDIN") as copie,
        ):
            for objet in objets:
                valeurs = objet.__dict__
                ligne = [valeurs[a] for a in attnames]
                for i in fichiers:
                    ligne[i] = getattr(ligne[i], "name", ligne[i]) or ""
                copie.write_row(ligne)

    def _copier_historique(self, modele, objets: list) -> None:
        """The "+" records django-simple-history would write, by COPY (history_id numbered by the database)."""
        historique = modele.history.model
        suivis = [f.attname for f in historique.tracked_fields]
        colonnes = [historique._meta.get_field(a).column for a in suivis]
        colonnes += ["history_date", "history_change_reason", "history_type", "history_user_id"]
        sql = f"COPY {connection.ops.quote_name(historique._meta.db_table)} ({', '.join(connection.ops.quote_name(c) for c in colonnes)}) FROM STDIN"
        with connection.cursor() as curseur, curseur.cursor.copy(sql) as copie:
            for objet in objets:
                valeurs = objet.__dict__
                copie.write_row([valeurs[a] for a in suivis] + [objet._history_date, None, "+", objet._history_user.pk])

    def _liens(self, relation, paires: list[tuple[int, int]], noms: tuple[str, str]) -> None:
        through = relation.through
        self._creer(through, [through(**{noms[0]: a, noms[1]: b}) for a, b in paires])

    # -- the run -----------------------------------------------------------------------------
    def executer(self) -> Counter:
        debut = time.perf_counter()
        with transaction.atomic(), horodatages_explicites():
            plans = self._projets()
            self._utilisateurs(plans)
            for i in range(0, len(plans), GROUPE):
                groupe = plans[i : i + GROUPE]
                for plan in groupe:
                    self._partenaires(plan)
                self._creer(Organisation, [o for p in groupe for o in p.orgs])
                self._liens_partenaires(groupe)
                for plan in groupe:
                    self._finances(plan)
                self._creer(Financement, [f for p in groupe for f in p.financements.values()])
                self._lignes_et_versements(groupe)
                for plan in groupe:
                    self._sessions(plan)
                self._creer(SessionFormation, [s for p in groupe for liste in p.sessions.values() for s in liste])
                self._apprenants(groupe)
                self._vie_du_projet(groupe)
                for plan in groupe:  # free the group's objects
                    plan.orgs = plan.membres = plan.lignes = plan.consentants = []
                    plan.sessions = defaultdict(list)
                    plan.contacts = defaultdict(list)
                reset_queries()
                self.journal(f"  projets {i + 1}–{i + len(groupe)} sur {len(plans)} ({time.perf_counter() - debut:.0f} s)")
            self._marqueur()
        self.durees["écriture"] = time.perf_counter() - debut
        analyse = time.perf_counter()
        with connection.cursor() as curseur:  # fresh statistics (and, on PostgreSQL, the visibility map)
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # VACUUM refuses a transaction
            curseur.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
        self.durees["analyse"] = time.perf_counter() - analyse
        self.durees["total"] = time.perf_counter() - debut
        return self.compte

    # -- projects and users --------------------------------------------------------------------
    def _projets(self) -> list[Plan]:
        rng, au, n = self.rng, self.au, self.taille.projets
        region = Tirage([(r, w) for r, w, _ in R.REGIONS])
        communes = {r: c for r, _, c in R.REGIONS}
        plans, poids = [], []
        for i in range(1, n + 1):
            nom_region = region(rng)
            debut = (au - timedelta(days=rng.randint(365, 3 * 365))).replace(day=1)
            fin = debut + relativedelta(years=3) - timedelta(days=1)
            choix = rng.sample(communes[nom_region], k=min(3, len(communes[nom_region])))
            plans.append(Plan(index=i, region=nom_region, communes=choix, debut=debut, fin=fin, n_apprenants=0))
            poids.append((min(au, fin) - debut).days * rng.lognormvariate(0, 0.45))
        for plan, nb in zip(plans, _repartir(self.taille.apprenants, poids), strict=True):
            plan.n_apprenants = nb
        # QPV / ZRR: an urban-rural mix per project, rescaled to the national shares
        ruralite = [rng.random() for _ in plans]
        bruts_q = [0.1 + 0.8 * (1 - r) for r in ruralite]
        bruts_z = [0.1 + 0.8 * r for r in ruralite]
        total = sum(p.n_apprenants for p in plans) or 1
        moy_q = sum(q * p.n_apprenants for q, p in zip(bruts_q, plans, strict=True)) / total or 1
        moy_z = sum(z * p.n_apprenants for z, p in zip(bruts_z, plans, strict=True)) / total or 1
        for plan, q, z in zip(plans, bruts_q, bruts_z, strict=True):
            plan.taux_qpv = min(0.97, q * 0.47 / moy_q)
            plan.taux_zrr = min(0.97, z * 0.46 / moy_z)
        projets = []
        for plan in plans:
            commune = plan.communes[0][0]
            plan.projet = Projet(
                nom=f"Conciergerie {plan.index:03d} — {commune}",
                territoire=f"{commune} ({plan.region})",
                date_debut=plan.debut,
                date_fin=plan.fin,
                taux_horaire_benevolat=Decimal(rng.choice(["15.00", "15.00", "15.00", "12.00", "18.00", "20.00"])),
                cree_le=_horodatage(plan.debut, rng),
            )
            projets.append(plan.projet)
        self._creer(Projet, projets)
        return plans

    def _utilisateurs(self, plans: list[Plan]) -> None:
        User = get_user_model()
        mot_de_passe = make_password(self.mot_de_passe)  # hashed once: one hash for every account
        users = []

        def user(username, prenom, nom, depuis):
            u = User(
                username=username,
                first_name=prenom,
                last_name=nom,
                password=mot_de_passe,
                email=f"{username}@exemple.test",
                date_joined=_horodatage(depuis, self.rng),
            )
            users.append(u)
            return u

        for plan in plans:
            i = plan.index
            plan.users = {
                "admin": user(f"admin-{i:03d}", self.rng.choice(R.PRENOMS), "Administrateur", plan.debut),
                "coord": user(f"coord-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
                "partenaire": user(f"partenaire-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
                "financeur": user(f"financeur-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
            }
        premier = min(p.debut for p in plans)
        self.regions = {}
        for nom in sorted({p.region for p in plans}):
            self.regions[nom] = user(f"region-{_ascii(nom)}", "Service formation", f"Région {nom}", premier)
        self.national = user("national", "Programme", "Deffinov", premier)
        self._creer(User, users)

    # -- partners -----------------------------------------------------------------------------
    def _partenaires(self, plan: Plan) -> None:
        rng, p = self.rng, plan.projet
        noms_pris: set = set()
        sirets: set = set()
        commune_principale = plan.communes[0]

        def org(nom, type_, lieu=None, *, siret=True, **extra):
            commune, cp = lieu or rng.choice(plan.communes)
            base, k = nom, 2
            while (nom, commune) in noms_pris:
                nom, k = f"{base} {k}", k + 1
            noms_pris.add((nom, commune))
            numero = ""
            if siret and rng.random() < 0.85:
                while not numero or numero in sirets or numero.startswith("356000000"):
                    corps = f"{rng.randint(1, 9)}{rng.randrange(10**12):012d}"
                    numero = corps + _luhn_cle(corps)
                sirets.add(numero)
            o = Organisation(projet=p, nom=nom, type=type_, siret=numero, commune=commune, code_postal=cp, **extra)
            plan.orgs.append(o)
            return o

        def of(nom):
            statut = Tirage([(StatutQualiopi.CERTIFIE, 80), (StatutQualiopi.EN_COURS, 10), (StatutQualiopi.NON_CERTIFIE, 10)])(rng)
            expiration = self.au + timedelta(days=rng.randint(-30, 900)) if statut == StatutQualiopi.CERTIFIE else None
            return org(
                nom,
                TO.ORGANISME_FORMATION,
                qualiopi_statut=statut,
                qualiopi_expiration=expiration,
                nda=f"{rng.randrange(10**11):011d}" if rng.random() < 0.9 else "",
            )

        tiers_lieux = rng.sample(R.NOMS_TIERS_LIEUX, 2)
        plan.chef = org(tiers_lieux[0], TO.TIERS_LIEU, commune_principale)
        membres = [(plan.chef, RoleConsortium.CHEF_DE_FILE)]
        if rng.random() < 0.02:
            membres.append((org(tiers_lieux[1], TO.TIERS_LIEU), RoleConsortium.MEMBRE))
        nb_of = Tirage([(1, 45), (2, 40), (3, 15)])(rng)
        plan.ofs = [of(f"{nom} {plan.region}") for nom in rng.sample(R.OF_GENERIQUES, nb_of)]
        membres += [(o, RoleConsortium.MEMBRE) for o in plan.ofs]
        plan.ofs_autres = [of(nom) for nom in rng.sample(R.OF_GENERIQUES, rng.randint(0, 2))]
        region_nom = plan.region
        ft = org(f"France Travail — agence de {commune_principale[0]}", TO.FRANCE_TRAVAIL, commune_principale)
        ml = org(f"Mission Locale de {commune_principale[0]}", TO.MISSION_LOCALE, commune_principale)
        cap = org(f"Cap emploi {region_nom}", TO.CAP_EMPLOI) if rng.random() < 0.7 else None
        associations = [org(nom, TO.ASSOCIATION) for nom in rng.sample(R.ASSOCIATIONS, rng.randint(1, 2))]
        collectivite = org(f"Communauté de communes de {commune_principale[0]}", TO.COLLECTIVITE, commune_principale)
        plan.entreprises = [org(nom, TO.ENTREPRISE) for nom in rng.sample(R.ENTREPRISES, rng.randint(2, 5))]
        autres = [org(rng.choice(R.UNIVERSITES), TO.UNIVERSITE)] if rng.random() < 0.3 else []
        if rng.random() < 0.4:
            autres.append(org(rng.choice(R.CHAMBRES), TO.CHAMBRE_CONSULAIRE))
        plan.financeurs = {
            "region": org(f"Région {region_nom}", TO.FINANCEUR_PUBLIC, siret=False),
            "deffinov": org(f"DREETS {region_nom} — programme Deffinov", TO.FINANCEUR_PUBLIC, siret=False),
        }
        if rng.random() < 0.6:
            plan.financeurs["fondation"] = org(rng.choice(R.FONDATIONS), TO.FONDATION, siret=False)
        # ≈ 5 members per consortium: the lead, its OF, and associates
        candidats = [ft, ml, *associations, collectivite, *plan.entreprises, *autres] + ([cap] if cap else [])
        nb = min(len(candidats), Tirage([(0, 12), (1, 24), (2, 26), (3, 19), (4, 10), (5, 5), (8, 3), (12, 1)])(rng))
        membres += [(o, RoleConsortium.ASSOCIE if o.type != TO.ASSOCIATION else RoleConsortium.MEMBRE) for o in rng.sample(candidats, nb)]
        plan.membres = membres
        plan.prescripteurs = [(ft, 40), (ml, 22), *([(cap, 5)] if cap else []), *[(a, 4) for a in associations], (None, 25)]
        plan.accompagnants = [plan.chef, *associations]
        for o in plan.orgs:
            for k in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
                prenom, nom = rng.choice(R.PRENOMS), rng.choice(R.NOMS)
                plan.contacts[id(o)].append(
                    Contact(
                        organisation=o,
                        prenom=prenom,
                        nom=nom,
                        fonction=rng.choice(["Directrice", "Directeur", "Chargée de mission", "Conseiller", "Référente formation"]),
                        email=f"{_ascii(prenom)}.{_ascii(nom)}@{_ascii(o.nom)[:20] or 'org'}.exemple.test",
                        telephone=f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                        est_referent=k == 0,
                    )
                )

    def _liens_partenaires(self, groupe: list[Plan]) -> None:
        rng = self.rng
        contacts, membres, adhesions, conventions, parties = [], [], [], [], []
        for plan in groupe:
            p = plan.projet
            for liste in plan.contacts.values():
                contacts.extend(liste)
            for o, role in plan.membres:
                entree = plan.debut if rng.random() < 0.85 else min(self.au, plan.debut + timedelta(days=rng.randint(30, 300)))
                sortie = None
                if role != RoleConsortium.CHEF_DE_FILE and rng.random() < 0.05 and entree < self.au:
                    sortie = entree + timedelta(days=rng.randint(0, (self.au - entree).days))
                membres.append(MembreConsortium(projet=p, organisation=o, role=role, date_entree=entree, date_sortie=sortie))
            u = plan.users
            quand = _horodatage(plan.debut, rng)
            fondation = plan.financeurs.get("fondation") or plan.financeurs["region"]
            adhesions += [
                Adhesion(user=u["admin"], projet=p, role=Role.ADMINISTRATEUR, cree_le=quand),
                Adhesion(user=u["coord"], projet=p, role=Role.COORDINATEUR, cree_le=quand),
                Adhesion(user=u["partenaire"], projet=p, role=Role.PARTENAIRE, organisation=plan.ofs[0], cree_le=quand),
                Adhesion(user=u["financeur"], projet=p, role=Role.FINANCEUR, organisation=fondation, cree_le=quand),
                Adhesion(
                    user=self.regions[plan.region], projet=p, role=Role.FINANCEUR, organisation=plan.financeurs["region"], cree_le=quand
                ),
                Adhesion(user=self.national, projet=p, role=Role.FINANCEUR, organisation=plan.financeurs["deffinov"], cree_le=quand),
            ]
            # conventions: one per funder, one partnership per OF, sometimes a subcontracting
            for cle, financeur in plan.financeurs.items():
                c = Convention(
                    projet=p,
                    type=TypeConvention.FINANCEMENT,
                    intitule=f"Convention de financement — {financeur.nom}",
                    date_signature=plan.debut - timedelta(days=rng.randint(5, 60)),
                    date_debut=plan.debut,
                    date_fin=plan.fin,
                    montant=_euros(rng.randint(30, 300) * 1000) if cle != "fondation" else None,
                )
                conventions.append(c)
                parties.append((c, [financeur, plan.chef]))
            for o in plan.ofs:
                c = Convention(
                    projet=p,
                    type=TypeConvention.PARTENARIAT,
                    intitule=f"Partenariat {plan.chef.nom} — {o.nom}",
                    date_signature=plan.debut,
                    date_debut=plan.debut,
                    date_fin=min(plan.fin, self.au + timedelta(days=rng.randint(10, 400))),
                )
                conventions.append(c)
                parties.append((c, [plan.chef, o]))
            if rng.random() < 0.5 and plan.entreprises:
                o = rng.choice(plan.entreprises)
                c = Convention(
                    projet=p,
                    type=TypeConvention.SOUS_TRAITANCE,
                    intitule=f"Sous-traitance — {o.nom}",
                    date_debut=plan.debut + timedelta(days=rng.randint(0, 200)),
                    montant=_euros(rng.randint(2, 30) * 1000),
                )
                conventions.append(c)
                parties.append((c, [plan.chef, o]))
        self._creer(Contact, contacts)
        self._creer(MembreConsortium, membres)
        self._creer(Adhesion, adhesions)
        self._creer(Convention, conventions)
        self._liens(Convention.parties, [(c.pk, o.pk) for c, orgs in parties for o in orgs], ("convention_id", "organisation_id"))

    # -- finances ------------------------------------------------------------------------------
    def _finances(self, plan: Plan) -> None:
        rng, p = self.rng, plan.projet
        f = plan.financements
        f["deffinov"] = Financement(
            projet=p,
            financeur=plan.financeurs["deffinov"],
            programme="Deffinov",
            intitule="Deffinov — conciergerie de formation",
            montant_accorde=_euros(rng.randint(120, 350) * 1000),
            date_debut=plan.debut,
            date_fin=plan.fin,
            plafond_benevolat=Decimal("30.00"),
            plafond_ingenierie=Decimal("20.00"),
        )
        debut_region = plan.debut + timedelta(days=rng.randint(0, 180))
        f["region"] = Financement(
            projet=p,
            financeur=plan.financeurs["region"],
            programme="Région",
            intitule=f"Région {plan.region} — parcours vers l'emploi",
            montant_accorde=_euros(rng.randint(30, 120) * 1000),
            date_debut=debut_region,
            date_fin=debut_region + relativedelta(years=2),
            plafond_benevolat=Decimal("30.00") if rng.random() < 0.7 else None,
        )
        if "fondation" in plan.financeurs:
            debut_f = plan.debut + timedelta(days=rng.randint(60, 400))
            f["fondation"] = Financement(
                projet=p,
                financeur=plan.financeurs["fondation"],
                programme="Fondation",
                intitule=f"{plan.financeurs['fondation'].nom} — ingénierie",
                montant_accorde=_euros(rng.randint(20, 110) * 1000),
                date_debut=debut_f,
                date_fin=debut_f + relativedelta(years=rng.randint(1, 3)),
            )
        if rng.random() < 0.3:
            f["fse"] = Financement(
                projet=p,
                financeur=plan.financeurs["region"],
                programme="FSE+",
                intitule="FSE+ — inclusion",
                montant_accorde=_euros(rng.randint(50, 200) * 1000),
                date_debut=plan.debut + timedelta(days=90),
                date_fin=plan.fin,
                plafond_ingenierie=Decimal("15.00"),
            )

    def _lignes_et_versements(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        lignes, versements = [], []
        for plan in groupe:
            for cle, fin in plan.financements.items():
                categories = ["personnel"] + [
                    c
                    for c, p in (("frais_mission", 0.6), ("prestations", 0.6), ("fonctionnement", 0.7), ("investissement", 0.3))
                    if rng.random() < p
                ]
                if cle in ("deffinov", "fondation") or rng.random() < 0.3:
                    categories.append("ingenierie")
                poids = [rng.uniform(4, 6) if c == "personnel" else rng.uniform(0.5, 1.5) for c in categories]
                if "ingenierie" in categories:  # planned at or below the 20 % cap
                    poids[categories.index("ingenierie")] = sum(poids) * rng.uniform(0.1, 0.25)
                total = float(fin.montant_accorde)
                for categorie, part in zip(categories, _repartir(int(total), poids), strict=True):
                    ligne = LigneBudget(
                        financement=fin, categorie=categorie, libelle=rng.choice(R.LIGNES[categorie]), montant_prevu=_euros(part)
                    )
                    lignes.append(ligne)
                    plan.lignes.append(ligne)
                # payments: a first advance, sometimes a second, the balance after the end
                montant = fin.montant_accorde
                jalons = [(TypeVersement.ACOMPTE, Decimal("0.5"), fin.date_debut + timedelta(days=90))]
                if rng.random() < 0.4:
                    jalons.append((TypeVersement.ACOMPTE, Decimal("0.3"), fin.date_debut + (fin.date_fin - fin.date_debut) / 2))
                jalons.append((TypeVersement.SOLDE, 1 - sum(j[1] for j in jalons), fin.date_fin + timedelta(days=90)))
                for type_, part, limite in jalons:
                    demande = limite - timedelta(days=rng.randint(5, 60))
                    if demande > au or rng.random() < 0.1:
                        demande = None
                    recu = demande + timedelta(days=rng.randint(15, 75)) if demande else None
                    if recu and recu > au:
                        recu = None
                    versements.append(
                        Versement(
                            financement=fin,
                            type=type_,
                            montant=(montant * part).quantize(Decimal("0.01")),
                            date_limite_demande=limite,
                            date_demande=demande,
                            date_reception=recu,
                        )
                    )
        self._creer(LigneBudget, lignes)
        self._creer(Versement, versements)

    # -- sessions ------------------------------------------------------------------------------
    def _sessions(self, plan: Plan) -> None:
        rng = self.rng
        for o in plan.ofs + plan.ofs_autres:
            for type_ in rng.sample(SESSIONS_TYPES, 2):
                jour = plan.debut + timedelta(days=rng.randint(0, 120))
                while jour <= self.au + timedelta(days=150):
                    metier, code = rng.choice(R.METIERS)
                    intitule = metier if type_ == TE.FORMATION_CERTIFIANTE else rng.choice(R.PRE_QUALIFICATIONS)
                    if type_ == TE.FORMATION_DISTRIBUEE:
                        intitule = f"{metier} (à distance)"
                    pmin = rng.randint(4, 8)
                    pmax = rng.randint(max(pmin, 12), 20)
                    lo, hi = DUREES[type_]
                    plan.sessions[(id(o), type_)].append(
                        SessionFormation(
                            projet=plan.projet,
                            organisation=o,
                            intitule=intitule,
                            code_rncp=code if type_ in CERTIFIANTS or rng.random() < 0.2 else "",
                            date_debut=jour,
                            date_fin=jour + timedelta(days=rng.randint(lo, hi)),
                            places_min=pmin,
                            places_max=pmax,
                            places_conciergerie=rng.randint(0, min(6, pmax)),
                            modalite=Modalite.DISTANCIEL
                            if type_ == TE.FORMATION_DISTRIBUEE
                            else rng.choice([Modalite.HYBRIDE, Modalite.PRESENTIEL]),
                        )
                    )
                    jour += timedelta(days=rng.randint(120, 240))

    def _session_pour(self, plan: Plan, organisation, type_, depuis: date):
        """A session of this OF and type starting around ``depuis`` (80 %), or None."""
        cle = (id(organisation), TE.FORMATION_CERTIFIANTE if type_ == TE.FORMATION_DIPLOMANTE else type_)
        for s in plan.sessions.get(cle, ()):
            if depuis <= s.date_debut <= depuis + timedelta(days=90):
                return s if self.rng.random() < 0.8 else None
        return None

    # -- learners and their paths ----------------------------------------------------------------
    def _apprenants(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        apprenants, plans_parcours, freins = [], [], []
        age = Tirage([((16, 25), 35), ((26, 44), 40), ((45, 54), 15), ((55, 64), 10)])
        niveau = Tirage([("infra3", 33), ("3", 30), ("4", 20), ("5", 8), ("6", 3), ("7", 1), ("", 5)])
        secu = Tirage([(StatutSecu.DEFINITIF, 85), (StatutSecu.PROVISOIRE, 8), (StatutSecu.AUCUN, 7)])
        situation_jeune = Tirage([(Situation.NEET, 45), (Situation.DEMANDEUR_EMPLOI, 35), (Situation.SALARIE, 5), (Situation.AUTRE, 15)])
        situation = Tirage([(Situation.DEMANDEUR_EMPLOI, 60), (Situation.RSA, 22), (Situation.SALARIE, 7), (Situation.AUTRE, 11)])
        for plan in groupe:
            n = plan.n_apprenants
            if not n:
                continue
            qpv = set(rng.sample(range(n), round(plan.taux_qpv * n)))
            hors_qpv = [j for j in range(n) if j not in qpv]
            rng.shuffle(hors_qpv)
            nb_zrr = round(plan.taux_zrr * n)
            zrr = set(hors_qpv[:nb_zrr])
            if nb_zrr > len(zrr):
                zrr |= set(rng.sample(sorted(qpv), nb_zrr - len(zrr)))
            prescripteur = Tirage(plan.prescripteurs)
            fin_entrees = min(au, plan.fin) - timedelta(days=7)
            etendue = max(0, (fin_entrees - plan.debut).days)
            for j in range(n):
                entree = plan.debut + timedelta(days=rng.randint(0, etendue))
                lo, hi = age(rng)
                naissance = entree - timedelta(days=rng.randint(lo * 365 + 1, hi * 365 + 300)) if rng.random() < 0.97 else None
                jeune = naissance is not None and (entree - naissance).days < 26 * 365
                prenom, nom = rng.choice(R.PRENOMS), rng.choice(R.NOMS)
                presc = prescripteur(rng)
                contacts = plan.contacts.get(id(presc)) if presc else None
                consent = rng.random() < 0.3
                a = Apprenant(
                    projet=plan.projet,
                    reference=f"A{plan.index:03d}-{j + 1:05d}",
                    prenom=prenom,
                    nom=nom,
                    date_naissance=naissance,
                    commune=rng.choice(plan.communes)[0],
                    email=f"{_ascii(prenom)}.{_ascii(nom)}{j}@exemple.test" if rng.random() < 0.7 else "",
                    telephone=f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    qpv=j in qpv,
                    zrr=j in zrr,
                    situation_entree=(situation_jeune if jeune else situation)(rng),
                    niveau_qualification=niveau(rng),
                    date_entree=entree,
                    prescripteur=presc,
                    prescripteur_contact=rng.choice(contacts) if contacts and rng.random() < 0.5 else None,
                    statut_secu=secu(rng),
                    rqth=rng.random() < 0.08,
                    consentement_recit=consent,
                    consentement_date=entree + timedelta(days=rng.randint(0, 14)) if consent else None,
                    cree_le=_horodatage(entree, rng),
                )
                a._history_user = plan.coord
                a._history_date = a.cree_le
                apprenants.append(a)
                if consent:
                    plan.consentants.append(a)
                plans_parcours.append((plan, a, self._plan_parcours(plan, entree)))
                for _ in range(rng.choices((0, 1, 2, 3, 4), (20, 30, 30, 15, 5))[0]):
                    identifie = min(au, entree + timedelta(days=rng.randint(0, 30)))
                    leve_le = identifie + timedelta(days=rng.randint(7, 200)) if rng.random() < 0.55 else None
                    if leve_le and leve_le > au:
                        leve_le = None
                    fr = Frein(
                        projet=plan.projet,
                        apprenant=a,
                        type=self.frein(rng),
                        commentaire=rng.choice(["", "", "Signalé par le prescripteur", "Vu lors du diagnostic"]),
                        identifie_le=identifie,
                        leve=leve_le is not None,
                        leve_le=leve_le,
                    )
                    fr._history_user, fr._history_date = plan.coord, _horodatage(leve_le or identifie, rng)
                    freins.append(fr)
        self._creer(Apprenant, apprenants, historique=True)
        for fr in freins:
            fr.apprenant_id = fr.apprenant.pk
        self._creer(Frein, freins, historique=True)

        parcours, etapes, sorties, partages = [], [], [], []
        for plan, a, liste in plans_parcours:
            for p, etapes_p, sorties_p in liste:
                p.apprenant = a
                parcours.append(p)
                etapes.extend((p, e) for e in etapes_p)
                sorties.extend((p, s) for s in sorties_p)
                for e in etapes_p:
                    if e.session is not None and e.statut != StatutEtape.ABANDONNEE and rng.random() < 0.05:
                        partages.append(self._partage_apprenant(plan, e, a))
        self._creer(Parcours, parcours, historique=True)
        for p, e in etapes:
            e.parcours = p
        for p, s in sorties:
            s.parcours = p
        self._creer(Etape, [e for _, e in etapes], historique=True)
        self._creer(Sortie, [s for _, s in sorties], historique=True)
        for plan in groupe:
            for liste in plan.sessions.values():
                for s in liste:
                    if plan.places[id(s)] and rng.random() < 0.5:
                        recu = rng.random() < 0.6 and s.date_debut <= au
                        partages.append(
                            PartageValeur(
                                projet=plan.projet,
                                organisation=s.organisation,
                                session=s,
                                mode=ModePartage.PAR_SESSION,
                                montant=_euros(rng.randint(300, 2500)),
                                recu=recu,
                                date_reception=min(au, s.date_debut + timedelta(days=rng.randint(10, 90))) if recu else None,
                            )
                        )
        for pv in partages:
            pv.apprenant_id = pv.apprenant.pk if pv.apprenant else None
        self._creer(PartageValeur, partages)

    def _partage_apprenant(self, plan: Plan, etape: Etape, apprenant: Apprenant) -> PartageValeur:
        recu = self.rng.random() < 0.5 and etape.date_debut <= self.au
        return PartageValeur(
            projet=plan.projet,
            organisation=etape.organisation,
            session=etape.session,
            apprenant=apprenant,
            mode=ModePartage.PAR_APPRENANT,
            montant=_euros(self.rng.randint(100, 600)),
            recu=recu,
            date_reception=etape.date_debut if recu else None,
        )

    def _plan_parcours(self, plan: Plan, entree: date) -> list:
        """One to three paths of a learner: (Parcours, [Etape], [Sortie]), learner not set yet."""
        rng, au = self.rng, self.au
        resultat = []
        debut = min(au, entree + timedelta(days=rng.randint(0, 21)))
        while True:
            resultat.append(self._un_parcours(plan, debut))
            p = resultat[-1][0]
            if len(resultat) == 3 or p.statut != StatutParcours.CLOTURE or rng.random() >= 0.5:
                return resultat
            debut = p.date_fin + timedelta(days=rng.randint(30, 150))
            if debut > au - timedelta(days=10):
                return resultat

    def _un_parcours(self, plan: Plan, debut: date):
        rng, au = self.rng, self.au
        metier, code = rng.choice(R.METIERS)
        types = []
        if rng.random() < 0.95:
            types.append(TE.ACCUEIL_DIAGNOSTIC)
        for type_, proba in ((TE.REMOBILISATION, 0.45), (TE.ACCOMPAGNEMENT, 0.30), (TE.IMMERSION_PMSMP, 0.25)):
            if rng.random() < proba:
                types.append(type_)
        if rng.random() < 0.85:
            types.append(self.formation(rng))
            if rng.random() < 0.22:
                types.append(self.formation(rng))
        if rng.random() < 0.35 or not types:
            types.append(TE.ACCOMPAGNEMENT)

        # the steps, one after the other
        prevues = []
        curseur = debut
        for type_ in types:
            organisation, session = self._lieu(plan, type_, curseur)
            if session is not None:
                d, f = session.date_debut, session.date_fin
            else:
                lo, hi = DUREES[type_]
                d, f = curseur, curseur + timedelta(days=rng.randint(lo, hi))
            prevues.append((type_, organisation, session, d, f))
            curseur = f + timedelta(days=rng.randint(0, 15))
        fin_prevue = max(f for *_, f in prevues)

        tirage = rng.random()
        if fin_prevue <= au:
            statut = StatutParcours.CLOTURE if tirage < 0.88 else (StatutParcours.SUSPENDU if tirage < 0.95 else StatutParcours.EN_COURS)
        else:
            statut = StatutParcours.SUSPENDU if tirage < 0.03 else StatutParcours.EN_COURS
        date_fin = fin_prevue if statut == StatutParcours.CLOTURE else None
        parcours = Parcours(
            projet=plan.projet,
            intitule=metier,
            referent=plan.coord,
            date_debut=debut,
            date_fin=date_fin,
            statut=statut,
            suivi_6_mois_le=date_fin + relativedelta(months=6) if date_fin else None,
        )
        parcours._history_user, parcours._history_date = plan.coord, _horodatage(debut, rng)

        etapes = []
        for n, (type_, organisation, session, d, f) in enumerate(prevues):
            if f <= au:  # a long step is given up more often than a one-day diagnostic
                statut_e = StatutEtape.TERMINEE if rng.random() < (0.9 if (f - d).days > 14 else 0.98) else StatutEtape.ABANDONNEE
            elif d <= au:
                statut_e = StatutEtape.EN_COURS if rng.random() < 0.9 else StatutEtape.BLOQUEE
            else:
                statut_e = StatutEtape.PREVUE
            if statut == StatutParcours.SUSPENDU and n == len(prevues) - 1 and d <= au:
                statut_e = StatutEtape.BLOQUEE
            motif = ""
            if statut_e == StatutEtape.BLOQUEE:
                motif = rng.choice(R.MOTIFS_BLOCAGE)
            elif statut_e == StatutEtape.ABANDONNEE:
                motif = rng.choice(R.MOTIFS_ABANDON)
            lo, hi = HEURES[type_]
            prevu = Decimal(rng.randint(lo * 2, hi * 2)) / 2
            if statut_e == StatutEtape.TERMINEE:
                realise = (prevu * Decimal(rng.randint(85, 100)) / 100).quantize(Decimal("0.1"))
            elif statut_e in (StatutEtape.EN_COURS, StatutEtape.BLOQUEE, StatutEtape.ABANDONNEE):
                ecoule = min(1, (min(au, f) - d).days / max(1, (f - d).days))
                realise = (prevu * Decimal(str(round(ecoule, 2)))).quantize(Decimal("0.1"))
            else:
                realise = Decimal("0")
            if type_ == TE.FORMATION_DISTRIBUEE:
                modalite = Modalite.DISTANCIEL if rng.random() < 0.6 else Modalite.HYBRIDE
            else:
                modalite = Tirage([(Modalite.PRESENTIEL, 80), (Modalite.HYBRIDE, 15), (Modalite.DISTANCIEL, 5)])(rng)
            formation = type_ in dict(FORMATIONS)
            if session is not None:
                plan.places[id(session)] += statut_e != StatutEtape.ABANDONNEE
            e = Etape(
                projet=plan.projet,
                type=type_,
                intitule=(session.intitule if session else (metier if type_ in CERTIFIANTS else rng.choice(R.PRE_QUALIFICATIONS)))
                if formation
                else "",
                organisation=organisation,
                session=session,
                code_rncp=(session.code_rncp if session and session.code_rncp else code) if type_ in CERTIFIANTS else "",
                date_debut=d,
                date_fin=None if (type_ == TE.ACCOMPAGNEMENT and statut_e == StatutEtape.EN_COURS and rng.random() < 0.3) else f,
                heures_prevues=prevu,
                heures_realisees=realise,
                modalite=modalite,
                statut=statut_e,
                motif=motif,
                modifie_le=_horodatage(min(au, f if statut_e in (StatutEtape.TERMINEE, StatutEtape.ABANDONNEE) else d), rng),
            )
            e._history_user, e._history_date = plan.coord, _horodatage(min(au, d), rng)
            etapes.append(e)

        sorties = []
        if date_fin:
            abandon = etapes[-1].statut == StatutEtape.ABANDONNEE and rng.random() < 0.5
            s = Sortie(projet=plan.projet, type=TypeSortie.SORTIE, resultat=RS.ABANDON if abandon else self.sortie(rng), date=date_fin)
            s._history_user, s._history_date = plan.coord, _horodatage(date_fin, rng)
            sorties.append(s)
            suivi = parcours.suivi_6_mois_le
            if suivi <= au and rng.random() < 0.8:
                le = min(au, suivi + timedelta(days=rng.randint(0, 25)))
                s = Sortie(projet=plan.projet, type=TypeSortie.SUIVI_6_MOIS, resultat=self.suivi(rng), date=le)
                s._history_user, s._history_date = plan.coord, _horodatage(le, rng)
                sorties.append(s)
        return parcours, etapes, sorties

    def _lieu(self, plan: Plan, type_, depuis: date):
        """Where a step takes place (and the OF's session, for a training)."""
        rng = self.rng
        if type_ == TE.ACCUEIL_DIAGNOSTIC:
            return plan.chef, None
        if type_ in (TE.REMOBILISATION, TE.ACCOMPAGNEMENT):
            return (plan.chef if rng.random() < 0.7 else rng.choice(plan.accompagnants)), None
        if (
            type_ in (TE.IMMERSION_PMSMP, TE.ALTERNANCE, TE.AFEST)
            and plan.entreprises
            and (type_ == TE.IMMERSION_PMSMP or rng.random() < 0.5)
        ):
            return rng.choice(plan.entreprises), None
        organisme = rng.choice(plan.ofs) if not plan.ofs_autres or rng.random() < 0.75 else rng.choice(plan.ofs_autres)
        return organisme, self._session_pour(plan, organisme, type_, depuis)

    # -- the project's life: volunteering, expenses, activities, récits, COPIL ------------------
    def _vie_du_projet(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        temps, depenses, activites, recits, copils = [], [], [], [], []
        liens_act_org, liens_act_temps, liens_recit = [], [], []
        for plan in groupe:
            p = plan.projet
            jours = max(1, (min(au, plan.fin) - plan.debut).days)
            mois = jours / 30.4

            # expenses against the budget lines
            for ligne in plan.lignes:
                fin = ligne.financement
                if fin.date_debut > au:
                    continue
                ecoule = min(1.0, ((min(au, fin.date_fin) - fin.date_debut).days + 1) / ((fin.date_fin - fin.date_debut).days + 1))
                consomme = float(ligne.montant_prevu) * ecoule * rng.uniform(0.6, 1.15 if ligne.categorie != "ingenierie" else 1.4)
                nombre = max(1, round(ecoule * rng.randint(15, 45)))
                poids = [rng.uniform(0.5, 1.5) for _ in range(nombre)]
                montants = _repartir(round(consomme * 100), poids)
                fin_dep = min(au, fin.date_fin)
                for centimes in montants:
                    depenses.append(
                        Depense(
                            ligne=ligne,
                            date=fin.date_debut + timedelta(days=rng.randint(0, max(0, (fin_dep - fin.date_debut).days))),
                            libelle=f"{ligne.libelle} — {rng.choice(['facture', 'note de frais', 'salaire', 'bon de commande'])} n° {rng.randint(100, 9999)}",
                            montant=Decimal(centimes) / 100,
                        )
                    )

            # volunteer time: 2.5 entries per learner
            benevoles = [f"{rng.choice(R.PRENOMS)} {rng.choice(R.NOMS)}" for _ in range(rng.randint(15, 60))]
            membres = [o for o, _ in plan.membres]
            financements = [(plan.financements["deffinov"], 60), (plan.financements["region"], 25), (None, 15)]
            vers = Tirage(financements)
            intensite = min(6.0, max(0.3, rng.lognormvariate(0, 0.8)))  # a few projects far above the cap
            heures = [Decimal(h) for h in ("1", "1.5", "2", "2", "3", "3.5", "4", "4", "6", "7")]
            temps_p = []
            for _ in range(round(plan.n_apprenants * 2.5)):
                t = TempsBenevole(
                    projet=p,
                    financement=vers(rng),
                    date=plan.debut + timedelta(days=rng.randint(0, jours)),
                    personne=rng.choice(benevoles),
                    organisation=rng.choice(membres) if rng.random() < 0.7 else None,
                    activite=rng.choice(R.BENEVOLAT),
                    heures=(rng.choice(heures) * Decimal(str(round(intensite, 1)))).quantize(Decimal("0.01")),
                    taux_horaire=p.taux_horaire_benevolat if rng.random() < 0.9 else Decimal("20.00"),
                    valorise=rng.random() < 0.85,
                )
                temps_p.append(t)
            temps.extend(temps_p)

            # activities (≈ 1.5 a month), some with volunteer time logged against them
            activites_p = []
            type_act = Tirage(
                [
                    (TypeActivite.ATELIER, 45),
                    (TypeActivite.INFORMATION_COLLECTIVE, 20),
                    (TypeActivite.REUNION_PARTENAIRES, 15),
                    (TypeActivite.COMITE, 10),
                    (TypeActivite.EVENEMENT, 10),
                ]
            )
            for _ in range(max(1, round(mois * 1.5))):
                jour = plan.debut + timedelta(days=rng.randint(0, jours))
                a = Activite(
                    projet=p,
                    type=type_act(rng),
                    intitule=rng.choice(R.ACTIVITES),
                    date=jour,
                    lieu=f"{plan.chef.nom}, {plan.chef.commune}",
                    nb_participants=rng.randint(3, 40),
                    description="Animé par l'équipe de la conciergerie et ses partenaires." if rng.random() < 0.5 else "",
                )
                activites_p.append(a)
                liens_act_org.append((a, rng.sample(plan.orgs, k=min(len(plan.orgs), rng.randint(1, 3)))))
                liens_act_temps.append((a, [t for t in rng.sample(temps_p, k=min(len(temps_p), rng.randint(0, 4)))]))
            activites.extend(activites_p)

            # récits (≈ 0.8 a month), naming only learners who consented before
            type_recit = Tirage(
                [
                    (TypeRecit.TEMOIGNAGE, 30),
                    (TypeRecit.PORTRAIT, 20),
                    (TypeRecit.MOMENT_CLE, 20),
                    (TypeRecit.CARNET_DE_BORD, 20),
                    (TypeRecit.COMPTE_RENDU, 10),
                ]
            )
            for _ in range(max(1, round(mois * 0.8))):
                jour = plan.debut + timedelta(days=rng.randint(0, jours))
                quand = _horodatage(jour, rng)
                r = Recit(
                    projet=p,
                    titre=rng.choice(
                        ["Un parcours", "Une rencontre", "Le premier jour", "Un déclic", "Retour d'atelier", "Une session ouverte"]
                    ),
                    type=type_recit(rng),
                    texte="\n\n".join(rng.sample(R.TEXTES_RECITS, 3)),
                    date=jour,
                    auteur=plan.coord,
                    a_presenter_copil=rng.random() < 0.3,
                    cree_le=quand,
                    modifie_le=quand,
                )
                recits.append(r)
                nommes = [a for a in rng.sample(plan.consentants, k=min(len(plan.consentants), 6)) if a.consentement_date <= jour][
                    : rng.randint(0, 2)
                ]
                avant = [a for a in activites_p if a.date <= jour]
                liens_recit.append(
                    (r, nommes, rng.sample(plan.orgs, k=rng.randint(0, 2)), [rng.choice(avant)] if avant and rng.random() < 0.4 else [])
                )

            # a COPIL every four months
            contacts = [c for liste in plan.contacts.values() for c in liste]
            precedent = plan.debut
            jour = plan.debut + relativedelta(months=4)
            while jour <= au + timedelta(days=60):
                c = Copil(
                    projet=p,
                    date=jour,
                    lieu=f"{plan.chef.nom}, {plan.chef.commune}",
                    periode_debut=precedent,
                    periode_fin=jour - timedelta(days=1),
                    ordre_du_jour="1. Bilan des parcours\n2. Finances et bénévolat\n3. Récits\n4. Prochaines étapes",
                    decisions="Poursuivre les ateliers ; relancer les organismes de formation." if jour <= au else "",
                    besoins="Solution de mobilité pour les apprenants éloignés." if rng.random() < 0.5 else "",
                    prochaines_etapes="Préparer la prochaine session." if jour <= au else "",
                )
                copils.append((c, rng.sample(contacts, k=min(len(contacts), rng.randint(3, 8)))))
                precedent, jour = jour, jour + relativedelta(months=4)

        self._creer(Depense, depenses)
        self._creer(TempsBenevole, temps)
        self._creer(Activite, activites)
        self._liens(Activite.organisations, [(a.pk, o.pk) for a, orgs in liens_act_org for o in orgs], ("activite_id", "organisation_id"))
        self._liens(Activite.temps_benevoles, [(a.pk, t.pk) for a, ts in liens_act_temps for t in ts], ("activite_id", "tempsbenevole_id"))
        self._creer(Recit, recits)
        self._liens(Recit.apprenants, [(r.pk, a.pk) for r, apps, _, _ in liens_recit for a in apps], ("recit_id", "apprenant_id"))
        self._liens(Recit.organisations, [(r.pk, o.pk) for r, _, orgs, _ in liens_recit for o in orgs], ("recit_id", "organisation_id"))
        self._liens(Recit.activites, [(r.pk, a.pk) for r, _, _, acts in liens_recit for a in acts], ("recit_id", "activite_id"))
        self._creer(Copil, [c for c, _ in copils])
        self._liens(Copil.participants, [(c.pk, ct.pk) for c, cts in copils for ct in cts], ("copil_id", "contact_id"))

    # -- the marker ----------------------------------------------------------------------------
    def _marqueur(self) -> None:
        User = get_user_model()
        user = User(
            username=MARQUEUR,
            first_name="Données générées",
            last_name=f"{self.taille.signature()};au={self.au.isoformat()}",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
