"""Partners' pages: list and filter, organisation page, create/edit, conventions and files."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partenaires.models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium, TypeOrganisation
from tests import factories as f

pytestmark = pytest.mark.django_db

SIRET_OK = "73282932000074"
PDF = b"%PDF-1.4\n% convention\n"


def _url(name, monde, *args):
    return reverse(name, args=[monde["A"].pk, *args])


def _coord(monde, login):
    return login(monde["users"]["coordinateur"])


# ---------------------------------------------------------------- list


def test_list_filters_by_type_and_counts(monde, login):
    f.OrganisationFactory(projet=monde["A"], nom="Mission Locale des Landes", type=TypeOrganisation.MISSION_LOCALE)
    f.OrganisationFactory(projet=monde["B"], nom="Mission Locale étrangère", type=TypeOrganisation.MISSION_LOCALE)
    response = _coord(monde, login).get(_url("organisation_list", monde), {"type": "mission_locale"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mission Locale des Landes" in content
    assert "Mission Locale étrangère" not in content
    assert response.context["paginator"].count == 1
    assert "1\u00a0organisation" in content


def test_list_search_and_pagination_keeps_filters(monde, login):
    for i in range(30):
        f.OrganisationFactory(projet=monde["A"], nom=f"Tiers-lieu {i:02d}", type=TypeOrganisation.TIERS_LIEU)
    response = _coord(monde, login).get(_url("organisation_list", monde), {"type": "tiers_lieu", "q": "tiers"})
    assert response.context["paginator"].count == 30
    assert len(response.context["organisations"]) == 25
    assert "type=tiers_lieu&amp;q=tiers&amp;page=2" in response.content.decode()


def test_list_qualiopi_badges(monde, login):
    today = timezone.localdate()
    f.OrganisationFactory(projet=monde["A"], of=True, nom="OF expire", qualiopi_expiration=today - timedelta(days=1))
    f.OrganisationFactory(projet=monde["A"], of=True, nom="OF bientot", qualiopi_expiration=today + timedelta(days=59))
    content = _coord(monde, login).get(_url("organisation_list", monde)).content.decode()
    assert '<span class="badge alerte">expiré le' in content
    assert '<span class="badge orange">expire le' in content


def test_list_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    url = _url("organisation_list", monde)
    for _ in range(5):
        f.MembreConsortiumFactory(projet=monde["A"])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    for _ in range(45):
        f.MembreConsortiumFactory(projet=monde["A"])
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------- organisation page


def _organisation_complete(monde, n_contacts=1, n_conventions=1):
    organisation = f.OrganisationFactory(projet=monde["A"], of=True, nom="Greta Sud Aquitaine")
    f.MembreConsortiumFactory(projet=monde["A"], organisation=organisation, chef_de_file=True)
    f.ContactFactory(organisation=organisation, referent=True, prenom="Aline", nom="Référente")
    for _ in range(n_contacts - 1):
        f.ContactFactory(organisation=organisation)
    for i in range(n_conventions):
        f.ConventionFactory(
            projet=monde["A"], parties=[organisation], intitule=f"Convention {i}", fichier=ContentFile(PDF, name=f"c{i}.pdf")
        )
    return organisation


def test_detail_shows_contacts_role_conventions_and_learners_block(monde, login):
    organisation = _organisation_complete(monde)
    response = _coord(monde, login).get(_url("organisation_detail", monde, organisation.pk))
    content = response.content.decode()
    assert "Chef de file du consortium" in content
    assert "Aline Référente" in content and "référent" in content
    assert "Convention 0" in content
    assert reverse("convention_fichier", args=[monde["A"].pk, organisation.conventions.get().pk]) in content
    apprenants_url = reverse("organisation_apprenants", args=[monde["A"].pk, organisation.pk])
    assert f'hx-get="{apprenants_url}"' in content and f'href="{apprenants_url}"' in content


def test_detail_partner_sees_only_conventions_it_signed(monde, login):
    organisation = _organisation_complete(monde)
    org_partenaire = monde["adhesions"]["partenaire"].organisation
    f.ConventionFactory(projet=monde["A"], parties=[organisation, org_partenaire], intitule="Signée ensemble")
    content = login(monde["users"]["partenaire"]).get(_url("organisation_detail", monde, organisation.pk)).content.decode()
    assert "Signée ensemble" in content
    assert "Convention 0" not in content
    assert "Modifier" not in content


def test_detail_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    petite = _organisation_complete(monde, n_contacts=5, n_conventions=5)
    grande = f.OrganisationFactory(projet=monde["A"], of=True, nom="Grande")
    f.MembreConsortiumFactory(projet=monde["A"], organisation=grande)
    for _ in range(50):
        f.ContactFactory(organisation=grande)
        f.ConventionFactory(projet=monde["A"], parties=[grande], fichier=ContentFile(PDF, name="c.pdf"))
    client.get(_url("organisation_detail", monde, petite.pk))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url("organisation_detail", monde, petite.pk))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(_url("organisation_detail", monde, grande.pk))
    assert len(response.context["organisation"].contacts_visibles) == 50


# ---------------------------------------------------------------- create / edit


def test_create_organisation_with_consortium_role(monde, login):
    data = {"nom": "Greta", "type": "organisme_formation", "siret": "732 829 320 00074", "commune": "Dax", "role_consortium": "membre"}
    data |= {"qualiopi_statut": "certifie", "qualiopi_expiration": "2027-01-31"}
    response = _coord(monde, login).post(_url("organisation_create", monde), data)
    organisation = Organisation.objects.get(nom="Greta")
    assert response.status_code == 302
    assert response.url == _url("organisation_detail", monde, organisation.pk)
    assert organisation.siret == SIRET_OK and organisation.projet == monde["A"]
    assert MembreConsortium.objects.get(organisation=organisation).role == RoleConsortium.MEMBRE


@pytest.mark.parametrize(
    ("siret", "message"),
    [("1234", "Un SIRET compte 14 chiffres."), ("12345678901234", "Ce SIRET n&#x27;est pas valide (clé de contrôle).")],
)
def test_create_organisation_invalid_siret_changes_nothing(monde, login, siret, message):
    avant = Organisation.objects.count()
    response = _coord(monde, login).post(_url("organisation_create", monde), {"nom": "X", "type": "association", "siret": siret})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.count() == avant


def test_create_organisation_duplicate_siret_and_name(monde, login):
    f.OrganisationFactory(projet=monde["A"], nom="Doublon", commune="Dax", siret=SIRET_OK)
    response = _coord(monde, login).post(
        _url("organisation_create", monde), {"nom": "Doublon", "commune": "Dax", "type": "association", "siret": SIRET_OK}
    )
    errors = response.context["form"].errors
    assert errors["siret"] == ["Une organisation de ce projet a déjà ce SIRET."]
    assert errors["nom"] == ["Une organisation de ce nom existe déjà dans cette commune."]


def test_same_siret_allowed_in_another_project(monde, login):
    f.OrganisationFactory(projet=monde["B"], siret=SIRET_OK)
    response = _coord(monde, login).post(_url("organisation_create", monde), {"nom": "Ici", "type": "association", "siret": SIRET_OK})
    assert response.status_code == 302


def test_qualiopi_only_for_training_organisations(monde, login):
    response = _coord(monde, login).post(
        _url("organisation_create", monde),
        {"nom": "Asso", "type": "association", "qualiopi_statut": "certifie", "qualiopi_expiration": "2027-01-01"},
    )
    assert "Qualiopi et NDA ne concernent que les organismes de formation." in response.context["form"].non_field_errors()


def test_second_chef_de_file_refused(monde, login):
    f.MembreConsortiumFactory(projet=monde["A"], chef_de_file=True)
    response = _coord(monde, login).post(
        _url("organisation_create", monde), {"nom": "Autre", "type": "tiers_lieu", "role_consortium": "chef_de_file"}
    )
    assert response.context["form"].errors["role_consortium"] == ["Le consortium a déjà un chef de file."]
    assert not Organisation.objects.filter(nom="Autre").exists()


def test_update_organisation_leaves_consortium(monde, login):
    organisation = f.MembreConsortiumFactory(projet=monde["A"]).organisation
    client = _coord(monde, login)
    url = _url("organisation_update", monde, organisation.pk)
    assert client.get(url).context["form"]["role_consortium"].value() == "membre"
    response = client.post(url, {"nom": "Renommée", "type": organisation.type, "commune": "Aire", "role_consortium": ""})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.nom == "Renommée"
    assert not MembreConsortium.objects.filter(organisation=organisation).exists()


def test_create_and_update_contact(monde, login):
    organisation = f.OrganisationFactory(projet=monde["A"])
    client = _coord(monde, login)
    response = client.post(
        _url("contact_create", monde, organisation.pk), {"prenom": "Léa", "nom": "Dupin", "email": "lea@example.org", "est_referent": "on"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get(nom="Dupin")
    assert contact.organisation == organisation and contact.est_referent
    response = client.post(_url("contact_update", monde, contact.pk), {"prenom": "Léa", "nom": "Dupin", "telephone": "abc"})
    assert response.context["form"].errors["telephone"] == ["Numéro de téléphone invalide."]
    response = client.post(_url("contact_update", monde, contact.pk), {"prenom": "Léa", "nom": "Dupin", "telephone": "05 58 00 00 00"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.telephone == "05 58 00 00 00" and not contact.est_referent


# ---------------------------------------------------------------- conventions


def _convention_data(monde, **extra):
    organisation = monde["adhesions"]["partenaire"].organisation
    data = {
        "type": "partenariat",
        "intitule": "Accueil distribué",
        "parties": [organisation.pk],
        "date_debut": "2025-01-01",
        "date_fin": "2025-12-31",
    }
    data.update(extra)
    return data


def test_create_convention_with_pdf(monde, login):
    fichier = SimpleUploadedFile("convention.pdf", PDF, content_type="application/pdf")
    response = _coord(monde, login).post(_url("convention_create", monde), _convention_data(monde, fichier=fichier))
    convention = Convention.objects.get(intitule="Accueil distribué")
    assert response.status_code == 302
    assert response.url == _url("convention_detail", monde, convention.pk)
    assert list(convention.parties.all()) == [monde["adhesions"]["partenaire"].organisation]
    assert convention.fichier.name.startswith(f"projets/{monde['A'].pk}/conventions/")


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("convention.docx", b"PK\x03\x04", "Le fichier doit être un PDF (extension .pdf)."),
        (
            "programme.pdf",
            b"MZ\x90\x00 un executable renomme",
            "Ce fichier n'est pas un vrai PDF (son contenu ne correspond pas à l'extension).",
        ),
        ("gros.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "Le fichier pèse 10.0 Mo : la limite est de 10 Mo."),
    ],
    ids=["mauvais-type", "executable-renomme", "trop-gros"],
)
def test_convention_upload_refused(monde, login, nom, contenu, message):
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/pdf")
    response = _coord(monde, login).post(_url("convention_create", monde), _convention_data(monde, fichier=fichier))
    assert response.status_code == 200
    assert response.context["form"].errors["fichier"] == [message]
    assert not Convention.objects.filter(intitule="Accueil distribué").exists()


def test_convention_end_before_start_refused(monde, login):
    response = _coord(monde, login).post(_url("convention_create", monde), _convention_data(monde, date_fin="2024-01-01"))
    assert response.context["form"].errors["date_fin"] == ["La fin doit suivre le début."]


def test_convention_parties_from_another_project_refused(monde, login):
    etrangere = f.OrganisationFactory(projet=monde["B"])
    response = _coord(monde, login).post(_url("convention_create", monde), _convention_data(monde, parties=[etrangere.pk]))
    assert "parties" in response.context["form"].errors


def test_update_convention_keeps_file(monde, login):
    convention = f.ConventionFactory(projet=monde["A"], fichier=ContentFile(PDF, name="c.pdf"))
    nom = convention.fichier.name
    response = _coord(monde, login).post(_url("convention_update", monde, convention.pk), _convention_data(monde, intitule="Nouveau titre"))
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.intitule == "Nouveau titre" and convention.fichier.name == nom


def test_file_download_streams_the_pdf(monde, login):
    convention = f.ConventionFactory(projet=monde["A"], fichier=ContentFile(PDF, name="signee.pdf"))
    response = _coord(monde, login).get(_url("convention_fichier", monde, convention.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_file_download_of_another_project_is_404(monde, login):
    etrangere = f.ConventionFactory(projet=monde["B"], fichier=ContentFile(PDF, name="secret.pdf"))
    assert _coord(monde, login).get(_url("convention_fichier", monde, etrangere.pk)).status_code == 404
    url_b = reverse("convention_fichier", args=[monde["B"].pk, etrangere.pk])
    assert _coord(monde, login).get(url_b).status_code == 404


def test_file_download_without_file_is_404(monde, login):
    convention = f.ConventionFactory(projet=monde["A"])
    assert _coord(monde, login).get(_url("convention_fichier", monde, convention.pk)).status_code == 404


def test_media_is_not_served_statically(monde, login):
    convention = f.ConventionFactory(projet=monde["A"], fichier=ContentFile(PDF, name="signee.pdf"))
    response = _coord(monde, login).get("/media/" + convention.fichier.name)
    assert response.status_code == 404


def test_nav_links(monde, login):
    content = _coord(monde, login).get(reverse("projet_accueil", args=[monde["A"].pk])).content.decode()
    assert _url("organisation_list", monde) in content and _url("sessionformation_list", monde) in content
    content = login(monde["users"]["financeur"]).get(reverse("projet_accueil", args=[monde["A"].pk])).content.decode()
    assert _url("organisation_list", monde) not in content and _url("sessionformation_list", monde) not in content
