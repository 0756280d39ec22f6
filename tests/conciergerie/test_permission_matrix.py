"""The permission matrix, written as data and checked by one parametrised test.

Each row: a view (URL name), the object it is opened on, and the expected status code for
each kind of user. The `monde` fixture (tests/conftest.py) gives project A with one member per
role, project B, and an outsider. Objects:

- "A" / "B": the project itself (project-level pages),
- "apprenant_suivi": a learner of A with a step at the partner's organisation,
- "apprenant_autre": a learner of A the partner does not follow,
- "apprenant_etranger": a learner of B, asked for through project A's URL;
- "compte": no project (the account's pages, for any logged-in user, the outsider included).

A non-member gets 404 (existence is not leaked), a member whose role forbids the page 403,
a partner asking for a learner it does not follow 404. Anonymous users go to the login page.
Every new view adds its rows: the core's here, an app's in ``tests/<app>/matrice.py`` which
defines ``MATRICE`` (rows) and ``CIBLES`` (target name -> function(monde) -> URL kwargs).
The few pages open without login (the login pages, the health checks) are rows of ``PUBLIQUES``;
a test fails if a view exempt from login is missing from it.
"""

import importlib

import pytest
from django.urls import reverse

from tests import factories as f
from tests.matrice_outils import ADM, COORD, FIN, OUT, PART, membres, tous  # noqa: F401


# URL kwargs for each kind of target
def cible(monde, nom):
    a, b = monde["A"], monde["B"]
    if nom == "compte":
        return {}
    if nom == "A":
        return {"projet_id": a.pk}
    if nom == "B":
        return {"projet_id": b.pk}
    if nom.startswith("apprenant_"):
        return {"projet_id": a.pk, "pk": monde[nom].pk}
    if nom in CIBLES_IMPORTS:
        return CIBLES_IMPORTS[nom](monde)
    for cibles in CIBLES_APPS:
        if nom in cibles:
            return cibles[nom](monde)
    raise KeyError(nom)


