"""Excel bilans: the project bilan (thirteen sheets, typed cells, the dashboard's figures,
pseudonymised unless an administrator asks for personal data, which is recorded), its job (the
COPIL report's mechanism), the page, the funder's roll-up, formula injection, streaming, queries.

Every workbook is read back with openpyxl. Celery runs eagerly here (no REDIS_URL): a task
enqueued with ``delay_on_commit`` runs when the test's on-commit callbacks are executed.
"""

import io
import re
import time
import tracemalloc
import zipfile
from datetime import date as D
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.worksheet import _writer as ecrivain_openpyxl

from parcours.models import ResultatSortie, StatutParcours, TypeEtape, TypeSortie
from pilotage import bilans, jobs, rapports
from pilotage.indicateurs import Periode, calculer, calculer_par_projet
from pilotage.models import BilanExcel, StatutJob
from pilotage.tasks import generer_bilan_excel
from tests import factories as f

pytestmark = pytest.mark.django_db

PERIODE = Periode(D(2025, 1, 1), D(2025, 12, 31))
PERIODE_GET = {"debut": "2025-01-01", "fin": "2025-12-31"}
FEUILLES = [
    "Synthèse",
    "Apprenants",
    "Parcours et étapes",
    "Sorties et suivis à 6 mois",
    "Partenaires",
    "Financements et budget",
    "Dépenses",
    "Bénévolat",
    "Sessions et partage de valeur",
    "Séances et présences",
    "Compétences",
    "Répartitions",
    "Objectifs",
]
INJECTIONS = ['=HYPERLINK("http://x","y")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A2)", "\tTabulé", "\rRetour"]


# ------------------------------------------------------------------ data and helpers


@pytest.fixture
def projet(monde):
    """Project A: learners with recognisable personal data, paths, steps (one blocked with a
    motive), exits and 6-month follow-ups, a session filled by the conciergerie, a capped funding
    with expenses and volunteer time beyond the cap, value shared."""
    projet = monde["A"]
    of = f.OrganisationFactory(projet=projet, nom="Landes Formation Pro", of=True)
    f.MembreConsortiumFactory(projet=projet, organisation=of, chef_de_file=True)
    session = f.SessionFormationFactory(projet=projet, organisation=of, intitule="CACES R489", places_min=2)
    # monde's two learners get recognisable data too
    for n, apprenant in enumerate((monde["apprenant_suivi"], monde["apprenant_autre"])):
        apprenant.prenom, apprenant.nom = f"Prenommonde{n}", f"Nommonde{n}"
        apprenant.email, apprenant.telephone, apprenant.date_naissance = f"monde{n}@exemple.fr", f"061111111{n}", D(1981, 2, 10 + n)
        apprenant.save()
    for i in range(6):
        apprenant = f.ApprenantFactory(
            projet=projet,
            reference=f"REF-B-{i}",
            prenom=f"Prenomsecret{i}",
            nom=f"Nomsecret{i}",
            email=f"secret{i}@exemple.fr",
            telephone=f"070000000{i}",
            date_naissance=D(1990, 3, 1 + i),
            commune=f"Communesecrete{i}",
            rqth=i % 2 == 0,
            qpv=i < 3,
        )
        parcours = f.ParcoursFactory(apprenant=apprenant, intitule="Vers le métier de cariste")
        f.EtapeFactory(parcours=parcours, type=TypeEtape.FORMATION_CERTIFIANTE, code_rncp="RNCP37873", organisation=of, session=session)
        if i == 0:
            f.EtapeFactory(parcours=parcours, bloquee=True, motif="Motif confidentiel : hospitalisation")
            f.FreinFactory(apprenant=apprenant, leve_=True)
        if i < 2:
            parcours.statut, parcours.date_fin, parcours.suivi_6_mois_le = StatutParcours.CLOTURE, D(2025, 6, 30), D(2025, 12, 30)
            parcours.save()
            f.SortieFactory(parcours=parcours, resultat=ResultatSortie.ALTERNANCE)
            f.SortieFactory(parcours=parcours, type=TypeSortie.SUIVI_6_MOIS, date=D(2025, 12, 30), resultat=ResultatSortie.EMPLOI_DURABLE)
    financement = f.FinancementFactory(projet=projet, plafonne=True, programme="Deffinov", intitule="Conciergerie 2024-2027")
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement), montant=Decimal("1000.00"), libelle="Location de salle")
    f.TempsBenevoleFactory(
        projet=projet, financement=financement, personne="Bénévole Secrète", heures=Decimal("100"), taux_horaire=Decimal("15.00")
    )
    f.TempsBenevoleFactory(projet=projet, personne="Bénévole Secrète", heures=Decimal("2.5"), donne_en_plus=True)
    f.PartageValeurFactory(projet=projet, organisation=of, session=session, montant=Decimal("450.00"), recu_=True)
    return projet


def personnes(projet):
    """Every learner's personal data, as the cells would hold it."""
    valeurs = set()
    for a in projet_apprenants(projet):
        valeurs |= {a.prenom, a.nom, a.email, a.telephone}
        if a.commune.startswith("Commune"):
            valeurs.add(a.commune)
    return {v for v in valeurs if v}


def projet_apprenants(projet):
    from parcours.models import Apprenant

    return list(Apprenant.objects.filter(projet=projet))


def generer(projet, user, capture, *, personnelles=False, periode=PERIODE):
    with capture(execute=True):
        bilan = bilans.demander_bilan(projet=projet, periode=periode, donnees_personnelles=personnelles, by=user)
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET, bilan.erreur
    return bilan


def classeur(contenu: bytes):
    return openpyxl.load_workbook(io.BytesIO(contenu))


def lire(bilan):
    with bilan.fichier.open("rb") as fichier:
        return fichier.read()


def lignes(ws):
    return [[c.value for c in ligne] for ligne in ws.iter_rows()]


def colonne(ws, titre):
    """The cells of the column headed ``titre`` (header excluded, table rows only)."""
    entetes = [c.value for c in ws[1]]
    i = entetes.index(titre)
    fin = int(ws.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [ligne[i] for ligne in ws.iter_rows(min_row=2, max_row=fin)]


def synthese(ws) -> dict:
    return {(r, i): v for r, i, v in ws.iter_rows(min_row=2, values_only=True)}


# ------------------------------------------------------------------ the workbook


def test_le_bilan_a_ses_neuf_feuilles_typees_entetes_figes_et_filtres(projet, monde, django_capture_on_commit_callbacks):
    bilan = generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert bilan.fichier.name.endswith(".xlsx") and bilan.progression == 100
    wb = classeur(lire(bilan))
    assert wb.sheetnames == FEUILLES
    for ws in wb.worksheets:
        entetes = [c.value for c in ws[1]]
        assert all(isinstance(e, str) and e for e in entetes), ws.title
        assert all(c.font.b for c in ws[1]), ws.title
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(entetes))}{ws.auto_filter.ref.split(':')[1][1:]}"
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
        assert all(ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width >= 8 for i in range(1, len(entetes) + 1)), ws.title

    apprenants = wb["Apprenants"]
    assert [c.value for c in apprenants[1]] == [
        "Référence",
        "Âge à l'entrée",
        "QPV",
        "ZRR",
        "Situation à l'entrée",
        "Niveau de qualification",
        "Prescripteur",
        "Entrée",
        "N° de sécurité sociale (statut)",
    ]
    assert apprenants.auto_filter.ref == "A1:I9"  # 8 learners
    entrees = colonne(apprenants, "Entrée")
    assert len(entrees) == 8 and all(c.is_date and isinstance(c.value, datetime) for c in entrees)
    assert all(c.number_format == "DD/MM/YYYY" for c in entrees)
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in colonne(apprenants, "Âge à l'entrée"))

    etapes = wb["Parcours et étapes"]
    heures = colonne(etapes, "Heures prévues")
    assert heures and all(c.data_type == "n" and c.value == 35 for c in heures)
    assert all(c.is_date for c in colonne(etapes, "Début"))

    depenses = wb["Dépenses"]
    (montant,) = colonne(depenses, "Montant")
    assert montant.data_type == "n" and montant.value == 1000 and "€" in montant.number_format
    assert colonne(depenses, "Date")[0].is_date and colonne(depenses, "Libellé")[0].value == "Location de salle"

    benevolat = wb["Bénévolat"]
    assert [c.value for c in colonne(benevolat, "Heures")] == [100, 2.5]
    assert all(c.data_type == "n" and "#" in c.number_format for c in colonne(benevolat, "Heures"))
    assert [c.value for c in colonne(benevolat, "Valorisation")] == [1500, 37.5]
    assert all("€" in c.number_format for c in colonne(benevolat, "Taux horaire"))
    # below the table: the cap of the funding, counted and beyond (finances.selectors)
    plafonds = {ligne[0]: ligne[1:] for ligne in benevolat.iter_rows(min_row=5, values_only=True) if ligne[0]}
    assert plafonds["Conciergerie 2024-2027"][:4] == (30, 1500, 428.57, 1071.43)

    financements = wb["Financements et budget"]
    accorde = colonne(financements, "Accordé")
    assert accorde[0].value == 100000 and "€" in accorde[0].number_format

    sorties = wb["Sorties et suivis à 6 mois"]
    assert sorted((r[2], r[3], r[4]) for r in sorties.iter_rows(min_row=2, values_only=True)) == [
        ("Suivi à 6 mois", ResultatSortie.EMPLOI_DURABLE.label, "oui"),
        ("Suivi à 6 mois", ResultatSortie.EMPLOI_DURABLE.label, "oui"),
        ("À la sortie", ResultatSortie.ALTERNANCE.label, "oui"),
        ("À la sortie", ResultatSortie.ALTERNANCE.label, "oui"),
    ]
    assert all(c.is_date for c in colonne(sorties, "Date"))
    prevus = [c for c in colonne(sorties, "Suivi à 6 mois prévu le") if c.value is not None]
    assert len(prevus) == 2 and all(c.is_date and c.value == datetime(2025, 12, 30) for c in prevus)

    sessions = wb["Sessions et partage de valeur"]
    ligne = next(r for r in sessions.iter_rows(min_row=2, values_only=True) if r[1] == "CACES R489")
    assert ligne[6] == 6 and ligne[7] == "oui" and ligne[8] == 450

    partenaires = {r[0]: r for r in wb["Partenaires"].iter_rows(min_row=2, values_only=True)}
    assert partenaires["Landes Formation Pro"][1] == "Organisme de formation"
    assert partenaires["Landes Formation Pro"][4] == "Chef de file"


