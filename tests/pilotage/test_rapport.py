"""The COPIL report: the job (request, task, idempotence, failure and retry), the PDF's content,
the URL fetcher that keeps the renderer away from everything but the static files, the views.

Celery runs eagerly here (no REDIS_URL): a task enqueued with ``delay_on_commit`` runs when the
test's on-commit callbacks are executed (``django_capture_on_commit_callbacks(execute=True)``).
The real worker on Redis is tested in test_rapport_worker.py.
"""

import io
import re
import threading
from datetime import date as D
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from parcours.models import ResultatSortie, StatutParcours, TypeEtape, TypeSortie
from partenaires.models import RoleConsortium, TypeOrganisation
from pilotage import jobs, pdf, rapports
from pilotage.indicateurs import Periode, calculer
from pilotage.models import Destinataire, RapportCopil, StatutRapport
from pilotage.tasks import generer_rapport_copil
from tests import factories as f

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ helpers and fixtures


def texte_pdf(contenu: bytes) -> str:
    lecteur = pypdf.PdfReader(io.BytesIO(contenu))
    texte = "\n".join(page.extract_text() or "" for page in lecteur.pages)
    return re.sub(r"\s+", " ", texte.replace("\u00a0", " ").replace("\u202f", " "))


def fichiers_embarques(contenu: bytes) -> dict:
    lecteur = pypdf.PdfReader(io.BytesIO(contenu))
    racine = lecteur.trailer["/Root"]
    noms = racine.get("/Names")
    embarques = noms.get_object().get("/EmbeddedFiles") if noms is not None else None
    annotations_fichiers = [
        a.get_object() for page in lecteur.pages for a in (page.get("/Annots") or []) if a.get_object().get("/Subtype") == "/FileAttachment"
    ]
    return {"attachments": dict(lecteur.attachments), "embedded": embarques, "annotations": annotations_fichiers}


def pdfs_sur_disque() -> list:
    racine = settings.MEDIA_ROOT
    return sorted(p for p in racine.rglob("*.pdf")) if racine.exists() else []


@pytest.fixture
def serveur_espion():
    """A local HTTP server that counts the requests it receives: a PDF that fetched nothing
    leaves it at zero."""
    requetes = []

    class Espion(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requetes.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x89PNG\r\n\x1a\n")

        def log_message(self, *args):
            pass

    serveur = ThreadingHTTPServer(("127.0.0.1", 0), Espion)
    fil = threading.Thread(target=serveur.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)  # shutdown() waits one poll
    fil.start()
    try:
        yield f"http://127.0.0.1:{serveur.server_address[1]}", requetes
    finally:
        serveur.shutdown()
        serveur.server_close()


@pytest.fixture
def fetchers(monkeypatch):
    """Every FetcherStatique the renderer creates, to read what it served and refused."""
    crees = []

    class Enregistreur(pdf.FetcherStatique):
        def __init__(self):
            super().__init__()
            crees.append(self)

    monkeypatch.setattr(pdf, "FetcherStatique", Enregistreur)
    return crees


@pytest.fixture
def copil(monde):
    """Project A with enough data for every section: 7 learners (monde's 2 and 5 here, not masked), a path ended in
    the period, a capped funding whose volunteer time exceeds the cap, récits."""
    projet = monde["A"]
    projet.nom = "Conciergerie des Coteaux"
    projet.save()
    of = f.OrganisationFactory(projet=projet, nom="Landes Formation Pro", type=TypeOrganisation.ORGANISME_FORMATION, commune="Dax")
    f.MembreConsortiumFactory(projet=projet, organisation=of, role=RoleConsortium.CHEF_DE_FILE)
    for _ in range(4):
        f.ApprenantFactory(projet=projet)
    apprenant = f.ApprenantFactory(projet=projet, reference="REF-COTEAUX-7", prenom="Zébulon", nom="Tartempion")
    parcours = f.ParcoursFactory(apprenant=apprenant, statut=StatutParcours.CLOTURE, date_fin=D(2025, 6, 2))
    f.EtapeFactory(parcours=parcours, type=TypeEtape.FORMATION_CERTIFIANTE, code_rncp="RNCP37873", organisation=of)
    f.SortieFactory(parcours=parcours, type=TypeSortie.SORTIE, resultat=ResultatSortie.ALTERNANCE, date=D(2025, 6, 2))
    # 30 % cap: 1 000 € spent → at most 428,57 € counted; 100 h × 15 € = 1 500 € valorised
    financement = f.FinancementFactory(projet=projet, plafonne=True, programme="Deffinov", intitule="Conciergerie 2024-2027")
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement), montant=Decimal("1000.00"))
    f.TempsBenevoleFactory(projet=projet, financement=financement, heures=Decimal("100"), taux_horaire=Decimal("15.00"))
    f.RecitFactory(projet=projet, copil=True, titre="Le premier contrat de Léa", texte="Elle a **signé** son contrat.", date=D(2025, 5, 5))
    f.RecitFactory(projet=projet, titre="Un récit que le COPIL ne verra pas", date=D(2025, 5, 6))
    return f.CopilFactory(
        projet=projet,
        date=D(2025, 7, 22),
        lieu="Mugron",
        periode_debut=D(2024, 9, 1),
        periode_fin=D(2025, 6, 30),
        besoins="Un véhicule pour la mobilité",
        prochaines_etapes="Ouvrir une session CACES en octobre",
        decisions="Le comité valide le plan d'action 2025-2026",
    )


