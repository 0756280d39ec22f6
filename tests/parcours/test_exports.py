"""Exports of the filtered lists (?format=csv|xlsx): the page's rows, scoped, with the bilans'
personal-data rules, read back with the csv module and openpyxl."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conciergerie.models import ActionAcces, JournalAcces
from tests import factories as f

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    corps = b"".join(response.streaming_content).decode("utf-8")
    assert corps.startswith("\ufeff")
    return list(csv.reader(io.StringIO(corps.removeprefix("\ufeff")), delimiter=";"))


def _xlsx(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(rangee) for rangee in classeur.active.iter_rows(values_only=True)], classeur.active


def _get(client, nom, projet, **params):
    return client.get(reverse(nom, args=[projet.pk]), params)


def test_learners_csv_same_rows_as_filtered_page_and_pseudonymised(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory(projet=projet, nom="Alpha", reference="REF-A", qpv=True, date_entree=date(2025, 1, 10))
    f.ApprenantFactory(projet=projet, nom="Bravo", reference="REF-B", qpv=False)
    client = cabinet["client"]
    page = _get(client, "apprenant_list", projet, qpv="oui")
    assert [a.reference for a in page.context["apprenants"]] == ["REF-A"]
    assert "format=csv" in page.content.decode() and "qpv=oui" in page.context["export_csv"]
    response = _get(client, "apprenant_list", projet, qpv="oui", format="csv")
    assert response["Content-Disposition"].startswith('attachment; filename="apprenants-')
    lignes = _csv(response)
    assert lignes[0][0] == "Référence" and "Nom" not in lignes[0] and "E-mail" not in lignes[0] and "RQTH" not in lignes[0]
    assert [ligne[0] for ligne in lignes[1:]] == ["REF-A"]
    assert "10/01/2025" in lignes[1] and "oui" in lignes[1]
    assert "Alpha" not in str(lignes)
    # no personal data: not logged
    assert not JournalAcces.objects.filter(projet=projet).exists()


def test_learners_xlsx_for_admin_holds_names_and_is_logged(login):
    adhesion = f.AdhesionFactory(administrateur=True)
    projet = adhesion.projet
    f.ApprenantFactory(projet=projet, nom="Alpha", prenom="Léa", reference="REF-A", rqth=True, date_naissance=date(1990, 5, 4))
    f.ApprenantFactory(projet=projet, nom="Bravo", reference="REF-B")
    lignes, feuille = _xlsx(_get(login(adhesion.user), "apprenant_list", projet, q="alpha", format="xlsx"))
    entete = lignes[0]
    assert {"Référence", "Prénom", "Nom", "Date de naissance", "E-mail", "RQTH"} <= set(entete)
    assert len(lignes) == 2
    ligne = dict(zip(entete, lignes[1], strict=True))
    assert ligne["Nom"] == "Alpha" and ligne["RQTH"] == "oui"
    assert ligne["Date de naissance"].date() == date(1990, 5, 4)
    assert feuille.cell(row=2, column=entete.index("Date de naissance") + 1).number_format == "DD/MM/YYYY"
    journal = JournalAcces.objects.get(projet=projet)
    assert journal.action == ActionAcces.BILAN_NOMINATIF and "apprenants-" in journal.objet_libelle


def test_partner_export_holds_only_its_learners(cabinet, login):
    projet, of = cabinet["projet"], cabinet["of"]
    a = f.ApprenantFactory(projet=projet, reference="REF-OF")
    f.EtapeFactory(parcours__apprenant=a, organisation=of)
    b = f.ApprenantFactory(projet=projet, reference="REF-AUTRE")
    f.EtapeFactory(parcours__apprenant=b, organisation=cabinet["tiers_lieu"])
    lignes = _csv(_get(login(cabinet["partenaire"]), "apprenant_list", projet, format="csv"))
    assert lignes[0] == ["Référence"]  # identity only, and pseudonymised
    assert [ligne[0] for ligne in lignes[1:]] == ["REF-OF"]


def test_formula_injection_neutralised(cabinet):
    projet = cabinet["projet"]
    f.OrganisationFactory(projet=projet, nom='=HYPERLINK("http://x")', commune="+33 Dax")
    lignes = _csv(_get(cabinet["client"], "organisation_list", projet, q="HYPERLINK", format="csv"))
    assert lignes[1][0] == '\'=HYPERLINK("http://x")'
    assert "'+33 Dax" in lignes[1]
    lignes, feuille = _xlsx(_get(cabinet["client"], "organisation_list", projet, q="HYPERLINK", format="xlsx"))
    cellule = feuille.cell(row=2, column=1)
    assert cellule.value == '=HYPERLINK("http://x")' and cellule.data_type == "s"


def test_organisations_export_same_rows_as_filtered_page(cabinet):
    projet = cabinet["projet"]
    client = cabinet["client"]
    page = _get(client, "organisation_list", projet, q="greta")
    attendu = [o.nom for o in page.context["organisations"]]
    assert attendu == ["Greta"]
    lignes = _csv(_get(client, "organisation_list", projet, q="greta", format="csv"))
    assert [ligne[0] for ligne in lignes[1:]] == attendu
    lignes, _ = _xlsx(_get(client, "organisation_list", projet, format="xlsx"))
    assert [ligne[0] for ligne in lignes[1:]] == [o.nom for o in _get(client, "organisation_list", projet).context["organisations"]]


def test_sessions_export_same_rows_as_filtered_page(cabinet, login):
    projet, of = cabinet["projet"], cabinet["of"]
    s1 = f.SessionFormationFactory(projet=projet, organisation=of, intitule="Soudure")
    f.SessionFormationFactory(projet=projet, intitule="Cariste")
    client = cabinet["client"]
    page = _get(client, "sessionformation_list", projet, organisation=of.pk)
    assert [s.pk for s in page.context["sessions"]] == [s1.pk]
    lignes = _csv(_get(client, "sessionformation_list", projet, organisation=of.pk, format="csv"))
    assert [ligne[0] for ligne in lignes[1:]] == ["Soudure"]
    assert "01/03/2025" in lignes[1]
    lignes, _ = _xlsx(_get(client, "sessionformation_list", projet, format="xlsx"))
    assert sorted(ligne[0] for ligne in lignes[1:]) == ["Cariste", "Soudure"]
    # the partner: its organisation's sessions only
    lignes = _csv(_get(login(cabinet["partenaire"]), "sessionformation_list", projet, format="csv"))
    assert [ligne[0] for ligne in lignes[1:]] == ["Soudure"]


def test_export_query_count_is_constant(cabinet):
    projet = cabinet["projet"]
    client = cabinet["client"]

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            response = _get(client, "apprenant_list", projet, format="csv")
            _csv(response)
        return len(requetes)

    f.ApprenantFactory(projet=projet, prescripteur=cabinet["of"])
    compter()  # the first page of the session writes it
    avant = compter()
    for _ in range(5):
        f.EtapeFactory(parcours__apprenant=f.ApprenantFactory(projet=projet, prescripteur=cabinet["tiers_lieu"]))
    assert compter() == avant


@pytest.mark.parametrize("nom", ["apprenant_list", "organisation_list", "sessionformation_list"])
def test_funder_403_outsider_404(nom, login):
    financeur = f.AdhesionFactory(financeur=True)
    projet = financeur.projet
    assert login(financeur.user).get(reverse(nom, args=[projet.pk]), {"format": "csv"}).status_code == 403
    dehors = f.AdhesionFactory(coordinateur=True)
    assert login(dehors.user).get(reverse(nom, args=[projet.pk]), {"format": "xlsx"}).status_code == 404
