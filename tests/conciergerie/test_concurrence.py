"""Edits and creations safe to repeat and to race (conciergerie/concurrence.py, ServiceFormView).

Two people really interleave: each client GETs the page and posts what the page drew (its
hidden fields included, tests/formulaires.py), one after the other or one inside the other's
request; a race on a unique value is injected between a request's checks and its insert.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.forms import ModelForm
from django.urls import reverse

from conciergerie import concurrence
from finances.models import Depense, TempsBenevole
from parcours import services as services_parcours
from parcours.forms import ApprenantForm
from parcours.models import Apprenant
from partenaires.forms import OrganisationForm
from partenaires.models import Organisation
from recits.models import Recit
from tests import factories as f
from tests.formulaires import envoi

pytestmark = pytest.mark.django_db

CONFLIT = concurrence.CONFLIT


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def equipe(db, login):
    """One project, two coordinators logged in: Camille (A) and Dominique (B)."""
    a = f.AdhesionFactory(coordinateur=True, user__username="camille", user__first_name="Camille", user__last_name="Roux")
    projet = a.projet
    b = f.AdhesionFactory(projet=projet, coordinateur=True, user__username="dominique", user__first_name="Dominique", user__last_name="Bel")
    return {"projet": projet, "A": login(a.user), "B": login(b.user), "user_a": a.user, "user_b": b.user}


def _non_champ(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


def _erreurs(response, champ):
    return [str(e) for e in response.context["form"].errors.get(champ, [])]


# ---------------------------------------------------------------- lost updates


def _entrelacer(equipe, url, modif_b: dict, modif_a: dict):
    """A opens the page, B opens it, changes ``modif_b`` and saves; then A saves ``modif_a``."""
    page_a = envoi(equipe["A"].get(url))
    page_b = envoi(equipe["B"].get(url))
    assert concurrence.CHAMP_VERSION in page_a and concurrence.CHAMP_JETON not in page_a
    reponse_b = equipe["B"].post(url, {**page_b, **modif_b})
    assert reponse_b.status_code == 302, reponse_b.context and reponse_b.context["form"].errors
    return equipe["A"].post(url, {**page_a, **modif_a})


def test_learner_edited_by_two_people_the_second_is_refused_and_keeps_what_it_typed(equipe):
    projet = equipe["projet"]
    apprenant = f.ApprenantFactory(projet=projet, nom="Marchand", commune="Lyon", email="")
    url = reverse("apprenant_update", args=[projet.pk, apprenant.pk])

    reponse = _entrelacer(equipe, url, {"nom": "Marchand-Dupuis"}, {"commune": "Villeurbanne", "email": "lea@example.org"})

    assert reponse.status_code == 200
    assert CONFLIT in _non_champ(reponse)
    assert any(m.startswith("Dernière modification : Dominique Bel, le ") for m in _non_champ(reponse))
    # the other person's value next to its field; what A typed is still in the form
    assert _erreurs(reponse, "nom") == ["Valeur enregistrée entre-temps par quelqu'un d'autre : « Marchand-Dupuis »."]
    page = envoi(reponse)
    assert page["commune"] == "Villeurbanne" and page["email"] == "lea@example.org"
    assert 'value="Villeurbanne"' in reponse.content.decode()
    apprenant.refresh_from_db()
    assert (apprenant.nom, apprenant.commune, apprenant.email) == ("Marchand-Dupuis", "Lyon", "")
    assert apprenant.history.count() == 2  # created, then B's change: nothing of A's

    # the form shown again carries the version now stored: sending it is a deliberate choice
    reponse = equipe["A"].post(url, page)
    assert reponse.status_code == 302
    apprenant.refresh_from_db()
    assert (apprenant.commune, apprenant.email) == ("Villeurbanne", "lea@example.org")
    assert apprenant.nom == "Marchand"  # A's form still said « Marchand »: A saw B's value and kept its own


def test_organisation_edited_by_two_people(equipe):
    projet = equipe["projet"]
    organisation = f.OrganisationFactory(projet=projet, nom="Greta", commune="Aurillac", notes="")
    url = reverse("organisation_update", args=[projet.pk, organisation.pk])

    reponse = _entrelacer(equipe, url, {"notes": "Référente : Mme Vidal"}, {"code_postal": "15000"})

    assert reponse.status_code == 200 and CONFLIT in _non_champ(reponse)
    assert _erreurs(reponse, "notes") == ["Valeur enregistrée entre-temps par quelqu'un d'autre : « Référente : Mme Vidal »."]
    assert envoi(reponse)["code_postal"] == "15000"
    organisation.refresh_from_db()
    assert (organisation.notes, organisation.code_postal) == ("Référente : Mme Vidal", "")


def test_the_role_in_the_consortium_is_part_of_the_organisations_version(equipe):
    """A form field stored in another row (MembreConsortium) counts too."""
    projet = equipe["projet"]
    organisation = f.MembreConsortiumFactory(projet=projet, organisation__projet=projet, organisation__nom="Greta").organisation
    url = reverse("organisation_update", args=[projet.pk, organisation.pk])

    reponse = _entrelacer(equipe, url, {"role_consortium": "associe"}, {"commune": "Mauriac"})

    assert reponse.status_code == 200 and CONFLIT in _non_champ(reponse)
    assert _erreurs(reponse, "role_consortium") == ["Valeur enregistrée entre-temps par quelqu'un d'autre : « Associé »."]
    organisation.refresh_from_db()
    assert organisation.commune != "Mauriac" and organisation.adhesions_consortium.get().role == "associe"


def test_expense_edited_by_two_people(equipe):
    projet = equipe["projet"]
    depense = f.DepenseFactory(ligne__financement__projet=projet, libelle="Loyer", montant=Decimal("500.00"))
    url = reverse("depense_update", args=[projet.pk, depense.pk])

    reponse = _entrelacer(equipe, url, {"montant": "550,00"}, {"libelle": "Loyer de mars"})

    assert reponse.status_code == 200 and CONFLIT in _non_champ(reponse)
    assert _erreurs(reponse, "montant") == ["Valeur enregistrée entre-temps par quelqu'un d'autre : « 550.00 »."]
    depense.refresh_from_db()
    assert (depense.libelle, depense.montant) == ("Loyer", Decimal("550.00"))


def test_story_links_changed_by_another_person_are_a_conflict(equipe):
    """A many-to-many field the form edits is part of the version."""
    projet = equipe["projet"]
    recit = f.RecitFactory(projet=projet, titre="Premier jour")
    consentante = f.ApprenantFactory(projet=projet, consentant=True, prenom="Léa", nom="Marchand")
    url = reverse("recit_update", args=[projet.pk, recit.pk])

    reponse = _entrelacer(equipe, url, {"apprenants": [consentante.pk]}, {"titre": "Le premier jour"})

    assert reponse.status_code == 200 and CONFLIT in _non_champ(reponse)
    assert _erreurs(reponse, "apprenants") == ["Valeur enregistrée entre-temps par quelqu'un d'autre : « Léa Marchand »."]
    recit.refresh_from_db()
    assert recit.titre == "Premier jour" and list(recit.apprenants.all()) == [consentante]


def test_the_same_person_saving_twice_in_a_row_is_no_conflict(equipe):
    projet = equipe["projet"]
    apprenant = f.ApprenantFactory(projet=projet, commune="Lyon")
    url = reverse("apprenant_update", args=[projet.pk, apprenant.pk])
    assert equipe["A"].post(url, {**envoi(equipe["A"].get(url)), "commune": "Bron"}).status_code == 302
    assert equipe["A"].post(url, {**envoi(equipe["A"].get(url)), "commune": "Caluire"}).status_code == 302
    apprenant.refresh_from_db()
    assert apprenant.commune == "Caluire"


def test_a_row_deleted_meanwhile_is_said_so(equipe, monkeypatch):
    from partenaires.forms import ContactForm
    from partenaires.models import Contact

    projet = equipe["projet"]
    contact = f.ContactFactory(organisation__projet=projet)
    url = reverse("contact_update", args=[projet.pk, contact.pk])
    page = envoi(equipe["A"].get(url))
    clean = ContactForm.clean

    def clean_puis_b_supprime(form):  # the view read the row before B's delete committed
        Contact.objects.filter(pk=contact.pk).delete()
        return clean(form)

    monkeypatch.setattr(ContactForm, "clean", clean_puis_b_supprime)
    reponse = equipe["A"].post(url, {**page, "nom": "Nouveau"})
    assert reponse.status_code == 200 and concurrence.SUPPRIMEE in _non_champ(reponse)
    assert not Contact.objects.filter(pk=contact.pk).exists()


def _pages_de_modification(projet):
    """Every edit page of a ServiceFormView, on rows made by the factories."""
    apprenant = f.ApprenantFactory(projet=projet)
    parcours = f.ParcoursFactory(apprenant=apprenant)
    organisation = f.MembreConsortiumFactory(projet=projet, organisation__projet=projet, organisation__of=True).organisation
    financement = f.FinancementFactory(projet=projet)
    ligne = f.LigneBudgetFactory(financement=financement)
    return [
        ("apprenant_update", apprenant),
        ("parcours_update", parcours),
        ("etape_update", f.EtapeFactory(parcours=parcours, organisation=organisation)),
        ("frein_update", f.FreinFactory(apprenant=apprenant)),
        ("sortie_update", f.SortieFactory(parcours=f.ParcoursFactory(apprenant=apprenant, cloture=True))),
        ("sessionformation_update", f.SessionFormationFactory(projet=projet, organisation=organisation)),
        ("organisation_update", organisation),
        ("contact_update", f.ContactFactory(organisation=organisation)),
        ("convention_update", f.ConventionFactory(projet=projet, parties=[organisation])),
        ("financement_update", financement),
        ("ligne_update", ligne),
        ("depense_update", f.DepenseFactory(ligne=ligne)),
        ("versement_update", f.VersementFactory(financement=financement)),
        ("benevolat_update", f.TempsBenevoleFactory(projet=projet)),
        ("partage_update", f.PartageValeurFactory(projet=projet, organisation=organisation)),
        ("recit_update", f.RecitFactory(projet=projet)),
        ("activite_update", f.ActiviteFactory(projet=projet)),
        ("copil_update", f.CopilFactory(projet=projet)),
    ]


def test_every_edit_page_saves_as_drawn_and_refuses_a_stale_version(equipe):
    """On every edit page the version drawn is the row's stored state (posting the page as drawn
    saves: no false conflict), and the check runs (a version of another state is refused)."""
    projet = equipe["projet"]
    for nom_url, objet in _pages_de_modification(projet):
        url = reverse(nom_url, args=[projet.pk, objet.pk])
        page = envoi(equipe["A"].get(url))
        assert page.get(concurrence.CHAMP_VERSION), nom_url
        reponse = equipe["A"].post(url, page)
        assert reponse.status_code == 302, (nom_url, reponse.context and reponse.context["form"].errors)
        page = envoi(equipe["A"].get(url))
        autre = "0" * 12 + page[concurrence.CHAMP_VERSION][12:]  # as if the first stored value had changed
        reponse = equipe["A"].post(url, {**page, concurrence.CHAMP_VERSION: autre})
        assert reponse.status_code == 200 and CONFLIT in _non_champ(reponse), nom_url


def test_a_post_without_the_version_is_saved_as_before(equipe):
    projet = equipe["projet"]
    organisation = f.OrganisationFactory(projet=projet, nom="Greta", commune="Aurillac")
    url = reverse("organisation_update", args=[projet.pk, organisation.pk])
    page = envoi(equipe["A"].get(url))
    del page[concurrence.CHAMP_VERSION]
    Organisation.objects.filter(pk=organisation.pk).update(notes="Changé")
    assert equipe["A"].post(url, {**page, "commune": "Mauriac"}).status_code == 302


def test_the_version_hides_values_the_role_cannot_read(equipe):
    """A keyed hash per value: two learners differing only by RQTH have different versions,
    and nothing in the page's version is the plain hash of a value."""
    projet = equipe["projet"]
    a = f.ApprenantFactory(projet=projet, rqth=True)
    v1 = concurrence.version(a)
    Apprenant.objects.filter(pk=a.pk).update(rqth=False)
    v2 = concurrence.version(Apprenant.objects.get(pk=a.pk))
    assert v1 != v2
    assert concurrence.champs_modifies(v1, Apprenant.objects.get(pk=a.pk)) == ["rqth"]