def demander(copil, user, capture, destinataire=Destinataire.FINANCEURS):
    with capture(execute=True):
        rapport = rapports.demander_rapport(copil=copil, by=user, destinataire=destinataire)
    rapport.refresh_from_db()
    return rapport


# ------------------------------------------------------------------ the job and its PDF


def test_demander_cree_un_job_et_produit_le_pdf(copil, monde, django_capture_on_commit_callbacks):
    """The coordinators' rendering: with the paths, learner by learner (by reference)."""
    coord = monde["users"]["coordinateur"]
    avant = timezone.now()
    rapport = demander(copil, coord, django_capture_on_commit_callbacks, Destinataire.COORDINATION)

    assert RapportCopil.objects.filter(copil=copil).count() == 1
    assert rapport.statut == StatutRapport.PRET
    assert rapport.progression == 100
    assert rapport.demande_par == coord
    assert rapport.erreur == ""
    assert avant <= rapport.debut <= rapport.fin
    assert rapport.fichier.name.endswith(".pdf")
    contenu = rapport.fichier.read()
    assert contenu.startswith(b"%PDF-")
    assert pdfs_sur_disque() == [settings.MEDIA_ROOT / rapport.fichier.name]

    texte = texte_pdf(contenu)
    # cover
    assert "Conciergerie des Coteaux" in texte
    assert "22 juillet 2025" in texte
    assert "Mugron" in texte
    assert "du 1er septembre 2024 au 30 juin 2025" in texte
    # table of contents, sections, page numbers
    for titre in ("Sommaire", "Chiffres clés", "Parcours marquants", "Partenaires du consortium", "Finances et bénévolat", "Récits"):
        assert titre in texte
    assert re.search(r"Besoins et prochaines étapes \.{3,} ?\d+", texte), "le sommaire donne les numéros de page"
    nb_pages = len(pypdf.PdfReader(io.BytesIO(contenu)).pages)
    assert f"page 2 / {nb_pages}" in texte
    # the indicators: the same figure as the module computes (7 learners, not masked)
    indicateurs = calculer([copil.projet], Periode(copil.periode_debut, copil.periode_fin), masquer=True)
    assert str(indicateurs.apprenants.accompagnes) == "7"
    assert "Apprenants accompagnés 7" in texte
    assert "Étapes par type" in texte  # a chart's caption
    # a path, pseudonymised
    assert "REF-COTEAUX-7" in texte
    assert "Formation certifiante" in texte and "Landes Formation Pro" in texte and "Alternance" in texte
    assert "Zébulon" not in texte and "Tartempion" not in texte
    # partners by type
    assert "Organisme de formation" in texte and "Chef de file" in texte
    # finances: the volunteer cap (from finances.selectors, not recomputed)
    assert "30 %" in texte
    assert "1 500,00 €" in texte  # valorised
    assert "428,57 €" in texte  # counted
    assert "1 071,43 €" in texte  # beyond the cap
    # récits marked for the COPIL only, Markdown rendered
    assert "Le premier contrat de Léa" in texte
    assert "Elle a signé son contrat." in texte
    assert "Un récit que le COPIL ne verra pas" not in texte
    # needs, next steps, decisions
    assert "Un véhicule pour la mobilité" in texte
    assert "Ouvrir une session CACES en octobre" in texte
    assert "Le comité valide le plan d'action 2025-2026" in texte


