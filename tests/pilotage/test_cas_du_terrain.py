"""Issue 17's cases, entered as a coordinator enters them — through the pages, each form posted as
it is drawn (``tests.formulaires.envoi``) with what a person types — then read where the issue
reads them: the dashboard (the coordinator's, and the funder's, masked), the COPIL report and the
Excel bilan.

- A digital-skills course run by one training body in two sites (a city, then a rural town),
  with two sourcing partners, obstacles, women, and a yearly target of people trained.
- A cohort of young volunteers in service civique, part-time every week: hours from attendance,
  age bands at entry, no 6-month follow-up for an abandon, « Formations » and « Heures de
  formation » on the same steps.

(The formation-développement group with its FEADER eligibility: tests/browser/test_seances.py
fills its attendance grid in a browser, tests/pilotage/test_repartitions.py reads its eligibility
on each page.)
"""

import re
from datetime import date as D
from decimal import Decimal
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from parcours.models import Apprenant, Parcours, Seance, SessionFormation
from pilotage.indicateurs import Periode
from pilotage.rapports import contexte_rapport
from tests import factories as f
from tests.formulaires import envoi
from tests.pilotage.test_bilans import classeur, generer, lire

pytestmark = pytest.mark.django_db

PERIODE = {"debut": "2025-01-01", "fin": "2025-12-31"}


@pytest.fixture
def cas(login):
    """A project, its coordinator (logged in), a training body of the consortium, two sourcing
    partners, and a funder reading its funding's dashboard."""
    adhesion = f.AdhesionFactory(coordinateur=True, projet__date_debut=D(2025, 1, 1))
    projet = adhesion.projet
    of = f.MembreConsortiumFactory(
        projet=projet, organisation__type="organisme_formation", organisation__nom="Centre numérique"
    ).organisation
    financement = f.FinancementFactory(projet=projet, programme="Fonds régional", date_debut=D(2025, 1, 1), date_fin=D(2027, 12, 31))
    financeur = f.AdhesionFactory(projet=projet, role="financeur", organisation=financement.financeur).user
    return {
        "projet": projet,
        "coord": login(adhesion.user),
        "coordinateur": adhesion.user,
        "financeur": login(financeur),
        "of": of,
        "financement": financement,
        "mission_locale": f.OrganisationFactory(projet=projet, nom="Mission locale du Livradois"),
        "france_travail": f.OrganisationFactory(projet=projet, nom="France Travail Thiers"),
    }


def poster(client, url, **saisie):
    """GET the form at ``url``, then POST it as drawn with what a person types (``saisie``)."""
    donnees = envoi(client.get(url)) | {cle: valeur for cle, valeur in saisie.items() if valeur is not None}
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    return reponse


def apprenant(cas, nom, *, sexe, situation, entree, naissance="", prescripteur=None):
    projet = cas["projet"]
    poster(
        cas["coord"],
        reverse("apprenant_create", args=[projet.pk]),
        prenom="Camille",
        nom=nom,
        sexe=sexe,
        situation_entree=situation,
        date_entree=entree,
        date_naissance=naissance,
        prescripteur=str(prescripteur.pk) if prescripteur else "",
    )
    return Apprenant.objects.get(projet=projet, nom=nom)


def session(cas, intitule, *, nature, debut, fin, heures, commune):
    projet = cas["projet"]
    poster(
        cas["coord"],
        reverse("sessionformation_create", args=[projet.pk]),
        organisation=str(cas["of"].pk),
        intitule=intitule,
        nature=nature,
        date_debut=debut,
        date_fin=fin,
        heures=heures,
        commune=commune,
        places_min="1",
        places_max="12",
        places_conciergerie="0",
    )
    return SessionFormation.objects.get(projet=projet, intitule=intitule)


def participants(cas, session_, apprenants):
    poster(cas["coord"], reverse("session_participants", args=[cas["projet"].pk, session_.pk]), apprenants=[str(a.pk) for a in apprenants])


def tableau(html: str, cle: str) -> list[list[str]]:
    """The rows of a dashboard's breakdown table (``data-repartition``), each cell as read."""
    corps = re.search(rf'<table class="tableau" data-repartition="{cle}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", ligne, re.S)]
        for ligne in re.findall(r"<tr>(.*?)</tr>", corps, re.S)
    ]


def chiffre(html: str, cle: str, attribut="data-indicateur") -> str:
    debut = html.index(f'{attribut}="{cle}">') + len(f'{attribut}="{cle}">')
    return unescape(re.sub(r"<[^>]+>", "", html[debut : html.index("</dd>", debut)])).strip()


def bilan_de(cas, capture, periode):
    """The project's bilan, made by its job as the coordinator asks for it (tests/pilotage/test_bilans.py)."""
    return classeur(lire(generer(cas["projet"], cas["coordinateur"], capture, periode=periode)))