# ---------------------------------------------------------------- double submits


def _nombre(model):
    return model.objects.count()


def test_an_expense_posted_twice_makes_one_expense(equipe):
    projet = equipe["projet"]
    ligne = f.LigneBudgetFactory(financement__projet=projet)
    url = reverse("depense_create", args=[projet.pk, ligne.financement.pk])
    page = envoi(equipe["A"].get(url))
    assert page.get(concurrence.CHAMP_JETON)
    donnees = {**page, "ligne": ligne.pk, "date": "2025-03-04", "libelle": "Traiteur", "montant": "123,45"}

    premiere = equipe["A"].post(url, donnees)
    seconde = equipe["A"].post(url, donnees)

    assert Depense.objects.filter(libelle="Traiteur").count() == 1
    assert premiere.status_code == seconde.status_code == 302 and seconde.url == premiere.url
    suivie = equipe["A"].get(seconde.url)
    assert concurrence.DEJA_ENVOYE in [str(m) for m in suivie.context["messages"]]
    # a new page draws a new token: a second expense on purpose is made
    equipe["A"].post(url, {**envoi(equipe["A"].get(url)), **{k: v for k, v in donnees.items() if k != concurrence.CHAMP_JETON}})
    assert Depense.objects.filter(libelle="Traiteur").count() == 2