def test_deux_demandes_rendent_le_meme_job(copil, monde, django_capture_on_commit_callbacks):
    coord, adm = monde["users"]["coordinateur"], monde["users"]["administrateur"]
    with django_capture_on_commit_callbacks(execute=False) as taches:
        premier = rapports.demander_rapport(copil=copil, by=coord)
        second = rapports.demander_rapport(copil=copil, by=adm)
    assert second.pk == premier.pk
    assert RapportCopil.objects.filter(copil=copil).count() == 1
    assert len(taches) == 1, "une seule tâche mise en file"
    # running too: still the same job
    RapportCopil.objects.filter(pk=premier.pk).update(statut=StatutRapport.EN_COURS)
    with django_capture_on_commit_callbacks(execute=False) as taches:
        assert rapports.demander_rapport(copil=copil, by=coord).pk == premier.pk
    assert taches == []
    # once ready, a new request makes a new report
    RapportCopil.objects.filter(pk=premier.pk).update(statut=StatutRapport.PRET)
    with django_capture_on_commit_callbacks(execute=False) as taches:
        nouveau = rapports.demander_rapport(copil=copil, by=coord)
    assert nouveau.pk != premier.pk and len(taches) == 1


def test_la_tache_est_mise_en_file_apres_le_commit(copil, monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
        rapport.refresh_from_db()
        assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.progression == 0
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.EN_ATTENTE, "rien ne tourne avant le commit"


def test_tache_executee_deux_fois_un_rapport_un_fichier(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    nom, fin = rapport.fichier.name, rapport.fin
    appels = []
    original = pdf.rendre_pdf
    monkeypatch.setattr(pdf, "rendre_pdf", lambda html, **kw: appels.append(1) or original(html, **kw))

    assert generer_rapport_copil.delay(rapport.pk).get() == StatutRapport.PRET
    generer_rapport_copil.apply(args=[rapport.pk])

    rapport.refresh_from_db()
    assert appels == [], "un rapport prêt n'est pas rendu une seconde fois"
    assert RapportCopil.objects.filter(copil=copil).count() == 1
    assert (rapport.fichier.name, rapport.fin) == (nom, fin)
    assert len(pdfs_sur_disque()) == 1


def test_deux_executions_qui_se_chevauchent_ecrivent_un_seul_fichier(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    """A redelivered task runs while the first one is still rendering but has stopped beating (its
    worker deemed lost): the one that finishes second finds the report ready and writes nothing.
    (While the first one beats, a second delivery does nothing: test_jobs_fautes.py.)"""
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    original = pdf.rendre_pdf
    interieur = []
    appels = []

    def rendu_pendant_lequel_une_autre_execution_finit(html, **kw):
        contenu = original(html, **kw)
        appels.append(1)
        if len(appels) == 1:  # the outer run: its heartbeat stops, a second run starts and finishes
            RapportCopil.objects.filter(pk=rapport.pk).update(battement=timezone.now() - jobs.DELAI_BATTEMENT - timedelta(seconds=1))
            interieur.append(rapports.generer_rapport(rapport_id=rapport.pk))
        return contenu

    monkeypatch.setattr(pdf, "rendre_pdf", rendu_pendant_lequel_une_autre_execution_finit)
    exterieur = rapports.generer_rapport(rapport_id=rapport.pk)

    assert len(appels) == 2
    assert interieur[0].statut == StatutRapport.PRET
    assert exterieur.statut == StatutRapport.PRET
    assert exterieur.fichier.name == interieur[0].fichier.name
    assert len(pdfs_sur_disque()) == 1


def test_un_job_laisse_en_cours_par_un_worker_perdu_est_repris(copil, monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    RapportCopil.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_COURS, progression=40, debut=timezone.now())
    generer_rapport_copil.apply(args=[rapport.pk])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.progression == 100
    assert len(pdfs_sur_disque()) == 1


def test_un_job_tue_trois_fois_echoue_avec_sa_raison_puis_se_relance(copil, monde, django_capture_on_commit_callbacks):
    """A worker killed at the hard time limit gives the message back (reject_on_worker_lost): the
    runs that never finished are counted, and the fourth delivery fails the job instead of
    starting once more; « Relancer » starts the count again."""
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    # three runs started, each killed before its end: the job stays « en cours »
    RapportCopil.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_COURS, tentatives=jobs.TENTATIVES_MAX, debut=timezone.now())
    generer_rapport_copil.apply(args=[rapport.pk])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.ECHEC and not rapport.fichier
    assert f"Interrompu {jobs.TENTATIVES_MAX} fois avant la fin (limite de temps dépassée ou worker arrêté)" in rapport.erreur
    assert pdfs_sur_disque() == []
    with django_capture_on_commit_callbacks(execute=True):
        rapports.relancer_rapport(rapport=rapport, by=monde["users"]["coordinateur"])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.tentatives == 1 and rapport.erreur == ""


def test_progression_enregistree_a_chaque_etape(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    vues = []
    original_rendu, original_html = pdf.rendre_pdf, rapports.render_to_string

    def html_espion(*args, **kwargs):
        vues.append(RapportCopil.objects.get(pk=rapport.pk).progression)
        return original_html(*args, **kwargs)

    def pdf_espion(html, **kw):
        vues.append(RapportCopil.objects.get(pk=rapport.pk).progression)
        return original_rendu(html, **kw)

    monkeypatch.setattr(rapports, "render_to_string", html_espion)
    monkeypatch.setattr(pdf, "rendre_pdf", pdf_espion)
    rapports.generer_rapport(rapport_id=rapport.pk)
    rapport.refresh_from_db()
    assert vues == [40, 70]
    assert rapport.progression == 100


def test_un_echec_est_garde_sur_le_job_puis_relance_avec_succes(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    def en_panne(html, **kw):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(pdf, "rendre_pdf", en_panne)
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.ECHEC
    assert rapport.erreur == "Échec du rendu : police introuvable"
    assert rapport.fin is not None and not rapport.fichier
    assert pdfs_sur_disque() == []
    # the task does not run a failed job again by itself
    generer_rapport_copil.apply(args=[rapport.pk])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.ECHEC
    # a new request while it has failed: a new job (the failed one keeps its error)
    monkeypatch.undo()
    adm = monde["users"]["administrateur"]
    with django_capture_on_commit_callbacks(execute=True):
        relance = rapports.relancer_rapport(rapport=rapport, by=adm)
    relance.refresh_from_db()
    assert relance.pk == rapport.pk
    assert relance.statut == StatutRapport.PRET
    assert relance.erreur == ""
    assert relance.demande_par == adm
    assert relance.fichier.read().startswith(b"%PDF-")
    assert RapportCopil.objects.filter(copil=copil).count() == 1


def test_relancer_un_job_pret_ou_en_attente_ne_change_rien(copil, monde, django_capture_on_commit_callbacks):
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as taches:
        assert rapports.relancer_rapport(rapport=rapport, by=monde["users"]["coordinateur"]).statut == StatutRapport.PRET
    assert taches == []
    # a job lost for longer than DELAI_BLOCAGE may be retried
    perdu = f.RapportCopilFactory(copil=copil)
    assert not rapports.relancable(perdu)
    RapportCopil.objects.filter(pk=perdu.pk).update(cree_le=timezone.now() - rapports.DELAI_BLOCAGE - timedelta(minutes=1))
    perdu.refresh_from_db()
    assert rapports.relancable(perdu)


# ------------------------------------------------------------------ what the renderer may fetch

MALVEILLANT = (
    'Avant <img src="{serveur}/x.png"> et <img src="http://127.0.0.1:9/x.png">.\n\n'
    "![x](file:///etc/passwd)\n\n"
    '<link rel="attachment" href="file:///etc/passwd">\n\n'
    '<a rel="attachment" href="file:///etc/passwd">pièce jointe</a>\n\n'
    '<iframe src="{serveur}/iframe"></iframe><object data="file:///etc/passwd"></object>\n\n'
    "Après."
)


def test_un_recit_malveillant_ne_fait_rien_charger_ni_embarquer(copil, monde, django_capture_on_commit_callbacks, serveur_espion, fetchers):
    serveur, requetes = serveur_espion
    f.RecitFactory(projet=copil.projet, copil=True, titre="Récit piégé", texte=MALVEILLANT.format(serveur=serveur), date=D(2025, 5, 1))
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    contenu = rapport.fichier.read()

    assert requetes == [], "le rendu a contacté un serveur"
    assert len(fetchers) == 1
    servies = fetchers[0].servies
    assert servies == [pdf.url_statique("css/print.css")], servies  # only the print stylesheet
    assert all("passwd" not in url and "127.0.0.1" not in url for url in fetchers[0].refusees + servies)
    embarques = fichiers_embarques(contenu)
    assert embarques == {"attachments": {}, "embedded": None, "annotations": []}
    texte = texte_pdf(contenu)
    assert "Récit piégé" in texte and "Avant" in texte and "Après." in texte
    assert "root:" not in texte


def test_le_fetcher_refuse_tout_sauf_les_statiques_et_data(serveur_espion):
    """The HTML here bypasses the récits' sanitiser: the fetcher alone stops every fetch."""
    serveur, requetes = serveur_espion
    html = f"""<html><head>
      <link rel="stylesheet" href="{serveur}/style.css">
      <style>@import url("{serveur}/import.css"); body {{ background: url("file:///etc/passwd"); }}</style>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{serveur}/piece.bin">
    </head><body>
      <p>Document de test</p>
      <img src="{serveur}/x.png"><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">
      <img src="ftp://127.0.0.1/x.png"><img src="/etc/passwd"><img src="/static/../../etc/passwd">
      <img src="/static/%2e%2e/%2e%2e/etc/passwd"><img src="https://{pdf.HOTE}:8443/static/css/app.css">
      <object data="file:///etc/passwd"></object><embed src="{serveur}/embed.bin">
      <a rel="attachment" href="file:///etc/passwd">pj</a> <a rel="attachment" href="{serveur}/pj.bin">pj2</a>
      <img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg==">
    </body></html>"""
    fetcher = pdf.FetcherStatique()
    contenu = pdf.rendre_pdf(html, fetcher=fetcher)

    assert requetes == []
    assert fetcher.servies == [
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg=="
    ]
    refusees = set(fetcher.refusees)
    for attendu in (
        f"{serveur}/style.css",
        f"{serveur}/import.css",
        f"{serveur}/x.png",
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x.png",
        f"{pdf.ORIGINE}etc/passwd",
        f"{pdf.ORIGINE}static/%2e%2e/%2e%2e/etc/passwd",
        f"https://{pdf.HOTE}:8443/static/css/app.css",
    ):
        assert attendu in refusees, attendu
    assert fichiers_embarques(contenu) == {"attachments": {}, "embedded": None, "annotations": []}
    texte = texte_pdf(contenu)
    assert "Document de test" in texte and "root:" not in texte


def test_aucune_piece_jointe_meme_vers_un_fichier_statique():
    """``rel=attachment`` to a file the fetcher would serve: still nothing embedded, nothing
    fetched. The same HTML through WeasyPrint alone does embed it (the test can fail)."""
    html = f"""<html><head><link rel="attachment" href="{pdf.url_statique("css/app.css")}"></head>
      <body><p>Pièces jointes</p><a rel="attachment" href="/static/css/print.css">feuille</a></body></html>"""
    fetcher = pdf.FetcherStatique()
    contenu = pdf.rendre_pdf(html, fetcher=fetcher)
    assert fetcher.servies == []
    assert fichiers_embarques(contenu) == {"attachments": {}, "embedded": None, "annotations": []}

    temoin = HTML(string=html, base_url=pdf.ORIGINE, url_fetcher=pdf.FetcherStatique()).write_pdf()
    embarques = fichiers_embarques(temoin)
    assert embarques["attachments"] and embarques["annotations"], "sans la protection, WeasyPrint embarque les fichiers"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/css/app.css",
        "ftp://example.org/x",
        "gopher://example.org/x",
        f"https://{pdf.HOTE}/etc/passwd",
        f"https://{pdf.HOTE}/static/../conciergerie/settings.py",
        f"https://{pdf.HOTE}/static/%2e%2e/conciergerie/settings.py",
        f"https://{pdf.HOTE}/static/css/..%2f..%2fconciergerie/settings.py",
        f"https://{pdf.HOTE}/static/css%5c..%5c..%5cconciergerie%5csettings.py",
        f"https://{pdf.HOTE}/static//etc/passwd",
        f"https://{pdf.HOTE}/static/%2Fetc%2Fpasswd",
        f"https://{pdf.HOTE}/static/css/app.css?x=1",
        f"https://{pdf.HOTE}:444/static/css/app.css",
        f"https://user@{pdf.HOTE}/static/css/app.css",
        f"https://{pdf.HOTE}@example.org/static/css/app.css",
        f"http://{pdf.HOTE}/static/css/app.css",
        f"https://{pdf.HOTE}/static/css/absent.css",
        f"https://{pdf.HOTE}/static/",
        "data:text/plain;base64,@@@",
    ],
)
def test_le_fetcher_refuse(url):
    fetcher = pdf.FetcherStatique()
    with pytest.raises(pdf.RessourceRefusee):
        fetcher.fetch(url)
    assert fetcher.refusees == [url] and fetcher.servies == []


def test_le_fetcher_sert_les_statiques_et_data():
    fetcher = pdf.FetcherStatique()
    reponse = fetcher.fetch(pdf.url_statique("css/print.css"))
    with open(finders.find("css/print.css"), "rb") as attendu:
        assert reponse.read() == attendu.read()
    assert reponse.content_type == "text/css"
    reponse = fetcher.fetch("data:text/plain;base64,Qm9uam91cg==")
    assert reponse.read() == b"Bonjour"
    assert len(fetcher.servies) == 2 and fetcher.refusees == []


# ------------------------------------------------------------------ views and partials


def url(nom, projet, pk):
    return reverse(nom, kwargs={"projet_id": projet.pk, "pk": pk})


def test_generer_depuis_la_page_puis_telecharger(copil, monde, login, django_capture_on_commit_callbacks):
    client = login(monde["users"]["coordinateur"])
    suivant = reverse("copil_detail", kwargs={"projet_id": copil.projet_id, "pk": copil.pk})
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("rapport_demander", copil.projet, copil.pk), {"suivant": suivant})
    assert reponse.status_code == 302 and reponse.url == suivant
    rapport = RapportCopil.objects.get(copil=copil)
    assert rapport.statut == StatutRapport.PRET

    for qui in ("coordinateur", "financeur", "administrateur"):
        reponse = login(monde["users"][qui]).get(url("rapport_telecharger", copil.projet, rapport.pk))
        assert reponse.status_code == 200, qui
        assert reponse["Content-Type"] == "application/pdf"
        assert "attachment" in reponse["Content-Disposition"]
        assert b"".join(reponse.streaming_content).startswith(b"%PDF-")
    assert login(monde["users"]["partenaire"]).get(url("rapport_telecharger", copil.projet, rapport.pk)).status_code == 403
    assert login(monde["outsider"]).get(url("rapport_telecharger", copil.projet, rapport.pk)).status_code == 404


def test_les_deux_versions_et_ce_que_lit_le_financeur(copil, monde, login, django_capture_on_commit_callbacks):
    """The coordinators' rendering holds the paths, learner by learner; the funder never gets it
    (404), nor sees it listed; the committee's rendering has no learner reference."""
    client = login(monde["users"]["coordinateur"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("rapport_demander", copil.projet, copil.pk), {"destinataire": "coordination"})
        client.post(url("rapport_demander", copil.projet, copil.pk), {"destinataire": "financeurs"})
    coordination = RapportCopil.objects.get(copil=copil, destinataire=Destinataire.COORDINATION)
    comite = RapportCopil.objects.get(copil=copil, destinataire=Destinataire.FINANCEURS)
    assert "REF-COTEAUX-7" in texte_pdf(coordination.fichier.read())
    texte = texte_pdf(comite.fichier.read())
    assert "REF-COTEAUX-7" not in texte and "Parcours marquants" not in texte
    assert "« s » : secret statistique" in " ".join(texte.split())
    financeur = login(monde["users"]["financeur"])
    assert financeur.get(url("rapport_telecharger", copil.projet, coordination.pk)).status_code == 404
    assert financeur.get(url("rapport_telecharger", copil.projet, comite.pk)).status_code == 200
    page = financeur.get(reverse("copil_detail", kwargs={"projet_id": copil.projet_id, "pk": copil.pk})).content.decode()
    assert f'id="rapport-{comite.pk}"' in page and f'id="rapport-{coordination.pk}"' not in page
    # a reader the form does not know: refused, nothing made
    assert client.post(url("rapport_demander", copil.projet, copil.pk), {"destinataire": "public"}).status_code == 400
    assert RapportCopil.objects.filter(copil=copil).count() == 2


def test_redirection_externe_refusee_et_get_interdit(copil, monde, login, django_capture_on_commit_callbacks):
    client = login(monde["users"]["coordinateur"])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("rapport_demander", copil.projet, copil.pk), {"suivant": "https://example.org/"})
    rapport = RapportCopil.objects.get(copil=copil)
    assert reponse.url == url("rapport_statut", copil.projet, rapport.pk)
    assert client.get(url("rapport_demander", copil.projet, copil.pk)).status_code == 405
    assert login(monde["users"]["financeur"]).post(url("rapport_demander", copil.projet, copil.pk)).status_code == 403
    assert RapportCopil.objects.filter(copil=copil).count() == 1


def test_telecharger_un_rapport_pas_pret_404(copil, monde, login):
    rapport = f.RapportCopilFactory(copil=copil)
    assert login(monde["users"]["coordinateur"]).get(url("rapport_telecharger", copil.projet, rapport.pk)).status_code == 404


def test_statut_en_cours_montre_la_progression_et_sonde(copil, monde, login):
    rapport = f.RapportCopilFactory(copil=copil, statut=StatutRapport.EN_COURS, progression=40, debut=timezone.now())
    client = login(monde["users"]["financeur"])
    partiel = client.get(url("rapport_statut", copil.projet, rapport.pk), headers={"HX-Request": "true"})
    html = partiel.content.decode()
    assert partiel.status_code == 200
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{url("rapport_statut", copil.projet, rapport.pk)}"' in html
    assert 'value="40"' in html and "40 %" in html and "En cours" in html
    assert "Télécharger" not in html and "Relancer" not in html
    # the full page, without JS
    page = client.get(url("rapport_statut", copil.projet, rapport.pk)).content.decode()
    assert "<html" in page and "40 %" in page and "Actualiser" in page


def test_statut_pret_montre_le_lien_et_ne_sonde_plus(copil, monde, login, django_capture_on_commit_callbacks):
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    html = login(monde["users"]["financeur"]).get(url("rapport_statut", copil.projet, rapport.pk), headers={"HX-Request": "true"})
    html = html.content.decode()
    assert "hx-trigger" not in html
    assert url("rapport_telecharger", copil.projet, rapport.pk) in html
    assert "Prêt" in html and "Durée" in html


def test_statut_echec_montre_l_erreur_et_relancer(copil, monde, login, django_capture_on_commit_callbacks):
    rapport = f.RapportCopilFactory(copil=copil, echec=True, erreur="Échec du rendu : police introuvable", fin=timezone.now())
    statut = url("rapport_statut", copil.projet, rapport.pk)
    coord = login(monde["users"]["coordinateur"])
    html = coord.get(statut, headers={"HX-Request": "true"}).content.decode()
    assert "Échec du rendu : police introuvable" in html
    assert "Relancer" in html and url("rapport_relancer", copil.projet, rapport.pk) in html
    assert "hx-trigger" not in html and "Télécharger" not in html
    # the funder reads the error but may not retry
    html = login(monde["users"]["financeur"]).get(statut, headers={"HX-Request": "true"}).content.decode()
    assert "police introuvable" in html and "Relancer" not in html
    assert login(monde["users"]["financeur"]).post(url("rapport_relancer", copil.projet, rapport.pk)).status_code == 403

    # retry through htmx: the partial comes back waiting and polling (the task runs after the
    # commit), then the next poll finds it ready
    with django_capture_on_commit_callbacks(execute=True):
        reponse = coord.post(url("rapport_relancer", copil.projet, rapport.pk), headers={"HX-Request": "true"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "En attente" in html and 'hx-trigger="every 2s"' in html and "police introuvable" not in html
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.erreur == ""
    html = coord.get(statut, headers={"HX-Request": "true"}).content.decode()
    assert "Prêt" in html and "Télécharger" in html
    assert coord.get(url("rapport_relancer", copil.projet, rapport.pk)).status_code == 405


def test_relancer_sans_js_redirige_vers_le_statut(copil, monde, login, django_capture_on_commit_callbacks):
    rapport = f.RapportCopilFactory(copil=copil, echec=True)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = login(monde["users"]["administrateur"]).post(url("rapport_relancer", copil.projet, rapport.pk))
    assert reponse.status_code == 302 and reponse.url == url("rapport_statut", copil.projet, rapport.pk)


def _rendre_partiel(monde, copil, qui):
    from conciergerie.scoping import adhesion_for

    requete = RequestFactory().get(reverse("copil_detail", kwargs={"projet_id": copil.projet_id, "pk": copil.pk}))
    requete.user = monde["users"][qui] if qui != "outsider" else monde["outsider"]
    return render_to_string(
        "pilotage/_copil_rapports.html",
        {"projet": copil.projet, "copil": copil, "adhesion": adhesion_for(requete.user, copil.projet)},
        request=requete,
    )


def test_le_partiel_de_la_page_copil(copil, monde):
    pret = f.RapportCopilFactory(copil=copil, pret=True)
    en_cours = f.RapportCopilFactory(copil=copil, statut=StatutRapport.EN_COURS, progression=70)
    autre_copil = f.RapportCopilFactory(copil=f.CopilFactory(projet=copil.projet))

    html = _rendre_partiel(monde, copil, "coordinateur")
    assert "Générer le rapport" in html
    assert url("rapport_demander", copil.projet, copil.pk) in html
    assert "csrfmiddlewaretoken" in html
    assert f'id="rapport-{pret.pk}"' in html and f'id="rapport-{en_cours.pk}"' in html
    assert f'id="rapport-{autre_copil.pk}"' not in html
    assert html.count('hx-trigger="every 2s"') == 1

    html = _rendre_partiel(monde, copil, "financeur")
    assert "Générer le rapport" not in html and f'id="rapport-{pret.pk}"' in html
    html = _rendre_partiel(monde, copil, "partenaire")
    assert "Générer le rapport" not in html and "rapport-" not in html.replace("rapports-copil", "")