def _lignes_attendues(i):
    """(rubrique, indicateur) -> value expected in the Synthèse sheet, read from the indicators."""
    a, p, e, s, t = i.apprenants, i.profil, i.etapes, i.sorties, i.finances.totaux
    return {
        ("Apprenants", "Accompagnés"): a.accompagnes.valeur,
        ("Apprenants", "Nouveaux"): a.nouveaux.valeur,
        ("Apprenants", "En parcours"): a.actifs.valeur,
        ("Apprenants", "Sortis"): a.sortis.valeur,
        ("Profil à l'entrée", "QPV"): p.qpv.valeur,
        ("Profil à l'entrée", "Part en QPV (%)"): float(p.part_qpv.valeur),
        ("Profil à l'entrée", "RQTH"): p.rqth.valeur,
        ("Étapes et formations", "Étapes"): e.total.valeur,
        ("Étapes et formations", "Formations"): e.formations.valeur,
        ("Étapes et formations", "Part certifiante ou diplômante (%)"): float(e.part_certifiante.valeur),
        ("Étapes et formations", "Heures prévues"): float(e.heures_prevues),
        ("Freins", "Identifiés"): i.freins.identifies.valeur,
        ("Freins", "Levés"): i.freins.leves.valeur,
        ("Sorties", "Sorties sur la période"): s.total_sortie.valeur,
        ("Sorties", "Taux de sorties positives (%)"): float(s.taux_positif_sortie.valeur),
        ("Sorties", "Suivis à 6 mois"): s.total_6_mois.valeur,
        ("Sessions", "Ouvertes grâce à la conciergerie"): i.sessions.atteintes_grace_conciergerie,
        ("Sessions", "Apprenants placés en session"): i.sessions.apprenants_places.valeur,
        ("Partenaires", "Membres du consortium"): i.partenaires.membres_consortium,
        ("Partenaires", "Organisations"): i.partenaires.organisations,
        ("Finances", "Accordé"): float(t.accorde),
        ("Finances", "Dépensé"): float(t.depense),
        ("Finances", "Bénévolat valorisé"): float(t.valorise),
        ("Finances", "Bénévolat compté"): float(t.compte),
        ("Finances", "Au-delà des plafonds"): float(t.au_dela),
        ("Bénévolat", "Heures valorisées"): float(i.benevolat.heures_valorisees),
        ("Bénévolat", "Heures données en plus"): float(i.benevolat.heures_donnees),
    }


def _tableau(html, cle):
    debut = html.index(f'data-indicateur="{cle}">') + len(f'data-indicateur="{cle}">')
    return html[debut : html.index("</dd>", debut)]


def _nombre(texte: str) -> float:
    texte = texte.replace("\xa0", "").replace("\u202f", "").replace(" ", "").replace("€", "").replace("h", "").replace("%", "")
    return float(texte.replace(",", "."))


def test_la_synthese_donne_les_chiffres_du_tableau_de_bord(projet, monde, login, django_capture_on_commit_callbacks):
    coord = monde["users"]["coordinateur"]
    bilan = generer(projet, coord, django_capture_on_commit_callbacks)
    valeurs = synthese(classeur(lire(bilan))["Synthèse"])

    # the indicators module
    attendu = calculer([projet], PERIODE)
    assert attendu.apprenants.accompagnes.valeur == 8
    for cle, valeur in _lignes_attendues(attendu).items():
        assert valeurs[cle] == valeur, cle
    assert valeurs[("Période", "Début")] == datetime(2025, 1, 1)
    for ligne in attendu.etapes.par_type:
        assert valeurs[("Étapes par type", ligne.libelle)] == ligne.effectif.valeur
    for ligne in attendu.sorties.a_la_sortie:
        assert valeurs[("Résultats à la sortie", ligne.libelle)] == ligne.effectif.valeur

    # the rendered dashboard, same period, same user
    html = login(coord).get(reverse("tableau_de_bord", args=[projet.pk]), PERIODE_GET).content.decode()
    for cle, libelle in (
        ("accompagnes", ("Apprenants", "Accompagnés")),
        ("nouveaux", ("Apprenants", "Nouveaux")),
        ("actifs", ("Apprenants", "En parcours")),
        ("sortis", ("Apprenants", "Sortis")),
        ("etapes", ("Étapes et formations", "Étapes")),
        ("formations", ("Étapes et formations", "Formations")),
        ("part_certifiante", ("Étapes et formations", "Part certifiante ou diplômante (%)")),
        ("total_sortie", ("Sorties", "Sorties sur la période")),
        ("total_6_mois", ("Sorties", "Suivis à 6 mois")),
        ("sessions_atteintes", ("Sessions", "Ouvertes grâce à la conciergerie")),
        ("places", ("Sessions", "Apprenants placés en session")),
        ("membres", ("Partenaires", "Membres du consortium")),
        ("organisations", ("Partenaires", "Organisations")),
        ("accorde", ("Finances", "Accordé")),
        ("recu", ("Finances", "Reçu")),
        ("a_demander", ("Finances", "Reste à demander")),
        ("valorise", ("Finances", "Bénévolat valorisé")),
        ("compte", ("Finances", "Bénévolat compté")),
        ("au_dela", ("Finances", "Au-delà des plafonds")),
    ):
        assert _nombre(_tableau(html, cle)) == valeurs[libelle], cle
    qpv, part_qpv = _tableau(html, "qpv").removesuffix(")").split(" (")
    assert (_nombre(qpv), _nombre(part_qpv)) == (valeurs[("Profil à l'entrée", "QPV")], valeurs[("Profil à l'entrée", "Part en QPV (%)")])
    depense, prevu = _tableau(html, "depense").split(" / ")
    assert (_nombre(depense), _nombre(prevu)) == (valeurs[("Finances", "Dépensé")], valeurs[("Finances", "Prévu")])
    realisees, prevues = _tableau(html, "heures").split(" / ")
    assert _nombre(prevues) == valeurs[("Étapes et formations", "Heures prévues")]
    assert _nombre(realisees) == valeurs[("Étapes et formations", "Heures réalisées")]


