"""The benchmark behind `make bench` (started by bench/run.sh, which sets the environment).

Every figure is measured in the same run, on PostgreSQL, at the national programme's size: for
each, the median and the 95th percentile of N runs and, where a floor exists, the floor measured
the same way and the ratio to it. Pages go through Django's test ``Client`` with a logged-in user
(middleware, views, templates included). Results: printed, and written between the markers of
docs/performance.md (the rest of that file — the analysis — is left alone).

    bench/run.sh                   # everything (generation or reuse, figures, load test)
    bench/run.sh --sans-charge     # without the load test
    bench/run.sh --charge-seule    # the load test only
    bench/run.sh --explain         # EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of each page
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conciergerie.settings")
# the writes the measures make (revisions.marquer) send no background run to a worker that may
# not be there: the rows that want it call pilotage.precalcul.recalculer themselves
os.environ["PRECALCUL_CHIFFRES"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from conciergerie import revisions  # noqa: E402
from conciergerie.models import Adhesion, Projet  # noqa: E402
from demo.generateur import Taille, lire_marqueur  # noqa: E402
from finances.models import Financement  # noqa: E402
from parcours.models import Apprenant  # noqa: E402
from pilotage import precalcul  # noqa: E402
from pilotage.indicateurs import Periode, calculer, calculer_par_projet  # noqa: E402
from pilotage.models import RapportCopil  # noqa: E402
from recits.models import Copil  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR", RACINE / "var" / "bench"))
DOC = RACINE / "docs" / "performance.md"
DEBUT, FIN = "<!-- bench:debut -->", "<!-- bench:fin -->"
PY = sys.executable
MO = 1024 * 1024


# ------------------------------------------------------------------ figures


def _p95(valeurs: list[float]) -> float:
    if len(valeurs) == 1:
        return valeurs[0]
    return statistics.quantiles(valeurs, n=20, method="inclusive")[18]


@dataclass
class Mesure:
    nom: str
    durees: list[float]  # seconds
    plancher_nom: str = ""
    plancher: list[float] = field(default_factory=list)
    cible: str = ""
    atteinte: bool | None = None
    note: str = ""

    @property
    def mediane(self) -> float:
        return statistics.median(self.durees)

    @property
    def p95(self) -> float:
        return _p95(self.durees)

    @property
    def ratio(self) -> float | None:
        if not self.plancher:
            return None
        return self.mediane / statistics.median(self.plancher)


def _ms(secondes: float) -> str:
    if secondes >= 10:
        return f"{secondes:.1f} s"
    if secondes >= 1:
        return f"{secondes:.2f} s"
    return f"{secondes * 1000:.1f} ms"


def repeter(fonction, n: int, echauffement: int = 1, preparer=None) -> list[float]:
    """``n`` timings of ``fonction``, each after ``preparer`` (not timed) if given."""
    for _ in range(echauffement):
        if preparer is not None:
            preparer()
        fonction()
    durees = []
    for _ in range(n):
        if preparer is not None:
            preparer()
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return durees


def _selects(capture) -> list[str]:
    """The reads of a page (a UNION of SELECTs starts with a parenthesis)."""
    return [q["sql"] for q in capture.captured_queries if q["sql"].lstrip(" \n(").upper().startswith(("SELECT", "WITH"))]


def rejouer(sqls: list[str]):
    """The floor of a page: the same SELECTs, sent raw (psycopg cursor, no ORM, no template)."""
    brut = connection.connection

    def executer():
        with brut.cursor() as curseur:
            for sql in sqls:
                curseur.execute(sql)
                curseur.fetchall()

    return executer


# ------------------------------------------------------------------ the dataset


def jeu_de_donnees(args) -> dict:
    """Generate, or reuse when the marker says the same seed and size."""
    taille = Taille(projets=args.projets, apprenants=args.apprenants, graine=args.graine)
    marqueur = lire_marqueur()
    if marqueur and marqueur["signature"] == taille.signature():
        print(f"Jeu de données réutilisé ({marqueur['signature']}, généré au {marqueur.get('au')}).")
        return {"etat": f"réutilisé (généré au {marqueur.get('au')})", "duree": None}
    vide = not Projet.objects.exists() and not get_user_model().objects.exists()
    if not vide and not os.environ.get("BENCH_BASE_JETABLE") and not args.vider:
        sys.exit(
            "La base de DATABASE_URL n'est pas vide et ne contient pas ce jeu de données : "
            "relancez avec --vider (efface TOUT) ou sans DATABASE_URL (cluster du banc)."
        )
    options = ["--projets", str(args.projets), "--apprenants", str(args.apprenants), "--graine", str(args.graine)]
    if not vide:
        options.append("--vider")
    print(f"Génération du jeu de données : generer_donnees {' '.join(options)}")
    debut = time.perf_counter()
    call_command("generer_donnees", *options)
    duree = time.perf_counter() - debut
    return {"etat": "généré dans ce passage", "duree": duree}


def contexte() -> dict:
    tailles = dict(Apprenant.objects.order_by().values_list("projet").annotate(n=Count("pk")))
    projets = sorted(Projet.objects.all(), key=lambda p: (-tailles.get(p.pk, 0), p.pk))
    for p in projets:
        p.n = tailles.get(p.pk, 0)
    grand = projets[0]
    adhesions = {
        a.role: a.user
        for a in Adhesion.objects.filter(projet=grand)
        .select_related("user")
        .exclude(user__username="national")
        .exclude(user__username__startswith="region-")
    }
    fiche = (
        Apprenant.objects.filter(projet=grand)
        .annotate(np=Count("parcours__etapes", distinct=True), nr=Count("recits", distinct=True), nf=Count("freins", distinct=True))
        .order_by("-nr", "-np", "-nf", "pk")
        .first()
    )
    # issue 18: a learner with evaluations (the radar chart and the progression on the page)
    evalue = Apprenant.objects.filter(projet=grand, evaluations__isnull=False).order_by("pk").first()
    region = get_user_model().objects.filter(username__startswith="region-").annotate(n=Count("adhesions")).order_by("-n").first()
    return {
        "projets": projets,
        "grand": grand,
        "coord": adhesions["coordinateur"],
        "admin": adhesions["administrateur"],
        "financeur": adhesions["financeur"],
        "fiche": fiche,
        "fiche_evaluee": evalue,
        "national": get_user_model().objects.get(username="national"),
        "region": region,
        "au": timezone.localdate(),
    }


def client_de(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def client_verifie(user) -> Client:
    """A client of a user who must pass the second factor (a project's administrator): a
    confirmed device of theirs in the session, as the code page leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_de(user)
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client


# ------------------------------------------------------------------ pages


def ecrire_presences(projet):
    """Saving the attendance sheet of one of the project's séances (``enregistrer_presences``,
    as the grid does): one participant absent, another each time (a save that changes nothing
    writes nothing)."""
    from parcours import services_seances
    from parcours.models import Seance

    for seance in Seance.objects.filter(session__projet=projet).order_by("-date", "pk"):
        participants = services_seances.participants_de_seance(seance)
        if len(participants) > 1:
            break
    else:
        raise RuntimeError(f"aucune séance avec des participants dans le projet {projet.pk}")
    tour = iter(range(10**9))

    def preparer():
        absent = next(tour) % len(participants)
        lignes = [(p.pk, "absent" if i == absent else "present", None) for i, p in enumerate(participants)]
        services_seances.enregistrer_presences(seance=seance, lignes=lignes, by=None)

    return preparer


def ecrire_evaluation(projet):
    """An evaluation of the project saved again with another comment (its form's ``save``)."""
    from competences.models import Evaluation

    evaluation = Evaluation.objects.filter(projet=projet).order_by("-pk").first()
    if evaluation is None:
        raise RuntimeError(f"aucune évaluation dans le projet {projet.pk}")
    tour = iter(range(10**9))

    def preparer():
        evaluation.commentaire = f"Banc : relue {next(tour)} fois"
        evaluation.save()

    return preparer


def ecrire_apprenant(projet):
    """A learner's record saved with a field changed (its form's ``save``)."""
    apprenant = Apprenant.objects.filter(projet=projet).order_by("-pk").first()

    def preparer():
        apprenant.qpv = not apprenant.qpv
        apprenant.save()

    return preparer


def mesurer_page(
    nom, client, url, n, *, cible="", seuil=None, plancher=None, plancher_nom="SQL de la page (brut)", preparer=None
) -> Mesure:
    """``preparer``: run before each request, not timed (a write that moves projects'
    revisions: the figures kept for them are computed again, ``pilotage.memo``)."""

    def get():
        reponse = client.get(url)
        if reponse.status_code != 200:
            raise RuntimeError(f"{nom} : {url} a répondu {reponse.status_code}")

    get()
    if preparer is not None:
        preparer()
    reset_queries()  # a request resets the query log: start from an empty one
    with CaptureQueriesContext(connection) as capture:
        get()
    # read now: the next request empties the log that captured_queries reads lazily
    nb_requetes, selects = len(capture.captured_queries), _selects(capture)
    durees = repeter(get, n, echauffement=1, preparer=preparer)
    sqls = plancher if plancher is not None else selects
    m = Mesure(nom, durees, plancher_nom, repeter(rejouer(sqls), n), cible=cible)
    m.note = f"{nb_requetes} requêtes SQL"
    if seuil is not None:
        m.atteinte = m.p95 <= seuil
    return m


def sql_indicateurs(fonction) -> list[str]:
    reset_queries()
    with CaptureQueriesContext(connection) as capture:
        fonction()
    return _selects(capture)


def pages(ctx, args) -> list[Mesure]:
    grand, au = ctx["grand"], ctx["au"]
    coord = client_de(ctx["coord"])
    liste = reverse("apprenant_list", args=[grand.pk])
    resultats = []
    print("Pages…")
    resultats.append(mesurer_page("Liste des apprenants (page 1)", coord, liste, args.n, cible="p95 ≤ 100 ms", seuil=0.100))
    resultats.append(
        mesurer_page(
            "Liste filtrée, triée, page 2",
            coord,
            f"{liste}?qpv=oui&type_etape=pre_qualification&tri=-entree&page=2",
            args.n,
            cible="p95 ≤ 100 ms",
            seuil=0.100,
        )
    )
    resultats.append(mesurer_page("Liste : recherche « mar »", coord, f"{liste}?q=mar", args.n, cible="p95 ≤ 100 ms", seuil=0.100))
    fiche = reverse("apprenant_detail", args=[grand.pk, ctx["fiche"].pk])
    resultats.append(mesurer_page("Fiche d'un apprenant", coord, fiche, args.n))
    if ctx["fiche_evaluee"] is not None:
        evaluee = reverse("apprenant_detail", args=[grand.pk, ctx["fiche_evaluee"].pk])
        resultats.append(mesurer_page("Fiche d'un apprenant évalué (radar des compétences)", coord, evaluee, args.n))
    # the access log (administrateur): the project's latest accesses, and one learner's
    admin = client_verifie(ctx["admin"])
    journal = reverse("journal_acces", args=[grand.pk])
    resultats.append(mesurer_page("Journal des accès (page 1)", admin, journal, args.n, cible="p95 ≤ 100 ms", seuil=0.100))
    resultats.append(
        mesurer_page(
            "Journal des accès d'un apprenant", admin, f"{journal}?apprenant={ctx['fiche'].pk}", args.n, cible="p95 ≤ 100 ms", seuil=0.100
        )
    )

    # the dashboard, and its floor: the raw SQL of the same aggregates. Each project's figures
    # are kept until its next write (pilotage.memo): measured right after a write in the project
    # (what a coordinator who just saved sees), and again with nothing written in between.
    periode = Periode(min(grand.date_debut, au), au)
    tableau = reverse("tableau_de_bord", args=[grand.pk])
    financements = list(Financement.objects.filter(projet=grand).select_related("financeur"))
    cache.clear()
    agregats = sql_indicateurs(lambda: calculer([grand], periode, financements=financements))

    def ecrire_dans(projets, *, precalcul_fait=False):
        """A write in ``projets`` (their revisions move), then, if asked, the background run
        that computes their figures again (pilotage.precalcul: the worker's, here called before
        the measure, untimed)."""
        ids = [p.pk for p in projets]

        def preparer():
            revisions.marquer(ids)
            if precalcul_fait:
                precalcul.recalculer(ids)

        return preparer

    def variantes(nom, client, url, n, cas, **mesure):
        """The same page measured after each ``(suffixe, preparer)`` of ``cas``, budget p95."""
        for suffixe, preparer in cas:
            resultats.append(mesurer_page(f"{nom}{suffixe}", client, url, n, preparer=preparer, **mesure))

    variantes(
        "Tableau de bord d'un projet (coordinateur)",
        coord,
        tableau,
        args.n,
        (
            # what a coordinator writes, through the very code of the pages (each value kept per
            # project is computed again after a write to a model it reads: pilotage.memo)
            (", juste après une feuille de présence enregistrée", ecrire_presences(grand)),
            (", juste après une évaluation de compétences enregistrée", ecrire_evaluation(grand)),
            (", juste après la fiche d'un apprenant modifiée", ecrire_apprenant(grand)),
            # the worst case: every value computed again (a write to every model)
            (", juste après une écriture dans toutes ses données", ecrire_dans([grand])),
            (", après une écriture et son précalcul en fond", ecrire_dans([grand], precalcul_fait=True)),
            (", rien d'écrit depuis", None),
        ),
        cible="p95 ≤ 150 ms",
        seuil=0.150,
        plancher=agregats,
        plancher_nom="SQL brut des mêmes agrégats",
    )
    # the background run itself (pilotage.precalcul), for the largest project
    m = Mesure(
        "Précalcul en fond après une écriture (le plus gros projet, tous ses lecteurs)",
        repeter(ecrire_dans([grand], precalcul_fait=True), args.n),
    )
    m.note = (
        "revisions.marquer puis precalcul.recalculer : ce que le worker fait après chaque écriture (ATTENTE = 1 s après la première "
        "d'une rafale) — le tableau de bord de chaque lecture, puis chaque synthèse qui couvre le projet (nationale, sa Région), "
        "chiffres et HTML"
    )
    resultats.append(m)
    financeur = client_de(ctx["financeur"])
    m = mesurer_page(
        "Tableau de bord (financeur, masqué), rien d'écrit depuis",
        financeur,
        tableau,
        args.n,
        plancher=agregats,
        plancher_nom="SQL brut des mêmes agrégats",
    )
    resultats.append(m)

    # the national roll-up (204 projects) and a Région's: with nothing kept (the cache emptied
    # before each view), after writes in a tenth of the projects, and with nothing written since
    projets = ctx["projets"]
    debut = min(p.date_debut for p in projets)
    national = client_de(ctx["national"])
    fin_nat = list(Financement.objects.visible_to(ctx["national"]).select_related("financeur"))
    cache.clear()
    agregats_nat = sql_indicateurs(lambda: calculer_par_projet(projets, Periode(debut, au), masquer=True, financements=fin_nat))
    dixieme = sorted(projets, key=lambda p: p.pk)[:: max(1, len(projets) // max(1, len(projets) // 10))][: max(1, len(projets) // 10)]

    def syntheses(nom, client, ecrits, cas, **mesure):
        """A roll-up in each state of ``cas``, then right after a write in ``ecrits`` as in
        production: the run programmed, the figures kept last shown."""
        variantes(nom, client, reverse("synthese"), max(5, args.n // 4), cas, **mesure)
        suffixe = f", juste après une écriture dans {len(ecrits)} projets, précalcul programmé (les chiffres gardés en dernier, datés)"
        with precalcul_programme():
            variantes(nom, client, reverse("synthese"), max(5, args.n // 4), ((suffixe, ecrire_dans(ecrits)),), **mesure)

    syntheses(
        f"Synthèse nationale ({len(projets)} projets, utilisateur « national »)",
        national,
        dixieme,
        (
            (", rien de gardé (cache vidé)", cache.clear),
            (f", juste après une écriture dans {len(dixieme)} projets, sans précalcul programmé (Celery immédiat)", ecrire_dans(dixieme)),
            (f", après une écriture dans {len(dixieme)} projets et leur précalcul en fond", ecrire_dans(dixieme, precalcul_fait=True)),
            (", rien d'écrit depuis", None),
        ),
        cible="p95 ≤ 400 ms",
        seuil=0.400,
        plancher=agregats_nat,
        plancher_nom="SQL brut des mêmes agrégats",
    )
    region = ctx["region"]
    ecrits_region = list(Projet.objects.filter(adhesions__user=region).distinct())[:3]
    syntheses(
        f"Synthèse d'une Région ({region.adhesions.count()} projets, « {region.username} »)",
        client_de(region),
        ecrits_region,
        (
            (
                f", juste après une écriture dans {len(ecrits_region)} projets, sans précalcul programmé (Celery immédiat)",
                ecrire_dans(ecrits_region),
            ),
            (
                f", après une écriture dans {len(ecrits_region)} projets et leur précalcul en fond",
                ecrire_dans(ecrits_region, precalcul_fait=True),
            ),
            (", rien d'écrit depuis", None),
        ),
        cible="p95 ≤ 400 ms",
        seuil=0.400,
    )
    return resultats


@contextmanager
def precalcul_programme():
    """A roll-up read as in production after a write: the run programmed (a Celery worker), so
    the page shows the figures kept last, dated (``SYNTHESE_RETARD_MAX``), until the run keeps
    the new ones. The run's sending is left out: it is measured in its own row."""
    programme, hooks = precalcul.programme, list(revisions.APRES_COMMIT)
    precalcul.programme = lambda: True
    revisions.APRES_COMMIT.clear()
    try:
        yield
    finally:
        precalcul.programme = programme
        revisions.APRES_COMMIT[:] = hooks


# ------------------------------------------------------------------ séances and attendance (issue 17)


def seances(ctx, args) -> list[Mesure]:
    """The attendance grid of a 40-participant séance, the session's page, the calendar (month
    and week) of the largest project. The 40-participant session (the generated cohorts have 8 to
    20) is added through the services inside a transaction rolled back at the end: the dataset
    stays the one the marker names. The dashboard, measured by ``pages``, already reads a
    dataset with attendance (hours from it)."""
    from parcours import services as services_parcours
    from parcours import services_seances
    from parcours.models import Seance, SessionFormation

    grand, au = ctx["grand"], ctx["au"]
    coord = client_de(ctx["coord"])
    resultats = []
    print("Séances et présences…")
    with transaction.atomic():
        modele = SessionFormation.objects.filter(projet=grand).order_by("pk").first()
        session = SessionFormation.objects.create(
            projet=grand,
            organisation_id=modele.organisation_id,
            intitule="Banc : promotion de 40",
            nature="promotion",
            date_debut=au - timedelta(days=60),
            date_fin=au + timedelta(days=30),
            places_min=10,
            places_max=40,
        )
        ids = list(Apprenant.objects.filter(projet=grand).order_by("pk").values_list("pk", flat=True)[:40])
        services_parcours.ajouter_participants(session=session, apprenant_ids=ids, by=None)
        liste = [
            services_seances.enregistrer_seance(
                seance=Seance(date=au - timedelta(days=60 - 3 * i), duree=Decimal("3.5")), session=session, by=None
            )
            for i in range(20)
        ]
        for seance in liste[:-1]:
            services_seances.enregistrer_presences(seance=seance, lignes=[(pk, "present", None) for pk in ids], by=None)
        grille = reverse("seance_presences", args=[grand.pk, liste[-2].pk])
        resultats.append(
            mesurer_page("Feuille de présence d'une séance (40 participants)", coord, grille, args.n, cible="p95 ≤ 100 ms", seuil=0.100)
        )
        detail = reverse("sessionformation_detail", args=[grand.pk, session.pk])
        resultats.append(
            mesurer_page("Page d'une session (40 participants, 20 séances)", coord, detail, args.n, cible="p95 ≤ 100 ms", seuil=0.100)
        )
        calendrier = reverse("calendrier", args=[grand.pk])
        resultats.append(mesurer_page("Calendrier des séances (mois)", coord, calendrier, args.n, cible="p95 ≤ 100 ms", seuil=0.100))
        resultats.append(
            mesurer_page("Calendrier des séances (semaine)", coord, f"{calendrier}?vue=semaine", args.n, cible="p95 ≤ 100 ms", seuil=0.100)
        )
        # one save of the whole grid (40 rows, hours of 40 steps kept in sync), rolled back each time
        lignes = [(pk, "absent" if k % 7 == 0 else "present", None) for k, pk in enumerate(ids)]

        def enregistrer():
            with transaction.atomic():
                services_seances.enregistrer_presences(seance=liste[-1], lignes=lignes, by=None)
                transaction.set_rollback(True)

        resultats.append(
            Mesure("Enregistrement d'une feuille de 40 présences (service)", repeter(enregistrer, args.n), "", [], cible="p95 ≤ 100 ms")
        )
        resultats[-1].atteinte = resultats[-1].p95 <= 0.100
        transaction.set_rollback(True)
    return resultats


def recherche(ctx, args) -> list[Mesure]:
    """The header's global search (parcours/recherche.py) in the largest project, as its
    coordinator: a frequent syllable (many learners, contacts, organisations), a first name typed
    without its accent, and a word found nowhere (every row of the project read)."""
    coord = client_de(ctx["coord"])
    url = reverse("recherche", args=[ctx["grand"].pk])
    print("Recherche globale…")
    mesures = [
        mesurer_page(f"Recherche globale « {q} »", coord, f"{url}?q={q}", args.n, cible="p95 ≤ 100 ms", seuil=0.100)
        for q in ("mar", "chloe", "zzzz")
    ]
    # the same machine at the same moment: a page of known cost, to read the figures above
    # when the machine is loaded (`--parties recherche` alone does not measure the pages)
    if "pages" not in set(args.parties.split(",")):
        liste = reverse("apprenant_list", args=[ctx["grand"].pk])
        mesures.append(mesurer_page("Référence : liste des apprenants (page 1)", coord, liste, args.n, cible="p95 ≤ 100 ms", seuil=0.100))
    return mesures


# ------------------------------------------------------------------ COPIL PDF


def masquage_synthese(ctx, args) -> list[Mesure]:
    """The disclosure control of the roll-ups alone (``masquage.masquer_synthese``), on figures
    computed in clear once: cold (the masking remembered per process forgotten before each run,
    as for the first request of a fresh process), then with each project's dashboard remembered
    (the next requests)."""
    from pilotage import masquage

    resultats = []
    projets, au = ctx["projets"], ctx["au"]
    region = ctx["region"]
    ids_region = set(region.adhesions.values_list("projet_id", flat=True))
    for nom, liste in (
        (f"synthèse nationale ({len(projets)} projets)", projets),
        (f"synthèse d'une Région ({len(ids_region)} projets)", [p for p in projets if p.pk in ids_region]),
    ):
        clair = calculer_par_projet(liste, Periode(min(p.date_debut for p in liste), au), masquer=False)

        def masquer(clair=clair):
            masquage.masquer_synthese(clair.total, clair.par_projet)

        froid = []
        for _ in range(args.n):  # the forgetting is not timed
            masquage.oublier()
            debut = time.perf_counter()
            masquer()
            froid.append(time.perf_counter() - debut)
        m = Mesure(f"Masquage de la {nom}, à froid", froid, cible="≪ 100 ms" if len(liste) > 100 else "")
        m.note = "masquer_synthese seul, chiffres calculés en clair une fois ; mémoire du processus vidée avant chaque passage"
        if len(liste) > 100:
            m.atteinte = m.p95 < 0.100
        resultats.append(m)
        m = Mesure(f"Masquage de la {nom}, tableaux de bord des projets mémorisés", repeter(masquer, args.n))
        m.note = "requêtes suivantes du même processus"
        resultats.append(m)
    return resultats


def pdf(ctx, args, *, copil=None, titre="Rapport COPIL en PDF", n=None, cible_s=3.0, attente_s=180) -> Mesure:
    from pilotage import rapports
    from pilotage.models import StatutRapport

    copil = copil or Copil.objects.filter(projet=ctx["grand"], date__lte=ctx["au"]).order_by("-date").first()
    n = args.n_pdf if n is None else n
    worker = None
    en_worker = bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER
    crees = []
    try:
        if en_worker:
            journal = open(BENCH_DIR / "worker.log", "wb")  # noqa: SIM115 (closed below)
            worker = subprocess.Popen(  # noqa: S603 (fixed command)
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "conciergerie",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname=bench@%h",
                ],
                cwd=RACINE,
                stdout=journal,
                stderr=subprocess.STDOUT,
            )
        durees, internes = [], []
        for i in range(n + 1):  # the first one warms the worker up
            debut = time.perf_counter()
            rapport = rapports.demander_rapport(copil=copil, by=ctx["coord"])
            crees.append(rapport.pk)
            limite = time.monotonic() + attente_s
            while True:
                rapport.refresh_from_db()
                if rapport.statut in (StatutRapport.PRET, StatutRapport.ECHEC):
                    break
                if time.monotonic() > limite:
                    raise RuntimeError(f"le rapport COPIL n'a pas abouti en {attente_s} s (worker ?)")
                time.sleep(0.02)
            if rapport.statut != StatutRapport.PRET:
                raise RuntimeError(f"rapport COPIL en échec : {rapport.erreur}")
            if i:
                durees.append(time.perf_counter() - debut)
                internes.append((rapport.fin - rapport.debut).total_seconds())
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            journal.close()
        for r in RapportCopil.objects.filter(pk__in=crees):  # leave the dataset as it was
            if r.fichier:
                r.fichier.delete(save=False)
            r.delete()
    lieu = "worker Celery réel (Redis)" if en_worker else "en processus (Celery eager : ni REDIS_URL ni redis-server)"
    m = Mesure(f"{titre} — {lieu}", durees, cible=f"≤ {cible_s:g} s")
    m.atteinte = m.p95 <= cible_s
    m.note = f"de la demande au rapport prêt ; dans la tâche (début → fin) : médiane {_ms(statistics.median(internes))}"
    return m


RECIT_LONG = (
    "## {titre}\n\n" + "Arrivée par la Mission Locale, elle cherchait une formation près de chez elle, sans voiture. "
    "Le tiers-lieu l'a accueillie pour suivre à distance la session de l'organisme de formation ; "
    "une bénévole l'a accompagnée pour le numérique, puis **une immersion** en entreprise a confirmé le projet. "
    * 6
    + "\n\n- un frein levé : la mobilité (covoiturage du tiers-lieu)\n- une sortie : contrat en alternance\n\n"
    + "> « Je n'aurais jamais osé sans le tiers-lieu. »\n\n"
    + "Le comité retient trois enseignements : la proximité, l'accompagnement humain, la souplesse des partenaires. " * 4
)


def pdf_100_recits(ctx, args) -> Mesure:
    """The COPIL report of 24 months with 100 long récits (about 2 500 characters each) of the
    largest project: made and removed by this measure (the dataset stays as it was)."""
    from recits.models import Recit, TypeRecit

    fin = ctx["au"]
    debut = date(fin.year - 2, fin.month, 1)
    copil = Copil.objects.create(projet=ctx["grand"], date=fin, lieu="Banc", periode_debut=debut, periode_fin=fin)
    recits = Recit.objects.bulk_create(
        Recit(
            projet=ctx["grand"],
            titre=f"Récit de banc n° {i + 1}",
            type=TypeRecit.TEMOIGNAGE,
            texte=RECIT_LONG.format(titre=f"Parcours n° {i + 1}"),
            date=debut + (fin - debut) * i // 100,
            a_presenter_copil=True,
        )
        for i in range(100)
    )
    try:
        m = pdf(ctx, args, copil=copil, titre="Rapport COPIL, 24 mois et 100 récits longs", n=args.n_pdf_recits, cible_s=60, attente_s=400)
        m.note += " ; limites de la tâche : 120 s (douce), 180 s (dure)"
        return m
    finally:
        Recit.objects.filter(pk__in=[r.pk for r in recits]).delete()
        copil.delete()


# ------------------------------------------------------------------ Excel (each in a fresh process: its memory)


def _enfant(mode: str, n: int, entree: Path) -> dict:
    sortie = subprocess.run(  # noqa: S603 (fixed command)
        [PY, __file__, "--enfant", mode, "--repetitions", str(n), "--entree", str(entree)],
        check=True,
        capture_output=True,
        text=True,
        cwd=RACINE,
    )
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def _lignes_du_classeur(contenu: bytes) -> list[tuple[str, list[tuple]]]:
    """Each sheet's rows (values only) of a workbook: what a bare dump writes again."""
    from openpyxl import load_workbook

    classeur = load_workbook(io.BytesIO(contenu), read_only=True)
    return [(ws.title, [tuple(rang) for rang in ws.iter_rows(values_only=True)]) for ws in classeur.worksheets]


def excel(ctx, args) -> list[Mesure]:
    """The bilans, each against its floor: the same SELECTs sent raw (streamed) and the same
    output rows written by openpyxl in write-only mode without any style — what the bilan could
    not do faster. Each measure runs in a fresh process, for its peak memory."""
    import pickle

    from pilotage.bilans import ecrire_bilan, ecrire_bilan_projet, ecrire_bilan_synthese

    grand, au = ctx["grand"], ctx["au"]
    projets = ctx["projets"]
    periode_tous = Periode(min(p.date_debut for p in projets), au)
    entrees = {}
    for mode, ecrire in (
        ("projet", lambda f: ecrire_bilan_projet(projet=grand, periode=Periode(grand.date_debut, au), fichier=f)),
        ("synthese", lambda f: ecrire_bilan_synthese(projets=projets, periode=periode_tous, fichier=f)),
        ("tous", lambda f: ecrire_bilan(projets=projets, periode=periode_tous, fichier=f)),
    ):
        print(f"Requêtes et lignes du bilan « {mode} »…")
        fichier = io.BytesIO()
        reset_queries()
        with CaptureQueriesContext(connection) as capture:
            ecrire(fichier)
        chemin = BENCH_DIR / f"excel-{mode}.pickle"
        chemin.write_bytes(pickle.dumps({"projet": grand.pk, "au": au, "sql": _selects(capture)}))
        # the rows apart: only the floor loads them (in the bilan's process they would weigh on its memory)
        _lignes(chemin).write_bytes(pickle.dumps(_lignes_du_classeur(fichier.getvalue())))
        entrees[mode] = chemin
        del fichier
    # a reference: every learner's row (the Apprenants sheet's columns), read and dumped bare
    apprenants = (
        Apprenant.objects.filter(date_entree__lte=au)
        .order_by("projet_id", "reference")
        .values_list(
            "reference",
            "date_naissance",
            "qpv",
            "zrr",
            "situation_entree",
            "niveau_qualification",
            "prescripteur__nom",
            "date_entree",
            "statut_secu",
        )
    )
    sql, params = apprenants.query.sql_with_params()
    chemin = BENCH_DIR / "excel-apprenants.pickle"
    chemin.write_bytes(pickle.dumps({"projet": grand.pk, "au": au, "sql": [connection.ops.compose_sql(sql, params)]}))
    _lignes(chemin).write_bytes(pickle.dumps(None))
    entrees["apprenants"] = chemin

    cible = "≤ 10 s, pic ≤ 250 Mo, ≤ 1,5 × plancher"
    resultats = []
    for nom, mode, cible_ in (
        (f"Bilan Excel du plus gros projet ({grand.n} apprenants, toutes les feuilles)", "projet", ""),
        (f"Bilan Excel de synthèse des {len(projets)} projets (agrégats, une ligne par projet)", "synthese", ""),
        (
            f"Bilan Excel détaillé des {len(projets)} projets ({Apprenant.objects.count()} apprenants, toutes les feuilles, "
            "une ligne par séance)",
            "tous",
            cible,
        ),
    ):
        print(f"{nom}…")
        r, b = _enfant(mode, args.n_excel, entrees[mode]), _enfant(f"nu-{mode}", args.n_excel, entrees[mode])
        m = Mesure(nom, r["durees"], "mêmes SELECT bruts + mêmes lignes écrites nues", b["durees"], cible=cible_)
        m.note = (
            f"{b['lignes']} lignes ; pic RSS +{r['rss_delta'] / MO:.0f} Mo (plancher +{b['rss_delta'] / MO:.0f} Mo), "
            f"pic tracemalloc {r['pic_python'] / MO:.1f} Mo (plancher {b['pic_python'] / MO:.1f} Mo) ; {r['octets'] / 1024:.0f} Kio"
        )
        if mode == "tous":  # the process's whole peak (Django, the connection, openpyxl included)
            m.note += f" ; pic RSS du processus {r['rss_pic'] / MO:.0f} Mo (plancher {b['rss_pic'] / MO:.0f} Mo)"
        if cible_:
            m.atteinte = m.p95 <= 10 and r["rss_pic"] <= 250 * MO and (m.ratio or 0) <= 1.5
        resultats.append(m)
    b = _enfant("nu-apprenants", args.n_excel, entrees["apprenants"])
    m = Mesure(f"Référence : les {b['lignes']} apprenants lus et écrits nus (colonnes de la feuille Apprenants)", b["durees"])
    m.note = f"la seule feuille Apprenants du bilan détaillé, sans style ni conversion ; pic RSS +{b['rss_delta'] / MO:.0f} Mo, {b['octets'] / 1024:.0f} Kio"
    resultats.append(m)
    return resultats


def _lignes(entree: Path) -> Path:
    """Where the rows a floor writes again are kept, next to the measure's input."""
    return entree.with_suffix(".lignes.pickle")


def _rss(cle: str = "VmRSS:") -> int:
    """The process's resident memory (VmRSS), or its peak since the last reset (VmHWM)."""
    with open("/proc/self/status") as f:
        for ligne in f:
            if ligne.startswith(cle):
                return int(ligne.split()[1]) * 1024
    return 0


def _remettre_pic_a_zero() -> None:
    """Linux: writing 5 to clear_refs resets the peak resident size (VmHWM) to the current one."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _plancher(sqls: list[str], feuilles, fichier) -> int:
    """The same SELECTs, streamed (server-side cursors), and ``feuilles`` written bare; without
    ``feuilles`` the rows read are the rows written."""
    from openpyxl import Workbook

    classeur = Workbook(write_only=True)
    lignes = 0
    with transaction.atomic():  # server-side cursors need a transaction
        brut = connection.connection
        for i, sql in enumerate(sqls):
            feuille = classeur.create_sheet(f"r{i}") if feuilles is None else None
            with brut.cursor(name=f"plancher{i}") as curseur:
                curseur.execute(sql)
                while rangs := curseur.fetchmany(2000):
                    if feuille is not None:
                        for rang in rangs:
                            feuille.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in rang])
                            lignes += 1
    for titre, rangs in feuilles or ():
        feuille = classeur.create_sheet(titre)
        for rang in rangs:
            feuille.append(rang)
            lignes += 1
    classeur.save(fichier)
    return lignes


def mode_enfant(args) -> None:
    """One Excel measure, in a fresh process: durations, then one more run under tracemalloc.
    The detailed bilan of every project (and its floor) goes to a temporary file on disk, as the
    job writes it; the others to memory."""
    import pickle
    import tempfile

    from pilotage.bilans import ecrire_bilan, ecrire_bilan_projet, ecrire_bilan_synthese

    donnees = pickle.loads(Path(args.entree).read_bytes())  # noqa: S301 (our own file, just written)
    if args.enfant.startswith("nu-"):
        donnees["feuilles"] = pickle.loads(_lignes(Path(args.entree)).read_bytes())  # noqa: S301
    au = donnees["au"]
    projet = Projet.objects.get(pk=donnees["projet"])
    projets = list(Projet.objects.all())
    periode_synthese = Periode(min(p.date_debut for p in projets), au)
    compte = {"lignes": 0}
    sur_disque = args.enfant in ("tous", "nu-tous")

    def executer():
        fichier = tempfile.TemporaryFile() if sur_disque else io.BytesIO()  # noqa: SIM115 (closed by the caller)
        if args.enfant == "projet":
            ecrire_bilan_projet(projet=projet, periode=Periode(projet.date_debut, au), fichier=fichier)
        elif args.enfant == "synthese":
            ecrire_bilan_synthese(projets=projets, periode=periode_synthese, fichier=fichier)
        elif args.enfant == "tous":
            ecrire_bilan(projets=projets, periode=periode_synthese, fichier=fichier)
        else:
            compte["lignes"] = _plancher(donnees["sql"], donnees["feuilles"], fichier)
        octets = fichier.seek(0, io.SEEK_END)
        fichier.close()
        return octets

    executer()  # warm-up: imports, caches, the connection
    rss_avant = _rss()
    _remettre_pic_a_zero()
    durees = []
    for _ in range(args.repetitions):
        debut = time.perf_counter()
        octets = executer()
        durees.append(time.perf_counter() - debut)
    rss_max = _rss("VmHWM:")
    tracemalloc.start()
    executer()
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "durees": durees,
                "rss_delta": max(0, rss_max - rss_avant),
                "rss_pic": rss_max,
                "pic_python": pic,
                "lignes": compte["lignes"],
                "octets": octets,
            }
        )
    )


# ------------------------------------------------------------------ import of 10 000 learners


def import_apprenants(ctx, args, nombre: int = 10_000) -> list[Mesure]:
    titre = f"Import de {nombre:,} apprenants".replace(",", "\u202f")
    try:
        from conciergerie.imports import importer
        from parcours.resources import ApprenantResource
    except ImportError as exc:
        print(f"Import : non disponible ({exc}).")
        return [Mesure(titre, [], note=f"non disponible ({exc})")]
    grand, admin = ctx["grand"], ctx["admin"]
    avant = Apprenant.objects.filter(projet=grand).count()
    try:
        colonnes = ApprenantResource.colonnes_declarees()
        contenu = _fichier_import(colonnes, grand, nombre)
    except Exception as exc:  # the import service is being built: say why, measure the rest
        return [Mesure(titre, [], note=f"non disponible (fichier : {exc})")]
    resultats = []
    for nom, confirmer in (("essai (dry run)", False), ("confirmation (écriture)", True)):
        durees, bilan = [], ""
        for _ in range(args.n_import):
            with transaction.atomic():  # rolled back: the dataset stays as it was
                debut = time.perf_counter()
                try:
                    resultat = importer(
                        type="apprenants", fichier=contenu, nom="apprenants.csv", projet=grand, by=admin, confirmer=confirmer
                    )
                except TypeError as exc:
                    return [Mesure(titre, [], note=f"non disponible (signature : {exc})")]
                durees.append(time.perf_counter() - debut)
                if not resultat.valide:
                    premieres = "; ".join(str(e) for e in resultat.erreurs[:3])
                    raise RuntimeError(f"import refusé ({len(resultat.erreurs)} erreurs) : {premieres}")
                if confirmer and Apprenant.objects.filter(projet=grand).count() != avant + nombre:
                    raise RuntimeError(f"l'import confirmé n'a pas écrit les {nombre} apprenants")
                bilan = f"{resultat.a_ecrire} lignes à écrire"
                transaction.set_rollback(True)
        cible = 20 * nombre // 10_000
        m = Mesure(f"{titre} (CSV) — {nom}", durees, cible=f"≤ {cible} s")
        m.atteinte = m.p95 <= cible
        m.note = bilan + " ; dans une transaction annulée ensuite"
        resultats.append(m)
    return resultats


#: the budget of an import of 20 000 rows (the largest file) run as a job, dry run and confirmation
#: each: a quarter of the task's soft time limit (240 s), the margin for a slower or busier machine
BUDGET_IMPORT_JOB_S = 60


def _worker_celery():
    """A real Celery worker (solo pool) when Redis is there, else None (Celery eager: in process)."""
    if not (settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER):
        return None, None
    journal = open(BENCH_DIR / "worker-import.log", "wb")  # noqa: SIM115 (closed by _arreter_worker)
    worker = subprocess.Popen(  # noqa: S603 (fixed command)
        [PY, "-m", "celery", "-A", "conciergerie", "worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname=bench-import@%h"],
        cwd=RACINE,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    return worker, journal


def _arreter_worker(worker, journal) -> None:
    if worker is not None:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        journal.close()


def import_par_job(ctx, args, nombre: int = 20_000) -> list[Mesure]:
    """The import of ``nombre`` learners as users run it: a file above the threshold is checked,
    then written, by the worker's task (``conciergerie.imports.travail``: ``demander`` then the
    task ``traiter_import``), the page polling the job's row. Measured from the request to the job
    ready, for the dry run and for the confirmation, against ``BUDGET_IMPORT_JOB_S``; the learners
    written are deleted after each run (the dataset stays as it was)."""
    from conciergerie.imports import travail
    from conciergerie.models import StatutTraitement, TraitementImport
    from parcours.resources import ApprenantResource

    titre = f"Import de {nombre:,} apprenants (CSV) par le worker".replace(",", "\u202f")
    grand, admin = ctx["grand"], ctx["admin"]
    contenu = _fichier_import(ApprenantResource.colonnes_declarees(), grand, nombre)
    assert travail.en_travail(contenu), "le fichier doit passer par le worker"
    importes = Apprenant.objects.filter(projet=grand, reference__startswith="IMP-")
    if importes.exists():
        raise RuntimeError("des apprenants IMP-… sont déjà dans le projet : un passage précédent interrompu ?")
    worker, journal = _worker_celery()
    durees = {False: [], True: []}
    internes = {False: [], True: []}
    crees = []

    limite_s = travail.DELAI_PERDU.total_seconds()

    progressions = {False: set(), True: set()}

    def attendre(traitement):
        limite = time.monotonic() + limite_s
        while True:
            traitement.refresh_from_db()
            if traitement.statut in (StatutTraitement.PRET, StatutTraitement.ECHEC):
                break
            if 0 < traitement.lignes_faites < nombre:  # what the page polling the job shows meanwhile
                progressions[traitement.confirmer].add(traitement.lignes_faites)
            if time.monotonic() > limite:
                raise RuntimeError(f"l'import n'a pas abouti en {limite_s:.0f} s (worker ?)")
            time.sleep(0.05)
        if traitement.statut != StatutTraitement.PRET:
            raise RuntimeError(f"import en échec : {traitement.erreur}")
        resultat, _ = travail.depuis_json(traitement.resultat)
        if not resultat.valide or resultat.total != nombre:
            raise RuntimeError(f"import refusé ({len(resultat.erreurs)} erreurs) : {resultat.erreurs[:3]}")
        return traitement

    try:
        for _ in range(args.n_import):
            debut = time.perf_counter()
            essai = travail.demander(type="apprenants", projet=grand, by=admin, confirmer=False, contenu=contenu, nom="apprenants.csv")
            crees.append(essai.pk)
            essai = attendre(essai)
            durees[False].append(time.perf_counter() - debut)
            internes[False].append((essai.fin - essai.debut).total_seconds())
            debut = time.perf_counter()
            confirmation = travail.demander(
                type="apprenants", projet=grand, by=admin, confirmer=True, depot=essai.depot, nom="apprenants.csv"
            )
            crees.append(confirmation.pk)
            confirmation = attendre(confirmation)
            durees[True].append(time.perf_counter() - debut)
            internes[True].append((confirmation.fin - confirmation.debut).total_seconds())
            if importes.count() != nombre:
                raise RuntimeError(f"l'import confirmé n'a pas écrit les {nombre} apprenants")
            _effacer_importes(grand)
    finally:
        _arreter_worker(worker, journal)
        _effacer_importes(grand)
        TraitementImport.objects.filter(pk__in=crees).delete()
    lieu = "worker Celery réel (Redis)" if worker is not None else "en processus (Celery eager : ni REDIS_URL ni redis-server)"
    mesures = []
    for confirmer, nom in ((False, "essai (dry run)"), (True, "confirmation (écriture)")):
        m = Mesure(f"{titre} — {nom} — {lieu}", durees[confirmer], cible=f"≤ {BUDGET_IMPORT_JOB_S} s")
        m.atteinte = m.p95 <= BUDGET_IMPORT_JOB_S
        m.note = (
            f"de la demande au travail prêt ; dans la tâche (début → fin) : médiane {_ms(statistics.median(internes[confirmer]))} ; "
            f"limites de la tâche : 240 s (douce), 300 s (dure) ; progression vue en cours de route : "
            f"{len(progressions[confirmer])} valeurs intermédiaires"
        )
        mesures.append(m)
    return mesures


def _effacer_importes(projet) -> None:
    """The learners an import of this measure wrote, and their history rows: deleted in SQL (a
    deletion through the ORM would write 20 000 more history rows)."""
    Apprenant.history.filter(projet_id=projet.pk, reference__startswith="IMP-").delete()
    importes = Apprenant.objects.filter(projet=projet, reference__startswith="IMP-")
    importes._raw_delete(importes.db)


def _fichier_import(colonnes, projet, nombre: int) -> bytes:
    """A CSV of ``nombre`` new learners, in the import template's columns and French formats."""
    import csv
    import random

    from partenaires.models import Organisation

    rng = random.Random(1)
    prescripteurs = list(
        Organisation.objects.filter(projet=projet, type__in=["france_travail", "mission_locale"]).values_list("nom", flat=True)
    )
    valeurs = {
        "reference": lambda i: f"IMP-{i:05d}",
        "prenom": lambda i: rng.choice(["Léa", "Hugo", "Inès", "Karim", "Awa", "Louis"]),
        "nom": lambda i: rng.choice(["Martin", "Diallo", "Bernard", "Nguyen", "Roux"]),
        "date_naissance": lambda i: date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28)),
        "commune": lambda i: "Hagetmau",
        "email": lambda i: f"import{i}@exemple.test",
        "telephone": lambda i: f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "situation_entree": lambda i: rng.choice(["demandeur_emploi", "neet", "rsa"]),
        "niveau_qualification": lambda i: rng.choice(["infra3", "3", "4"]),
        "date_entree": lambda i: date(2025, rng.randint(1, 9), rng.randint(1, 28)),
        "prescripteur": lambda i: rng.choice(prescripteurs),
        "qpv": lambda i: rng.random() < 0.47,
        "zrr": lambda i: rng.random() < 0.46,
        "statut_secu": lambda i: "definitif",
        "rqth": lambda i: rng.random() < 0.08,
        "consentement_portee": lambda i: "",
        "consentement_date": lambda i: None,
    }
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    ecrivain.writerow([c.column_name for c in colonnes])
    for i in range(1, nombre + 1):
        ligne = []
        for c in colonnes:
            brut = valeurs[c.attribute](i) if c.attribute in valeurs else None
            rendu = c.widget.render(brut) if brut is not None else ""
            ligne.append(rendu)
        ecrivain.writerow(ligne)
    return tampon.getvalue().encode("utf-8")


# ------------------------------------------------------------------ load test (gunicorn + locust)


def _port_libre() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def identites(ctx) -> Path:
    """Session cookies prepared beforehand (no password hashing during the test) and the URLs
    each simulated user browses: 35 coordinators of the largest projects, 10 funders, 5 Régions."""
    User = get_user_model()
    gens = []

    def membre(projet, role):
        return (
            Adhesion.objects.filter(projet=projet, role=role)
            .exclude(user__username="national")
            .exclude(user__username__startswith="region-")
            .get()
            .user
        )

    for projet in ctx["projets"][:35]:
        user = membre(projet, "coordinateur")
        ids = list(Apprenant.objects.filter(projet=projet).order_by("?").values_list("pk", flat=True)[:40])
        liste = reverse("apprenant_list", args=[projet.pk])
        gens.append(
            {
                "type": "coordinateur",
                "cookie": _cookie(user),
                "accueil": reverse("projet_accueil", args=[projet.pk]),
                "liste": liste,
                "listes": [
                    f"{liste}?page=2",
                    f"{liste}?qpv=oui&tri=-entree",
                    f"{liste}?type_etape=formation_certifiante",
                    f"{liste}?q=mar",
                    f"{liste}?bloquee=oui",
                ],
                "fiches": [reverse("apprenant_detail", args=[projet.pk, pk]) for pk in ids],
                "tableau": reverse("tableau_de_bord", args=[projet.pk]),
                "sessions": reverse("sessionformation_list", args=[projet.pk]),
            }
        )
    for projet in ctx["projets"][:10]:
        user = membre(projet, "financeur")
        gens.append(
            {
                "type": "financeur",
                "cookie": _cookie(user),
                "accueil": reverse("projet_accueil", args=[projet.pk]),
                "tableau": reverse("tableau_de_bord", args=[projet.pk]),
                "finances": reverse("finances", args=[projet.pk]),
                "synthese": None,
            }
        )
    regions = User.objects.filter(username__startswith="region-").annotate(n=Count("adhesions")).order_by("n")[:5]
    for user in regions:
        projet = Adhesion.objects.filter(user=user).order_by("projet_id").first().projet
        gens.append(
            {
                "type": "financeur",
                "cookie": _cookie(user),
                "accueil": reverse("projet_accueil", args=[projet.pk]),
                "tableau": reverse("tableau_de_bord", args=[projet.pk]),
                "finances": reverse("finances", args=[projet.pk]),
                "synthese": reverse("synthese"),
            }
        )
    chemin = BENCH_DIR / "charge-identites.json"
    chemin.write_text(json.dumps(gens))
    return chemin


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def charge(ctx, args) -> dict:
    chemin = identites(ctx)
    port = _port_libre()
    env = {**os.environ, "BENCH_IDENTITES": str(chemin)}
    journal = open(BENCH_DIR / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    gunicorn = subprocess.Popen(  # noqa: S603 (fixed command)
        [
            str(Path(PY).parent / "gunicorn"),
            "conciergerie.wsgi:application",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        limite = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/", timeout=2) as r:  # noqa: S310 (loopback)
                    if r.status == 200:
                        break
            except OSError:
                if gunicorn.poll() is not None or time.monotonic() > limite:
                    raise RuntimeError("gunicorn n'a pas démarré (var/bench/gunicorn.log)") from None
                time.sleep(0.3)
        prefixe = BENCH_DIR / "charge"
        print(
            f"Test de charge : gunicorn (4 workers) sur 127.0.0.1:{port}, locust {args.utilisateurs} utilisateurs pendant {args.duree} s…"
        )
        subprocess.run(  # noqa: S603 (fixed command)
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(RACINE / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.utilisateurs),
                "--spawn-rate",
                str(args.utilisateurs),
                "--run-time",
                f"{args.duree}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefixe),
                "--only-summary",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],
            cwd=RACINE,
            env=env,
            check=False,  # locust exits 1 when a request failed: the figures say so
            timeout=args.duree + 120,
        )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        journal.close()
    return lire_locust(prefixe)


def lire_locust(prefixe: Path) -> dict:
    import csv

    with open(f"{prefixe}_stats.csv", newline="") as f:
        lignes = list(csv.DictReader(f))
    total = next(r for r in lignes if r["Name"] == "Aggregated")
    par_page = [
        {
            "nom": r["Name"],
            "n": int(r["Request Count"]),
            "erreurs": int(r["Failure Count"]),
            "mediane": float(r["50%"]),
            "p95": float(r["95%"]),
        }
        for r in lignes
        if r["Name"] != "Aggregated"
    ]
    return {
        "requetes": int(total["Request Count"]),
        "erreurs": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "mediane": float(total["50%"]),
        "p95": float(total["95%"]),
        "par_page": par_page,
    }


# ------------------------------------------------------------------ EXPLAIN


def explain(ctx, args) -> None:
    """The slowest SELECTs of each main page, with EXPLAIN (ANALYZE, BUFFERS)."""
    grand = ctx["grand"]
    liste = reverse("apprenant_list", args=[grand.pk])
    cibles = {
        "liste": (ctx["coord"], liste),
        "liste filtrée": (ctx["coord"], f"{liste}?qpv=oui&type_etape=pre_qualification&tri=-entree&page=2"),
        "recherche": (ctx["coord"], f"{liste}?q=mar"),
        "fiche": (ctx["coord"], reverse("apprenant_detail", args=[grand.pk, ctx["fiche"].pk])),
        "tableau de bord": (ctx["coord"], reverse("tableau_de_bord", args=[grand.pk])),
        "synthèse nationale": (ctx["national"], reverse("synthese")),
        "accueil du projet": (ctx["coord"], reverse("projet_accueil", args=[grand.pk])),
    }
    brut = connection.connection
    for nom, (user, url) in cibles.items():
        client = client_de(user)
        client.get(url)
        reset_queries()
        with CaptureQueriesContext(connection) as capture:
            client.get(url)
        nb_requetes, selects = len(capture.captured_queries), _selects(capture)
        durees = []
        for sql in selects:
            with brut.cursor() as curseur:
                debut = time.perf_counter()
                curseur.execute(sql)
                curseur.fetchall()
                durees.append((time.perf_counter() - debut, sql))
        durees.sort(reverse=True)
        print(f"\n=== {nom} ({url}) : {nb_requetes} requêtes, SQL {sum(d for d, _ in durees) * 1000:.1f} ms")
        for duree, sql in durees[: args.explain]:
            print(f"\n--- {duree * 1000:.1f} ms\n{sql}\n")
            with brut.cursor() as curseur:
                curseur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(r[0] for r in curseur.fetchall()))


# ------------------------------------------------------------------ report


def machine() -> dict:
    modele = platform.processor()
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
        memoire = next(int(ligne.split()[1]) for ligne in Path("/proc/meminfo").read_text().splitlines() if ligne.startswith("MemTotal"))
    except OSError:
        memoire = 0
    with connection.cursor() as curseur:
        curseur.execute("SHOW server_version")
        version_pg = curseur.fetchone()[0]
        curseur.execute("SHOW shared_buffers")
        shared = curseur.fetchone()[0]
    return {
        "cpu": modele,
        "coeurs": os.cpu_count(),
        "ram": f"{memoire / 1024 / 1024:.1f} Gio",
        "postgresql": f"{version_pg} (shared_buffers {shared})",
        "python": platform.python_version(),
        "django": django.get_version(),
        "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }


def tableau(mesures: list[Mesure]) -> list[str]:
    lignes = [
        "| mesure | n | médiane | p95 | plancher (médiane) | ratio | cible | atteinte | détail |",
        "|---|---:|---:|---:|---|---:|---|---|---|",
    ]
    for m in mesures:
        if not m.durees:
            lignes.append(f"| {m.nom} | — | — | — | — | — | {m.cible} | — | {m.note} |")
            continue
        plancher = f"{m.plancher_nom} : {_ms(statistics.median(m.plancher))}" if m.plancher else "—"
        ratio = f"{m.ratio:.1f} ×" if m.ratio is not None else "—"
        atteinte = {True: "oui", False: "**non**", None: "—"}[m.atteinte]
        lignes.append(
            f"| {m.nom} | {len(m.durees)} | {_ms(m.mediane)} | {_ms(m.p95)} | {plancher} | {ratio} | {m.cible} | {atteinte} | {m.note} |"
        )
    return lignes


def rapport(args, infos, donnees, mesures, resultat_charge) -> str:
    m = infos
    lignes = [
        DEBUT,
        "",
        f"_Écrit par `make bench` le {m['date']} ; ne pas modifier à la main entre les marqueurs._",
        "",
        "### Machine",
        "",
        f"- Processeur : {m['cpu']}, {m['coeurs']} cœurs ; mémoire : {m['ram']}",
        f"- PostgreSQL {m['postgresql']} ; Python {m['python']} ; Django {m['django']}",
        f"- Charge moyenne de la machine (1 min, autres processus compris) : {m['charge']}",
        "- Réglages : DEBUG=0, pages servies par le `Client` de test de Django (middleware et gabarits compris) ; "
        "le test de charge par gunicorn (4 workers synchrones) sur 127.0.0.1, le client locust tournant sur la même machine.",
        "",
        "### Jeu de données",
        "",
        f"- `generer_donnees --projets {args.projets} --apprenants {args.apprenants} --graine {args.graine}` : {donnees['etat']}"
        + (f", en {donnees['duree']:.0f} s (COPY)" if donnees.get("duree") else ""),
        f"- {donnees['comptes']}",
        "",
        "### Chiffres",
        "",
        *tableau(mesures),
        "",
    ]
    if resultat_charge:
        c = resultat_charge
        ok = c["rps"] >= 150 and c["p95"] < 300 and c["erreurs"] == 0
        lignes += [
            "### Test de charge",
            "",
            f"{args.utilisateurs} utilisateurs simulés (35 coordinateurs, 15 financeurs dont 5 Régions), attente 0,1–0,5 s entre deux pages, "
            f"{args.duree} s, gunicorn 4 workers ; cible ≥ 150 requêtes/s, p95 < 300 ms, 0 erreur : **{'atteinte' if ok else 'non atteinte'}**.",
            "",
            f"- **{c['rps']:.1f} requêtes/s**, {c['requetes']} requêtes, médiane {c['mediane']:.0f} ms, **p95 {c['p95']:.0f} ms**, **{c['erreurs']} erreur(s)**",
            "",
            "| page | requêtes | erreurs | médiane | p95 |",
            "|---|---:|---:|---:|---:|",
            *[f"| {p['nom']} | {p['n']} | {p['erreurs']} | {p['mediane']:.0f} ms | {p['p95']:.0f} ms |" for p in c["par_page"]],
            "",
        ]
    lignes.append(FIN)
    return "\n".join(lignes)


def ecrire_doc(section: str) -> None:
    texte = DOC.read_text() if DOC.exists() else "# Performance\n\n" + DEBUT + "\n" + FIN + "\n"
    if DEBUT in texte and FIN in texte:
        avant, reste = texte.split(DEBUT, 1)
        _, apres = reste.split(FIN, 1)
        texte = avant + section + apres
    else:
        texte = texte.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(texte)


def comptes() -> str:
    from finances.models import Depense, TempsBenevole
    from parcours.models import Etape, Parcours
    from partenaires.models import MembreConsortium

    n = {
        "projets": Projet.objects.count(),
        "apprenants": Apprenant.objects.count(),
        "parcours": Parcours.objects.count(),
        "étapes": Etape.objects.count(),
        "temps bénévoles": TempsBenevole.objects.count(),
        "dépenses": Depense.objects.count(),
        "membres de consortium": MembreConsortium.objects.count(),
        "utilisateurs": get_user_model().objects.count(),
    }
    return ", ".join(f"{v:,} {k}".replace(",", "\u202f") for k, v in n.items())


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projets", type=int, default=204)
    parser.add_argument("--apprenants", type=int, default=60_000)
    parser.add_argument("--graine", type=int, default=42)
    parser.add_argument("--vider", action="store_true", help="autoriser l'effacement d'une base DATABASE_URL non vide")
    parser.add_argument("-n", type=int, default=40, help="répétitions par page (40)")
    parser.add_argument("--n-pdf", type=int, default=5)
    parser.add_argument("--n-excel", type=int, default=3)
    parser.add_argument("--n-import", type=int, default=3)
    parser.add_argument("--n-pdf-recits", type=int, default=2, help="rapports de 100 récits (2)")
    parser.add_argument("--utilisateurs", type=int, default=50)
    parser.add_argument("--duree", type=int, default=60, help="durée du test de charge en secondes (60)")
    parser.add_argument(
        "--parties",
        default="pages,seances,recherche,pdf,rapport100,excel,import,import20k,charge",
        help="parties à mesurer (pages,seances,recherche,pdf,rapport100,excel,import,import20k,charge ; masquage : le masquage des synthèses seul)",
    )
    parser.add_argument("--sans-charge", action="store_true")
    parser.add_argument("--charge-seule", action="store_true")
    parser.add_argument(
        "--explain", type=int, nargs="?", const=3, default=0, help="EXPLAIN ANALYZE des N requêtes les plus lentes de chaque page"
    )
    parser.add_argument("--pas-de-doc", action="store_true", help="ne pas écrire docs/performance.md")
    parser.add_argument("--enfant", help=argparse.SUPPRESS)
    parser.add_argument("--repetitions", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--entree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.enfant:
        return mode_enfant(args)
    if connection.vendor != "postgresql":
        sys.exit("make bench mesure sur PostgreSQL : lancez bench/run.sh (qui démarre un cluster) ou donnez une DATABASE_URL postgres://…")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    donnees = jeu_de_donnees(args)
    donnees["comptes"] = comptes()
    ctx = contexte()
    if args.explain:
        return explain(ctx, args)
    parties = set(args.parties.split(","))
    if args.sans_charge:
        parties.discard("charge")
    if args.charge_seule:
        parties = {"charge"}
    charge_avant = os.getloadavg()[0]
    mesures: list[Mesure] = []
    if "pages" in parties:
        mesures += pages(ctx, args)
    if "seances" in parties:
        mesures += seances(ctx, args)
    if "recherche" in parties:
        mesures += recherche(ctx, args)
    if "masquage" in parties:
        print("Masquage des synthèses…")
        mesures += masquage_synthese(ctx, args)
    if "pdf" in parties:
        print("Rapport COPIL (PDF)…")
        mesures.append(pdf(ctx, args))
    if "rapport100" in parties:
        print("Rapport COPIL de 100 récits (PDF)…")
        mesures.append(pdf_100_recits(ctx, args))
    if "excel" in parties:
        mesures += excel(ctx, args)
    if "import" in parties:
        print("Import de 10 000 apprenants…")
        mesures += import_apprenants(ctx, args)
    if "import20k" in parties:
        print("Import de 20 000 apprenants (le maximum d'un fichier) par le worker…")
        mesures += import_par_job(ctx, args, nombre=20_000)
    resultat_charge = charge(ctx, args) if "charge" in parties else None
    infos = machine()
    infos["charge"] = f"{charge_avant:.2f} au début, {os.getloadavg()[0]:.2f} à la fin"
    section = rapport(args, infos, donnees, mesures, resultat_charge)
    print("\n" + section.replace(DEBUT, "").replace(FIN, ""))
    if not args.pas_de_doc and parties >= {"pages", "pdf", "excel", "import", "charge"}:  # a partial run only prints
        ecrire_doc(section)
        print(f"\nÉcrit dans {DOC.relative_to(RACINE)}.")


if __name__ == "__main__":
    main()
