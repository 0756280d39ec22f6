"""Frameworks: creation, versions (a used framework is never changed in place), import and export."""

import html
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from competences import services
from competences.models import Bloc, Competence, Referentiel
from conciergerie.imports import importer
from tests import factories as f
from tests.connexion import connecter

BLOCS = [
    {
        "code": "B1",
        "libelle": "Préparer",
        "code_certification": "rncp 37873",
        "competences": [{"code": "C1", "libelle": "Lire une fiche"}, {"code": "C2", "libelle": "Choisir le tissu", "criteres": "a\nb"}],
    },
    {"code": "B2", "libelle": "Réaliser", "competences": [{"code": "C3", "libelle": "Coudre"}]},
]


@pytest.fixture
def coord(db):
    return f.AdhesionFactory(coordinateur=True)


def test_creer_referentiel_writes_blocs_and_competences(coord):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS)
    assert ref.version == 1 and not ref.archive
    assert list(ref.blocs.values_list("code", "code_certification")) == [("B1", "RNCP37873"), ("B2", "")]
    assert list(Competence.objects.filter(bloc__referentiel=ref).values_list("code", flat=True)) == ["C1", "C2", "C3"]
    assert Competence.objects.get(code="C2").liste_criteres == ["a", "b"]


@pytest.mark.parametrize(
    ("blocs", "message"),
    [
        ([{"code": "B1", "libelle": "X", "competences": [{"code": "C1", "libelle": "a"}, {"code": "c1", "libelle": "b"}]}], "deux fois"),
        ([{"code": "B1", "libelle": "X", "competences": [{"code": "C1", "libelle": " "}]}], "libellé est vide"),
        ([{"code": "B1", "libelle": "", "competences": []}], "libellé est vide"),
        ([{"code": "B1", "libelle": "X", "code_certification": "RNCPabc"}], "Code mal formé"),
    ],
)
def test_bad_structure_refused_nothing_written(coord, blocs, message):
    with pytest.raises(ValidationError) as e:
        services.creer_referentiel(projet=coord.projet, by=coord.user, nom="R", blocs=blocs)
    assert message in " ".join(e.value.messages)
    assert not Referentiel.objects.exists() and not Bloc.objects.exists()


def test_partner_may_not_write_frameworks(db):
    partenaire = f.AdhesionFactory(partenaire=True)
    with pytest.raises(PermissionDenied):
        services.creer_referentiel(projet=partenaire.projet, by=partenaire.user, nom="R", blocs=BLOCS)


def test_unused_framework_changes_in_place(coord):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS)
    bloc = ref.blocs.get(code="B1")
    modifie = services.enregistrer_bloc(referentiel=ref, by=coord.user, bloc=bloc, code="B1", libelle="Préparer le travail")
    assert modifie.pk == bloc.pk
    assert Referentiel.objects.count() == 1


def test_used_framework_gets_a_new_version(coord):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS)
    f.NiveauEvaluationFactory(
        evaluation__apprenant__projet=coord.projet, evaluation__referentiel=ref, competence=Competence.objects.get(code="C1")
    )
    competence = Competence.objects.get(code="C3")
    nouvelle = services.enregistrer_competence(
        referentiel=ref, by=coord.user, competence=competence, bloc=competence.bloc, code="C3", libelle="Coudre à la machine"
    )
    ref.refresh_from_db()
    v2 = nouvelle.bloc.referentiel
    assert (v2.version, v2.precedent_id, v2.archive) == (2, ref.pk, False)
    assert ref.archive
    # the old version is untouched, its evaluation still points at it
    assert Competence.objects.get(pk=competence.pk).libelle == "Coudre"
    assert nouvelle.pk != competence.pk and nouvelle.libelle == "Coudre à la machine"
    assert Competence.objects.filter(bloc__referentiel=v2).count() == 3
    # an archived version is no longer edited
    with pytest.raises(ValidationError, match="archivée"):
        services.modifier_referentiel(referentiel=ref, by=coord.user, nom="Couture")