def _toutes_les_cellules(wb):
    for ws in wb.worksheets:
        for ligne in ws.iter_rows():
            yield from ligne


def test_sans_donnees_personnelles_aucune_cellule_ne_nomme_un_apprenant(projet, monde, django_capture_on_commit_callbacks):
    secrets = personnes(projet) | {"Bénévole Secrète", "Motif confidentiel : hospitalisation"}
    naissances = {datetime.combine(a.date_naissance, datetime.min.time()) for a in projet_apprenants(projet)}
    assert len(secrets) >= 30 and len(naissances) == 8

    def fuites(wb):
        trouvees = set()
        for cellule in _toutes_les_cellules(wb):
            if isinstance(cellule.value, str):
                trouvees |= {s for s in secrets if s in cellule.value}
            elif cellule.value in naissances:
                trouvees.add(cellule.value)
        return trouvees

    for qui in ("coordinateur", "administrateur"):
        wb = classeur(lire(generer(projet, monde["users"][qui], django_capture_on_commit_callbacks)))
        assert fuites(wb) == set(), qui
        entetes = {c.value for c in wb["Apprenants"][1]}
        assert entetes.isdisjoint({"Prénom", "Nom", "Date de naissance", "Commune", "E-mail", "Téléphone", "RQTH"})
        assert "Bénévole" not in {c.value for c in wb["Bénévolat"][1]}
        assert "Motif" not in {c.value for c in wb["Parcours et étapes"][1]}
        # the learners are there, under their stable reference
        references = {c.value for c in colonne(wb["Apprenants"], "Référence")}
        assert references == {a.reference for a in projet_apprenants(projet)}
        rqth = [r for r in wb["Apprenants"].iter_rows(values_only=True) if "RQTH" in r]
        assert rqth == []

    # the administrator's nominative export has them (the check above can fail)
    wb = classeur(lire(generer(projet, monde["users"]["administrateur"], django_capture_on_commit_callbacks, personnelles=True)))
    assert fuites(wb) == secrets | naissances
    assert "RQTH" in [c.value for c in wb["Apprenants"][1]]


def test_les_textes_qui_ressemblent_a_des_formules_restent_du_texte(projet, monde, django_capture_on_commit_callbacks):
    for n, texte in enumerate(INJECTIONS):
        f.ApprenantFactory(projet=projet, reference=f"{texte[:20]}{n}", nom=texte, prenom=texte, commune=texte)
        f.OrganisationFactory(projet=projet, nom=f"{texte} organisation")
        f.TempsBenevoleFactory(projet=projet, personne=texte, activite=texte)
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=f.FinancementFactory(projet=projet)), libelle=INJECTIONS[0])

    for personnelles in (False, True):
        bilan = generer(projet, monde["users"]["administrateur"], django_capture_on_commit_callbacks, personnelles=personnelles)
        contenu = lire(bilan)
        wb = classeur(contenu)
        dangereuses = [c for c in _toutes_les_cellules(wb) if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r\n"]
        assert len(dangereuses) >= (30 if personnelles else 12), personnelles
        assert {c.data_type for c in dangereuses} == {"s"}
        assert all(c.quotePrefix for c in dangereuses)
        assert not [c for c in _toutes_les_cellules(wb) if c.data_type == "f"]
        valeurs = {c.value for c in dangereuses}
        assert '=HYPERLINK("http://x","y")' in valeurs and "@SUM(A1:A2)" in valeurs and "-2+3" in valeurs
        # no formula element anywhere in the file
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            for nom in archive.namelist():
                if nom.startswith("xl/worksheets/"):
                    assert not re.search(rb"<(\w+:)?f[ >]", archive.read(nom)), nom


def test_les_caracteres_interdits_par_xml_ne_cassent_pas_le_fichier(projet, monde, django_capture_on_commit_callbacks):
    f.OrganisationFactory(projet=projet, nom="Atelier\x0b du\x01 bourg")  # (PostgreSQL refuses NUL itself)
    wb = classeur(lire(generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)))
    assert "Atelier du bourg" in [r[0] for r in wb["Partenaires"].iter_rows(values_only=True)]


# ------------------------------------------------------------------ the job


def test_le_bilan_passe_par_le_mecanisme_des_rapports(projet, monde, django_capture_on_commit_callbacks, monkeypatch):
    appels = []
    original = jobs.executer
    monkeypatch.setattr(jobs, "executer", lambda **kw: appels.append(kw["modele"].__name__) or original(**kw))
    generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    copil = f.CopilFactory(projet=projet)
    with django_capture_on_commit_callbacks(execute=True):
        rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    assert appels == ["BilanExcel", "RapportCopil"]


def test_la_tache_est_mise_en_file_apres_le_commit_et_une_seule_fois(projet, monde, django_capture_on_commit_callbacks):
    coord = monde["users"]["coordinateur"]
    with django_capture_on_commit_callbacks(execute=False) as taches:
        premier = bilans.demander_bilan(projet=projet, periode=PERIODE, by=coord)
        second = bilans.demander_bilan(projet=projet, periode=PERIODE, by=coord)  # a double click
        # another period while the first is in flight: the same job too (one at a time per person)
        autre = bilans.demander_bilan(projet=projet, periode=Periode(D(2025, 1, 1), D(2025, 3, 31)), by=coord)
    assert premier.pk == second.pk == autre.pk
    assert len(taches) == 1
    premier.refresh_from_db()
    assert premier.statut == StatutJob.EN_ATTENTE and not premier.fichier
    assert generer_bilan_excel.delay(premier.pk).get() == StatutJob.PRET
    # delivered twice: one file
    nom = BilanExcel.objects.get(pk=premier.pk).fichier.name
    generer_bilan_excel.apply(args=[premier.pk])
    assert BilanExcel.objects.get(pk=premier.pk).fichier.name == nom
    assert len(fichiers_xlsx()) == 1


def fichiers_xlsx() -> list:
    racine = settings.MEDIA_ROOT
    return sorted(racine.rglob("*.xlsx")) if racine.exists() else []


