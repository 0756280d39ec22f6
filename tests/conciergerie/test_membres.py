"""Self-service (issue 16): a project created from the application, its members invited,
their roles changed and removed (the last administrator stays), the invitation links (expiry,
reuse, forgery, another project), the forgotten password (no account enumeration), and a closed
project that refuses every write of every app."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conciergerie import membres
from conciergerie.concurrence import CHAMP_VERSION
from conciergerie.formats import date_heure
from conciergerie.models import Adhesion, Invitation, Projet
from conciergerie.roles import MESSAGE_CLOS, Role
from partenaires.models import MembreConsortium, Organisation, RoleConsortium
from tests import factories as f
from tests.connexion import marquer_verifie, se_connecter

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "Une-phrase-de-passe-solide-42"


@pytest.fixture
def admin(db):
    return f.AdhesionFactory(administrateur=True, user__email="admin@exemple.test")


@pytest.fixture
def envoyer(django_capture_on_commit_callbacks):
    """Run the mails a service queues for after the commit (the test's transaction never commits)."""

    def _envoyer(fonction, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fonction(**kwargs)

    return _envoyer


def _lien(message) -> str:
    return re.search(r"https?://\S+/invitation/(\S+)/", message.body).group(1)


def _inviter(envoyer, admin, email="nouvelle@exemple.test", role=Role.COORDINATEUR, **kwargs):
    mail.outbox.clear()
    adhesion, nouveau = envoyer(membres.inviter, by=admin.user, projet=admin.projet, email=email, role=role, **kwargs)
    return adhesion, nouveau, (_lien(mail.outbox[-1]) if nouveau else None)


# ---------------------------------------------------------------- invitations


def test_an_invitation_creates_the_account_and_its_link_sets_the_password_once(client, admin, envoyer):
    adhesion, nouveau, jeton = _inviter(envoyer, admin, prenom="Inès", nom="Durand")
    assert nouveau and adhesion.role == Role.COORDINATEUR and adhesion.projet == admin.projet
    user = adhesion.user
    assert user.email == "nouvelle@exemple.test" and not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["nouvelle@exemple.test"] and "7 jours" in message.body
    # only the token's hash is stored
    assert not Invitation.objects.filter(jeton_hash=jeton).exists()
    assert Invitation.objects.get(user=user).jeton_hash == membres.empreinte(jeton)

    url = reverse("invitation", args=[jeton])
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"mot_de_passe1": MOT_DE_PASSE, "mot_de_passe2": MOT_DE_PASSE})
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))
    user.refresh_from_db()
    assert user.check_password(MOT_DE_PASSE)

    # the same link again: a French page that says what to do; the password is unchanged
    deuxieme = client.post(url, {"mot_de_passe1": "Autre-phrase-de-passe-99", "mot_de_passe2": "Autre-phrase-de-passe-99"})
    assert deuxieme.status_code == 410
    assert "a déjà servi" in deuxieme.content.decode()
    user.refresh_from_db()
    assert user.check_password(MOT_DE_PASSE)
    assert se_connecter(client, user.username, MOT_DE_PASSE).status_code == 302


def test_a_weak_password_is_refused_and_the_link_stays_valid(client, admin, envoyer):
    _, _, jeton = _inviter(envoyer, admin)
    url = reverse("invitation", args=[jeton])
    reponse = client.post(url, {"mot_de_passe1": "123", "mot_de_passe2": "123"})
    assert reponse.status_code == 200 and "mot_de_passe1" in reponse.context["form"].errors
    assert Invitation.objects.get().utilisee_le is None


def test_an_expired_link_says_to_ask_for_a_new_one(client, admin, envoyer, monkeypatch):
    _, _, jeton = _inviter(envoyer, admin)
    url = reverse("invitation", args=[jeton])
    maintenant = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: maintenant + timedelta(days=6, hours=23))
    assert client.get(url).status_code == 200  # still valid on the 7th day
    monkeypatch.setattr(timezone, "now", lambda: maintenant + timedelta(days=7, minutes=1))
    reponse = client.post(url, {"mot_de_passe1": MOT_DE_PASSE, "mot_de_passe2": MOT_DE_PASSE})
    assert reponse.status_code == 410
    assert "a expiré" in reponse.content.decode()
    assert not Adhesion.objects.get(projet=admin.projet, role=Role.COORDINATEUR).user.has_usable_password()


