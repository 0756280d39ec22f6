"""Imports (conciergerie/imports.py, views_imports.py): dry run, every error with its line and
column, all or nothing, natural keys (re-importing changes nothing), scoping, file checks,
templates, the upload → dry run → confirm flow, query budget."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conciergerie import imports
from parcours.models import Apprenant
from tests import factories as f

pytestmark = pytest.mark.django_db

ENTETES = ["Référence", "Prénom", "Nom", "Date de naissance", "Situation à l'entrée", "Prescripteur", "QPV", "Statut sécurité sociale"]


def csv_bytes(lignes, entetes=ENTETES, sep=";", bom=True, fin="\r\n") -> bytes:
    """What French Excel writes with « CSV UTF-8 »: BOM, semicolons, CRLF."""
    texte = fin.join(sep.join(str(v) for v in ligne) for ligne in [entetes, *lignes]) + fin
    return (("\ufeff" if bom else "") + texte).encode("utf-8")


def xlsx_bytes(lignes, entetes=ENTETES) -> bytes:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(entetes)
    for ligne in lignes:
        feuille.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


@pytest.fixture
def projet_admin(db):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="admin-a", projet__nom="Icifornie")
    projet = adhesion.projet
    mission_locale = f.OrganisationFactory(projet=projet, nom="Mission Locale des Landes", commune="Mont-de-Marsan")
    return {"projet": projet, "admin": adhesion.user, "mission_locale": mission_locale}


def _importer(ctx, contenu, nom="apprenants.csv", confirmer=False, type="apprenants"):
    return imports.importer(type=type, fichier=contenu, nom=nom, projet=ctx["projet"], by=ctx["admin"], confirmer=confirmer)


def _etat(projet):
    return sorted(
        Apprenant.objects.filter(projet=projet).values_list(
            "reference", "prenom", "nom", "date_naissance", "situation_entree", "prescripteur_id", "qpv", "statut_secu"
        )
    )


BONNES_LIGNES = [
    ["APP-001", "Léa", "Marchand", "12/04/1998", "Demandeur d'emploi", "Mission Locale des Landes", "oui", "Numéro définitif"],
    ["APP-002", "Hugo", "Dupuy", "2001-09-30", "rsa", "", "non", ""],
    [
        "APP-003",
        "Inès",
        "Béziat",
        "",
        "Jeune NEET (ni en emploi, ni en études, ni en formation)",
        "mission locale des landes",
        "",
        "provisoire",
    ],
]


# --- every error, nothing written -------------------------------------------------------------


def test_un_fichier_avec_plusieurs_lignes_fausses_n_ecrit_rien_et_liste_chaque_erreur(projet_admin):
    lignes = [
        BONNES_LIGNES[0],  # line 2: fine
        ["APP-010", "Paul", "Durand", "31/02/1990", "Demandeur d'emploi", "", "", ""],  # 3: impossible date
        ["APP-011", "Zoé", "Roux", "", "chômeur", "", "", ""],  # 4: unknown choice
        ["APP-012", "Jean", "", "", "rsa", "Pôle Nord", "peut-être", ""],  # 5: missing name, unknown org, bad boolean
        ["", "", "", "", "", "", "", ""],  # 6: blank line, ignored
        ["APP-001", "Léa", "Marchand", "", "rsa", "", "", ""],  # 7: reference twice in the file
        ["APP-013", "Marc", "Petit", "", "rsa", "", "", "1 85 05 78 006 084 36"],  # 8: a social-security number
    ]
    avant = Apprenant.objects.count()
    resultat = _importer(projet_admin, csv_bytes(lignes))

    assert not resultat.valide
    erreurs = {(e.ligne, e.colonne): e.message for e in resultat.erreurs}
    assert set(erreurs) == {
        (3, "Date de naissance"),
        (4, "Situation à l'entrée"),
        (5, "Nom"),
        (5, "Prescripteur"),
        (5, "QPV"),
        (7, "Référence"),
        (8, "Statut sécurité sociale"),
    }
    assert erreurs[(3, "Date de naissance")] == "Date invalide « 31/02/1990 » : attendu jj/mm/aaaa (ex. 31/01/2025) ou aaaa-mm-jj."
    assert erreurs[(4, "Situation à l'entrée")].startswith("Valeur « chômeur » inconnue. Valeurs acceptées : « Demandeur d'emploi »")
    assert erreurs[(5, "Nom")] == "Valeur obligatoire manquante."
    assert erreurs[(5, "Prescripteur")].startswith("Organisation inconnue dans ce projet : « Pôle Nord »")
    assert erreurs[(5, "QPV")] == "Valeur « peut-être » non reconnue : attendu oui ou non."
    assert erreurs[(7, "Référence")] == "Référence en double : déjà utilisée à la ligne 2 du fichier."
    assert "numéro de sécurité sociale" in erreurs[(8, "Statut sécurité sociale")]
    assert resultat.lignes_en_erreur == 5
    assert Apprenant.objects.count() == avant

    # confirming the same file writes nothing either
    confirme = _importer(projet_admin, csv_bytes(lignes), confirmer=True)
    assert not confirme.confirme
    assert len(confirme.erreurs) == len(resultat.erreurs)
    assert Apprenant.objects.count() == avant


def test_une_erreur_de_modele_est_rattachee_a_sa_colonne(projet_admin):
    entetes = ["Référence", "Prénom", "Nom", "Situation à l'entrée", "E-mail", "Portée du consentement", "Date de naissance"]
    lignes = [
        ["APP-1", "Léa", "Marchand", "rsa", "pas-un-courriel", "", ""],
        ["APP-2", "Hugo", "Dupuy", "rsa", "", "COPIL", ""],  # consent without its date: Apprenant.clean()
        ["APP-3", "Inès", "Roux", "rsa", "", "", "01/01/2999"],  # born in the future
    ]
    resultat = _importer(projet_admin, csv_bytes(lignes, entetes=entetes))
    erreurs = {(e.ligne, e.colonne): e.message for e in resultat.erreurs}
    assert set(erreurs) == {(2, "E-mail"), (3, "Date du consentement"), (4, "Date de naissance")}
    assert erreurs[(3, "Date du consentement")] == "Indiquez la date du consentement."
    assert erreurs[(4, "Date de naissance")] == "La date de naissance est dans le futur."
    assert erreurs[(2, "E-mail")] == "Saisissez une adresse de courriel valide."  # Django's own message, in French
    assert not Apprenant.objects.exists()


# --- a good file, then the same file again ---------------------------------------------------


def test_un_bon_fichier_s_importe_puis_le_reimporter_ne_change_rien(projet_admin):
    projet, admin = projet_admin["projet"], projet_admin["admin"]
    lignes = [
        ["APP-001", "Léa", "Marchand", date(1998, 4, 12), "Demandeur d'emploi", "Mission Locale des Landes", "oui", "Numéro définitif"],
        ["APP-002", "Hugo", "Dupuy", date(2001, 9, 30), "rsa", None, False, None],
        ["APP-003", "Inès", "Béziat", None, "neet", "mission locale des landes", None, "provisoire"],
    ]
    contenu = xlsx_bytes(lignes)

    essai = _importer(projet_admin, contenu, nom="apprenants.xlsx")
    assert essai.valide and not essai.confirme
    assert (essai.creations, essai.modifications, essai.inchangees) == (3, 0, 0)
    assert [(ligne.ligne, ligne.action) for ligne in essai.lignes] == [(2, "creation"), (3, "creation"), (4, "creation")]
    assert not Apprenant.objects.exists(), "la vérification n'écrit rien"

    fait = _importer(projet_admin, contenu, nom="apprenants.xlsx", confirmer=True)
    assert fait.confirme and (fait.creations, fait.erreurs) == (3, [])
    ml = projet_admin["mission_locale"].pk
    assert _etat(projet) == [
        ("APP-001", "Léa", "Marchand", date(1998, 4, 12), "demandeur_emploi", ml, True, "definitif"),
        ("APP-002", "Hugo", "Dupuy", date(2001, 9, 30), "rsa", None, False, "aucun"),
        ("APP-003", "Inès", "Béziat", None, "neet", ml, False, "provisoire"),
    ]
    assert all(a.projet_id == projet.pk for a in Apprenant.objects.all())
    # the history records who imported
    historique = Apprenant.history.filter(reference="APP-001").get()
    assert historique.history_user == admin and historique.history_type == "+"

    etat, nb_historique = _etat(projet), Apprenant.history.count()
    encore = _importer(projet_admin, contenu, nom="apprenants.xlsx", confirmer=True)
    assert (encore.creations, encore.modifications, encore.inchangees) == (0, 0, 3)
    assert {ligne.action for ligne in encore.lignes} == {"inchangee"}
    assert _etat(projet) == etat
    assert Apprenant.history.count() == nb_historique

    # one cell changed: one update, recorded in the history
    lignes[1][1] = "Hugues"
    change = _importer(projet_admin, xlsx_bytes(lignes), nom="apprenants.xlsx", confirmer=True)
    assert (change.creations, change.modifications, change.inchangees) == (0, 1, 2)
    hugues = Apprenant.objects.get(reference="APP-002")
    assert hugues.prenom == "Hugues"
    assert hugues.history.first().history_type == "~" and hugues.history.first().history_user == admin


def test_csv_point_virgule_avec_bom_comme_excel_francais(projet_admin):
    contenu = csv_bytes(BONNES_LIGNES, bom=True, sep=";", fin="\r\n")
    assert contenu.startswith(b"\xef\xbb\xbf")
    resultat = _importer(projet_admin, contenu, confirmer=True)
    assert resultat.confirme, resultat.erreurs
    assert Apprenant.objects.get(reference="APP-001").date_naissance == date(1998, 4, 12)
    assert Apprenant.objects.get(reference="APP-003").prescripteur == projet_admin["mission_locale"]


def test_csv_virgule_sans_bom_et_entetes_sans_accents(projet_admin):
    entetes = ["reference", "PRENOM", "nom", "situation a l entree"]
    resultat = _importer(projet_admin, csv_bytes([["A-1", "Léa", "Roux", "rsa"]], entetes=entetes, sep=",", bom=False, fin="\n"))
    assert resultat.valide and resultat.creations == 1


def test_les_colonnes_inconnues_sont_ignorees_et_signalees(projet_admin):
    entetes = ["Référence", "Prénom", "Nom", "Situation à l'entrée", "Projet", "Remarque"]
    resultat = _importer(projet_admin, csv_bytes([["A-1", "Léa", "Roux", "rsa", "Projet B", "x"]], entetes=entetes), confirmer=True)
    assert resultat.confirme
    assert resultat.colonnes_ignorees == ["Projet", "Remarque"]
    assert Apprenant.objects.get().projet == projet_admin["projet"]


# --- scoping ---------------------------------------------------------------------------------


def test_un_fichier_qui_nomme_un_autre_projet_ne_le_touche_pas(projet_admin):
    projet_a, admin = projet_admin["projet"], projet_admin["admin"]
    # the same user administers project B too: the import must still stay in A
    adhesion_b = f.AdhesionFactory(administrateur=True, user=admin, projet__nom="Autre projet")
    projet_b = adhesion_b.projet
    of_b = f.OrganisationFactory(projet=projet_b, nom="Greta de B")
    apprenant_b = f.ApprenantFactory(projet=projet_b, reference="B-001", prenom="Berthe", nom="Bé", prescripteur=of_b)
    etat_b, historique_b = _etat(projet_b), Apprenant.history.filter(projet=projet_b).count()

    lignes = [["B-001", "Modifiée", "Par A", "", "rsa", "Greta de B", "oui", ""]]
    refus = _importer(projet_admin, csv_bytes(lignes), confirmer=True)
    assert [(e.ligne, e.colonne) for e in refus.erreurs] == [(2, "Prescripteur")]
    assert "inconnue dans ce projet" in refus.erreurs[0].message

    lignes[0][5] = ""
    fait = _importer(projet_admin, csv_bytes(lignes), confirmer=True)
    assert fait.confirme and (fait.creations, fait.modifications) == (1, 0)
    assert Apprenant.objects.get(projet=projet_a, reference="B-001").prenom == "Modifiée"
    apprenant_b.refresh_from_db()
    assert (apprenant_b.prenom, apprenant_b.nom, apprenant_b.prescripteur) == ("Berthe", "Bé", of_b)
    assert _etat(projet_b) == etat_b
    assert Apprenant.history.filter(projet=projet_b).count() == historique_b


def test_seuls_les_administrateurs_et_coordinateurs_du_projet_importent(projet_admin):
    partenaire = f.AdhesionFactory(partenaire=True, projet=projet_admin["projet"]).user
    financeur = f.AdhesionFactory(financeur=True, projet=projet_admin["projet"]).user
    dehors = f.UserFactory()
    for user in (partenaire, financeur, dehors):
        with pytest.raises(PermissionDenied):
            imports.importer(type="apprenants", fichier=csv_bytes(BONNES_LIGNES), nom="a.csv", projet=projet_admin["projet"], by=user)
    assert not Apprenant.objects.exists()
    # a coordinator enters a cohort in one file (issue 16)
    coordinateur = f.AdhesionFactory(coordinateur=True, projet=projet_admin["projet"]).user
    fait = imports.importer(
        type="apprenants", fichier=csv_bytes(BONNES_LIGNES), nom="a.csv", projet=projet_admin["projet"], by=coordinateur, confirmer=True
    )
    assert fait.confirme and Apprenant.objects.filter(projet=projet_admin["projet"]).count() == fait.creations > 0


def test_les_donnees_ont_change_entre_la_verification_et_la_confirmation(projet_admin):
    contenu = csv_bytes(BONNES_LIGNES)
    assert _importer(projet_admin, contenu).valide
    projet_admin["mission_locale"].delete()  # the prescriber named by two rows disappears
    resultat = _importer(projet_admin, contenu, confirmer=True)
    assert not resultat.confirme
    assert [(e.ligne, e.colonne) for e in resultat.erreurs] == [(2, "Prescripteur"), (4, "Prescripteur")]
    assert not Apprenant.objects.exists(), "tout ou rien : la ligne 3, correcte, n'est pas écrite non plus"


# --- the file itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"%PDF-1.4", "apprenants.pdf", "Format non accepté : déposez un classeur Excel (.xlsx) ou un fichier CSV (.csv)."),
        (b"\xd0\xcf\x11\xe0 old", "apprenants.xls", "Les classeurs .xls (Excel 97-2003) ne sont pas acceptés"),
        (b"Reference;Nom\nA;B\n", "apprenants.xlsx", "Le contenu du fichier ne correspond pas à un classeur Excel (.xlsx)."),
        (b"PK\x03\x04 not really a zip", "apprenants.xlsx", "Le classeur Excel n'a pas pu être lu"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "apprenants.xlsx", "protégé par un mot de passe"),
        ("Référence;Prénom;Nom;Situation à l'entrée\nA;Léa;Roux;rsa\n".encode("cp1252"), "a.csv", "n'est pas encodé en UTF-8"),
        (b"", "apprenants.csv", "Le fichier est vide."),
        (b"R\x00e\x00f\x00", "apprenants.csv", "ne correspond pas à un fichier CSV"),
        ("Référence;Prénom\nA;Léa\n".encode(), "a.csv", "Colonnes obligatoires absentes : « Nom », « Situation à l'entrée »."),
        ("Référence;Prénom;Nom;Situation à l'entrée\n".encode(), "a.csv", "aucune ligne à importer"),
        ("Référence;Nom;Prénom;Nom;Situation à l'entrée\n1;a;b;c;rsa\n".encode(), "a.csv", "La colonne « Nom » apparaît deux fois"),
        (
            "Référence;Prénom;Nom;Situation à l'entrée;N° de sécurité sociale\nA;L;R;rsa;\n".encode(),
            "a.csv",
            "sécurité sociale ne doit jamais",
        ),
        ("Référence;Prénom;Nom;Situation à l'entrée;NIR\nA;L;R;rsa;\n".encode(), "a.csv", "sécurité sociale ne doit jamais"),
        ("Référence;Prénom;Nom;Situation à l'entrée;N° SS\nA;L;R;rsa;\n".encode(), "a.csv", "sécurité sociale ne doit jamais"),
        ("Référence;Prénom;Nom;Situation à l'entrée;NumSecu\nA;L;R;rsa;\n".encode(), "a.csv", "sécurité sociale ne doit jamais"),
        ("Référence;Prénom;Nom;Situation à l'entrée;N° sécurité soc.\nA;L;R;rsa;\n".encode(), "a.csv", "sécurité sociale ne doit jamais"),
        (
            "Référence;Prénom;Nom;Situation à l'entrée;Identifiant\nA;L;R;rsa;x\nB;M;S;rsa;1 85 05 78 006 084 36\n".encode(),
            "a.csv",
            "Ligne 3, colonne « Identifiant » : Cette valeur ressemble à un numéro de sécurité sociale",
        ),
    ],
    ids=[
        "pdf",
        "xls",
        "texte-en-xlsx",
        "zip-casse",
        "ole",
        "cp1252",
        "vide",
        "binaire",
        "colonnes",
        "sans-lignes",
        "doublon",
        "nss",
        "nir",
        "n-ss",
        "numsecu",
        "securite-soc",
        "valeur-dans-une-colonne-ignoree",
    ],
)
def test_fichier_refuse_avec_un_message_clair(projet_admin, contenu, nom, message):
    resultat = _importer(projet_admin, contenu, nom=nom, confirmer=True)
    assert not resultat.valide and not resultat.confirme
    assert len(resultat.erreurs_fichier) == 1
    assert message in resultat.erreurs_fichier[0].message
    assert not Apprenant.objects.exists()


def test_fichier_trop_gros(projet_admin, tmp_path):
    chemin = tmp_path / "gros.csv"
    chemin.write_bytes(csv_bytes(BONNES_LIGNES) + b"x" * imports.TAILLE_MAX)
    resultat = imports.importer(type="apprenants", fichier=chemin, projet=projet_admin["projet"], by=projet_admin["admin"])
    assert resultat.erreurs_fichier[0].message == "Le fichier dépasse la taille maximale de 5 Mo."


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("type_import", ["apprenants", "organisations", "benevolat", "parcours"])
def test_le_modele_xlsx_s_ouvre_et_porte_les_entetes(projet_admin, login, type_import):
    client = login(projet_admin["admin"])
    response = client.get(reverse("import_modele", args=[projet_admin["projet"].pk, type_import, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="modele-import-{type_import}.xlsx"'
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    assert classeur.sheetnames == ["Données", "Aide"]
    attendues = [c.column_name for c in imports.type_import(type_import).resource.colonnes_declarees()]
    entetes = [c.value for c in classeur["Données"][1]]
    assert entetes == attendues
    assert all(v is not None for v in [c.value for c in classeur["Données"][2]][:2]), "une ligne d'exemple"
    assert [r[0] for r in classeur["Aide"].iter_rows(min_row=2, values_only=True)] == attendues


def test_les_entetes_des_modeles(projet_admin):
    colonnes = {t.cle: [c.column_name for c in t.resource.colonnes_declarees()] for t in imports.types_import()}
    assert colonnes["apprenants"][:3] == ["Référence", "Prénom", "Nom"]
    assert "Statut sécurité sociale" in colonnes["apprenants"]
    assert colonnes["organisations"][:4] == ["Nom", "Type", "SIRET", "Commune"]
    assert colonnes["benevolat"][:5] == ["Date", "Bénévole", "Organisation", "Activité", "Heures"]
    assert colonnes["parcours"][:5] == [
        "Référence de l'apprenant",
        "Objectif du parcours",
        "Début du parcours",
        "Type d'étape",
        "Organisation de l'étape",
    ]
    # the learner template's optional path columns carry the paths import's headers
    assert colonnes["apprenants"][-13:] == colonnes["parcours"][1:]


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_le_modele_des_apprenants_rempli_de_son_exemple_s_importe(projet_admin, format_):
    contenu, type_contenu, nom = imports.modele("apprenants", format_)
    if format_ == "csv":
        assert contenu.startswith("\ufeffRéférence;Prénom;Nom;".encode())
        assert "12/04/1998" in contenu.decode("utf-8-sig")
    resultat = _importer(projet_admin, contenu, nom=nom, confirmer=True)
    assert resultat.confirme, resultat.erreurs
    camille = Apprenant.objects.get(reference="APP-00123")
    assert (camille.prenom, camille.date_naissance, camille.zrr, camille.statut_secu) == ("Camille", date(1998, 4, 12), True, "definitif")


# --- the pages ---------------------------------------------------------------------------------


def test_parcours_complet_dans_les_pages(projet_admin, login):
    projet, admin = projet_admin["projet"], projet_admin["admin"]
    client = login(admin)
    page = reverse("imports", args=[projet.pk])
    response = client.get(page)
    assert response.status_code == 200
    for cle in ("apprenants", "organisations", "benevolat"):
        assert reverse("import_fichier", args=[projet.pk, cle]) in response.content.decode()
    assert f'href="{page}"' in client.get(reverse("projet_accueil", args=[projet.pk])).content.decode(), "lien dans la navigation"

    url = reverse("import_fichier", args=[projet.pk, "apprenants"])
    faux = io.BytesIO(csv_bytes([["APP-1", "Léa", "", "31/02/1990", "rsa", "", "", ""]]))
    faux.name = "apprenants.csv"
    response = client.post(url, {"fichier": faux})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Valeur obligatoire manquante." in html and "Date invalide « 31/02/1990 »" in html
    assert response.context["depot"] == "" and "Confirmer l" not in html

    bon = io.BytesIO(csv_bytes(BONNES_LIGNES))
    bon.name = "apprenants.csv"
    response = client.post(url, {"fichier": bon})
    depot = response.context["depot"]
    assert imports.DEPOT.fullmatch(depot)
    assert "Confirmer l'import (3\u00a0lignes)" in response.content.decode()
    chemin = f"imports/{projet.pk}/{admin.pk}/apprenants/{depot}"
    assert default_storage.exists(chemin)
    assert not Apprenant.objects.exists()

    # another administrator cannot confirm someone else's file, even with its token
    autre = f.AdhesionFactory(administrateur=True, projet=projet).user
    response = login(autre).post(reverse("import_confirmer", args=[projet.pk, "apprenants"]), {"depot": depot}, follow=True)
    assert "plus disponible (déjà importé ou remplacé)" in response.content.decode()
    # nor can a path be slipped in
    response = client.post(reverse("import_confirmer", args=[projet.pk, "apprenants"]), {"depot": f"../../{depot}"}, follow=True)
    assert "plus disponible (déjà importé ou remplacé)" in response.content.decode()
    assert not Apprenant.objects.exists()

    response = client.post(reverse("import_confirmer", args=[projet.pk, "apprenants"]), {"depot": depot, "nom": "apprenants.csv"})
    assert response.status_code == 302 and response.url == reverse("apprenant_list", args=[projet.pk])
    assert Apprenant.objects.filter(projet=projet).count() == 3
    assert not default_storage.exists(chemin)
    liste = client.get(response.url).content.decode()
    assert "Import terminé (apprenants) : 3 créé(s), 0 modifié(s), 0 inchangé(s)." in liste
    assert "Marchand" in liste

    # the same token a second time: nothing is imported twice
    response = client.post(reverse("import_confirmer", args=[projet.pk, "apprenants"]), {"depot": depot}, follow=True)
    assert "plus disponible (déjà importé ou remplacé)" in response.content.decode()
    assert Apprenant.objects.count() == 3

    # the same file again: nothing to confirm
    encore = io.BytesIO(csv_bytes(BONNES_LIGNES))
    encore.name = "apprenants.csv"
    response = client.post(url, {"fichier": encore})
    assert "Rien à importer : toutes les lignes sont déjà à jour." in response.content.decode()
    assert response.context["depot"] == ""


def test_la_page_refuse_un_fichier_mal_forme(projet_admin, login):
    client = login(projet_admin["admin"])
    url = reverse("import_fichier", args=[projet_admin["projet"].pk, "apprenants"])
    image = io.BytesIO(b"\x89PNG\r\n\x1a\n")
    image.name = "photo.png"
    response = client.post(url, {"fichier": image})
    assert "Format non accepté" in response.content.decode()
    assert client.post(url, {}).context["form"].errors["fichier"] == ["Choisissez un fichier."]
    faux_xlsx = io.BytesIO(b"pas un classeur")
    faux_xlsx.name = "a.xlsx"
    response = client.post(url, {"fichier": faux_xlsx})
    assert "Fichier refusé." in response.content.decode()
    assert "ne correspond pas à un classeur Excel" in response.content.decode()


def test_type_ou_format_inconnu(projet_admin, login):
    client = login(projet_admin["admin"])
    pk = projet_admin["projet"].pk
    assert client.get(reverse("import_fichier", args=[pk, "inconnu"])).status_code == 404
    assert client.get(reverse("import_modele", args=[pk, "apprenants", "pdf"])).status_code == 404


# --- query budget -------------------------------------------------------------------------------


def _fichier_de(n, depart=0):
    lignes = [
        [f"APP-{i:05d}", "Prénom", f"Nom {i}", "01/01/1990", "rsa", "Mission Locale des Landes" if i % 2 else "", "oui", ""]
        for i in range(depart, depart + n)
    ]
    return csv_bytes(lignes)


def test_la_verification_ne_fait_pas_une_requete_par_ligne(projet_admin, django_assert_num_queries):
    f.ApprenantFactory.create_batch(3, projet=projet_admin["projet"])
    projet_admin["admin"]._adhesions_cache = None
    with CaptureQueriesContext(connection) as petit:
        assert _importer(projet_admin, _fichier_de(10)).valide
    projet_admin["admin"]._adhesions_cache = None
    with django_assert_num_queries(len(petit.captured_queries)):
        assert _importer(projet_admin, _fichier_de(200)).valide


def test_la_confirmation_ecrit_par_lots(projet_admin, django_assert_num_queries, django_assert_max_num_queries):
    """Rows and their history are written in bulk: the same queries for 5 rows as for 30
    (SQLite caps a statement at 999 parameters, so bigger files take a few more batches)."""
    projet_admin["admin"]._adhesions_cache = None
    with CaptureQueriesContext(connection) as petit:
        assert _importer(projet_admin, _fichier_de(5), confirmer=True).confirme
    projet_admin["admin"]._adhesions_cache = None
    with django_assert_num_queries(len(petit.captured_queries)):
        assert _importer(projet_admin, _fichier_de(30, depart=100), confirmer=True).confirme
    projet_admin["admin"]._adhesions_cache = None
    # 40, and the one row that moves the project's revision (conciergerie.revisions)
    with django_assert_max_num_queries(41):
        assert _importer(projet_admin, _fichier_de(500, depart=1000), confirmer=True).confirme
    assert Apprenant.objects.count() == 535
    assert Apprenant.history.filter(history_user=projet_admin["admin"]).count() == 535


def test_une_insertion_concurrente_annule_tout_l_import(projet_admin, monkeypatch):
    """Someone saves APP-002 between the moment the import reads the project and the moment it
    writes: the database's unique constraint refuses the batch and nothing at all is written."""
    from parcours.resources import ApprenantResource

    original = ApprenantResource.existants

    def existants_puis_concurrent(self):
        lus = original(self)
        if not Apprenant.objects.filter(reference="APP-002").exists():
            f.ApprenantFactory(projet=projet_admin["projet"], reference="APP-002", nom="Concurrent")
        return lus

    monkeypatch.setattr(ApprenantResource, "existants", existants_puis_concurrent)
    resultat = _importer(projet_admin, csv_bytes(BONNES_LIGNES), confirmer=True)
    assert not resultat.confirme
    assert [e.message for e in resultat.erreurs] == [
        "Une autre saisie a enregistré les mêmes fiches pendant l'import : rien n'a été importé, relancez la vérification."
    ]
    # the other rows are not written either (here the "concurrent" row was created inside the
    # import's own transaction, so it is rolled back with it)
    assert not Apprenant.objects.filter(reference__in=["APP-001", "APP-003"]).exists()


