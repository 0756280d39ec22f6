"""Load test of `make bench` (started by bench/bench.py, headless, bounded in time, loopback only).

Simulated coordinators browse their project's learners (lists, filters, pages), home and
dashboard; simulated funders their dashboard, finances and, for a Région, the roll-up. Each user
takes one identity prepared by bench.py (``BENCH_IDENTITES``: a session cookie, so no password
hashing during the test, and the URLs of its project). A request counts as an error unless it
answers 200 (a redirection to the login page is an error).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

IDENTITES = json.loads(open(os.environ["BENCH_IDENTITES"]).read())  # noqa: SIM115
PAR_TYPE = {t: itertools.cycle([i for i in IDENTITES if i["type"] == t]) for t in ("coordinateur", "financeur")}


class Visiteur(FastHttpUser):
    abstract = True
    type = ""
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.moi = next(PAR_TYPE[self.type])
        self.entetes = {"Cookie": f"sessionid={self.moi['cookie']}"}

    def voir(self, url, nom):
        with self.client.get(url, headers=self.entetes, name=nom, allow_redirects=False, catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")


class Coordinateur(Visiteur):
    weight = 35
    type = "coordinateur"

    @task(3)
    def liste(self):
        self.voir(self.moi["liste"], "liste des apprenants")

    @task(3)
    def liste_filtree(self):
        self.voir(random.choice(self.moi["listes"]), "liste filtrée / page / recherche")  # noqa: S311

    @task(5)
    def fiche(self):
        self.voir(random.choice(self.moi["fiches"]), "fiche d'un apprenant")  # noqa: S311

    @task(2)
    def accueil(self):
        self.voir(self.moi["accueil"], "accueil du projet (à faire)")

    @task(1)
    def tableau(self):
        self.voir(self.moi["tableau"], "tableau de bord")

    @task(1)
    def sessions(self):
        self.voir(self.moi["sessions"], "sessions de formation")


class Financeur(Visiteur):
    weight = 15
    type = "financeur"

    @task(4)
    def tableau(self):
        self.voir(self.moi["tableau"], "tableau de bord")

    @task(2)
    def finances(self):
        self.voir(self.moi["finances"], "finances")

    @task(1)
    def accueil(self):
        self.voir(self.moi["accueil"], "accueil du projet (à faire)")

    @task(1)
    def synthese(self):
        if self.moi["synthese"]:
            self.voir(self.moi["synthese"], "synthèse d'une Région")
