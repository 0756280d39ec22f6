"""Imports of paths, steps and outcomes (parcours/resources.py): the paths import (one row per
step of learners already there) and the learner import's optional path columns (a cohort in one
file). Dry run errors by row in French, all or nothing, idempotent re-import, the indicators."""

from datetime import date

import pytest

from conciergerie import imports
from parcours.models import Apprenant, Etape, Parcours, Sortie, StatutParcours, TypeSortie
from pilotage.indicateurs import Periode, calculer
from tests import factories as f

pytestmark = pytest.mark.django_db

ENTETES_PARCOURS = [
    "Référence de l'apprenant",
    "Objectif du parcours",
    "Début du parcours",
    "Type d'étape",
    "Organisation de l'étape",
    "Début de l'étape",
    "Fin de l'étape",
    "Heures prévues",
    "Heures réalisées",
    "Statut de l'étape",
    "Date de sortie",
    "Résultat de sortie",
]

ENTETES_COHORTE = [
    "Référence",
    "Prénom",
    "Nom",
    "Situation à l'entrée",
    "Date d'entrée",
    "Objectif du parcours",
    "Début du parcours",
    "Type d'étape",
    "Organisation de l'étape",
    "Début de l'étape",
    "Fin de l'étape",
    "Heures prévues",
    "Heures réalisées",
    "Statut de l'étape",
    "Date de sortie",
    "Résultat de sortie",
]


def csv_bytes(entetes, lignes) -> bytes:
    texte = "\r\n".join(";".join(str(v) for v in ligne) for ligne in [entetes, *lignes]) + "\r\n"
    return ("\ufeff" + texte).encode("utf-8")


@pytest.fixture
def ctx(db):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="admin-p", projet__nom="Icifornie")
    projet = adhesion.projet
    ecole = f.OrganisationFactory(projet=projet, nom="École de la deuxième chance", commune="Dax")
    for reference in ("APP-1", "APP-2"):
        f.ApprenantFactory(projet=projet, reference=reference, date_entree=date(2025, 1, 6))
    return {"projet": projet, "admin": adhesion.user, "ecole": ecole}


def _importer(ctx, contenu, type="parcours", confirmer=False):
    return imports.importer(type=type, fichier=contenu, nom=f"{type}.csv", projet=ctx["projet"], by=ctx["admin"], confirmer=confirmer)


def _etat(projet):
    return (
        sorted(Parcours.objects.filter(projet=projet).values_list("apprenant__reference", "intitule", "date_debut", "statut", "date_fin")),
        sorted(
            Etape.objects.filter(projet=projet).values_list(
                "parcours__apprenant__reference", "type", "date_debut", "statut", "heures_realisees"
            )
        ),
        sorted(Sortie.objects.filter(projet=projet).values_list("parcours__apprenant__reference", "type", "resultat", "date")),
    )


BONNES = [
    [
        "APP-1",
        "Remobilisation",
        "06/01/2025",
        "Remobilisation",
        "École de la deuxième chance",
        "06/01/2025",
        "30/06/2025",
        "300",
        "280,5",
        "Terminée",
        "30/06/2025",
        "Formation qualifiante",
    ],
    ["APP-1", "remobilisation ", "2025-01-06", "Immersion (PMSMP)", "", "02/06/2025", "13/06/2025", "70", "70", "terminee", "", ""],
    [
        "APP-2",
        "Remobilisation",
        "06/01/2025",
        "Remobilisation",
        "École de la deuxième chance",
        "06/01/2025",
        "",
        "300",
        "",
        "En cours",
        "",
        "",
    ],
]


def test_un_fichier_d_etapes_cree_parcours_etapes_et_sortie_puis_le_reimporter_ne_change_rien(ctx):
    essai = _importer(ctx, csv_bytes(ENTETES_PARCOURS, BONNES))
    assert essai.valide, essai.erreurs
    assert (essai.creations, essai.modifications) == (3, 0)
    assert not Parcours.objects.exists(), "la vérification n'écrit rien"

    resultat = _importer(ctx, csv_bytes(ENTETES_PARCOURS, BONNES), confirmer=True)
    assert resultat.confirme, resultat.erreurs
    parcours, etapes, sorties = _etat(ctx["projet"])
    assert parcours == [
        ("APP-1", "Remobilisation", date(2025, 1, 6), StatutParcours.CLOTURE, date(2025, 6, 30)),
        ("APP-2", "Remobilisation", date(2025, 1, 6), StatutParcours.EN_COURS, None),
    ]
    assert len(etapes) == 3
    assert sorties == [("APP-1", TypeSortie.SORTIE, "formation_qualifiante", date(2025, 6, 30))]
    p1 = Parcours.objects.get(apprenant__reference="APP-1")
    assert p1.suivi_6_mois_le == date(2025, 12, 30)
    assert p1.history.filter(history_user=ctx["admin"]).exists()

    avant = _etat(ctx["projet"])
    encore = _importer(ctx, csv_bytes(ENTETES_PARCOURS, BONNES), confirmer=True)
    assert encore.confirme, encore.erreurs
    assert (encore.creations, encore.modifications, encore.inchangees) == (0, 0, 3)
    assert _etat(ctx["projet"]) == avant

    # a step's other columns are updated; the outcome of the closed path is unchanged
    modifiees = [list(ligne) for ligne in BONNES]
    modifiees[2][8] = "120"
    maj = _importer(ctx, csv_bytes(ENTETES_PARCOURS, modifiees), confirmer=True)
    assert (maj.creations, maj.modifications, maj.inchangees) == (0, 1, 2), maj.erreurs
    assert Etape.objects.get(parcours__apprenant__reference="APP-2").heures_realisees == 120


