"""The generator: its state (seed, size, counters, timings) and the run, group of projects by group."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict

from django.db import connection, reset_queries, transaction

from finances.models import Financement, Objectif
from parcours.models import SessionFormation
from partenaires.models import Organisation

from .apprenants import ApprenantsMixin
from .base import FORMATIONS, FREINS, GROUPE, SORTIES, SUIVIS, Taille, Tirage, horodatages_explicites
from .competences import CompetencesMixin
from .ecriture import EcritureMixin
from .financements import FinancementsMixin
from .projets import ProjetsMixin
from .seances import SeancesMixin
from .vie_du_projet import VieDuProjetMixin


class Generateur(EcritureMixin, ProjetsMixin, FinancementsMixin, ApprenantsMixin, SeancesMixin, VieDuProjetMixin, CompetencesMixin):
    """One run: ``Generateur(taille).executer()``. Each section of the dataset is a mixin of its own module."""

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
                self._creer(Objectif, self._objectifs(groupe))
                for plan in groupe:
                    self._sessions(plan)
                self._creer(SessionFormation, [s for p in groupe for liste in p.sessions.values() for s in liste])
                self._apprenants(groupe)
                self._vie_du_projet(groupe)
                self._competences(groupe)
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
