"""A learner's consent to be named in a récit (issue 14): its scope, date and withdrawal on the
learner's record, in the form and in the import (French messages for bad values), and the
migration of the former yes/no."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from conciergerie import imports
from parcours.forms import ApprenantForm
from parcours.models import MESSAGE_RESTRICTION, Apprenant, PorteeConsentement
from tests import factories as f
from tests.conciergerie.test_imports import csv_bytes

APPRENANT = {
    "reference": "ICI-001",
    "prenom": "Léa",
    "nom": "Marchand",
    "situation_entree": "demandeur_emploi",
    "date_entree": "2025-02-03",
    "statut_secu": "provisoire",
}


def _erreurs(response, champ):
    return [str(e) for e in response.context["form"].errors.get(champ, [])]


# ---------------------------------------------------------------- the record and its form


@pytest.mark.django_db
def test_the_form_records_scope_and_date_and_has_no_withdrawal_field(cabinet):
    projet = cabinet["projet"]
    form = cabinet["client"].get(reverse("apprenant_create", args=[projet.pk])).context["form"]
    assert "consentement_retire_le" not in form.fields
    assert [libelle for _, libelle in form.fields["consentement_portee"].choices] == [
        "Non renseigné",  # never Django's "---------"
        "Interne (l'équipe de la conciergerie)",
        "COPIL (partenaires et financeurs)",
        "Public (communication)",
    ]
    response = cabinet["client"].post(
        reverse("apprenant_create", args=[projet.pk]), {**APPRENANT, "consentement_portee": "copil", "consentement_date": "2025-02-03"}
    )
    assert response.status_code == 302
    apprenant = Apprenant.objects.get()
    assert (apprenant.consentement_portee, apprenant.consentement_date) == ("copil", date(2025, 2, 3))
    assert apprenant.consent_a(PorteeConsentement.COPIL) and not apprenant.consent_a(PorteeConsentement.PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"consentement_portee": "copil"}, "consentement_date", "Indiquez la date du consentement."),
        (
            {"consentement_portee": "copil", "consentement_date": "2099-01-01"},
            "consentement_date",
            "La date du consentement est dans le futur.",
        ),
        (
            {"consentement_portee": "tout", "consentement_date": "2025-01-01"},
            "consentement_portee",
            "Sélectionnez un choix valide. tout n’en fait pas partie.",
        ),
    ],
    ids=["sans-date", "date-future", "portee-inconnue"],
)
def test_bad_consent_is_refused_in_french(cabinet, donnees, champ, message):
    response = cabinet["client"].post(reverse("apprenant_create", args=[cabinet["projet"].pk]), {**APPRENANT, **donnees})
    assert _erreurs(response, champ) == [message]
    assert not Apprenant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("avant", "apres", "refuse"), [("copil", "interne", True), ("copil", "", True), ("interne", "public", False)])
def test_a_consent_in_force_is_narrowed_only_by_the_withdrawal(cabinet, avant, apres, refuse):
    apprenant = f.ApprenantFactory(
        projet=cabinet["projet"], consentement_portee=avant, consentement_date=date(2025, 1, 15), **{"reference": "ICI-001"}
    )
    url = reverse("apprenant_update", args=[apprenant.projet_id, apprenant.pk])
    response = cabinet["client"].post(url, {**APPRENANT, "consentement_portee": apres, "consentement_date": "2025-01-15"})
    apprenant.refresh_from_db()
    if refuse:
        assert _erreurs(response, "consentement_portee") == [MESSAGE_RESTRICTION]
        assert apprenant.consentement_portee == avant
    else:
        assert response.status_code == 302
        assert apprenant.consentement_portee == apres


@pytest.mark.django_db
def test_after_a_withdrawal_a_new_consent_is_recorded_with_a_later_date(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], reference="ICI-001", consentant=True, consentement_retire_le=date(2025, 2, 1))
    url = reverse("apprenant_update", args=[apprenant.projet_id, apprenant.pk])
    page = cabinet["client"].get(reverse("apprenant_detail", args=[apprenant.projet_id, apprenant.pk])).content.decode()
    assert "Consentement retiré le 1er février 2025" in page
    # editing something else keeps the withdrawal
    cabinet["client"].post(url, {**APPRENANT, "commune": "Mugron", "consentement_portee": "copil", "consentement_date": "2025-01-15"})
    apprenant.refresh_from_db()
    assert apprenant.commune == "Mugron" and apprenant.consentement_retire_le == date(2025, 2, 1)
    # a consent given again, after the withdrawal
    cabinet["client"].post(url, {**APPRENANT, "consentement_portee": "interne", "consentement_date": "2025-03-01"})
    apprenant.refresh_from_db()
    assert apprenant.consentement_retire_le is None and apprenant.consent_a(PorteeConsentement.INTERNE)
    assert [h.consentement_retire_le for h in apprenant.history.order_by("history_date", "history_id")] == [
        date(2025, 2, 1),
        date(2025, 2, 1),
        None,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "champs",
    [
        {"consentement_retire_le": date(2025, 2, 1)},  # a withdrawal without a consent
        {"consentement_portee": "copil", "consentement_date": date(2025, 3, 1), "consentement_retire_le": date(2025, 2, 1)},
    ],
    ids=["sans-consentement", "avant-le-consentement"],
)
def test_the_database_refuses_an_incoherent_withdrawal(champs):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ApprenantFactory(**champs)


@pytest.mark.django_db
def test_the_record_says_the_consent_in_a_few_words():
    assert f.ApprenantFactory.build().consentement_libelle == "sans consentement"
    assert f.ApprenantFactory.build(consentant_interne=True).consentement_libelle == "consentement interne depuis le 15 janvier 2025"
    retire = f.ApprenantFactory.build(consentant=True, consentement_retire_le=date(2025, 2, 1))
    assert retire.consentement_libelle == "consentement retiré le 1er février 2025" and not retire.consent_a(PorteeConsentement.INTERNE)


def test_the_form_and_the_import_list_the_same_consent_fields():
    from parcours.resources import ApprenantResource

    assert "consentement_portee" in ApprenantForm._meta.fields and "consentement_recit" not in ApprenantForm._meta.fields
    assert [c for c in ApprenantResource._meta.fields if c.startswith("consentement")] == ["consentement_portee", "consentement_date"]


# ---------------------------------------------------------------- the import


@pytest.fixture
def projet_admin(db):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="admin-a")
    return {"projet": adhesion.projet, "admin": adhesion.user}


ENTETES = ["Référence", "Prénom", "Nom", "Situation à l'entrée", "Portée du consentement", "Date du consentement"]


def _importer(ctx, lignes, confirmer=False):
    return imports.importer(
        type="apprenants",
        fichier=csv_bytes(lignes, entetes=ENTETES),
        nom="a.csv",
        projet=ctx["projet"],
        by=ctx["admin"],
        confirmer=confirmer,
    )


def test_the_import_reads_the_consent_columns(projet_admin):
    lignes = [
        ["APP-1", "Léa", "Marchand", "rsa", "COPIL", "15/01/2025"],
        ["APP-2", "Hugo", "Dupuy", "rsa", "interne", "2025-02-01"],
        ["APP-3", "Inès", "Roux", "rsa", "Public (communication)", "01/03/2025"],
        ["APP-4", "Karim", "Bensaïd", "rsa", "", ""],
    ]
    resultat = _importer(projet_admin, lignes, confirmer=True)
    assert resultat.confirme and not resultat.erreurs
    assert sorted(Apprenant.objects.values_list("reference", "consentement_portee", "consentement_date")) == [
        ("APP-1", "copil", date(2025, 1, 15)),
        ("APP-2", "interne", date(2025, 2, 1)),
        ("APP-3", "public", date(2025, 3, 1)),
        ("APP-4", "", None),
    ]


def test_the_import_refuses_bad_consent_values_in_french_and_writes_nothing(projet_admin):
    lignes = [
        ["APP-1", "Léa", "Marchand", "rsa", "oui", "15/01/2025"],  # the former yes/no
        ["APP-2", "Hugo", "Dupuy", "rsa", "COPIL", ""],  # no date
        ["APP-3", "Inès", "Roux", "rsa", "interne", "31/02/2025"],  # no such date
        ["APP-4", "Karim", "Bensaïd", "rsa", "public", (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")],
    ]
    resultat = _importer(projet_admin, lignes, confirmer=True)
    erreurs = {(e.ligne, e.colonne): e.message for e in resultat.erreurs}
    assert len(resultat.erreurs) == 4  # one message a cell: not « Indiquez la date » after « Date invalide »
    assert erreurs == {
        (2, "Portée du consentement"): "Valeur « oui » inconnue. Valeurs acceptées : « Interne (l'équipe de la conciergerie) », "
        "« COPIL (partenaires et financeurs) », « Public (communication) ».",
        (3, "Date du consentement"): "Indiquez la date du consentement.",
        (4, "Date du consentement"): "Date invalide « 31/02/2025 » : attendu jj/mm/aaaa (ex. 31/01/2025) ou aaaa-mm-jj.",
        (5, "Date du consentement"): "La date du consentement est dans le futur.",
    }
    assert not resultat.confirme
    assert not Apprenant.objects.exists()


def test_the_import_cannot_narrow_a_consent_in_force(projet_admin):
    f.ApprenantFactory(
        projet=projet_admin["projet"], reference="APP-1", prenom="Léa", nom="Marchand", situation_entree="rsa", consentant=True
    )
    resultat = _importer(projet_admin, [["APP-1", "Léa", "Marchand", "rsa", "interne", "15/01/2025"]], confirmer=True)
    assert [(e.colonne, e.message) for e in resultat.erreurs] == [("Portée du consentement", MESSAGE_RESTRICTION)]
    assert Apprenant.objects.get().consentement_portee == "copil"


# ---------------------------------------------------------------- the migration of the former yes/no

AVANT = [("parcours", "0002_date_du_jour_a_paris")]
APRES = [("parcours", "0003_consentement_portee")]


def _migrer(cibles):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # the core at its latest state: the historical Projet must have every column of the table
    cibles = [*cibles, *executor.loader.graph.leaf_nodes("conciergerie")]
    executor.migrate(cibles)
    executor.loader.build_graph()
    return executor.loader.project_state(cibles).apps


@pytest.mark.django_db(transaction=True)
def test_the_former_yes_becomes_the_copil_scope_and_back():
    try:
        anciennes = _migrer(AVANT)
        projet = anciennes.get_model("conciergerie", "Projet").objects.create(nom="Un", date_debut=date(2025, 1, 1))
        Ancien = anciennes.get_model("parcours", "Apprenant")
        commun = {"projet": projet, "situation_entree": "rsa", "date_entree": date(2025, 1, 1)}
        oui = Ancien.objects.create(
            reference="OUI", prenom="A", nom="A", consentement_recit=True, consentement_date=date(2025, 1, 15), **commun
        )
        non = Ancien.objects.create(reference="NON", prenom="B", nom="B", consentement_recit=False, **commun)
        anciennes.get_model("parcours", "HistoricalApprenant").objects.create(
            id=oui.pk, reference="OUI", prenom="A", nom="A", consentement_recit=True, consentement_date=date(2025, 1, 15),
            projet_id=projet.pk, situation_entree="rsa", date_entree=date(2025, 1, 1), cree_le=timezone.now(),
            history_date=timezone.now(), history_type="+",
        )  # fmt: skip

        nouvelles = _migrer(APRES)
        Apprenant_ = nouvelles.get_model("parcours", "Apprenant")
        assert dict(Apprenant_.objects.values_list("reference", "consentement_portee")) == {"OUI": "copil", "NON": ""}
        assert Apprenant_.objects.get(pk=oui.pk).consentement_retire_le is None
        assert nouvelles.get_model("parcours", "HistoricalApprenant").objects.get().consentement_portee == "copil"

        anciennes = _migrer(AVANT)
        assert dict(anciennes.get_model("parcours", "Apprenant").objects.values_list("reference", "consentement_recit")) == {
            "OUI": True,
            "NON": False,
        }
        assert non.pk
    finally:
        _migrer(MigrationExecutor(connection).loader.graph.leaf_nodes())