MATRICE_CORE = [
    # (url name, target, {user kind: status})
    ("projet_accueil", "A", membres(200)),
    ("projet_accueil", "B", tous(404)),
    ("apprenant_list", "A", membres(200, financeur=403)),
    ("apprenant_list", "B", tous(404)),
    ("apprenant_detail", "apprenant_suivi", membres(200, financeur=403)),
    ("apprenant_detail", "apprenant_autre", membres(200, partenaire=404, financeur=403)),
    ("apprenant_detail", "apprenant_etranger", membres(404, financeur=403)),
    # imports (conciergerie/views_imports.py): administrators and coordinators; confirming takes POST only
    ("imports", "A", membres(200, partenaire=403, financeur=403)),
    ("imports", "B", tous(404)),
    ("import_fichier", "import_a", membres(200, partenaire=403, financeur=403)),
    ("import_fichier", "import_b", tous(404)),
    ("import_fichier", "import_parcours_a", membres(200, partenaire=403, financeur=403)),
    ("import_fichier", "import_parcours_b", tous(404)),
    ("import_modele", "modele_parcours_a", membres(200, partenaire=403, financeur=403)),
    ("import_modele", "modele_a", membres(200, partenaire=403, financeur=403)),
    ("import_modele", "modele_b", tous(404)),
    ("import_confirmer", "import_a", membres(405, partenaire=403, financeur=403)),
    ("import_confirmer", "import_b", tous(404)),
    # a large import run by the worker: only whoever asked for it sees it
    ("import_suivi", "suivi_a", membres(200, coordinateur=404, partenaire=403, financeur=403)),
    ("import_suivi", "suivi_autre_admin", membres(404, partenaire=403, financeur=403)),
    ("import_suivi", "suivi_b", tous(404)),
    # the account (conciergerie/views_compte.py): any logged-in user, not tied to a project. The
    # administrator's session passed the second factor (the fixture), the others need none: the
    # code page sends everyone on (302); turning it off takes POST only
    ("compte", "compte", tous(200)),
    ("preferences", "compte", tous(200)),  # the morning digest on or off
    ("mot_de_passe_modifier", "compte", tous(200)),
    ("mot_de_passe_modifie", "compte", tous(200)),
    ("double_facteur_verifier", "compte", tous(302)),
    ("double_facteur_activer", "compte", tous(200)),
    ("double_facteur_desactiver", "compte", tous(405)),
    # the project's settings, closing and reopening it (conciergerie/views_membres.py):
    # administrators only; closing and reopening take POST only
    ("projet_modifier", "A", membres(200, coordinateur=403, partenaire=403, financeur=403)),
    ("projet_modifier", "B", tous(404)),
    ("projet_clore", "A", membres(405, coordinateur=403, partenaire=403, financeur=403)),
    ("projet_clore", "B", tous(404)),
    ("projet_rouvrir", "A", membres(405, coordinateur=403, partenaire=403, financeur=403)),
    ("projet_rouvrir", "B", tous(404)),
    # the members (membres.gerer): administrators only — a coordinator cannot manage them, a
    # partner sees no member list (not even its organisation's)
    ("membres", "A", membres(200, coordinateur=403, partenaire=403, financeur=403)),
    ("membres", "B", tous(404)),
    ("membre_inviter", "A", membres(200, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_inviter", "B", tous(404)),
    ("membre_modifier", "adhesion_a", membres(200, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_modifier", "adhesion_b", membres(404, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_retirer", "adhesion_a", membres(200, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_retirer", "adhesion_b", membres(404, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_renvoyer", "adhesion_a", membres(405, coordinateur=403, partenaire=403, financeur=403)),
    ("membre_renvoyer", "adhesion_b", membres(404, coordinateur=403, partenaire=403, financeur=403)),
    # a new project (partenaires/creation_projet.py): the platform permission, which no member
    # of the fixture has (tests/conciergerie/test_membres.py: with it, 200)
    ("projet_creer", "compte", tous(403)),
]

CIBLES_IMPORTS = {
    "import_a": lambda monde: {"projet_id": monde["A"].pk, "type": "apprenants"},
    "import_b": lambda monde: {"projet_id": monde["B"].pk, "type": "apprenants"},
    "import_parcours_a": lambda monde: {"projet_id": monde["A"].pk, "type": "parcours"},
    "import_parcours_b": lambda monde: {"projet_id": monde["B"].pk, "type": "parcours"},
    "modele_parcours_a": lambda monde: {"projet_id": monde["A"].pk, "type": "parcours", "format": "csv"},
    "modele_a": lambda monde: {"projet_id": monde["A"].pk, "type": "organisations", "format": "xlsx"},
    "modele_b": lambda monde: {"projet_id": monde["B"].pk, "type": "organisations", "format": "xlsx"},
    "suivi_a": lambda monde: _suivi(monde["A"], monde["users"]["administrateur"]),
    "suivi_autre_admin": lambda monde: _suivi(monde["A"], f.AdhesionFactory(projet=monde["A"], administrateur=True).user),
    "suivi_b": lambda monde: _suivi(monde["B"], monde["users"]["administrateur"]),
    # a membership of A (the coordinator's), one of B asked for through A's URL
    "adhesion_a": lambda monde: {"projet_id": monde["A"].pk, "pk": monde["adhesions"]["coordinateur"].pk},
    "adhesion_b": lambda monde: {"projet_id": monde["A"].pk, "pk": f.AdhesionFactory(projet=monde["B"]).pk},
}


def _suivi(projet, user) -> dict:
    from conciergerie.models import TraitementImport

    traitement = TraitementImport.objects.create(projet=projet, demande_par=user, type="apprenants", depot="x.csv", nom_fichier="a.csv")
    return {"projet_id": projet.pk, "type": "apprenants", "pk": traitement.pk}


APPS = ["partenaires", "parcours", "finances", "recits", "competences", "badges", "pilotage", "rgpd"]
MATRICE = list(MATRICE_CORE)
CIBLES_APPS = []
for _app in APPS:
    _module = importlib.import_module(f"tests.{_app}.matrice")
    MATRICE += _module.MATRICE
    CIBLES_APPS.append(_module.CIBLES)


@pytest.fixture
def monde(monde_du_module, db):
    """The ``monde`` of tests/conftest.py, created once for the module's 1 200 tests, which read it
    (what a test creates for its target is rolled back after it)."""
    return monde_du_module


def cas():
    for url_name, target, attendus in MATRICE:
        for qui, code in attendus.items():
            yield pytest.param(url_name, target, qui, code, id=f"{url_name}-{target}-{qui}")


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "target", "qui", "code"), list(cas()))
def test_permission_matrix(monde, login, url_name, target, qui, code):
    user = monde["outsider"] if qui == OUT else monde["users"][qui]
    url = reverse(url_name, kwargs=cible(monde, target))
    response = login(user).get(url)
    assert response.status_code == code, f"{qui} sur {url}"


#: the lists that download as CSV/xlsx (conciergerie/exports.py): the same URL with ``?format=``,
#: so the same codes as the page's rows of the matrix
LISTES_EXPORTEES = (
    "apprenant_list",
    "organisation_list",
    "sessionformation_list",
    "parcours_list",
    "etape_list",
    "depense_list",
    "benevolat_list",
)


def cas_exports():
    for url_name, target, attendus in MATRICE:
        if url_name in LISTES_EXPORTEES:
            for qui, code in attendus.items():
                for format_ in ("csv", "xlsx"):
                    yield pytest.param(url_name, target, qui, code, format_, id=f"{url_name}-{target}-{qui}-{format_}")


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "target", "qui", "code", "format_"), list(cas_exports()))
def test_list_exports_matrix(monde, login, url_name, target, qui, code, format_):
    user = monde["outsider"] if qui == OUT else monde["users"][qui]
    url = reverse(url_name, kwargs=cible(monde, target))
    response = login(user).get(url, {"format": format_})
    assert response.status_code == code, f"{qui} sur {url}?format={format_}"
    if code == 200:
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "target"), sorted({(u, t) for u, t, _ in MATRICE}))
def test_anonymous_goes_to_login(monde, client, url_name, target):
    url = reverse(url_name, kwargs=cible(monde, target))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("connexion"))


