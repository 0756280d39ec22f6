"""The generator's rules (the national programme's distributions, the size and seed, the marker) and
its small helpers: weighted draws, SIRET keys, timestamps, amounts, one project's plan."""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from competences.models import ComposanteAfest, Referentiel
from conciergerie.models import Adhesion, Projet
from parcours.models import Apprenant, Etape, ResultatSortie, TypeEtape
from partenaires.models import Organisation
from recits.models import Recit

VERSION = (
    3  # 2: the access log (conciergerie.JournalAcces); 3: séances and attendance (seances.py), competences (frameworks, evaluations, AFEST)
)
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
    (Referentiel, "cree_le"),
    (ComposanteAfest, "cree_le"),
]


@dataclass(frozen=True)
class Taille:
    projets: int = 204
    apprenants: int = 60_000
    graine: int = 42
    au: date = field(default_factory=timezone.localdate)
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


def _a_neuf_heures(jour: date) -> datetime:
    """A row's creation moment for ``auto_now_add`` fields the generator must set itself (COPY on
    PostgreSQL does not run Django's ``pre_save``), without drawing from a random source."""
    return datetime(jour.year, jour.month, jour.day, 9, 0, tzinfo=PARIS)


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