# ---------------------------------------------------------------- a digital-skills course in two sites


def test_un_parcours_numerique_en_deux_sites_saisi_puis_lu_partout(cas, django_capture_on_commit_callbacks):
    projet, coord = cas["projet"], cas["coord"]
    ml, ft = cas["mission_locale"], cas["france_travail"]
    gens = [
        apprenant(cas, "Amrani", sexe="femme", situation="demandeur_emploi", entree="2025-01-20", prescripteur=ml),
        apprenant(cas, "Bakari", sexe="femme", situation="rsa", entree="2025-01-21", prescripteur=ml),
        apprenant(cas, "Celik", sexe="homme", situation="demandeur_emploi", entree="2025-01-22", prescripteur=ml),
        apprenant(cas, "Diallo", sexe="femme", situation="autre", entree="2025-02-03", prescripteur=ml),
        apprenant(cas, "Ebrahimi", sexe="femme", situation="demandeur_emploi", entree="2025-03-10", prescripteur=ft),
        apprenant(cas, "Farah", sexe="", situation="demandeur_emploi", entree="2025-03-11", prescripteur=ft),
    ]
    ville = session(
        cas, "Numérique — Clermont", nature="session_of", debut="2025-02-03", fin="2025-03-28", heures="70", commune="Clermont-Ferrand"
    )
    bourg = session(cas, "Numérique — Ambert", nature="session_of", debut="2025-04-07", fin="2025-05-30", heures="70", commune="Ambert")
    participants(cas, ville, gens[:4])
    participants(cas, bourg, gens[4:])
    # two obstacles identified, one lifted
    for personne, type_ in ((gens[0], "mobilite"), (gens[4], "mobilite")):
        poster(coord, reverse("frein_create", args=[projet.pk, personne.pk]), type=type_, identifie_le="2025-02-10", commentaire="")
    frein = gens[0].freins.get()
    poster(coord, reverse("frein_update", args=[projet.pk, frein.pk]), leve="on", leve_le="2025-04-01")
    # the yearly target of people trained, for the funding
    poster(
        coord,
        reverse("objectif_create", args=[projet.pk]),
        financement=str(cas["financement"].pk),
        indicateur="formes",
        valeur_cible="20",
        date_debut="2025-01-01",
        date_echeance="2026-12-31",
    )

    html = coord.get(reverse("tableau_de_bord", args=[projet.pk]), PERIODE).content.decode()
    assert tableau(html, "sites") == [["Clermont-Ferrand", "1", "4", "0\u00a0h"], ["Ambert", "1", "2", "0\u00a0h"]]
    assert tableau(html, "prescripteurs") == [["Mission locale du Livradois", "4", "0"], ["France Travail Thiers", "2", "0"]]
    assert ["Mobilité", "2", "1"] in tableau(html, "freins")
    assert chiffre(html, "femmes", "data-repartition") == "4"
    assert chiffre(html, "formations") == "6"
    assert 'data-barre="30"' in html  # 6 trained of 20

    # the funder: every count of one to four people masked, none recomputable
    masque = cas["financeur"].get(reverse("tableau_de_bord", args=[projet.pk]), PERIODE).content.decode()
    sites = tableau(masque, "sites")
    # (masked, they are no longer ranked by their count: by name)
    assert [s[0] for s in sites] == ["Ambert", "Clermont-Ferrand"] and {s[2] for s in sites} <= {"< 5", "s"}
    assert {p[1] for p in tableau(masque, "prescripteurs")} <= {"< 5", "s"}
    assert chiffre(masque, "femmes", "data-repartition") in ("s", "< 5")
    assert "Amrani" not in masque and "Mission locale du Livradois" in masque

    copil = f.CopilFactory(projet=projet, periode_debut=D(2025, 1, 1), periode_fin=D(2025, 12, 31))
    rapport = render_to_string("pilotage/rapport_pdf.html", contexte_rapport(copil=copil))
    assert "Clermont-Ferrand" in rapport and "Ambert" in rapport and "Mission locale du Livradois" in rapport
    assert "Amrani" not in rapport  # a committee's report: figures, masked

    repartitions = bilan_de(cas, django_capture_on_commit_callbacks, Periode(D(2025, 1, 1), D(2025, 12, 31)))["Répartitions"]
    lignes = list(repartitions.iter_rows(values_only=True))
    assert [(r[1], r[2]) for r in lignes if r[0] == "Sites des sessions (apprenants placés, heures)"] == [
        ("Clermont-Ferrand", 4),
        ("Ambert", 2),
    ]
    assert [(r[1], r[2]) for r in lignes if r[0] == "Prescripteurs (envoyés, dont sorties positives)"] == [
        ("Mission locale du Livradois", 4),
        ("France Travail Thiers", 2),
    ]
    assert ("Sexe", "Femme", 4) in [r[:3] for r in lignes]


