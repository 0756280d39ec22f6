"""Create / edit forms and their French validation messages; a refused form changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import Apprenant, Etape, Frein, Parcours
from tests import factories as f

pytestmark = pytest.mark.django_db


def _erreurs(response, champ):
    return [str(e) for e in response.context["form"].errors.get(champ, [])]


# ------------------------------------------------------------------ learner

APPRENANT = {
    "reference": "ICI-001",
    "prenom": "Léa",
    "nom": "Marchand",
    "situation_entree": "demandeur_emploi",
    "date_entree": "2025-02-03",
    "statut_secu": "provisoire",
}


def test_create_learner(cabinet):
    projet = cabinet["projet"]
    response = cabinet["client"].post(reverse("apprenant_create", args=[projet.pk]), {**APPRENANT, "rqth": "on", "qpv": "on"})
    apprenant = Apprenant.objects.get(reference="ICI-001")
    assert response.status_code == 302 and response.url == reverse("apprenant_detail", args=[projet.pk, apprenant.pk])
    assert apprenant.projet == projet and apprenant.rqth and apprenant.qpv
    assert apprenant.history.get().history_user == cabinet["coord"]


def test_learner_reference_is_unique_in_the_project(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory(projet=projet, reference="ICI-001")
    f.ApprenantFactory(reference="ICI-002")  # another project: no clash
    response = cabinet["client"].post(reverse("apprenant_create", args=[projet.pk]), APPRENANT)
    assert _erreurs(response, "reference") == ["Cette référence est déjà utilisée dans ce projet."]
    assert Apprenant.objects.filter(projet=projet).count() == 1
    response = cabinet["client"].post(reverse("apprenant_create", args=[projet.pk]), {**APPRENANT, "reference": "ICI-002"})
    assert response.status_code == 302


def test_learner_consent_needs_a_date_and_birth_not_in_future(cabinet):
    projet = cabinet["projet"]
    response = cabinet["client"].post(
        reverse("apprenant_create", args=[projet.pk]), {**APPRENANT, "consentement_portee": "copil", "date_naissance": "2099-01-01"}
    )
    assert _erreurs(response, "consentement_date") == ["Indiquez la date du consentement."]
    assert not Apprenant.objects.exists()


def test_prescriber_of_another_project_is_refused(cabinet):
    ailleurs = f.OrganisationFactory()
    response = cabinet["client"].post(reverse("apprenant_create", args=[cabinet["projet"].pk]), {**APPRENANT, "prescripteur": ailleurs.pk})
    assert _erreurs(response, "prescripteur")
    assert not Apprenant.objects.exists()


def test_prescriber_contact_must_work_at_the_prescriber(cabinet):
    projet = cabinet["projet"]
    mission_locale = f.OrganisationFactory(projet=projet, nom="Mission Locale")
    conseillere = f.ContactFactory(organisation=mission_locale, nom="Darrigade")
    ailleurs = f.ContactFactory(organisation=cabinet["of"])
    etranger = f.ContactFactory()  # another project's contact: not even a choice
    url = reverse("apprenant_create", args=[projet.pk])
    choix = list(cabinet["client"].get(url).context["form"].fields["prescripteur_contact"].queryset)
    assert conseillere in choix and ailleurs in choix and etranger not in choix
    for contact, prescripteur in ((ailleurs, mission_locale), (conseillere, None)):
        donnees = {**APPRENANT, "prescripteur_contact": contact.pk, "prescripteur": prescripteur.pk if prescripteur else ""}
        response = cabinet["client"].post(url, donnees)
        assert _erreurs(response, "prescripteur_contact") == ["Ce contact ne travaille pas chez le prescripteur choisi."]
    response = cabinet["client"].post(url, {**APPRENANT, "prescripteur_contact": etranger.pk})
    assert _erreurs(response, "prescripteur_contact")
    assert not Apprenant.objects.exists()
    response = cabinet["client"].post(url, {**APPRENANT, "prescripteur": mission_locale.pk, "prescripteur_contact": conseillere.pk})
    assert response.status_code == 302
    assert Apprenant.objects.get().prescripteur_contact == conseillere


def test_edit_learner(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], reference="ICI-001")
    url = reverse("apprenant_update", args=[apprenant.projet_id, apprenant.pk])
    assert cabinet["client"].get(url).context["form"].initial["reference"] == "ICI-001"
    response = cabinet["client"].post(url, {**APPRENANT, "commune": "Mugron"})
    assert response.status_code == 302
    apprenant.refresh_from_db()
    assert apprenant.nom == "Marchand" and apprenant.commune == "Mugron"


# ------------------------------------------------------------------ path


def test_create_and_edit_path(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    url = reverse("parcours_create", args=[apprenant.projet_id, apprenant.pk])
    response = cabinet["client"].post(
        url, {"intitule": "Vers l'aide à domicile", "date_debut": "2025-02-10", "referent": cabinet["coord"].pk}
    )
    parcours = Parcours.objects.get()
    assert response.status_code == 302
    assert (parcours.apprenant, parcours.projet, parcours.referent) == (apprenant, apprenant.projet, cabinet["coord"])
    response = cabinet["client"].post(
        reverse("parcours_update", args=[apprenant.projet_id, parcours.pk]),
        {"intitule": "Autre", "date_debut": "2025-02-11", "statut": "suspendu"},
    )
    parcours.refresh_from_db()
    assert parcours.intitule == "Autre" and parcours.referent is None and parcours.statut == "suspendu"


def test_path_status_choices_on_edit_only_en_cours_or_suspendu(cabinet):
    parcours = f.ParcoursFactory(apprenant__projet=cabinet["projet"])
    url = reverse("parcours_update", args=[cabinet["projet"].pk, parcours.pk])
    form = cabinet["client"].get(url).context["form"]
    assert [valeur for valeur, _ in form.fields["statut"].choices] == ["en_cours", "suspendu"]
    response = cabinet["client"].post(url, {"intitule": "X", "date_debut": "2025-02-11", "statut": "cloture"})
    assert _erreurs(response, "statut")
    parcours.refresh_from_db()
    assert parcours.statut == "en_cours"
    creation = cabinet["client"].get(reverse("parcours_create", args=[cabinet["projet"].pk, parcours.apprenant_id])).context["form"]
    assert "statut" not in creation.fields


def test_path_referent_is_a_coordinator_or_administrator_not_a_partner(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    partenaire = f.AdhesionFactory(projet=cabinet["projet"], partenaire=True).user
    url = reverse("parcours_create", args=[apprenant.projet_id, apprenant.pk])
    assert partenaire not in cabinet["client"].get(url).context["form"].fields["referent"].queryset
    response = cabinet["client"].post(url, {"intitule": "X", "date_debut": "2025-02-10", "referent": partenaire.pk})
    assert _erreurs(response, "referent")
    assert not Parcours.objects.exists()


def test_path_referent_must_be_a_project_member(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    etranger = f.UserFactory()
    url = reverse("parcours_create", args=[apprenant.projet_id, apprenant.pk])
    response = cabinet["client"].post(url, {"intitule": "X", "date_debut": "2025-02-10", "referent": etranger.pk})
    assert _erreurs(response, "referent")
    assert not Parcours.objects.exists()


# ------------------------------------------------------------------ step


@pytest.fixture
def parcours(cabinet):
    return f.ParcoursFactory(apprenant__projet=cabinet["projet"], date_debut=date(2025, 1, 20))


def _etape(cabinet, **extra):
    data = {
        "type": "accompagnement",
        "organisation": cabinet["of"].pk,
        "date_debut": "2025-02-01",
        "heures_prevues": "35",
        "heures_realisees": "0",
        "modalite": "presentiel",
        "statut": "prevue",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _post_etape(cabinet, parcours, **extra):
    return cabinet["client"].post(reverse("etape_create", args=[parcours.projet_id, parcours.pk]), _etape(cabinet, **extra))


def test_create_step(cabinet, parcours):
    response = _post_etape(cabinet, parcours, type="formation_certifiante", code_rncp="RNCP37873", heures_prevues="399.5")
    etape = Etape.objects.get()
    assert response.status_code == 302
    assert etape.parcours == parcours and etape.projet == parcours.projet and etape.organisation == cabinet["of"]
    assert etape.heures_prevues == Decimal("399.5")


@pytest.mark.parametrize(
    ("extra", "champ", "message"),
    [
        ({"date_fin": "2025-01-15"}, "date_fin", "La fin de l'étape doit suivre son début."),
        ({"heures_prevues": "-3"}, "heures_prevues", "Les heures ne peuvent pas être négatives."),
        ({"heures_realisees": "-1"}, "heures_realisees", "Les heures ne peuvent pas être négatives."),
        ({"code_rncp": "RNC123"}, "code_rncp", "Code mal formé"),
        ({"type": "formation_certifiante"}, "code_rncp", "Une formation certifiante ou diplômante a un code RNCP ou RS."),
        ({"type": "formation_diplomante"}, "code_rncp", "Une formation certifiante ou diplômante a un code RNCP ou RS."),
        ({"statut": "bloquee"}, "motif", "Indiquez le motif du blocage ou de l'abandon."),
    ],
)
def test_step_validation(cabinet, parcours, extra, champ, message):
    response = _post_etape(cabinet, parcours, **extra)
    assert response.status_code == 200
    erreurs = _erreurs(response, champ)
    assert erreurs and erreurs[0].startswith(message)
    assert message.split(" :")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Etape.objects.exists()


def test_step_organisation_must_be_in_the_consortium(cabinet, parcours):
    response = _post_etape(cabinet, parcours, organisation=cabinet["hors_consortium"].pk)
    assert _erreurs(response, "organisation") == ["Cette organisation ne fait pas partie du consortium."]
    choix = [o.pk for o in response.context["form"].fields["organisation"].queryset]
    assert sorted(choix) == sorted([cabinet["of"].pk, cabinet["tiers_lieu"].pk])
    assert not Etape.objects.exists()


def test_step_organisation_of_another_project_is_refused(cabinet, parcours):
    ailleurs = f.MembreConsortiumFactory().organisation
    response = _post_etape(cabinet, parcours, organisation=ailleurs.pk)
    assert _erreurs(response, "organisation") == ["Cette organisation n'appartient pas à ce projet."]
    # an id that exists nowhere gets the same message: another project's rows are not revealed
    inexistante = _post_etape(cabinet, parcours, organisation=ailleurs.pk + 1000)
    assert _erreurs(inexistante, "organisation") == _erreurs(response, "organisation")
    assert not Etape.objects.exists()


def test_edit_step_as_coordinator(cabinet, parcours):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    url = reverse("etape_update", args=[parcours.projet_id, etape.pk])
    assert cabinet["client"].get(url).context["form"].initial["heures_prevues"] == Decimal("35")
    response = cabinet["client"].post(url, _etape(cabinet, organisation=cabinet["tiers_lieu"].pk, heures_realisees="12"))
    assert response.status_code == 302
    etape.refresh_from_db()
    assert etape.organisation == cabinet["tiers_lieu"] and etape.heures_realisees == 12


def test_partner_edits_its_step_without_moving_it(cabinet, parcours, login):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    client = login(cabinet["partenaire"])
    url = reverse("etape_update", args=[parcours.projet_id, etape.pk])
    assert "organisation" not in client.get(url).context["form"].fields
    response = client.post(url, _etape(cabinet, organisation=cabinet["tiers_lieu"].pk, heures_realisees="20"))
    assert response.status_code == 302
    etape.refresh_from_db()
    assert etape.organisation == cabinet["of"] and etape.heures_realisees == 20


def test_partner_cannot_touch_other_steps_or_create(cabinet, parcours, login):
    autre = f.EtapeFactory(parcours=parcours, organisation=cabinet["tiers_lieu"])
    f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    client = login(cabinet["partenaire"])
    assert client.post(reverse("etape_update", args=[parcours.projet_id, autre.pk]), _etape(cabinet)).status_code == 404
    assert client.post(reverse("etape_statut", args=[parcours.projet_id, autre.pk]), {"statut": "terminee"}).status_code == 404
    assert _post_etape({**cabinet, "client": client}, parcours).status_code == 403
    assert Etape.objects.count() == 2


# ------------------------------------------------------------------ status in one click


def _statut(client, etape, htmx=True, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("etape_statut", args=[etape.projet_id, etape.pk]), data, headers=headers)


def test_status_change_returns_the_step_fragment(cabinet, parcours):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    response = _statut(cabinet["client"], etape, statut="en_cours")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="etape-{etape.pk}"' in html and "statut-en_cours" in html
    etape.refresh_from_db()
    assert etape.statut == "en_cours"


@pytest.mark.parametrize("statut", ["bloquee", "abandonnee"])
def test_blocked_or_abandoned_needs_a_reason(cabinet, parcours, statut):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    response = _statut(cabinet["client"], etape, statut=statut, motif="  ")
    assert response.status_code == 200
    assert "Indiquez le motif du blocage ou de l&#x27;abandon." in response.content.decode()
    etape.refresh_from_db()
    assert etape.statut == "prevue"
    _statut(cabinet["client"], etape, statut=statut, motif="Numéro de sécurité sociale provisoire")
    etape.refresh_from_db()
    assert (etape.statut, etape.motif) == (statut, "Numéro de sécurité sociale provisoire")
    _statut(cabinet["client"], etape, statut="en_cours", motif="oublié")
    etape.refresh_from_db()
    assert (etape.statut, etape.motif) == ("en_cours", "")


def test_status_change_without_javascript(cabinet, parcours):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    response = _statut(cabinet["client"], etape, htmx=False, statut="terminee")
    assert response.status_code == 302 and response.url.endswith(f"#etape-{etape.pk}")
    response = _statut(cabinet["client"], etape, htmx=False, statut="bloquee")
    assert response.status_code == 400 and "Indiquez le motif" in response.content.decode()


def test_partner_changes_the_status_of_its_step(cabinet, parcours, login):
    etape = f.EtapeFactory(parcours=parcours, organisation=cabinet["of"])
    _statut(login(cabinet["partenaire"]), etape, statut="terminee")
    etape.refresh_from_db()
    assert etape.statut == "terminee"


# ------------------------------------------------------------------ obstacles


def test_add_and_lift_an_obstacle(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    response = cabinet["client"].post(
        reverse("frein_create", args=[apprenant.projet_id, apprenant.pk]),
        {"type": "mobilite", "commentaire": "Pas de permis", "identifie_le": "2025-02-01"},
    )
    assert response.status_code == 302
    frein = Frein.objects.get()
    assert (frein.apprenant, frein.projet, frein.leve) == (apprenant, apprenant.projet, False)
    response = cabinet["client"].post(reverse("frein_lever", args=[apprenant.projet_id, frein.pk]))
    assert response.status_code == 302
    frein.refresh_from_db()
    assert frein.leve and frein.leve_le == timezone.localdate()


def test_obstacle_needs_a_type(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    response = cabinet["client"].post(
        reverse("frein_create", args=[apprenant.projet_id, apprenant.pk]), {"type": "", "identifie_le": "2025-02-01"}
    )
    assert _erreurs(response, "type") == ["Ce champ est obligatoire."]
    assert not Frein.objects.exists()


@pytest.fixture
def frein(cabinet):
    return f.FreinFactory(apprenant__projet=cabinet["projet"], type="mobilite", commentaire="Pas de permis", identifie_le=date(2025, 2, 1))


def _modifier_frein(client, frein, **extra):
    data = {"type": "mobilite", "commentaire": "Pas de permis", "identifie_le": "2025-02-01"}
    data.update(extra)
    return client.post(reverse("frein_update", args=[frein.projet_id, frein.pk]), {k: v for k, v in data.items() if v is not None})


def test_edit_an_obstacle_from_the_learner_page(cabinet, frein):
    url = reverse("frein_update", args=[frein.projet_id, frein.pk])
    page = cabinet["client"].get(reverse("apprenant_detail", args=[frein.projet_id, frein.apprenant_id])).content.decode()
    assert f'href="{url}"' in page
    form = cabinet["client"].get(url).context["form"]
    assert (form["type"].value(), form["identifie_le"].value()) == ("mobilite", date(2025, 2, 1))
    response = _modifier_frein(cabinet["client"], frein, type="logement", commentaire="Hébergée", leve="on", leve_le="2025-03-10")
    assert response.status_code == 302
    assert response.url == reverse("apprenant_detail", args=[frein.projet_id, frein.apprenant_id]) + "#freins"
    frein.refresh_from_db()
    assert (frein.type, frein.commentaire, frein.leve, frein.leve_le) == ("logement", "Hébergée", True, date(2025, 3, 10))
    assert frein.history.latest().history_user == cabinet["coord"]


def test_edit_an_obstacle_back_to_active_clears_its_date(cabinet, frein):
    Frein.objects.filter(pk=frein.pk).update(leve=True, leve_le=date(2025, 3, 10))
    response = _modifier_frein(cabinet["client"], frein, leve_le="2025-03-10")  # "levé" unticked
    assert response.status_code == 302
    frein.refresh_from_db()
    assert (frein.leve, frein.leve_le) == (False, None)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"leve": "on"}, "Indiquez quand le frein a été levé."),
        ({"leve": "on", "leve_le": "2025-01-31"}, "Le frein ne peut pas être levé avant d'avoir été identifié."),
    ],
    ids=["leve-sans-date", "leve-avant-identifie"],
)
def test_edit_an_obstacle_refused_changes_nothing(cabinet, frein, extra, message):
    response = _modifier_frein(cabinet["client"], frein, commentaire="Changé", **extra)
    assert response.status_code == 200
    assert _erreurs(response, "leve_le") == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    frein.refresh_from_db()
    assert (frein.commentaire, frein.leve, frein.leve_le) == ("Pas de permis", False, None)


def test_edit_an_obstacle_lifted_the_day_it_was_identified(cabinet, frein):
    assert _modifier_frein(cabinet["client"], frein, leve="on", leve_le="2025-02-01").status_code == 302
    frein.refresh_from_db()
    assert frein.leve_le == date(2025, 2, 1)


def test_obstacle_service_refuses_a_lift_before_identification(cabinet, frein):
    from django.core.exceptions import ValidationError

    from parcours import services

    frein.leve, frein.leve_le = True, date(2025, 1, 1)
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_frein(frein=frein, apprenant=frein.apprenant, by=cabinet["coord"])
    assert erreur.value.message_dict == {"leve_le": ["Le frein ne peut pas être levé avant d'avoir été identifié."]}
    assert not Frein.objects.get(pk=frein.pk).leve


def test_partner_and_funder_cannot_edit_an_obstacle(cabinet, frein, login):
    financeur = f.AdhesionFactory(projet=cabinet["projet"], financeur=True).user
    for user in (cabinet["partenaire"], financeur):
        response = login(user).post(reverse("frein_update", args=[frein.projet_id, frein.pk]), {"type": "logement"})
        assert response.status_code == 403
    frein.refresh_from_db()
    assert frein.type == "mobilite"


def test_obstacle_of_another_project_is_404(cabinet):
    etranger = f.FreinFactory()
    url = reverse("frein_update", args=[cabinet["projet"].pk, etranger.pk])
    assert cabinet["client"].get(url).status_code == 404
    assert cabinet["client"].post(url, {"type": "logement", "identifie_le": "2025-02-01"}).status_code == 404
    etranger.refresh_from_db()
    assert etranger.type == "mobilite"