def test_chaque_erreur_avec_sa_ligne_en_francais_et_rien_n_est_ecrit(ctx):
    lignes = [
        BONNES[0],
        ["APP-404", "Remobilisation", "06/01/2025", "Remobilisation", "", "06/01/2025", "", "", "", "", "", ""],
        ["APP-2", "Remobilisation", "06/01/2025", "Remobilisation", "Pôle Nord", "06/01/2025", "", "", "", "", "", ""],
        ["APP-2", "Remobilisation", "31/02/2025", "Remobilisation", "", "06/01/2025", "", "", "", "", "", ""],
        ["APP-2", "Remobilisation", "06/01/2025", "Accompagnement", "", "06/01/2025", "05/01/2025", "", "", "Finie", "", ""],
        ["APP-2", "Remobilisation", "06/01/2025", "Accompagnement", "", "01/01/2025", "", "", "", "", "01/07/2025", ""],
        ["APP-1", "Remobilisation", "06/01/2025", "Accompagnement", "", "06/02/2025", "", "", "", "", "01/07/2025", "Abandon"],
    ]
    resultat = _importer(ctx, csv_bytes(ENTETES_PARCOURS, lignes), confirmer=True)
    assert not resultat.confirme
    erreurs = {(e.ligne, e.colonne, e.message) for e in resultat.erreurs}
    assert (
        3,
        "Référence de l'apprenant",
        "Apprenant inconnu dans ce projet : « APP-404 ». Importez-le d'abord (import des apprenants).",
    ) in erreurs
    assert any(e[:2] == (4, "Organisation de l'étape") and "Organisation inconnue dans ce projet : « Pôle Nord »" in e[2] for e in erreurs)
    assert any(e[:2] == (5, "Début du parcours") and e[2].startswith("Date invalide « 31/02/2025 »") for e in erreurs)
    assert any(e[:2] == (6, "Statut de l'étape") and e[2].startswith("Valeur « Finie » inconnue.") for e in erreurs)
    assert (6, "Fin de l'étape", "La fin de l'étape doit suivre son début.") in erreurs
    assert (7, "Début de l'étape", "L'étape commence avant le début du parcours.") in erreurs
    assert (7, "Résultat de sortie", "Résultat de sortie manquant : la date de sortie est remplie.") in erreurs
    assert (8, "Résultat de sortie", "Sortie différente de celle de la ligne 2 pour le même parcours.") in erreurs
    assert {e.ligne for e in resultat.erreurs} == {3, 4, 5, 6, 7, 8}
    assert _etat(ctx["projet"]) == ([], [], []), "tout ou rien"


def test_une_sortie_differente_de_celle_enregistree_est_une_erreur(ctx):
    assert _importer(ctx, csv_bytes(ENTETES_PARCOURS, BONNES[:1]), confirmer=True).confirme
    autre = [list(BONNES[0])]
    autre[0][11] = "Emploi durable"
    resultat = _importer(ctx, csv_bytes(ENTETES_PARCOURS, autre))
    assert [(e.ligne, e.colonne) for e in resultat.erreurs] == [(2, "Résultat de sortie")]
    assert "déjà une sortie (Formation qualifiante, le 30 juin 2025)" in resultat.erreurs[0].message


def test_un_numero_de_securite_sociale_dans_une_cellule_est_refuse(ctx):
    ligne = list(BONNES[2])
    ligne[1] = "Remobilisation 1 85 05 78 006 084 36"
    resultat = _importer(ctx, csv_bytes(ENTETES_PARCOURS, [ligne]))
    assert [(e.ligne, e.colonne) for e in resultat.erreurs] == [(2, "Objectif du parcours")]