@pytest.mark.parametrize("falsifier", [lambda j: j[:-1] + ("A" if j[-1] != "A" else "B"), lambda j: "lien-invente", lambda j: j + "x"])
def test_a_forged_link_is_refused(client, admin, envoyer, falsifier):
    _, _, jeton = _inviter(envoyer, admin)
    reponse = client.post(reverse("invitation", args=[falsifier(jeton)]), {"mot_de_passe1": MOT_DE_PASSE, "mot_de_passe2": MOT_DE_PASSE})
    assert reponse.status_code == 404
    assert "n'est pas reconnu" in reponse.content.decode()
    assert not Invitation.objects.filter(utilisee_le__isnull=False).exists()


def test_resending_replaces_the_previous_link(client, admin, envoyer):
    adhesion, _, ancien = _inviter(envoyer, admin)
    mail.outbox.clear()
    envoyer(membres.renvoyer_invitation, by=admin.user, adhesion=adhesion)
    nouveau = _lien(mail.outbox[-1])
    assert nouveau != ancien
    reponse = client.get(reverse("invitation", args=[ancien]))
    assert reponse.status_code == 410 and "plus récente" in reponse.content.decode()
    assert client.get(reverse("invitation", args=[nouveau])).status_code == 200


def test_resend_through_the_page(admin, envoyer, login, django_capture_on_commit_callbacks):
    adhesion, _, _ = _inviter(envoyer, admin)
    client = login(admin.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("membre_renvoyer", args=[admin.projet.pk, adhesion.pk]), follow=True)
    assert "Un nouveau lien a été envoyé" in reponse.content.decode()
    assert len(mail.outbox) == 1 and Invitation.objects.filter(user=adhesion.user).count() == 2