def test_progression_apres_chaque_feuille(projet, monde, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        bilan = bilans.demander_bilan(projet=projet, periode=PERIODE, by=monde["users"]["coordinateur"])
    vues = []
    original = bilans._feuille_sorties

    def espion(*args, **kwargs):
        vues.append(BilanExcel.objects.get(pk=bilan.pk).progression)
        return original(*args, **kwargs)

    monkeypatch.setattr(bilans, "_feuille_sorties", espion)
    bilans.generer_bilan(bilan_id=bilan.pk)
    assert vues == [10 + 3 * 80 // 13]  # after Synthèse, Apprenants, Parcours et étapes (of thirteen sheets)
    bilan.refresh_from_db()
    assert bilan.progression == 100 and bilan.statut == StatutJob.PRET


def test_un_echec_est_garde_puis_relance_sans_changer_le_demandeur(projet, monde, django_capture_on_commit_callbacks, monkeypatch):
    adm = monde["users"]["administrateur"]

    def en_panne(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(bilans, "_feuille_depenses", en_panne)
    temporaires = list(ecrivain_openpyxl.ALL_TEMP_FILES)
    with django_capture_on_commit_callbacks(execute=True):
        bilan = bilans.demander_bilan(projet=projet, periode=PERIODE, donnees_personnelles=True, by=adm)
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.ECHEC
    assert bilan.erreur == "Échec de la génération du bilan : disque plein"
    assert not bilan.fichier and fichiers_xlsx() == []
    # the sheets already streamed (with personal data) are not left in the temporary folder
    assert temporaires == ecrivain_openpyxl.ALL_TEMP_FILES
    monkeypatch.undo()
    autre_admin = f.AdhesionFactory(projet=projet, administrateur=True).user
    with django_capture_on_commit_callbacks(execute=True):
        relance = bilans.relancer_bilan(bilan=bilan, by=autre_admin)
    relance.refresh_from_db()
    assert relance.pk == bilan.pk and relance.statut == StatutJob.PRET and relance.erreur == ""
    assert relance.demande_par == adm, "le registre garde qui a demandé l'export"
    assert relance.donnees_personnelles and relance.periode_debut == PERIODE.debut
    # a coordinator may not retry a nominative export
    with pytest.raises(PermissionDenied):
        bilans.relancer_bilan(bilan=relance, by=monde["users"]["coordinateur"])


def test_le_service_refuse_les_donnees_personnelles_hors_administrateur(projet, monde):
    for qui in ("coordinateur", "financeur", "partenaire"):
        with pytest.raises(PermissionDenied):
            bilans.demander_bilan(projet=projet, periode=PERIODE, donnees_personnelles=True, by=monde["users"][qui])
    for qui in ("financeur", "partenaire"):
        with pytest.raises(PermissionDenied):
            bilans.demander_bilan(projet=projet, periode=PERIODE, by=monde["users"][qui])
    with pytest.raises(PermissionDenied):
        bilans.demander_bilan(projet=projet, periode=PERIODE, by=monde["outsider"])
    assert BilanExcel.objects.count() == 0


# ------------------------------------------------------------------ the page and the job views


def url_page(projet):
    return reverse("bilan_projet", kwargs={"projet_id": projet.pk})


def url(nom, bilan):
    return reverse(nom, kwargs={"projet_id": bilan.projet_id, "pk": bilan.pk})


def test_generer_depuis_la_page_puis_telecharger(projet, monde, login, django_capture_on_commit_callbacks):
    client = login(monde["users"]["coordinateur"])
    page = client.get(url_page(projet)).content.decode()
    assert "Générer le bilan" in page and "Aucun bilan" in page
    assert "donnees_personnelles" not in page, "la case n'est montrée qu'aux administrateurs"
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_page(projet), {"debut": "2025-01-01", "fin": "2025-12-31"})
    bilan = BilanExcel.objects.get()
    assert reponse.status_code == 302 and reponse.url == f"{url_page(projet)}#bilan-{bilan.pk}"
    assert (bilan.statut, bilan.periode_debut, bilan.periode_fin, bilan.donnees_personnelles) == (
        StatutJob.PRET,
        D(2025, 1, 1),
        D(2025, 12, 31),
        False,
    )
    page = client.get(url_page(projet)).content.decode()
    assert f'id="bilan-{bilan.pk}"' in page and "Prêt" in page and "Télécharger le fichier Excel" in page
    assert url("bilan_telecharger", bilan) in page and "apprenants pseudonymisés" in page

    for qui in ("coordinateur", "administrateur"):
        reponse = login(monde["users"][qui]).get(url("bilan_telecharger", bilan))
        assert reponse.status_code == 200
        assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert "attachment" in reponse["Content-Disposition"] and ".xlsx" in reponse["Content-Disposition"]
        assert classeur(b"".join(reponse.streaming_content)).sheetnames == FEUILLES
    assert login(monde["users"]["partenaire"]).get(url("bilan_telecharger", bilan)).status_code == 403
    assert login(monde["users"]["financeur"]).get(url("bilan_telecharger", bilan)).status_code == 403
    assert login(monde["outsider"]).get(url("bilan_telecharger", bilan)).status_code == 404


def test_l_export_nominatif_est_enregistre_et_reserve_aux_administrateurs(projet, monde, login, django_capture_on_commit_callbacks):
    adm = monde["users"]["administrateur"]
    client = login(adm)
    assert 'name="donnees_personnelles"' in client.get(url_page(projet)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_page(projet), {"debut": "2025-02-01", "fin": "2025-05-31", "donnees_personnelles": "on"})
    bilan = BilanExcel.objects.get()
    assert (bilan.demande_par, bilan.donnees_personnelles, bilan.periode_debut, bilan.periode_fin) == (
        adm,
        True,
        D(2025, 2, 1),
        D(2025, 5, 31),
    )
    assert bilan.cree_le is not None and "nominatif" in bilan.fichier.name
    assert bilan.demande_par_nom == f"{adm.get_full_name() or 'adm'} (adm)"
    page = client.get(url_page(projet)).content.decode()
    assert "avec données personnelles" in page and "Période du 1er février 2025 au 31 mai 2025" in page and "adm" in page
    # the coordinator neither sees it nor downloads it
    coord = login(monde["users"]["coordinateur"])
    assert f'id="bilan-{bilan.pk}"' not in coord.get(url_page(projet)).content.decode()
    assert coord.get(url("bilan_telecharger", bilan)).status_code == 404
    # the record outlives the account: the requester's name is kept as text
    adm.delete()
    bilan.refresh_from_db()
    assert bilan.demande_par is None and bilan.demande_par_nom.endswith("(adm)")


def test_un_coordinateur_qui_demande_les_donnees_personnelles_recoit_403(projet, monde, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as taches:
        reponse = login(monde["users"]["coordinateur"]).post(
            url_page(projet), {"debut": "2025-01-01", "fin": "2025-12-31", "donnees_personnelles": "on"}
        )
    assert reponse.status_code == 403
    assert "Seul un administrateur du projet peut exporter les données personnelles" in reponse.content.decode()
    assert BilanExcel.objects.count() == 0 and taches == []


def test_une_periode_refusee_dit_pourquoi_et_ne_cree_rien(projet, monde, login):
    reponse = login(monde["users"]["administrateur"]).post(url_page(projet), {"debut": "2025-06-30", "fin": "2025-01-01"})
    assert reponse.status_code == 200
    assert "La fin de la période doit suivre son début." in reponse.content.decode()
    reponse = login(monde["users"]["administrateur"]).post(url_page(projet), {"debut": "", "fin": "demain"})
    html = reponse.content.decode()
    assert "Ce champ est obligatoire." in html and "Saisissez une date valide." in html
    assert BilanExcel.objects.count() == 0


def test_partenaire_financeur_et_non_membre_ne_generent_rien(projet, monde, login):
    donnees = {"debut": "2025-01-01", "fin": "2025-12-31"}
    assert login(monde["users"]["partenaire"]).post(url_page(projet), donnees).status_code == 403
    assert login(monde["users"]["financeur"]).post(url_page(projet), donnees).status_code == 403
    assert login(monde["outsider"]).post(url_page(projet), donnees).status_code == 404
    assert login(monde["users"]["partenaire"]).get(url_page(projet)).status_code == 403
    assert login(monde["outsider"]).get(url_page(projet)).status_code == 404
    assert BilanExcel.objects.count() == 0


def test_le_financeur_a_la_version_financeur(projet, monde, login):
    f.BilanExcelFactory(projet=projet, pret=True)
    html = login(monde["users"]["financeur"]).get(url_page(projet)).content.decode()
    assert reverse("synthese_bilan") in html and "Télécharger le bilan financeur" in html
    assert "Générer le bilan" not in html and "bilan-" not in html.replace("synthese_bilan", "")


def test_statut_en_cours_sonde_puis_pret_ne_sonde_plus(projet, monde, login, django_capture_on_commit_callbacks):
    en_cours = f.BilanExcelFactory(projet=projet, statut=StatutJob.EN_COURS, progression=50)
    client = login(monde["users"]["coordinateur"])
    html = client.get(url("bilan_statut", en_cours), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and f'id="bilan-{en_cours.pk}"' in html
    assert 'hx-trigger="every 2s"' in html and f'hx-get="{url("bilan_statut", en_cours)}"' in html
    assert 'value="50"' in html and "En cours" in html and "Télécharger" not in html
    page = client.get(url("bilan_statut", en_cours)).content.decode()
    assert "<html" in page and "Bilan du projet" in page and "Retour aux bilans" in page

    pret = generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    html = client.get(url("bilan_statut", pret), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html and "Prêt" in html and url("bilan_telecharger", pret) in html


def test_relancer_un_echec_depuis_le_partiel(projet, monde, login, django_capture_on_commit_callbacks):
    bilan = f.BilanExcelFactory(projet=projet, echec=True, demande_par=monde["users"]["coordinateur"])
    client = login(monde["users"]["administrateur"])
    html = client.get(url("bilan_statut", bilan), headers={"HX-Request": "true"}).content.decode()
    assert "Échec de la génération du bilan : test" in html and "Relancer" in html
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("bilan_relancer", bilan), headers={"HX-Request": "true"})
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "En attente" in html and 'hx-trigger="every 2s"' in html
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET and bilan.demande_par == monde["users"]["coordinateur"]
    assert client.get(url("bilan_relancer", bilan)).status_code == 405


# ------------------------------------------------------------------ the funder's roll-up


@pytest.fixture
def financeur_deux_projets(projet, monde):
    """The funder of A is also the funder of a small project C (3 learners)."""
    adhesion = monde["adhesions"]["financeur"]
    petit = f.ProjetFactory(nom="Petit projet")
    f.AdhesionFactory(user=adhesion.user, projet=petit, financeur=True)
    for i in range(3):
        f.EtapeFactory(parcours__apprenant__projet=petit, parcours__apprenant__nom=f"Nompetit{i}")
    f.FinancementFactory(
        projet=projet, financeur=adhesion.organisation, intitule="Financement de la Région", montant_accorde=Decimal("5000")
    )
    f.FinancementFactory(projet=petit, intitule="Autre financeur secret", montant_accorde=Decimal("777"))
    return adhesion.user, petit


def test_le_bilan_financeur_ne_contient_que_des_agregats_masques(projet, monde, login, financeur_deux_projets):
    user, petit = financeur_deux_projets
    reponse = login(user).get(reverse("synthese_bilan"), PERIODE_GET)
    assert reponse.status_code == 200 and "attachment" in reponse["Content-Disposition"]
    contenu = b"".join(reponse.streaming_content)
    wb = classeur(contenu)
    assert wb.sheetnames == ["Projets", "Synthèse", "Moyennes", "Objectifs"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")

    projets = {r[0]: r for r in wb["Projets"].iter_rows(min_row=2, values_only=True) if r[0]}
    attendu = calculer_par_projet([projet, petit], PERIODE, masquer=True)
    assert attendu.par_projet[0][1].apprenants.accompagnes.valeur == 8
    assert projets["Petit projet"][1] == "< 5"  # 3 learners: masked
    # each project reads as its own dashboard (never « < 5 » for 8); the total, 11, with A's 8
    # from A's dashboard, would give the 3 back: « s »
    propre = calculer([projet], PERIODE, masquer=True).apprenants.accompagnes
    assert projets["Projet A"][1] == (str(propre) if propre.masque else 8) != "< 5"
    assert projets["Total"][1] == "s"
    assert any(str(k).startswith("Légende : « < 5 » : moins de 5 personnes") for k in projets)
    assert projets["Projet A"][9] == 5000, "seuls les financements du financeur"
    valeurs = synthese(wb["Synthèse"])
    assert valeurs[("Apprenants", "Accompagnés")] == "s"
    assert valeurs[("Sorties", "Sorties sur la période")] == "< 5"

    # no learner data anywhere
    textes = " ".join(str(c.value) for c in _toutes_les_cellules(wb) if c.value is not None)
    for secret in personnes(projet) | {"Nompetit0", "REF-B-0", "Autre financeur secret", "Bénévole Secrète", "Motif confidentiel"}:
        assert secret not in textes
    for a in projet_apprenants(projet):
        assert a.reference not in textes
    entetes = {c.value for ws in wb.worksheets for c in ws[1]}
    assert entetes.isdisjoint({"Référence", "Apprenant (référence)", "Prénom", "Nom"})


def test_le_bilan_de_la_synthese_depuis_la_page(projet, monde, login, financeur_deux_projets):
    user, _petit = financeur_deux_projets
    client = login(user)
    html = client.get(reverse("synthese"), PERIODE_GET).content.decode()
    assert f"{reverse('synthese_bilan')}?debut=2025-01-01&amp;fin=2025-12-31" in html
    # a refused period goes back to the roll-up page, which says why
    reponse = client.get(reverse("synthese_bilan"), {"debut": "2025-12-31", "fin": "2025-01-01"})
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("synthese"))
    assert "La fin de la période doit suivre son début." in client.get(reponse.url).content.decode()
    # an administrator's roll-up is not masked; a partner only has no roll-up
    wb = classeur(b"".join(login(monde["users"]["administrateur"]).get(reverse("synthese_bilan"), PERIODE_GET).streaming_content))
    assert synthese(wb["Synthèse"])[("Sorties", "Sorties sur la période")] == 2
    assert login(monde["users"]["partenaire"]).get(reverse("synthese_bilan")).status_code == 403


# ------------------------------------------------------------------ streaming and queries


def _peak(n: int) -> int:
    classeur_ = bilans._classeur()
    feuille = bilans.Feuille(
        classeur_,
        "Lignes",
        [
            bilans.Colonne("Référence"),
            bilans.Colonne("Date", bilans.DATE),
            bilans.Colonne("Montant", bilans.EUROS),
            bilans.Colonne("Texte"),
        ],
    )
    tracemalloc.start()
    try:
        for i in range(n):
            feuille.ajouter((f"REF-{i:06d}", D(2025, 1, 1), Decimal("12.34"), "un texte de quelques dizaines de caractères"))
        feuille.fermer()
        classeur_.save(io.BytesIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_l_ecriture_est_en_flux_la_memoire_ne_suit_pas_le_nombre_de_lignes():
    assert bilans._classeur().write_only
    petit, grand = _peak(300), _peak(3000)
    # a workbook kept in memory would hold ten times more cells; written in streaming mode the
    # peak stays flat (the rows go to a temporary file as they are appended)
    assert grand < petit * 1.5, (petit, grand)


def test_le_bilan_du_projet_ecrit_en_flux(projet, monde, django_capture_on_commit_callbacks, monkeypatch):
    crees = []
    original = bilans._classeur
    monkeypatch.setattr(bilans, "_classeur", lambda: crees.append(original()) or crees[-1])
    generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert len(crees) == 1 and crees[0].write_only


def _remplir(projet, n):
    of = f.OrganisationFactory(projet=projet, of=True)
    session = f.SessionFormationFactory(projet=projet, organisation=of)
    financement = f.FinancementFactory(projet=projet, plafonne=True)
    for _ in range(n):
        etape = f.EtapeFactory(parcours__apprenant__projet=projet, organisation=of, session=session)
        f.SortieFactory(parcours=etape.parcours)
        f.TempsBenevoleFactory(projet=projet, financement=financement)
        f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement))
        f.PartageValeurFactory(projet=projet, organisation=of, session=session)


def _requetes_de_generation(projet, user, capture):
    cache.clear()  # every figure computed (pilotage.memo keeps those whose models were not written to)
    with capture(execute=False):
        bilan = bilans.demander_bilan(projet=projet, periode=PERIODE, by=user)
    with CaptureQueriesContext(connection) as requetes:
        bilans.generer_bilan(bilan_id=bilan.pk)
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET, bilan.erreur
    return len(requetes)


def test_les_requetes_de_la_generation_ne_croissent_pas_avec_les_apprenants(monde, django_capture_on_commit_callbacks):
    coord = monde["users"]["coordinateur"]
    _remplir(monde["A"], 3)
    petit = _requetes_de_generation(monde["A"], coord, django_capture_on_commit_callbacks)
    _remplir(monde["A"], 40)
    grand = _requetes_de_generation(monde["A"], coord, django_capture_on_commit_callbacks)
    assert petit == grand, (petit, grand)
    # thirteen sheets (Séances et présences, Compétences, Répartitions, Objectifs added), and the
    # project's revision read by each figure kept per project (pilotage.memo)
    assert petit < 70


@pytest.mark.parametrize("n", [2, 25])
def test_les_requetes_de_la_page_ne_croissent_pas_avec_les_exports(monde, login, django_assert_num_queries, n):
    for i in range(n):
        f.BilanExcelFactory(projet=monde["A"], pret=i % 2 == 0, demande_par=f.UserFactory())
    client = login(monde["users"]["administrateur"])
    client.get(url_page(monde["A"]))  # the session and the memberships, once
    # the session is not saved again (same project); an administrator's second-factor device is
    # read back on each page (django-otp: a deleted device ends the session's verification); one
    # query says whether the user's own bilan is in flight (the button disabled meanwhile)
    with django_assert_num_queries(7):
        html = client.get(url_page(monde["A"])).content.decode()
    assert html.count('class="bilan bilan-') == n


# ------------------------------------------------------------------ through a real worker (CI's worker run)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_le_worker_genere_le_bilan_apres_le_commit(projet, monde):
    """Selected only with REDIS_URL and PostgreSQL (tests/pilotage/conftest.py), like the report's."""
    from tests.pilotage.test_rapport_worker import ATTENTE, _arreter, _demarrer_worker

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "ce test exige un vrai worker"
    processus = _demarrer_worker(settings.MEDIA_ROOT, "bilans")
    try:
        bilan = bilans.demander_bilan(projet=projet, periode=PERIODE, by=monde["users"]["coordinateur"])
        generer_bilan_excel.delay(bilan.pk)  # delivered twice: still one file
        limite = time.monotonic() + ATTENTE
        while bilan.statut not in (StatutJob.PRET, StatutJob.ECHEC) and time.monotonic() < limite:
            time.sleep(0.1)
            bilan.refresh_from_db()
    finally:
        _arreter(processus)
    assert bilan.statut == StatutJob.PRET, bilan.erreur
    assert classeur((settings.MEDIA_ROOT / bilan.fichier.name).read_bytes()).sheetnames == FEUILLES
    assert len(fichiers_xlsx()) == 1


# ------------------------------------------------------------------ the detailed bilan of several projects

LIGNES = [
    t for t in FEUILLES[1:] if t not in ("Compétences", "Répartitions")
]  # the row sheets (not Synthèse, Compétences nor Répartitions: figures)


@pytest.fixture
def deux_projets(projet, monde):
    """Project A (``projet``) and project B with recognisable personal data of its own (learners,
    a blocked step's motive, a volunteer), a funding with an expense, value shared per learner
    outside any session; monde's administrator administers both."""
    b = monde["B"]
    f.AdhesionFactory(user=monde["users"]["administrateur"], projet=b, administrateur=True)
    etranger = monde["apprenant_etranger"]  # monde's learner of B: recognisable too
    etranger.prenom, etranger.nom, etranger.email, etranger.telephone = "Prenometranger", "Nometranger", "etranger@exemple.fr", "0899999999"
    etranger.save()
    of = f.OrganisationFactory(projet=b, nom="OF du projet B", of=True)
    for i in range(3):
        apprenant = f.ApprenantFactory(
            projet=b,
            reference=f"REF-PB-{i}",
            prenom=f"Prenomdeb{i}",
            nom=f"Nomdeb{i}",
            email=f"deb{i}@exemple.fr",
            telephone=f"080000000{i}",
            commune=f"Communedeb{i}",
            date_naissance=D(1985, 7, 1 + i),
        )
        parcours = f.ParcoursFactory(apprenant=apprenant, intitule="Vers la logistique")
        f.EtapeFactory(parcours=parcours, organisation=of, certifiante=True)
    f.EtapeFactory(parcours=parcours, bloquee=True, motif="Motif secret du projet B")
    f.SortieFactory(parcours=parcours, resultat=ResultatSortie.ALTERNANCE)
    financement = f.FinancementFactory(projet=b, intitule="Financement du projet B", montant_accorde=Decimal("20000"))
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement), montant=Decimal("250.00"), libelle="Achat de B")
    f.TempsBenevoleFactory(projet=b, financement=financement, personne="Bénévole Cachée de B", heures=Decimal("4"))
    f.PartageValeurFactory(projet=b, organisation=of, session=None, mode="par_apprenant", apprenant=apprenant, montant=Decimal("120.00"))
    return [projet, b]


def ecrire(projets, **kwargs):
    fichier = io.BytesIO()
    indicateurs = bilans.ecrire_bilan(projets=projets, periode=PERIODE, fichier=fichier, **kwargs)
    return classeur(fichier.getvalue()), indicateurs


def test_le_bilan_de_plusieurs_projets_a_une_colonne_projet_et_leur_somme(deux_projets, monde):
    a, b = deux_projets
    wb, indicateurs = ecrire(deux_projets)
    assert wb.sheetnames == FEUILLES
    for titre in LIGNES:
        ws = wb[titre]
        assert ws[1][0].value == "Projet" and ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:"), titre
        projets = {c.value for c in colonne(ws, "Projet")}
        assert projets <= {"Projet A", "Projet B"}, titre
    # every row sheet with rows of both projects has both
    for titre in ("Apprenants", "Parcours et étapes", "Sorties et suivis à 6 mois", "Partenaires", "Financements et budget", "Dépenses"):
        assert {c.value for c in colonne(wb[titre], "Projet")} == {"Projet A", "Projet B"}, titre
    apprenants = wb["Apprenants"]
    par_projet = {(r[0], r[1]) for r in apprenants.iter_rows(min_row=2, values_only=True)}
    assert par_projet == {("Projet A", x.reference) for x in projet_apprenants(a)} | {
        ("Projet B", x.reference) for x in projet_apprenants(b)
    }
    assert [r[0] for r in apprenants.iter_rows(min_row=2, values_only=True)] == ["Projet A"] * 8 + ["Projet B"] * 4  # by project
    assert all(c.is_date for c in colonne(apprenants, "Entrée"))
    # the cells keep their types behind the Projet column
    (depense_b,) = [r for r in wb["Dépenses"].iter_rows(min_row=2) if r[0].value == "Projet B"]
    assert depense_b[6].value == 250 and "€" in depense_b[6].number_format and depense_b[1].is_date
    hors_session = [
        r for r in wb["Sessions et partage de valeur"].iter_rows(min_row=2, values_only=True) if r[2] == "Hors session (par apprenant)"
    ]
    assert hors_session == [("Projet B", None, "Hors session (par apprenant)", None, None, None, None, None, None, 0, 120)]
    benevolat = list(wb["Bénévolat"].iter_rows(values_only=True))
    debut = next(i for i, r in enumerate(benevolat) if r[:2] == ("Projet", "Plafond par financement"))
    plafonds = {r[:2] for r in benevolat[debut + 1 :]}
    assert plafonds == {("Projet A", "Conciergerie 2024-2027"), ("Projet B", "Financement du projet B")}

    # Synthèse: calculer over both projects (their sum), as the indicators module gives it
    attendu = calculer(deux_projets, PERIODE)
    assert attendu.apprenants.accompagnes.valeur == 12 == indicateurs.apprenants.accompagnes.valeur
    valeurs = synthese(wb["Synthèse"])
    for cle, valeur in _lignes_attendues(attendu).items():
        assert valeurs[cle] == valeur, cle
    assert valeurs[("Périmètre", "Projets")] == 2
    assert valeurs[("Finances", "Accordé")] == 120000


def test_le_bilan_de_plusieurs_projets_ne_nomme_personne(deux_projets, monde):
    a, b = deux_projets
    wb, _ = ecrire(deux_projets)
    secrets = personnes(a) | personnes(b) | {"Bénévole Secrète", "Bénévole Cachée de B", "Motif confidentiel", "Motif secret du projet B"}
    assert {"Prenomdeb0", "Nomdeb2", "deb1@exemple.fr", "0800000001", "Communedeb0", "Nometranger"} <= secrets
    naissances = {datetime.combine(x.date_naissance, datetime.min.time()) for x in projet_apprenants(a) + projet_apprenants(b)}
    textes = [str(c.value) for c in _toutes_les_cellules(wb) if c.value is not None]
    assert not [s for s in secrets if any(s in t for t in textes)]
    assert not [c for c in _toutes_les_cellules(wb) if c.value in naissances]
    entetes = {c.value for ws in wb.worksheets for c in ws[1]}
    assert entetes.isdisjoint({"Prénom", "Nom", "Date de naissance", "E-mail", "Téléphone", "RQTH", "Bénévole", "Motif"})
    # and never on request
    fichier = io.BytesIO()
    with pytest.raises(ValueError, match="toujours pseudonymisé"):
        bilans.ecrire_bilan(projets=deux_projets, periode=PERIODE, fichier=fichier, donnees_personnelles=True)
    assert fichier.getvalue() == b""


def test_un_seul_projet_pas_de_colonne_projet_et_le_meme_classeur(projet):
    seul, _ = ecrire([projet])
    par_le_wrapper = io.BytesIO()
    bilans.ecrire_bilan_projet(projet=projet, periode=PERIODE, fichier=par_le_wrapper)
    wrapper = classeur(par_le_wrapper.getvalue())
    for titre in FEUILLES:
        assert lignes(seul[titre]) == lignes(wrapper[titre]), titre
    assert seul["Apprenants"][1][0].value == "Référence"
    assert ("Périmètre", "Projets") not in synthese(seul["Synthèse"])


def _projets_remplis(n):
    projets = []
    for i in range(n):
        p = f.ProjetFactory(nom=f"Projet rempli {i}")
        _remplir(p, 2)
        projets.append(p)
    return projets


#: the queries of the row sheets, on top of those of ``calculer`` (Synthèse): one per sheet read
#: from the database, two for Partenaires (members) and Sessions (value shared), one for Séances et présences,
#: four for Compétences (evaluations, levels, AFEST steps, badges; the blocs only when a progression); Répartitions:
#: statuses and sex, obstacles, prescribers (learners sent, positive exits), sessions, the
#: fundings' eligibility (overrides, steps); Objectifs: the targets (none here: no progress read)
REQUETES_DES_FEUILLES = 9 + 1 + 4 + 7 + 1


@pytest.mark.parametrize("n", [2, 5])
def test_les_requetes_du_bilan_de_plusieurs_projets_ne_croissent_pas(db, n, django_assert_num_queries, settings):
    settings.CHIFFRES_EN_CACHE = False  # the figures' own queries, computed each time (pilotage.memo)
    projets = _projets_remplis(n)
    with CaptureQueriesContext(connection) as indicateurs:
        calculer(projets, PERIODE)
    assert len(indicateurs) < 20
    with django_assert_num_queries(len(indicateurs) + REQUETES_DES_FEUILLES):
        wb, _ = ecrire(projets)
    assert {c.value for c in colonne(wb["Apprenants"], "Projet")} == {p.nom for p in projets}
    assert len(colonne(wb["Apprenants"], "Projet")) == 2 * n
    assert len(colonne(wb["Parcours et étapes"], "Projet")) == 2 * n


def test_of_projet_prend_un_projet_ou_plusieurs(deux_projets):
    from parcours.models import Apprenant

    a, b = deux_projets
    assert Apprenant.objects.of_projet(a).count() == 8
    assert Apprenant.objects.of_projet(a.pk).count() == 8
    assert Apprenant.objects.of_projet([a, b]).count() == 12
    assert Apprenant.objects.of_projet((b.pk,)).count() == 4
    assert Apprenant.objects.of_projet([]).count() == 0


# the job


def generer_projets(user, capture, projets, periode=PERIODE):
    with capture(execute=True):
        bilan = bilans.demander_bilan_projets(projets=projets, periode=periode, by=user)
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET, bilan.erreur
    return bilan


def test_le_job_du_bilan_de_plusieurs_projets(deux_projets, monde, django_capture_on_commit_callbacks):
    adm = monde["users"]["administrateur"]
    bilan = generer_projets(adm, django_capture_on_commit_callbacks, deux_projets)
    assert bilan.projet is None and set(bilan.projets.all()) == set(deux_projets) and not bilan.donnees_personnelles
    assert bilan.fichier.name.startswith("projets/plusieurs/bilans/bilan-2-projets-20250101-20251231-")
    assert bilan.resume() == "Période du 1er janvier 2025 au 31 décembre 2025 · 2\u00a0projets · apprenants pseudonymisés"
    wb = classeur(lire(bilan))
    assert wb.sheetnames == FEUILLES and wb["Apprenants"][1][0].value == "Projet"
    # a double click: the same job
    with django_capture_on_commit_callbacks(execute=False) as taches:
        encore = bilans.demander_bilan_projets(projets=list(reversed(deux_projets)), periode=PERIODE, by=adm)
    assert encore.pk != bilan.pk and len(taches) == 1  # the first one is ready: a new export
    with django_capture_on_commit_callbacks(execute=False) as taches:
        double = bilans.demander_bilan_projets(projets=deux_projets, periode=PERIODE, by=adm)
    assert double.pk == encore.pk and taches == []
    # a project bilan's views never give it
    assert f'id="bilan-{bilan.pk}"' not in login_page(adm, deux_projets[0])


def login_page(user, projet):
    from tests.connexion import connecter

    return connecter(user).get(url_page(projet)).content.decode()


def test_le_service_refuse_qui_n_administre_pas_chaque_projet(deux_projets, monde):
    a, b = deux_projets
    coord = monde["users"]["coordinateur"]
    f.AdhesionFactory(user=coord, projet=b, administrateur=True)  # administrator of B, coordinator of A
    for qui, projets in ((coord, deux_projets), (monde["users"]["financeur"], deux_projets), (monde["outsider"], deux_projets)):
        with pytest.raises(PermissionDenied):
            bilans.demander_bilan_projets(projets=projets, periode=PERIODE, by=qui)
    adm = monde["users"]["administrateur"]
    with pytest.raises(PermissionDenied):
        bilans.demander_bilan_projets(projets=[a, b, f.ProjetFactory()], periode=PERIODE, by=adm)
    with pytest.raises(ValidationError, match="au moins deux"):
        bilans.demander_bilan_projets(projets=[a], periode=PERIODE, by=adm)
    with pytest.raises(ValidationError, match="La fin de la période doit suivre son début."):
        bilans.demander_bilan_projets(projets=deux_projets, periode=Periode(D(2025, 6, 1), D(2025, 1, 1)), by=adm)
    assert BilanExcel.objects.count() == 0


def test_qui_voit_un_bilan_de_plusieurs_projets(deux_projets, monde):
    """Whoever administers, now, every one of its projects; the requester is no exception."""
    a, b = deux_projets
    adm = monde["users"]["administrateur"]
    bilan = f.BilanExcelFactory(projet=None, demande_par=adm, pret=True)
    bilan.projets.set(deux_projets)
    autre_admin = f.AdhesionFactory(projet=a, administrateur=True).user
    f.AdhesionFactory(user=autre_admin, projet=b, administrateur=True)
    admin_de_a = f.AdhesionFactory(projet=a, administrateur=True).user
    coord_de_b = f.AdhesionFactory(user=admin_de_a, projet=b, coordinateur=True).user

    def voit(user):
        user = type(user).objects.get(pk=user.pk)  # memberships read afresh
        return BilanExcel.objects.de_plusieurs_projets(user).filter(pk=bilan.pk).exists()

    assert voit(adm) and voit(autre_admin)
    assert not voit(coord_de_b) and not voit(monde["users"]["coordinateur"]) and not voit(monde["outsider"])
    # project-level reads never give it, even to an administrator of both
    for user in (adm, autre_admin):
        assert not BilanExcel.objects.visible_to(type(user).objects.get(pk=user.pk)).filter(pk=bilan.pk).exists()
    # the requester loses B: loses the bilan
    adhesion_b = adm.adhesions.get(projet=b)
    adhesion_b.actif = False
    adhesion_b.save()
    assert not voit(adm) and voit(autre_admin)


# the pages


def url_projets(nom, bilan=None):
    return reverse(nom, kwargs={"pk": bilan.pk}) if bilan else reverse(nom)


def test_depuis_la_synthese_generer_puis_telecharger(deux_projets, monde, login, django_capture_on_commit_callbacks):
    client = login(monde["users"]["administrateur"])
    html = client.get(reverse("synthese"), PERIODE_GET).content.decode()
    assert "Bilan détaillé de mes projets (pseudonymisé)" in html and reverse("bilan_projets") in html
    page = client.get(url_projets("bilan_projets")).content.decode()
    assert "Générer le bilan détaillé" in page and "Aucun bilan détaillé" in page
    assert "Projet A" in page and "Projet B" in page and "donnees_personnelles" not in page
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_projets("bilan_projets"), {"debut": "2025-01-01", "fin": "2025-12-31", "donnees_personnelles": "on"})
    bilan = BilanExcel.objects.get()
    assert reponse.status_code == 302 and reponse.url == f"{url_projets('bilan_projets')}#bilan-{bilan.pk}"
    assert bilan.statut == StatutJob.PRET and not bilan.donnees_personnelles and set(bilan.projets.all()) == set(deux_projets)
    page = client.get(url_projets("bilan_projets")).content.decode()
    assert f'id="bilan-{bilan.pk}"' in page and "2 projets" in page and url_projets("bilan_projets_telecharger", bilan) in page
    reponse = client.get(url_projets("bilan_projets_telecharger", bilan))
    assert reponse.status_code == 200 and "attachment" in reponse["Content-Disposition"]
    wb = classeur(b"".join(reponse.streaming_content))
    assert wb.sheetnames == FEUILLES and {c.value for c in colonne(wb["Apprenants"], "Projet")} == {"Projet A", "Projet B"}
    # the status, full page and htmx partial
    statut = client.get(url_projets("bilan_projets_statut", bilan)).content.decode()
    assert "<html" in statut and "Bilan détaillé de mes projets" in statut and "Retour aux bilans" in statut
    partiel = client.get(url_projets("bilan_projets_statut", bilan), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partiel and "Prêt" in partiel and "hx-trigger" not in partiel


def test_une_periode_refusee_ne_cree_rien(deux_projets, monde, login):
    reponse = login(monde["users"]["administrateur"]).post(url_projets("bilan_projets"), {"debut": "2025-06-30", "fin": "2025-01-01"})
    assert reponse.status_code == 200 and "La fin de la période doit suivre son début." in reponse.content.decode()
    assert BilanExcel.objects.count() == 0


def test_le_lien_n_est_montre_qu_a_qui_administre_plusieurs_projets(projet, monde, login):
    for qui in ("administrateur", "coordinateur", "financeur"):
        html = login(monde["users"][qui]).get(reverse("synthese")).content.decode()
        assert "Bilan détaillé de mes projets" not in html, qui
        assert login(monde["users"][qui]).get(url_projets("bilan_projets")).status_code == 403, qui
    assert login(monde["users"]["administrateur"]).post(url_projets("bilan_projets"), PERIODE_GET).status_code == 403
    assert BilanExcel.objects.count() == 0


def test_relancer_un_bilan_de_plusieurs_projets(deux_projets, monde, login, django_capture_on_commit_callbacks):
    adm = monde["users"]["administrateur"]
    bilan = f.BilanExcelFactory(projet=None, echec=True, demande_par=adm)
    bilan.projets.set(deux_projets)
    autre_admin = f.AdhesionFactory(projet=deux_projets[0], administrateur=True).user
    f.AdhesionFactory(user=autre_admin, projet=deux_projets[1], administrateur=True)
    client = login(autre_admin)
    html = client.get(url_projets("bilan_projets_statut", bilan), headers={"HX-Request": "true"}).content.decode()
    assert "Échec de la génération du bilan : test" in html and "Relancer" in html
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_projets("bilan_projets_relancer", bilan), headers={"HX-Request": "true"})
    assert reponse.status_code == 200 and "En attente" in reponse.content.decode()
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET and bilan.demande_par == adm, "le registre garde qui a demandé l'export"
    assert classeur(lire(bilan))["Apprenants"][1][0].value == "Projet"
    # an administrator of A only may not
    with pytest.raises(PermissionDenied):
        bilans.relancer_bilan(bilan=bilan, by=f.AdhesionFactory(projet=deux_projets[0], administrateur=True).user)