def _cohorte(n=24):
    return [
        [
            f"C-{i:02d}",
            "Prénom",
            f"Nom {i}",
            "Jeune NEET (ni en emploi, ni en études, ni en formation)",
            "06/01/2025",
            "Remobilisation",
            "06/01/2025",
            "Remobilisation",
            "École de la deuxième chance",
            "06/01/2025",
            "04/07/2025",
            "600",
            "600",
            "Terminée",
            "04/07/2025",
            "Formation qualifiante" if i % 2 else "Emploi de transition",
        ]
        for i in range(1, n + 1)
    ]


def test_une_cohorte_de_24_apprenants_en_un_fichier_donne_24_accompagnes_et_24_sorties(ctx):
    fichier = csv_bytes(ENTETES_COHORTE, _cohorte())
    essai = _importer(ctx, fichier, type="apprenants")
    assert essai.valide and essai.creations == 24, essai.erreurs
    assert not Parcours.objects.exists()
    resultat = _importer(ctx, fichier, type="apprenants", confirmer=True)
    assert resultat.confirme, resultat.erreurs
    assert Parcours.objects.filter(apprenant__reference__startswith="C-", statut=StatutParcours.CLOTURE).count() == 24
    assert Etape.objects.filter(parcours__apprenant__reference__startswith="C-", organisation=ctx["ecole"]).count() == 24
    assert Sortie.objects.filter(type=TypeSortie.SORTIE).count() == 24

    indicateurs = calculer([ctx["projet"]], Periode(date(2025, 1, 1), date(2025, 12, 31)))
    # the two learners of the fixture entered in the period too, without a path
    assert indicateurs.apprenants.accompagnes.valeur == 26
    assert indicateurs.apprenants.sortis.valeur == 24
    assert indicateurs.sorties.total_sortie.valeur == 24

    avant = _etat(ctx["projet"])
    encore = _importer(ctx, fichier, type="apprenants", confirmer=True)
    assert (encore.creations, encore.modifications, encore.inchangees) == (0, 0, 24), encore.erreurs
    assert _etat(ctx["projet"]) == avant


def test_la_cohorte_ajoute_un_parcours_a_un_apprenant_existant_et_les_colonnes_vides_ne_creent_rien(ctx):
    lignes = _cohorte(2)
    lignes[0][0] = "APP-1"  # an existing learner: its path is added, the row is a modification
    lignes[1][5:] = [""] * len(lignes[1][5:])  # the learner only
    resultat = _importer(ctx, csv_bytes(ENTETES_COHORTE, lignes), type="apprenants", confirmer=True)
    assert resultat.confirme, resultat.erreurs
    assert (resultat.creations, resultat.modifications) == (1, 1)
    assert list(Parcours.objects.values_list("apprenant__reference", flat=True)) == ["APP-1"]
    assert Apprenant.objects.filter(reference="C-02").exists()


def test_la_cohorte_signale_ses_erreurs_de_parcours_par_ligne(ctx):
    lignes = _cohorte(3)
    lignes[0][5] = ""  # path columns filled without an objective
    lignes[1][7] = "Randonnée"  # unknown step type
    lignes[2][14] = "01/01/2024"  # exit before the path
    resultat = _importer(ctx, csv_bytes(ENTETES_COHORTE, lignes), type="apprenants", confirmer=True)
    erreurs = {(e.ligne, e.colonne) for e in resultat.erreurs}
    assert erreurs == {(2, "Objectif du parcours"), (3, "Type d'étape"), (4, "Date de sortie")}, resultat.erreurs
    assert not Apprenant.objects.filter(reference__startswith="C-").exists(), "tout ou rien"


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_les_modeles_remplis_de_leur_exemple_s_importent_l_un_apres_l_autre(ctx, format_):
    """The learner template's example has a path, a step and an outcome; the paths template's
    example is the same step: importing it afterwards changes nothing."""
    contenu, _, nom = imports.modele("apprenants", format_)
    assert imports.importer(type="apprenants", fichier=contenu, nom=nom, projet=ctx["projet"], by=ctx["admin"], confirmer=True).confirme
    assert Sortie.objects.filter(parcours__apprenant__reference="APP-00123").count() == 1
    avant = _etat(ctx["projet"])
    contenu, _, nom = imports.modele("parcours", format_)
    resultat = imports.importer(type="parcours", fichier=contenu, nom=nom, projet=ctx["projet"], by=ctx["admin"], confirmer=True)
    assert resultat.confirme, resultat.erreurs
    assert resultat.inchangees == 1
    assert _etat(ctx["projet"]) == avant