def test_cross_project_an_invitation_gives_its_project_only(client, admin, envoyer, login):
    """The link of project A makes a member of A only; an administrator of B can neither see
    nor resend it (404 through B's URLs); A's administrator cannot act on B's members."""
    adhesion, _, jeton = _inviter(envoyer, admin)
    autre = f.AdhesionFactory(administrateur=True)
    client_b = login(autre.user)
    assert client_b.post(reverse("membre_renvoyer", args=[autre.projet.pk, adhesion.pk])).status_code == 404
    assert client_b.get(reverse("membre_modifier", args=[autre.projet.pk, adhesion.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        membres.renvoyer_invitation(by=autre.user, adhesion=adhesion)
    with pytest.raises(PermissionDenied):
        membres.changer_role(by=autre.user, adhesion=adhesion, role=Role.ADMINISTRATEUR)

    client.post(reverse("invitation", args=[jeton]), {"mot_de_passe1": MOT_DE_PASSE, "mot_de_passe2": MOT_DE_PASSE})
    user = adhesion.user
    assert list(Adhesion.objects.filter(user=user).values_list("projet_id", flat=True)) == [admin.projet.pk]
    se_connecter(client, user.username, MOT_DE_PASSE)
    assert client.get(reverse("projet_accueil", args=[admin.projet.pk])).status_code == 200
    assert client.get(reverse("projet_accueil", args=[autre.projet.pk])).status_code == 404


def test_a_removed_member_link_no_longer_works(client, admin, envoyer):
    adhesion, _, jeton = _inviter(envoyer, admin)
    membres.retirer(by=admin.user, adhesion=adhesion)
    assert client.get(reverse("invitation", args=[jeton])).status_code == 410


def test_an_existing_account_is_added_without_a_new_password(admin, envoyer):
    existant = f.AdhesionFactory(user__email="Deja@Exemple.test")  # a member of another project
    user = existant.user
    adhesion, nouveau, _ = _inviter(envoyer, admin, email="deja@exemple.test")
    assert not nouveau and adhesion.user == user
    user.refresh_from_db()
    assert user.check_password("motdepasse")
    assert not Invitation.objects.exists()
    (message,) = mail.outbox
    assert "ajouté au projet" in message.body and "/invitation/" not in message.body


def test_an_email_already_member_gets_a_message_and_no_second_membership(admin, envoyer, login):
    _inviter(envoyer, admin, email="membre@exemple.test")
    with pytest.raises(ValidationError) as refus:
        _inviter(envoyer, admin, email="MEMBRE@exemple.test", role=Role.ADMINISTRATEUR)
    assert membres.DEJA_MEMBRE in refus.value.messages
    client = login(admin.user)
    reponse = client.post(
        reverse("membre_inviter", args=[admin.projet.pk]),
        {"email": "membre@exemple.test", "role": Role.COORDINATEUR, "jeton": "x"},
    )
    assert reponse.status_code == 200 and "déjà celle d" in reponse.content.decode()
    assert Adhesion.objects.filter(projet=admin.projet, user__email="membre@exemple.test").count() == 1


def test_a_partner_needs_an_organisation_of_the_project(admin, envoyer):
    with pytest.raises(ValidationError) as refus:
        _inviter(envoyer, admin, role=Role.PARTENAIRE)
    assert membres.ORGANISATION_REQUISE in refus.value.messages
    ailleurs = f.OrganisationFactory()
    with pytest.raises(ValidationError):
        _inviter(envoyer, admin, role=Role.PARTENAIRE, organisation=ailleurs)
    org = f.OrganisationFactory(projet=admin.projet)
    adhesion, _, _ = _inviter(envoyer, admin, role=Role.PARTENAIRE, organisation=org)
    assert adhesion.organisation == org
    assert not Adhesion.objects.filter(user__email="nouvelle@exemple.test").exclude(pk=adhesion.pk).exists()


def test_invite_through_the_page(admin, login, django_capture_on_commit_callbacks):
    client = login(admin.user)
    assert client.get(reverse("membre_inviter", args=[admin.projet.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("membre_inviter", args=[admin.projet.pk]),
            {"prenom": "Léa", "nom": "Martin", "email": "lea@exemple.test", "role": Role.COORDINATEUR, "jeton": "t1"},
            follow=True,
        )
    page = reponse.content.decode()
    assert "Invitation envoyée à lea@exemple.test" in page and "Invitation en attente" in page
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- roles, removal, history


def test_the_last_administrator_can_be_neither_demoted_nor_removed(admin, login):
    with pytest.raises(ValidationError) as refus:
        membres.changer_role(by=admin.user, adhesion=admin, role=Role.COORDINATEUR)
    assert membres.DERNIER_ADMINISTRATEUR in refus.value.messages
    with pytest.raises(ValidationError):
        membres.retirer(by=admin.user, adhesion=admin)
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATEUR

    client = login(admin.user)
    reponse = client.post(reverse("membre_modifier", args=[admin.projet.pk, admin.pk]), {"role": Role.COORDINATEUR})
    assert reponse.status_code == 200 and "au moins un administrateur" in reponse.content.decode()
    reponse = client.post(reverse("membre_retirer", args=[admin.projet.pk, admin.pk]))
    assert reponse.status_code == 200 and "au moins un administrateur" in reponse.content.decode()
    assert Adhesion.objects.filter(pk=admin.pk, role=Role.ADMINISTRATEUR).exists()


def test_with_a_second_administrator_the_first_can_step_down_and_every_change_is_in_the_history(admin, login):
    second = f.AdhesionFactory(projet=admin.projet, administrateur=True)
    autre_projet = f.AdhesionFactory(user=admin.user)  # the account's other project
    pk = admin.pk
    membres.changer_role(by=second.user, adhesion=admin, role=Role.COORDINATEUR)
    membres.retirer(by=second.user, adhesion=admin)
    assert not Adhesion.objects.filter(pk=pk).exists()
    assert Adhesion.objects.filter(pk=autre_projet.pk).exists()  # the account stays, with its other projects
    historique = list(Adhesion.history.filter(id=pk).order_by("history_date"))
    assert [h.history_type for h in historique] == ["+", "~", "-"]
    assert historique[1].role == Role.COORDINATEUR and historique[1].history_user == second.user
    assert historique[2].history_user == second.user
    page = login(second.user).get(reverse("membres", args=[admin.projet.pk])).content.decode()
    assert "retiré" in page


def test_member_list_shows_role_organisation_and_last_login(admin, login):
    partenaire = f.AdhesionFactory(projet=admin.projet, partenaire=True)
    partenaire.user.last_login = timezone.now()
    partenaire.user.save()
    page = login(admin.user).get(reverse("membres", args=[admin.projet.pk])).content.decode()
    assert partenaire.organisation.nom in page and "Partenaire" in page
    assert date_heure(partenaire.user.last_login) in page


def test_a_coordinator_cannot_manage_members(admin):
    coord = f.AdhesionFactory(projet=admin.projet, coordinateur=True)
    with pytest.raises(PermissionDenied):
        membres.inviter(by=coord.user, projet=admin.projet, email="x@exemple.test", role=Role.ADMINISTRATEUR)
    with pytest.raises(PermissionDenied):
        membres.changer_role(by=coord.user, adhesion=coord, role=Role.ADMINISTRATEUR)
    assert not Adhesion.objects.filter(user__email="x@exemple.test").exists()


# ---------------------------------------------------------------- forgotten password


def test_password_reset_does_not_reveal_whether_an_email_exists(client):
    f.UserFactory(email="connu@exemple.test")
    connu = client.post(reverse("password_reset"), {"email": "connu@exemple.test"})
    inconnu = client.post(reverse("password_reset"), {"email": "inconnu@exemple.test"})
    assert connu.status_code == inconnu.status_code == 302
    assert connu.url == inconnu.url == reverse("password_reset_done")

    def principal(reponse):  # the page's text (the CSP nonce differs from one response to the next)
        return re.search(r"<main.*</main>", reponse.content.decode(), re.S).group(0)

    assert principal(client.get(connu.url)) == principal(client.get(inconnu.url))
    assert [m.to for m in mail.outbox] == [["connu@exemple.test"]]


def test_password_reset_link_sets_a_new_password(client):
    user = f.UserFactory(email="connu@exemple.test")
    client.post(reverse("password_reset"), {"email": "connu@exemple.test"})
    (message,) = mail.outbox
    assert "mot de passe" in message.subject
    lien = re.search(r"https?://[^/\s]+(/mot-de-passe-oublie/\S+/)", message.body).group(1)
    reponse = client.get(lien, follow=True)
    assert reponse.status_code == 200 and reponse.context["validlink"]
    reponse = client.post(reponse.redirect_chain[-1][0], {"new_password1": MOT_DE_PASSE, "new_password2": MOT_DE_PASSE})
    assert reponse.status_code == 302
    user.refresh_from_db()
    assert user.check_password(MOT_DE_PASSE)


def test_the_login_page_links_the_forgotten_password(client):
    assert reverse("password_reset") in client.get(reverse("connexion")).content.decode()


# ---------------------------------------------------------------- the project


def test_a_platform_user_creates_a_project_and_becomes_its_administrator(login):
    user = f.UserFactory()
    client = login(user)
    assert client.get(reverse("projet_creer")).status_code == 403
    assert reverse("projet_creer") not in client.get(reverse("mes_projets")).content.decode()
    user.user_permissions.add(Permission.objects.get(codename="creer_projet"))
    client = login(type(user).objects.get(pk=user.pk))
    assert reverse("projet_creer") in client.get(reverse("mes_projets")).content.decode()
    donnees = {
        "nom": "Conciergerie des Coteaux",
        "territoire": "Chalosse",
        "date_debut": "2025-01-01",
        "date_fin": "2027-12-31",
        "chef_de_file_nom": "Tiers-lieu des Coteaux",
        "chef_de_file_type": "tiers_lieu",
    }
    reponse = client.post(reverse("projet_creer"), donnees)
    projet = Projet.objects.get(nom="Conciergerie des Coteaux")
    # now an administrator of a project: the second factor is asked from the next page on
    assert client.get(reponse.url).url.startswith(reverse("double_facteur_activer"))
    marquer_verifie(client, user)
    assert reponse.status_code == 302 and reponse.url == reverse("membres", args=[projet.pk])
    assert Adhesion.objects.get(projet=projet).user == user and Adhesion.objects.get(projet=projet).role == Role.ADMINISTRATEUR
    chef = MembreConsortium.objects.get(projet=projet)
    assert chef.role == RoleConsortium.CHEF_DE_FILE and chef.organisation.nom == "Tiers-lieu des Coteaux"
    # the same name again: a message, nothing created
    reponse = client.post(reverse("projet_creer"), {**donnees, "nom": "conciergerie des coteaux"})
    assert reponse.status_code == 200 and "déjà ce nom" in reponse.content.decode()
    assert Projet.objects.count() == 1 and Organisation.objects.count() == 1


def test_project_dates_are_checked(login):
    user = f.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="creer_projet"))
    reponse = login(user).post(
        reverse("projet_creer"),
        {"nom": "P", "date_debut": "2025-01-01", "date_fin": "2024-01-01", "chef_de_file_nom": "X", "chef_de_file_type": "association"},
    )
    assert reponse.status_code == 200 and "La fin du projet doit suivre son début." in reponse.content.decode()
    assert not Projet.objects.exists()


def test_an_administrator_edits_the_project(admin, login):
    client = login(admin.user)
    url = reverse("projet_modifier", args=[admin.projet.pk])
    form = client.get(url).context["form"]
    donnees = {k: v for k, v in form.initial.items() if v is not None}
    donnees.update(territoire="Tursan", date_debut="2024-09-01", taux_horaire_benevolat="16,5", jeton="x")
    donnees[CHAMP_VERSION] = client.get(url).context["view"].version_affichee
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.context["form"].errors
    admin.projet.refresh_from_db()
    assert admin.projet.territoire == "Tursan"


@pytest.fixture
def clos(monde, login):
    """Project A closed by its administrator through the page."""
    a = monde["A"]
    client = login(monde["users"]["administrateur"])
    assert client.post(reverse("projet_clore", args=[a.pk])).status_code == 302
    a.refresh_from_db()
    assert a.cloture_le is not None
    return monde


def test_a_closed_project_refuses_the_writes_of_every_app(clos, login):
    a = clos["A"]
    coord = login(clos["users"]["coordinateur"])
    ecritures = [
        ("apprenant_create", {"reference": "X-1", "nom": "Test", "prenom": "T"}),
        ("organisation_create", {"nom": "Nouvelle", "type": "association"}),
        ("benevolat_create", {"date": "2025-01-10", "personne": "Bénévole", "heures": "2"}),
        ("activite_create", {"type": "atelier", "intitule": "Atelier", "date": "2025-01-10"}),
        ("recit_create", {"titre": "Récit", "type": "temoignage"}),
    ]
    avant = Organisation.objects.count()
    for nom, donnees in ecritures:
        url = reverse(nom, args=[a.pk])
        assert coord.get(url).status_code == 403, nom
        reponse = coord.post(url, donnees)
        assert reponse.status_code == 403, nom
        assert MESSAGE_CLOS in reponse.content.decode()
    assert Organisation.objects.count() == avant
    # an administrator too, and through the imports
    admin = login(clos["users"]["administrateur"])
    assert admin.get(reverse("imports", args=[a.pk])).status_code == 403
    # a service called directly (no view in between) refuses too
    from partenaires import services as services_partenaires

    with pytest.raises(PermissionDenied):
        services_partenaires.enregistrer_organisation(
            organisation=Organisation(projet=a, nom="Z", type="association"), by=clos["users"]["coordinateur"]
        )
    # reading still works, with the banner
    page = coord.get(reverse("apprenant_list", args=[a.pk]))
    assert page.status_code == 200 and "Ce projet est clos" in page.content.decode()


def test_a_reopened_project_takes_writes_again(clos, login):
    a = clos["A"]
    admin = login(clos["users"]["administrateur"])
    assert admin.post(reverse("projet_rouvrir", args=[a.pk])).status_code == 302
    a.refresh_from_db()
    assert a.cloture_le is None
    coord = login(clos["users"]["coordinateur"])
    assert coord.get(reverse("organisation_create", args=[a.pk])).status_code == 200
    assert [h.cloture_le is None for h in a.history.order_by("history_date")][-2:] == [False, True]


def test_only_an_administrator_closes_a_project(monde, login):
    a = monde["A"]
    assert login(monde["users"]["coordinateur"]).post(reverse("projet_clore", args=[a.pk])).status_code == 403
    a.refresh_from_db()
    assert a.cloture_le is None


# ---------------------------------------------------------------- e-mail settings


@pytest.mark.parametrize(
    ("url", "attendu"),
    [
        (
            "smtp+tls://alerte%40exemple.org:mot%2Fde%3Apasse@smtp.exemple.org:587",
            {
                "EMAIL_HOST": "smtp.exemple.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "alerte@exemple.org",
                "EMAIL_HOST_PASSWORD": "mot/de:passe",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://u:p@smtp.exemple.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
        ("smtp://relais.local", {"EMAIL_HOST": "relais.local", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "", "EMAIL_USE_TLS": False}),
        ("smtp://relais.local:2525?tls=1", {"EMAIL_PORT": 2525, "EMAIL_USE_TLS": True}),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ],
)
def test_email_url_gives_the_smtp_settings(url, attendu):
    from conciergerie.settings import email_depuis_url

    valeurs = email_depuis_url(url)
    assert {k: valeurs[k] for k in attendu} == attendu


def test_an_unknown_email_url_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from conciergerie.settings import email_depuis_url

    with pytest.raises(ImproperlyConfigured, match="schéma"):
        email_depuis_url("http://smtp.exemple.org")


def test_email_settings_in_the_two_modes():
    """The embedded mode prints e-mails in the console; the real one sends them by SMTP, with
    EMAIL_URL read (a subprocess: the settings are read once per process)."""
    from tests.conciergerie.test_settings import CLE_SOLIDE, run_manage

    lire = ["shell", "-c", "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"]
    console = run_manage(*lire, DEBUG="1")
    assert console.returncode == 0, console.stderr
    assert "console.EmailBackend" in console.stdout
    smtp = run_manage(*lire, DEBUG="0", SECRET_KEY=CLE_SOLIDE, ALLOWED_HOSTS="x.test", EMAIL_URL="smtp+tls://u:p@smtp.exemple.org:587")
    assert smtp.returncode == 0, smtp.stderr
    assert smtp.stdout.split()[-4:] == ["django.core.mail.backends.smtp.EmailBackend", "smtp.exemple.org", "587", "True"]