@pytest.mark.parametrize(
    "nom_url, model, remplir",
    [
        ("recit_create", Recit, lambda o: {"titre": "Un départ", "type": "temoignage", "date": "2025-04-02", "texte": "Bravo."}),
        ("apprenant_create", Apprenant, lambda o: {"reference": "ICI-9", "prenom": "Léa", "nom": "M", "situation_entree": "neet"}),
        ("benevolat_create", TempsBenevole, lambda o: {"date": "2025-03-01", "personne": "Jo", "activite": "Accueil", "heures": "3"}),
    ],
)
def test_create_forms_posted_twice_make_one_row(equipe, nom_url, model, remplir):
    projet = equipe["projet"]
    url = reverse(nom_url, args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), **remplir(projet)}
    avant = _nombre(model)
    premiere = equipe["A"].post(url, donnees)
    assert premiere.status_code == 302, premiere.context and premiere.context["form"].errors
    seconde = equipe["A"].post(url, donnees)
    assert _nombre(model) == avant + 1
    assert seconde.status_code == 302 and seconde.url == premiere.url


def test_volunteer_time_from_the_activity_page_posted_twice_makes_one_line(equipe):
    """The short form drawn on the activity's page carries its own token ({% jeton_envoi %})."""
    projet = equipe["projet"]
    activite = f.ActiviteFactory(projet=projet)
    page = envoi(equipe["A"].get(reverse("activite_detail", args=[projet.pk, activite.pk])), classe="temps-activite")
    assert page.get(concurrence.CHAMP_JETON)
    donnees = {**page, "personne": "Jo", "heures": "2"}
    url = reverse("activite_temps_create", args=[projet.pk, activite.pk])
    assert equipe["A"].post(url, donnees).status_code == 302
    assert equipe["A"].post(url, donnees).status_code == 302
    assert TempsBenevole.objects.filter(activites=activite).count() == 1