# ---------------------------------------------------------------- a cohort of volunteers in service civique


def test_une_promotion_de_service_civique_saisie_puis_lue_partout(cas, django_capture_on_commit_callbacks):
    projet, coord = cas["projet"], cas["coord"]
    # 25 on entering, 26 at the period's end: still « Moins de 26 ans » (the age at entry)
    aline = apprenant(cas, "Aline", sexe="femme", situation="service_civique", entree="2025-09-01", naissance="2000-01-15")
    bruno = apprenant(cas, "Bruno", sexe="homme", situation="service_civique", entree="2025-09-01", naissance="2004-05-01")
    chloe = apprenant(cas, "Chloé", sexe="femme", situation="service_civique", entree="2025-09-01", naissance="2006-03-10")
    promo = session(
        cas, "Promotion service civique", nature="promotion", debut="2025-09-01", fin="2026-06-30", heures="120", commune="Thiers"
    )
    participants(cas, promo, [aline, bruno, chloe])
    for jour in ("2025-09-08", "2025-09-15"):
        poster(coord, reverse("seance_create", args=[projet.pk, promo.pk]), date=jour, heure_debut="09:00", heure_fin="12:30", duree="")
    premiere, seconde = Seance.objects.filter(session=promo).order_by("date")
    # the first séance: everyone there (the grid as drawn); the second: Bruno absent, Chloé 2 h
    grille = reverse("seance_presences", args=[projet.pk, premiere.pk])
    assert coord.post(grille, envoi(coord.get(grille), "grille-presences")).status_code == 302
    grille = reverse("seance_presences", args=[projet.pk, seconde.pk])
    donnees = envoi(coord.get(grille), "grille-presences") | {f"statut_{bruno.pk}": "absent", f"heures_{chloe.pk}": "2"}
    assert coord.post(grille, donnees).status_code == 302
    # Chloé leaves (an abandon: no 6-month follow-up), Bruno finds a job (a follow-up due)
    for personne, resultat in ((chloe, "abandon"), (bruno, "emploi_durable")):
        parcours = Parcours.objects.get(apprenant=personne)
        poster(coord, reverse("parcours_cloturer", args=[projet.pk, parcours.pk]), resultat=resultat, date="2025-10-01", commentaire="")

    periode = {"debut": "2025-09-01", "fin": "2026-11-30"}
    html = coord.get(reverse("tableau_de_bord", args=[projet.pk]), periode).content.decode()
    # 3.5 h × 3, then 3.5 + 0 + 2: 16 h, from attendance; a promotion's steps are remobilisation,
    # no training: « Formations » and « Heures de formation » both on none of them
    assert chiffre(html, "heures_etapes").startswith("16\u00a0h /")
    assert chiffre(html, "formations") == "0" and chiffre(html, "heures").startswith("0\u00a0h /")
    indicateurs = coord.get(reverse("tableau_de_bord", args=[projet.pk]), periode).context["indicateurs"]
    tranches = {li.cle: li.effectif.valeur for li in indicateurs.profil.tranches_age}
    assert tranches["moins_26"] == 3 and tranches["de_26_44"] == 0
    assert "Âge à l'entrée : l'âge de l'apprenant le jour de son entrée" in html  # the band's definition on the page
    assert tableau(html, "sessions") == [["Promotion service civique", "Centre numérique", "3", "16\u00a0h"]]
    accueil = coord.get(reverse("projet_accueil", args=[projet.pk])).content.decode()
    suivis = accueil.split("Suivis à 6 mois à faire")[1].split("</ul>")[0]
    assert "Bruno" in suivis and "Chloé" not in suivis

    masque = cas["financeur"].get(reverse("tableau_de_bord", args=[projet.pk]), periode).content.decode()
    assert chiffre(masque, "accompagnes") == "< 5" and chiffre(masque, "heures_etapes").startswith("16\u00a0h /")

    copil = f.CopilFactory(projet=projet, periode_debut=D(2025, 9, 1), periode_fin=D(2026, 6, 30))
    contexte = contexte_rapport(copil=copil)
    assert contexte["indicateurs"].etapes.heures_etapes_realisees == Decimal("16")
    rapport = render_to_string("pilotage/rapport_pdf.html", contexte)
    assert "Promotion service civique" in rapport and "Aline" not in rapport

    classeur = bilan_de(cas, django_capture_on_commit_callbacks, Periode(D(2025, 9, 1), D(2026, 6, 30)))
    presences = [r for r in classeur["Séances et présences"].iter_rows(min_row=2, values_only=True) if r and r[0]]
    assert len(presences) == 6
