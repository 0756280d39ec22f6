"""Deleting from the UI (issue 16): the confirmation page lists what goes with the row, POST
deletes it with a history entry, a row still pointed to is refused in French and nothing
changes, a second POST does not fail."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from finances.models import Depense, TempsBenevole, Versement
from parcours.models import Etape, Frein, SessionFormation
from partenaires.models import Contact, MembreConsortium, Organisation
from recits.models import Activite, Recit
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(name, monde, pk):
    return reverse(name, args=[monde["A"].pk, pk])


@pytest.fixture
def coord(monde, login):
    return login(monde["users"]["coordinateur"])


def _suppression_journalisee(model, pk, user) -> bool:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk), action_flag=DELETION, user=user
    ).exists()


def test_etape_deleted_with_history(monde, coord):
    etape = f.EtapeFactory(projet=monde["A"])
    url = _url("etape_delete", monde, etape.pk)
    page = coord.get(url)
    assert page.status_code == 200
    assert "Rien d'autre ne sera supprimé" in page.content.decode()
    assert 'class="danger">Supprimer</button>' in page.content.decode()
    response = coord.post(url)
    assert response.status_code == 302
    assert response.url == reverse("apprenant_detail", args=[monde["A"].pk, etape.parcours.apprenant_id])
    assert not Etape.objects.filter(pk=etape.pk).exists()
    trace = Etape.history.filter(id=etape.pk, history_type="-").get()
    assert trace.history_user == monde["users"]["coordinateur"]
    # the same page sent again finds nothing: 404, not 500
    assert coord.post(url).status_code == 404


def test_frein_deleted_with_history(monde, coord):
    frein = f.FreinFactory(projet=monde["A"])
    assert coord.post(_url("frein_delete", monde, frein.pk)).status_code == 302
    assert not Frein.objects.filter(pk=frein.pk).exists()
    assert Frein.history.filter(id=frein.pk, history_type="-").exists()


def test_organisation_confirmation_lists_cascade_and_deletes(monde, coord):
    org = f.OrganisationFactory(projet=monde["A"], nom="Organisation de test")
    f.ContactFactory(organisation=org, prenom="Alice", nom="Martin")
    f.ContactFactory(organisation=org)
    f.MembreConsortiumFactory(projet=monde["A"], organisation=org)
    contenu = coord.get(_url("organisation_delete", monde, org.pk)).content.decode()
    assert "2 contacts" in contenu
    assert "1 membre du consortium" in contenu
    assert "Alice Martin" in contenu
    response = coord.post(_url("organisation_delete", monde, org.pk), follow=True)
    assert "Organisation supprimée" in response.content.decode()
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert not Contact.objects.filter(organisation_id=org.pk).exists()
    assert not MembreConsortium.objects.filter(organisation_id=org.pk).exists()
    assert _suppression_journalisee(Organisation, org.pk, monde["users"]["coordinateur"])


def test_organisation_protected_by_a_step_is_refused(monde, coord):
    etape = f.EtapeFactory(projet=monde["A"])
    org = etape.organisation
    url = _url("organisation_delete", monde, org.pk)
    page = coord.get(url).content.decode()
    assert "ne peut pas être supprimé" in page
    assert "1 étape" in page
    assert 'class="danger">Supprimer</button>' not in page
    response = coord.post(url, follow=True)
    contenu = response.content.decode()
    assert "ne peut pas être supprimé" in contenu and "1 étape" in contenu
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert not _suppression_journalisee(Organisation, org.pk, monde["users"]["coordinateur"])


def test_organisation_with_a_convention_is_refused(monde, coord):
    org = f.OrganisationFactory(projet=monde["A"])
    f.ConventionFactory(projet=monde["A"], parties=[org])
    response = coord.post(_url("organisation_delete", monde, org.pk), follow=True)
    assert "1 convention" in response.content.decode()
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_contact_deleted(monde, coord):
    contact = f.ContactFactory(organisation=f.OrganisationFactory(projet=monde["A"]))
    response = coord.post(_url("contact_delete", monde, contact.pk))
    assert response.url == reverse("organisation_detail", args=[monde["A"].pk, contact.organisation_id])
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert _suppression_journalisee(Contact, contact.pk, monde["users"]["coordinateur"])


def test_session_with_learner_refused_empty_session_deleted(monde, coord):
    session = f.SessionFormationFactory(projet=monde["A"])
    etape = f.EtapeFactory(projet=monde["A"], organisation=session.organisation, session=session)
    page = coord.get(_url("sessionformation_delete", monde, session.pk)).content.decode()
    assert "1 apprenant inscrit" in page
    response = coord.post(_url("sessionformation_delete", monde, session.pk), follow=True)
    assert "1 apprenant y est inscrit" in response.content.decode()
    etape.refresh_from_db()
    assert etape.session_id == session.pk
    vide = f.SessionFormationFactory(projet=monde["A"])
    assert coord.post(_url("sessionformation_delete", monde, vide.pk)).status_code == 302
    assert not SessionFormation.objects.filter(pk=vide.pk).exists()
    assert _suppression_journalisee(SessionFormation, vide.pk, monde["users"]["coordinateur"])


def test_session_restricted_by_a_value_share_is_refused(monde, coord):
    session = f.SessionFormationFactory(projet=monde["A"])
    f.PartageValeurFactory(projet=monde["A"], session=session, organisation=session.organisation)
    response = coord.post(_url("sessionformation_delete", monde, session.pk), follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    assert SessionFormation.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    "nom,model,fabrique",
    [
        ("depense_delete", Depense, lambda m: f.DepenseFactory(ligne__financement__projet=m["A"])),
        ("versement_delete", Versement, lambda m: f.VersementFactory(financement__projet=m["A"])),
        ("benevolat_delete", TempsBenevole, lambda m: f.TempsBenevoleFactory(projet=m["A"])),
        ("recit_delete", Recit, lambda m: f.RecitFactory(projet=m["A"])),
        ("activite_delete", Activite, lambda m: f.ActiviteFactory(projet=m["A"])),
    ],
)
def test_simple_deletions_are_logged(monde, coord, nom, model, fabrique):
    objet = fabrique(monde)
    url = _url(nom, monde, objet.pk)
    assert coord.get(url).status_code == 200
    assert coord.post(url).status_code == 302
    assert not model.objects.filter(pk=objet.pk).exists()
    assert _suppression_journalisee(model, objet.pk, monde["users"]["coordinateur"])
    assert coord.post(url).status_code == 404


def test_edit_page_links_to_delete_for_coordinator_only(monde, coord, login):
    etape = f.EtapeFactory(projet=monde["A"], organisation=monde["adhesions"]["partenaire"].organisation)
    lien = _url("etape_delete", monde, etape.pk)
    assert lien in coord.get(_url("etape_update", monde, etape.pk)).content.decode()
    partenaire = login(monde["users"]["partenaire"])
    page = partenaire.get(_url("etape_update", monde, etape.pk))
    assert page.status_code == 200
    assert lien not in page.content.decode()


def test_partner_cannot_delete(monde, login):
    frein = f.FreinFactory(projet=monde["A"])
    assert login(monde["users"]["partenaire"]).post(_url("frein_delete", monde, frein.pk)).status_code == 403
    assert Frein.objects.filter(pk=frein.pk).exists()