def test_edit_page_of_a_used_framework_creates_a_version(coord, client):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS)
    f.EvaluationFactory(apprenant__projet=coord.projet, referentiel=ref)
    connecter(coord.user, client)
    url = reverse("referentiel_update", args=[coord.projet.pk, ref.pk])
    page = client.get(url)
    assert "crée une nouvelle version" in page.content.decode()
    version = page.context["champs_caches"].split('value="')[1].split('"')[0]
    reponse = client.post(url, {"nom": "Couture d'ameublement", "description": "v2", "_version": version}, follow=True)
    assert reponse.status_code == 200
    v2 = Referentiel.objects.get(version=2)
    assert v2.nom == "Couture d'ameublement" and v2.description == "v2"
    assert "la version 2 a été créée" in reponse.content.decode()


def _fichier(lignes):
    entetes = "Référentiel;Code bloc;Bloc;Code RNCP/RS du bloc;Code;Compétence;Critères observables"
    return ("\ufeff" + entetes + "\n" + "\n".join(lignes) + "\n").encode("utf-8")


def test_import_dry_run_then_confirm(coord):
    adm = f.AdhesionFactory(projet=coord.projet, administrateur=True)
    fichier = _fichier(
        ['Couture;B1;Préparer;RS5659;C1;Lire;"a ; b"', "Couture;B1;Préparer;;C2;Choisir;", "Couture;B2;Réaliser;;C3;Coudre;"]
    )
    essai = importer(type="referentiel", fichier=fichier, nom="r.csv", projet=coord.projet, by=adm.user)
    assert essai.valide and essai.creations == 3
    assert not Referentiel.objects.exists()
    fait = importer(type="referentiel", fichier=fichier, nom="r.csv", projet=coord.projet, by=adm.user, confirmer=True)
    assert fait.confirme
    ref = Referentiel.objects.get()
    assert list(ref.blocs.values_list("code", "code_certification")) == [("B1", "RS5659"), ("B2", "")]
    assert Competence.objects.get(code="C1").criteres == "a\nb"
    # the same name again: the next version, the first archived
    importer(type="referentiel", fichier=fichier, nom="r.csv", projet=coord.projet, by=adm.user, confirmer=True)
    assert list(Referentiel.objects.order_by("version").values_list("version", "archive")) == [(1, True), (2, False)]


@pytest.mark.parametrize(
    ("lignes", "colonne", "message"),
    [
        (["R;B1;Bloc;;C1;Lire;", "R;B1;Bloc;;C1;Relire;"], "Code", "en double avec la ligne 2"),
        (["R;B1;Bloc;;C1;;"], "Compétence", "obligatoire"),
        (["R;B1;Bloc;;C1;Lire;", "R;B1;Autre;;C2;Coudre;"], "Bloc", "autre libellé"),
        (["R;B1;Bloc;RNCP-X;C1;Lire;"], "Code RNCP/RS du bloc", "mal formé"),
    ],
)
def test_import_refuses_bad_files_nothing_written(coord, lignes, colonne, message):
    resultat = importer(type="referentiel", fichier=_fichier(lignes), nom="r.csv", projet=coord.projet, by=coord.user, confirmer=True)
    assert not resultat.confirme
    assert any(e.colonne == colonne and message in e.message for e in resultat.erreurs), resultat.erreurs
    assert not Referentiel.objects.exists() and not Competence.objects.exists()