def test_une_confirmation_verrouille_le_projet_avant_de_lire(projet_admin):
    """Two confirmations at once (a double click) run one after the other: the project's row is
    locked before the existing rows are read (PostgreSQL; SQLite serialises write transactions)."""
    with CaptureQueriesContext(connection) as requetes:
        assert _importer(projet_admin, csv_bytes(BONNES_LIGNES), confirmer=True).confirme
    sql = [q["sql"] for q in requetes.captured_queries]
    verrou = next(i for i, q in enumerate(sql) if 'FROM "conciergerie_projet"' in q)
    lecture = next(i for i, q in enumerate(sql) if 'FROM "parcours_apprenant"' in q)
    assert verrou < lecture
    if connection.features.has_select_for_update:
        assert sql[verrou].endswith("FOR UPDATE")
    with CaptureQueriesContext(connection) as requetes:
        _importer(projet_admin, csv_bytes(BONNES_LIGNES))
    assert not any('FROM "conciergerie_projet"' in q["sql"] for q in requetes.captured_queries), "la vérification ne verrouille rien"


def test_la_page_de_verification_ne_fait_pas_une_requete_par_ligne(projet_admin, login, django_assert_num_queries):
    client = login(projet_admin["admin"])
    url = reverse("import_fichier", args=[projet_admin["projet"].pk, "apprenants"])
    client.get(url)  # the session remembers the project once

    def envoyer(contenu):
        fichier = io.BytesIO(contenu)
        fichier.name = "apprenants.csv"
        response = client.post(url, {"fichier": fichier})
        assert response.status_code == 200 and response.context["resultat"].valide
        return response

    with CaptureQueriesContext(connection) as petit:
        envoyer(_fichier_de(5))
    with django_assert_num_queries(len(petit.captured_queries)):
        envoyer(_fichier_de(300))