@pytest.mark.parametrize("n", [2, 25])
def test_les_requetes_de_la_page_des_bilans_de_plusieurs_projets(monde, login, django_assert_num_queries, n):
    adm = monde["users"]["administrateur"]
    f.AdhesionFactory(user=adm, projet=monde["B"], administrateur=True)
    for i in range(n):
        bilan = f.BilanExcelFactory(projet=None, pret=i % 2 == 0, demande_par=f.UserFactory())
        bilan.projets.set([monde["A"], monde["B"]])
    client = login(adm)
    client.get(url_projets("bilan_projets"))  # the session and the memberships, once
    with django_assert_num_queries(8):  # the second-factor device, the user's bilan in flight (the button) included
        html = client.get(url_projets("bilan_projets")).content.decode()
    assert html.count('class="bilan bilan-') == n


def test_un_financement_sans_ligne_de_budget_a_sa_ligne_dans_la_feuille_des_financements(projet, monde, django_capture_on_commit_callbacks):
    """Its granted amount counts in the Synthèse: it must appear here too."""
    f.FinancementFactory(projet=projet, intitule="Fondation, sans budget encore", montant_accorde=Decimal("15000.00"))
    wb = classeur(lire(generer(projet, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)))
    rangees = {r[0]: r for r in wb["Financements et budget"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rangees["Fondation, sans budget encore"][3:6] == (15000, "aucune ligne de budget", None)


# ------------------------------------------------------------------ Séances et présences (issue 17)


def test_la_feuille_des_seances_et_presences(db, tmp_path):
    from parcours.models import Presence

    presence = f.PresenceFactory(seance__session__commune="Aurillac", seance__session__a_distance=True, statut="present")
    absent = f.PresenceFactory(seance=presence.seance, statut="absent", heures=0)
    f.PresenceFactory(seance__session__projet=presence.projet, seance__session__date_debut=D(2024, 3, 1), seance__date=D(2024, 3, 1))
    assert Presence.objects.count() == 3
    periode = Periode(D(2025, 1, 1), D(2025, 12, 31))
    chemin = tmp_path / "bilan.xlsx"
    bilans.ecrire_bilan_projet(projet=presence.projet, periode=periode, fichier=chemin)
    feuille = classeur(chemin.read_bytes())["Séances et présences"]
    lignes = [[c.value for c in row] for row in feuille.iter_rows(min_row=2)]
    assert len(lignes) == 2  # the séance of 2024 is outside the period
    entete = [c.value for c in feuille[1]]
    assert "Nom" not in entete  # pseudonymised: the learner's reference only
    par_reference = {ligne[entete.index("Apprenant (référence)")]: ligne for ligne in lignes}
    ligne = par_reference[presence.apprenant.reference]
    assert ligne[entete.index("Lieu")] == "Aurillac, à distance"
    assert (ligne[entete.index("Présence")], ligne[entete.index("Heures")]) == ("Présent", 3.5)
    assert par_reference[absent.apprenant.reference][entete.index("Présence")] == "Absent"
    nominatif = tmp_path / "nominatif.xlsx"
    bilans.ecrire_bilan_projet(projet=presence.projet, periode=periode, fichier=nominatif, donnees_personnelles=True)
    entete = [c.value for c in classeur(nominatif.read_bytes())["Séances et présences"][1]]
    assert "Nom" in entete and "Prénom" in entete


def test_plusieurs_projets_une_ligne_par_seance_avec_ses_presences_comptees(db, tmp_path):
    """Several projects: one row per séance (the programme's millions of attendance rows would
    fill two Excel sheets nobody reads), its présents, absents, excusés and hours of presence."""
    presence = f.PresenceFactory(seance__session__commune="Aurillac", statut="present")
    seance = presence.seance
    f.PresenceFactory(seance=seance, statut="present")
    f.PresenceFactory(seance=seance, statut="absent", heures=0)
    f.PresenceFactory(seance=seance, statut="excuse", heures=0)
    vide = f.SeanceFactory(session=seance.session, date=seance.date, heure_debut=None, heure_fin=None)  # no attendance yet
    autre = f.PresenceFactory(seance__session__intitule="Atelier CV", statut="present", heures=Decimal("2"))
    periode = Periode(D(2025, 1, 1), D(2025, 12, 31))
    chemin = tmp_path / "bilan.xlsx"
    bilans.ecrire_bilan(projets=[presence.projet, autre.projet], periode=periode, fichier=chemin)
    feuille = classeur(chemin.read_bytes())["Séances et présences"]
    entete = [c.value for c in feuille[1]]
    assert entete[0] == "Projet" and "Apprenant (référence)" not in entete
    lignes = {
        (li[0], li[entete.index("Session")], li[entete.index("Début")]): li
        for li in ([c.value for c in row] for row in feuille.iter_rows(min_row=2))
    }
    assert len(lignes) == 3
    comptes = ("Présents", "Absents", "Excusés", "Heures de présence")
    ligne = lignes[(presence.projet.nom, seance.session.intitule, "09:00")]
    assert ligne[entete.index("Lieu")] == "Aurillac"
    assert tuple(ligne[entete.index(c)] for c in comptes) == (2, 1, 1, 7)
    assert tuple(lignes[(presence.projet.nom, seance.session.intitule, None)][entete.index(c)] for c in comptes) == (0, 0, 0, 0)
    assert tuple(lignes[(autre.projet.nom, "Atelier CV", "09:00")][entete.index(c)] for c in comptes) == (1, 0, 0, 2)
    assert vide.pk