def test_export_comes_back_in(coord, client):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS)
    connecter(coord.user, client)
    reponse = client.get(reverse("referentiel_export", args=[coord.projet.pk, ref.pk]), {"format": "xlsx"})
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.values)
    assert lignes[0][:5] == ("Référentiel", "Code bloc", "Bloc", "Code RNCP/RS du bloc", "Code")
    assert [ligne[4] for ligne in lignes[1:]] == ["C1", "C2", "C3"]
    resultat = importer(type="referentiel", fichier=reponse.content, nom="r.xlsx", projet=coord.projet, by=coord.user, confirmer=True)
    assert resultat.confirme, resultat.erreurs
    v2 = Referentiel.objects.get(version=2)
    assert services.structure(v2)[0]["competences"][1]["criteres"] == "a\nb"
    csv = client.get(reverse("referentiel_export", args=[coord.projet.pk, ref.pk]), {"format": "csv"})
    assert "C3;Coudre" in b"".join(csv.streaming_content).decode()


def test_detail_page_queries_constant(coord, client, django_assert_max_num_queries):
    ref = services.creer_referentiel(projet=coord.projet, by=coord.user, nom="Couture", blocs=BLOCS * 1)
    connecter(coord.user, client)
    url = reverse("referentiel_detail", args=[coord.projet.pk, ref.pk])
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert "Lire une fiche" in page.content.decode()


def _jeton(page) -> str:
    return re.search(r'name="_jeton" value="([^"]+)"', page.content.decode()).group(1)


def test_build_a_framework_from_the_pages(coord, client):
    connecter(coord.user, client)
    projet = coord.projet
    url = reverse("referentiel_create", args=[projet.pk])
    reponse = client.post(url, {"_jeton": _jeton(client.get(url)), "nom": "Couture", "description": ""})
    ref = Referentiel.objects.get()
    assert reponse.url == reverse("referentiel_detail", args=[projet.pk, ref.pk])
    url = reverse("bloc_create", args=[projet.pk, ref.pk])
    donnees = {"_jeton": _jeton(client.get(url)), "code": "B1", "libelle": "Préparer", "code_certification": "rs 5659", "ordre": 1}
    assert client.post(url, donnees).status_code == 302
    assert ref.blocs.get().code_certification == "RS5659"
    # a malformed RNCP code: refused next to its field, in French
    donnees.update(_jeton=_jeton(client.get(url)), code="B2", code_certification="RNCP")
    assert "Code mal formé" in client.post(url, donnees).content.decode()
    url = reverse("competence_create", args=[projet.pk, ref.pk])
    bloc = ref.blocs.get()
    donnees = {"_jeton": _jeton(client.get(url)), "bloc": bloc.pk, "code": "C1", "libelle": "Lire", "criteres": "a\nb", "ordre": 1}
    assert client.post(url, donnees).status_code == 302
    # the same code again: refused, nothing written
    donnees.update(_jeton=_jeton(client.get(url)), libelle="Relire")
    assert "existe déjà" in html.unescape(client.post(url, donnees).content.decode())
    # a bloc of another framework: refused
    autre = f.BlocFactory(referentiel__projet=projet)
    donnees.update(_jeton=_jeton(client.get(url)), bloc=autre.pk, code="C9")
    assert "n'appartient pas au référentiel" in html.unescape(client.post(url, donnees).content.decode())
    assert list(Competence.objects.filter(bloc__referentiel=ref).values_list("code", "libelle")) == [("C1", "Lire")]
    page = html.unescape(client.get(reverse("referentiel_detail", args=[projet.pk, ref.pk])).content.decode())
    assert "RS5659" in page and "Lire" in page and "elle se modifie directement" in page


def test_the_import_template_and_page(coord, client):
    connecter(coord.user, client)
    modele = client.get(reverse("import_modele", args=[coord.projet.pk, "referentiel", "csv"]))
    assert modele.content.decode("utf-8-sig").splitlines()[0] == (
        "Référentiel;Code bloc;Bloc;Code RNCP/RS du bloc;Code;Compétence;Critères observables"
    )
    page = client.get(reverse("import_fichier", args=[coord.projet.pk, "referentiel"]))
    assert page.status_code == 200 and "Référentiel de compétences" in page.content.decode()
