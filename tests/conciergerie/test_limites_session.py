"""A session ends after 2 h without activity or 12 h after login (conciergerie.limites_session),
both set from the environment; the login page says why."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from conciergerie import limites_session as ls
from tests import factories as f
from tests.conciergerie.test_settings import run_manage
from tests.connexion import se_connecter


@pytest.fixture
def coord(db, login):
    adhesion = f.AdhesionFactory(coordinateur=True)
    return {"client": login(adhesion.user), "projet": adhesion.projet, "user": adhesion.user}


def _reculer(client, **secondes):
    """Move the session's stored times back."""
    session = client.session
    for cle, delta in secondes.items():
        session[cle] -= delta
    session.save()


def _page(coord):
    return reverse("apprenant_list", args=[coord["projet"].pk])


def test_login_stores_its_time_and_the_activity(coord):
    session = coord["client"].session
    assert abs(session[ls.CONNEXION_LE] - time.time()) < 5
    assert session[ls.ACTIVITE_LE] == session[ls.CONNEXION_LE]


def test_the_default_limits_are_2_h_idle_and_12_h_in_all(settings):
    assert settings.SESSION_INACTIVITE_MAX == 2 * 3600
    assert settings.SESSION_DUREE_MAX == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600  # the cookie and the row never outlive a session


def test_idle_limit(coord):
    client, url = coord["client"], _page(coord)
    _reculer(client, connexion_le=2 * 3600 - 60, activite_le=2 * 3600 - 60)  # 1 h 59 without a request
    assert client.get(url).status_code == 200
    assert client.session[ls.ACTIVITE_LE] >= time.time() - 5  # the activity is noted again
    _reculer(client, activite_le=2 * 3600 + 1)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('connexion')}?next={url}"
    assert SESSION_KEY not in client.session  # logged out
    connexion = client.get(response.url)
    assert "Votre session a expiré après 2\u00a0h sans activité. Reconnectez-vous pour continuer." in connexion.content.decode()
    assert client.get(url).status_code == 302  # and stays out


def test_absolute_limit_even_when_active(coord):
    client, url = coord["client"], _page(coord)
    _reculer(client, connexion_le=12 * 3600 - 60)
    assert client.get(url).status_code == 200
    _reculer(client, connexion_le=61)  # 12 h 00 min 01 s after login, active a minute ago
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("connexion"))
    page = client.get(response.url, follow=True).content.decode()
    assert "Votre session a expiré : une connexion dure au plus 12\u00a0h. Reconnectez-vous pour continuer." in page


def test_a_session_without_times_is_closed(coord):
    session = coord["client"].session
    del session[ls.CONNEXION_LE], session[ls.ACTIVITE_LE]
    session.save()
    response = coord["client"].get(_page(coord))
    assert response.status_code == 302 and response.url.startswith(reverse("connexion"))


def test_an_htmx_request_sends_the_whole_page_to_the_login(coord):
    client, url = coord["client"], _page(coord)
    _reculer(client, activite_le=3 * 3600)
    response = client.get(url, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{url}?q=Nom"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('connexion')}?next=%2Fp%2F{coord['projet'].pk}%2Fapprenants%2F%3Fq%3DNom"
    assert SESSION_KEY not in client.session


def test_logging_in_again_starts_a_new_session(coord, client):
    _reculer(coord["client"], connexion_le=13 * 3600, activite_le=13 * 3600)
    assert coord["client"].get(_page(coord)).status_code == 302
    user = coord["user"]
    user.set_password("motdepasse")
    user.save()
    response = client.post(reverse("connexion"), {"username": user.username, "password": "motdepasse"})
    assert response.status_code == 302
    assert abs(client.session[ls.CONNEXION_LE] - time.time()) < 5
    assert client.get(_page(coord)).status_code == 200


@pytest.mark.parametrize(
    ("secondes", "texte"), [(7200, "2\u00a0h"), (1800, "30\u00a0min"), (5400, "1,5\u00a0h"), (43200, "12\u00a0h"), (300, "5\u00a0min")]
)
def test_durations_read_in_french(secondes, texte):
    assert ls.duree_lisible(secondes) == texte


def test_the_limits_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings; print(settings.SESSION_INACTIVITE_MAX, settings.SESSION_DUREE_MAX, settings.SESSION_COOKIE_AGE)"
    )
    env = {"DEBUG": "1", "VAR_DIR": str(tmp_path)}
    result = run_manage("shell", "--verbosity", "0", "-c", code, SESSION_INACTIVITE_MINUTES="30", SESSION_DUREE_MAX_HEURES="8", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1800", "28800", "28800"]
    refus = run_manage("check", SESSION_INACTIVITE_MINUTES="deux heures", **env)
    assert refus.returncode != 0
    assert "SESSION_INACTIVITE_MINUTES doit être un nombre entier de minutes supérieur à 0" in refus.stderr


# ---------------------------------------------------------------- a funder's session ends with the browser


def _connexion_par_le_formulaire(client, user):
    """Through the login page, as a person logs in (the signal's receivers run)."""
    response = se_connecter(client, user.username, "motdepasse")
    assert response.status_code == 302
    return response


def _cookie_de_session(response):
    from django.conf import settings

    return response.cookies[settings.SESSION_COOKIE_NAME]


@pytest.mark.django_db
def test_a_funder_s_session_ends_when_the_browser_closes(client):
    adhesion = f.AdhesionFactory(financeur=True)
    f.AdhesionFactory(financeur=True, user=adhesion.user)  # funder of two projects: still only a funder
    response = _connexion_par_le_formulaire(client, adhesion.user)
    cookie = _cookie_de_session(response)
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    # the absolute and idle limits still hold
    _reculer(client, connexion_le=12 * 3600 + 60)
    assert client.get(reverse("projet_accueil", args=[adhesion.projet_id])).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("autre_role", ["coordinateur", "partenaire"])
def test_a_funder_who_holds_another_role_keeps_a_dated_cookie(client, autre_role):
    adhesion = f.AdhesionFactory(financeur=True)
    f.AdhesionFactory(user=adhesion.user, **{autre_role: True})
    response = _connexion_par_le_formulaire(client, adhesion.user)
    cookie = _cookie_de_session(response)
    assert int(cookie["max-age"]) == 12 * 3600
    assert not client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_the_funder_rule_can_be_turned_off(client, settings):
    settings.SESSION_FINANCEUR_FERMETURE_NAVIGATEUR = False
    adhesion = f.AdhesionFactory(financeur=True)
    response = _connexion_par_le_formulaire(client, adhesion.user)
    assert int(_cookie_de_session(response)["max-age"]) == 12 * 3600


@pytest.mark.django_db
def test_only_active_memberships_count(client):
    """A former coordinator who is now only a funder gets the funder's session."""
    coordination = f.AdhesionFactory(coordinateur=True)
    f.AdhesionFactory(financeur=True, user=coordination.user)
    coordination.actif = False
    coordination.save()
    response = _connexion_par_le_formulaire(client, coordination.user)
    assert _cookie_de_session(response)["max-age"] == ""  # only the funder's membership is active
    assert ls.financeur_seulement(coordination.user)
    coordination.user.is_staff = True
    assert not ls.financeur_seulement(coordination.user)  # platform staff never are


def test_the_funder_rule_is_on_by_default(settings):
    assert settings.SESSION_FINANCEUR_FERMETURE_NAVIGATEUR is True