# Pages open to everyone, logged in or not (views marked @login_not_required, which
# LoginRequiredMiddleware lets through): (url name, {user kind or "anonyme": status}). A logged-in
# user asking for the login page is sent home.
ANONYME = "anonyme"
PUBLIQUES = [
    ("connexion", {ANONYME: 200, **tous(302)}),
    ("admin:login", {ANONYME: 200, **tous(200)}),  # none of them is staff: the admin's login form
    ("protection_donnees", {ANONYME: 200, **tous(200)}),  # the privacy notice (footer of every page)
    ("accessibilite", {ANONYME: 200, **tous(200)}),  # the accessibility statement (footer of every page)
    ("sante", {ANONYME: 200, **tous(200)}),  # liveness
    ("sante_pret", {ANONYME: 200, **tous(200)}),  # readiness (conciergerie/sante.py)
    # forgotten password (Django's views): the form, "sent", a link (here a wrong one: the page
    # says it cannot be used), done
    ("password_reset", {ANONYME: 200, **tous(200)}),
    ("password_reset_done", {ANONYME: 200, **tous(200)}),
    ("password_reset_confirm", {ANONYME: 200, **tous(200)}),
    ("password_reset_complete", {ANONYME: 200, **tous(200)}),
    # an invitation's link (conciergerie/membres.py): an unknown one says what to do, 404
    ("invitation", {ANONYME: 404, **tous(404)}),
    # a user's iCal feed of séances (parcours/views_seances.py): a wrong token, 404
    ("calendrier_ical", {ANONYME: 404, **tous(404)}),
]
#: URL kwargs of the public pages that take some
PUBLIQUES_KWARGS = {
    "password_reset_confirm": {"uidb64": "MQ", "token": "abc-123"},
    "invitation": {"jeton": "lien-invente"},
    "calendrier_ical": {"user_id": 1, "jeton": "0" * 32},
}
# an app's public pages: ``PUBLIQUES`` and ``PUBLIQUES_KWARGS`` of its tests/<app>/matrice.py
for _app in APPS:
    _module = importlib.import_module(f"tests.{_app}.matrice")
    PUBLIQUES += getattr(_module, "PUBLIQUES", [])
    PUBLIQUES_KWARGS.update(getattr(_module, "PUBLIQUES_KWARGS", {}))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "qui", "code"),
    [pytest.param(u, qui, code, id=f"{u}-{qui}") for u, attendus in PUBLIQUES for qui, code in attendus.items()],
)
def test_public_pages(monde, client, login, settings, url_name, qui, code):
    settings.REDIS_URL = ""  # readiness checks Redis only where one is used
    url = reverse(url_name, kwargs=PUBLIQUES_KWARGS.get(url_name))
    if qui == ANONYME:
        response = client.get(url)
    else:
        user = monde["outsider"] if qui == OUT else monde["users"][qui]
        response = login(user).get(url)
    assert response.status_code == code, f"{qui} sur {url_name}"


def test_every_public_url_is_in_the_matrix():
    """A view exempt from login (@login_not_required) that no row of PUBLIQUES mentions is a page
    anybody can open that nobody checked."""
    from django.urls import get_resolver

    noms = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif getattr(p.callback, "login_required", True) is False:
                noms.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    assert noms == {u for u, _ in PUBLIQUES}, "pages publiques absentes de la matrice des permissions"


def test_every_project_url_is_in_the_matrix():
    """A URL under /p/<projet_id>/, /synthese/ (the roll-up and the bilans spanning several
    projects) or /compte/ (the account's pages) that no row mentions is a view nobody checked."""
    from django.urls import get_resolver

    noms = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.startswith(("p/<int:projet_id>/", "synthese/", "compte/")) and p.name:
                noms.add(p.name)

    walk(get_resolver().url_patterns)
    couverts = {u for u, _, _ in MATRICE}
    assert noms - couverts == set(), "vues absentes de la matrice des permissions"