def test_une_erreur_technique_sur_une_ligne_est_dite_en_francais_sans_son_texte_brut(projet_admin, monkeypatch):
    """An unexpected exception on a row (a bug, not bad input): French message with the line,
    the raw (English) text only in the server log, and nothing written."""
    from parcours.resources import ApprenantResource

    def panne(self, row, **kwargs):
        raise RuntimeError("unexpected failure in row hook")

    monkeypatch.setattr(ApprenantResource, "before_import_row", panne)
    resultat = _importer(projet_admin, csv_bytes(BONNES_LIGNES), confirmer=True)
    assert not resultat.confirme
    messages = [e.message for e in resultat.erreurs]
    assert messages and all(m.startswith("Ligne illisible : une de ses valeurs n'a pas pu être lue") for m in messages)
    assert {e.ligne for e in resultat.erreurs} == {2, 3, 4}
    assert not any("unexpected" in m for m in messages)
    assert not Apprenant.objects.exists()


def test_un_envoi_plus_gros_que_tout_formulaire_est_refuse_avant_d_etre_lu(projet_admin, login, settings):
    """conciergerie.middleware: 413 in French, nothing stored, nothing imported."""
    client = login(projet_admin["admin"])
    url = reverse("import_fichier", args=[projet_admin["projet"].pk, "apprenants"])
    gros = io.BytesIO(csv_bytes(BONNES_LIGNES) + b"x" * settings.TAILLE_MAX_REQUETE)
    gros.name = "apprenants.csv"
    response = client.post(url, {"fichier": gros})
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Envoi trop volumineux</h1>" in html and "dépasse 12 Mo : rien n'a été enregistré" in html
    assert not Apprenant.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()
    # just under the request limit, the form gives its own, precise message
    moyen = io.BytesIO(csv_bytes(BONNES_LIGNES) + b"x" * imports.TAILLE_MAX)
    moyen.name = "apprenants.csv"
    assert "Le fichier dépasse la taille maximale de 5 Mo." in client.post(url, {"fichier": moyen}).content.decode()