def test_a_second_post_arriving_while_the_first_is_saving_creates_nothing(equipe, monkeypatch):
    """The double click's two requests overlap: the second arrives inside the first's service.
    It waits for the first (here: not long enough) and says so; a third, later, leads to the
    row the first made."""
    projet = equipe["projet"]
    url = reverse("apprenant_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "reference": "ICI-7", "prenom": "Léa", "nom": "M", "situation_entree": "neet"}
    monkeypatch.setattr(concurrence, "ATTENTE_MAX", 0.3)
    original = services_parcours.enregistrer_apprenant
    pendant = []

    def enregistrer_avec_double_clic(**kwargs):
        pendant.append(equipe["A"].post(url, donnees))  # the second click, while the first saves
        return original(**kwargs)

    monkeypatch.setattr(services_parcours, "enregistrer_apprenant", enregistrer_avec_double_clic)
    premiere = equipe["A"].post(url, donnees)
    monkeypatch.setattr(services_parcours, "enregistrer_apprenant", original)

    assert premiere.status_code == 302
    (seconde,) = pendant
    assert seconde.status_code == 200 and concurrence.EN_COURS_MESSAGE in _non_champ(seconde)
    assert Apprenant.objects.filter(reference="ICI-7").count() == 1
    troisieme = equipe["A"].post(url, donnees)
    assert troisieme.status_code == 302 and troisieme.url == premiere.url


def test_a_token_is_one_users_on_one_page(equipe):
    """Another user (or another form) posting the same token is not taken for a repeat."""
    projet = equipe["projet"]
    url = reverse("recit_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "titre": "Un départ", "type": "temoignage", "date": "2025-04-02", "texte": "Bravo."}
    assert equipe["A"].post(url, donnees).status_code == 302
    assert equipe["B"].post(url, donnees).status_code == 302
    assert Recit.objects.filter(titre="Un départ").count() == 2


def test_a_refused_first_post_frees_the_token(equipe):
    projet = equipe["projet"]
    f.ApprenantFactory(projet=projet, reference="ICI-1")
    url = reverse("apprenant_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "reference": "ICI-1", "prenom": "Léa", "nom": "M", "situation_entree": "neet"}
    refus = equipe["A"].post(url, donnees)
    assert refus.status_code == 200 and envoi(refus)[concurrence.CHAMP_JETON] == donnees[concurrence.CHAMP_JETON]
    assert equipe["A"].post(url, {**envoi(refus), "reference": "ICI-2"}).status_code == 302
    assert Apprenant.objects.filter(reference="ICI-2").count() == 1


def test_a_service_refusal_frees_the_token(equipe, monkeypatch):
    """The service refuses (ValidationError) after the form passed: the token is freed."""
    from django.core.exceptions import ValidationError

    projet = equipe["projet"]
    url = reverse("recit_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "titre": "Un départ", "type": "temoignage", "date": "2025-04-02", "texte": "Bravo."}
    import recits.services as services_recits

    original = services_recits.enregistrer_recit

    def refuse(**kwargs):
        raise ValidationError({"titre": "Refusé par la règle."})

    monkeypatch.setattr(services_recits, "enregistrer_recit", refuse)
    assert equipe["A"].post(url, donnees).status_code == 200
    monkeypatch.setattr(services_recits, "enregistrer_recit", original)
    assert equipe["A"].post(url, donnees).status_code == 302
    assert Recit.objects.filter(titre="Un départ").count() == 1


def test_cache_down_the_form_is_saved_unguarded(equipe, monkeypatch, caplog):
    projet = equipe["projet"]
    url = reverse("recit_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "titre": "Un départ", "type": "temoignage", "date": "2025-04-02", "texte": "Bravo."}

    def panne(*args, **kwargs):
        raise ConnectionError("Redis injoignable")

    monkeypatch.setattr(cache, "add", panne)
    monkeypatch.setattr(cache, "set", panne)
    assert equipe["A"].post(url, donnees).status_code == 302
    assert Recit.objects.filter(titre="Un départ").count() == 1
    assert "Cache injoignable" in caplog.text


# ---------------------------------------------------------------- unique races


def test_two_learners_with_the_same_reference_at_once_give_the_message_not_a_500(equipe, monkeypatch):
    """B's learner ICI-001 is committed after A's form checked the reference and before A's
    insert (PostgreSQL, READ COMMITTED: the service's check read before B's commit): A's insert
    breaks the unique constraint; A gets the form's French message next to the field."""
    projet = equipe["projet"]
    url = reverse("apprenant_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "reference": "ICI-001", "prenom": "Léa", "nom": "M", "situation_entree": "neet"}
    clean = ApprenantForm.clean
    course = []

    def clean_puis_b_enregistre(form):
        data = clean(form)
        if not course:
            course.append(f.ApprenantFactory(projet=projet, reference="ICI-001", nom="de B"))
        return data

    monkeypatch.setattr(ApprenantForm, "clean", clean_puis_b_enregistre)
    monkeypatch.setattr(Apprenant, "validate_constraints", lambda self, exclude=None: None)  # checked before B's commit

    reponse = equipe["A"].post(url, donnees)

    assert reponse.status_code == 200
    assert _erreurs(reponse, "reference") == ["Cette référence est déjà utilisée dans ce projet."]
    assert list(Apprenant.objects.filter(projet=projet).values_list("nom", flat=True)) == ["de B"]


def test_a_unique_race_the_form_does_not_check_gets_the_constraints_message(equipe, monkeypatch):
    """When the form's own checks do not see it, the constraint's message, next to the field."""
    projet = equipe["projet"]
    url = reverse("organisation_create", args=[projet.pk])
    donnees = {**envoi(equipe["A"].get(url)), "nom": "Greta", "commune": "Aurillac", "type": "organisme_formation"}
    course = []

    def clean_puis_b_enregistre(form):
        data = ModelForm.clean(form)  # a form without its own check of the name
        if not course:
            course.append(f.OrganisationFactory(projet=projet, nom="Greta", commune="Aurillac"))
        return data

    monkeypatch.setattr(OrganisationForm, "clean", clean_puis_b_enregistre)
    monkeypatch.setattr(Organisation, "validate_constraints", lambda self, exclude=None: None)

    reponse = equipe["A"].post(url, donnees)

    assert reponse.status_code == 200
    assert _erreurs(reponse, "nom") == ["Un objet Organisation avec ces champs Projet, Nom et Commune existe déjà."]
    assert Organisation.objects.filter(projet=projet, nom="Greta").count() == 1


class _Diag:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def _erreur_postgresql(**diag):
    cause = Exception("duplicate key value")
    cause.diag = _Diag(**diag)
    erreur = IntegrityError("duplicate key value")
    erreur.__cause__ = cause
    return erreur


def test_constraint_found_from_what_each_database_says():
    sqlite = IntegrityError("UNIQUE constraint failed: parcours_apprenant.projet_id, parcours_apprenant.reference")
    violation = concurrence.contrainte_violee(sqlite)
    assert violation.model is Apprenant and violation.champs == ["projet", "reference"]

    violation = concurrence.contrainte_violee(IntegrityError("CHECK constraint failed: apprenant_consentement_date"))
    assert violation.message == "Indiquez la date du consentement."

    pg = _erreur_postgresql(constraint_name="organisation_siret_unique_par_projet", table_name="partenaires_organisation")
    assert concurrence.contrainte_violee(pg).champs == ["projet", "siret"]

    # a unique field (no named constraint of ours): from the key PostgreSQL names
    pg = _erreur_postgresql(
        constraint_name="conciergerie_projet_nom_key",
        table_name="conciergerie_projet",
        sqlstate="23505",
        message_detail="Key (nom)=(Icifornie) already exists.",
    )
    assert concurrence.contrainte_violee(pg).champs == ["nom"]

    assert concurrence.contrainte_violee(IntegrityError("FOREIGN KEY constraint failed")) is None


def test_an_integrity_error_that_is_no_constraint_of_ours_still_raises(equipe, monkeypatch):
    import recits.services as services_recits

    def casse(**kwargs):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(services_recits, "enregistrer_recit", casse)
    url = reverse("recit_create", args=[equipe["projet"].pk])
    donnees = {**envoi(equipe["A"].get(url)), "titre": "Un départ", "type": "temoignage", "date": "2025-04-02", "texte": "Bravo."}
    with pytest.raises(IntegrityError):
        equipe["A"].post(url, donnees)