def test_la_cohorte_ne_fait_pas_une_requete_par_ligne(ctx, django_assert_num_queries):
    """Learners, paths, steps, outcomes and their history in bulk: the same queries for 3 rows as for 20."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ctx["admin"]._adhesions_cache = None
    with CaptureQueriesContext(connection) as petit:
        assert _importer(ctx, csv_bytes(ENTETES_COHORTE, _cohorte(3)), type="apprenants", confirmer=True).confirme
    grande = _cohorte(20)  # SQLite splits an insert of more rows than 999 parameters allow
    for ligne in grande:
        ligne[0] = ligne[0].replace("C-", "D-")
    ctx["admin"]._adhesions_cache = None
    with django_assert_num_queries(len(petit.captured_queries)):
        assert _importer(ctx, csv_bytes(ENTETES_COHORTE, grande), type="apprenants", confirmer=True).confirme


def test_les_statuts_des_groupes_et_le_sexe_s_importent(ctx):
    """Issue 17: the new statuses, by their label or either form, and the optional sex."""
    entetes = ["Référence", "Prénom", "Nom", "Sexe", "Situation à l'entrée"]
    lignes = [
        ["G-1", "Maïté", "Lartigau", "Femme", "Cheffe d'entreprise"],
        ["G-2", "Jean", "Dubroca", "homme", "Élu·e"],
        ["G-3", "Sandrine", "Castaing", "", "Agente publique"],
        ["G-4", "Olivier", "Labeyrie", "", "Volontaire en service civique"],
    ]
    resultat = _importer(ctx, csv_bytes(entetes, lignes), type="apprenants", confirmer=True)
    assert resultat.confirme, resultat.erreurs
    lus = dict(Apprenant.objects.filter(reference__startswith="G-").values_list("reference", "situation_entree"))
    assert lus == {"G-1": "chef_entreprise", "G-2": "elu", "G-3": "agent_public", "G-4": "service_civique"}
    sexes = dict(Apprenant.objects.filter(reference__startswith="G-").values_list("reference", "sexe"))
    assert sexes == {"G-1": "femme", "G-2": "homme", "G-3": "non_renseigne", "G-4": "non_renseigne"}
    refus = _importer(ctx, csv_bytes(entetes, [["G-5", "A", "B", "Autre chose", "Salarié"]]), type="apprenants")
    assert not refus.valide


def test_le_fichier_ne_remplace_pas_les_heures_d_une_etape_qui_viennent_de_l_emargement(ctx):
    """Issue 17: a step in a session that has séances takes its hours from attendance. A paths
    file that types other hours for it is refused on that row, in French, and nothing is written;
    the same file with the column empty (or equal) imports its other columns."""
    from parcours.models import Presence, StatutPresence
    from parcours.services_seances import synchroniser_heures

    projet, ecole = ctx["projet"], ctx["ecole"]
    apprenant = Apprenant.objects.get(reference="APP-1")
    parcours = f.ParcoursFactory(apprenant=apprenant, intitule="Remobilisation", date_debut=date(2025, 1, 6))
    session = f.SessionFormationFactory(
        projet=projet, organisation=ecole, intitule="Atelier numérique", date_debut=date(2025, 3, 3), date_fin=date(2025, 3, 31)
    )
    etape = f.EtapeFactory(
        parcours=parcours, organisation=ecole, session=session, type="remobilisation", date_debut=date(2025, 3, 3), heures_prevues=14
    )
    for jour in (3, 10):
        seance = f.SeanceFactory(session=session, date=date(2025, 3, jour))  # 3,5 h each
        Presence.objects.create(projet=projet, seance=seance, apprenant=apprenant, statut=StatutPresence.PRESENT, heures=seance.duree)
    synchroniser_heures(session=session)
    etape.refresh_from_db()
    assert etape.heures_realisees == 7

    def ligne(heures, statut="En cours"):
        return [
            "APP-1",
            "Remobilisation",
            "06/01/2025",
            "Remobilisation",
            "École de la deuxième chance",
            "03/03/2025",
            "",
            "14",
            heures,
            statut,
            "",
            "",
        ]

    avant = _etat(projet)
    refus = _importer(ctx, csv_bytes(ENTETES_PARCOURS, [ligne("20", "Terminée")]), confirmer=True)
    assert not refus.confirme
    (erreur,) = refus.erreurs
    assert (erreur.ligne, erreur.colonne) == (2, "Heures réalisées")
    assert "session « Atelier numérique », qui a des séances" in erreur.message and "7\u00a0h" in erreur.message
    assert _etat(projet) == avant

    for heures in ("", "7"):
        resultat = _importer(ctx, csv_bytes(ENTETES_PARCOURS, [ligne(heures, "Terminée")]), confirmer=True)
        assert resultat.confirme, resultat.erreurs
        etape.refresh_from_db()
        assert (etape.statut, etape.heures_realisees) == ("terminee", 7)
