"""Settings come from the environment and fail closed: DEBUG is off unless set, and then the app
refuses to start without a real secret."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CLE_SOLIDE = "k8#Zq2v!pR7wL0sX4mN9bT3yH6jD1fG5cV8eA2uQ7iO0-prod-like-secret-0123456789"
#: what the caller's shell may export that would change what these subprocesses see
VARIABLES_DU_TEST = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ALLOWED_HOSTS"}


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in VARIABLES_DU_TEST and not k.startswith("SECURE_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def valeurs_env_example() -> dict[str, str]:
    """The variables .env.example sets (KEY=value lines), as docker compose reads the .env made from it."""
    valeurs = {}
    for ligne in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if ligne.strip() and not ligne.lstrip().startswith("#"):
            cle, _, valeur = ligne.partition("=")
            valeurs[cle.strip()] = valeur.strip()
    return valeurs


def environnement_compose(service: str, shell: dict[str, str]) -> dict[str, str]:
    """The environment docker compose gives ``service`` after `cp .env.example .env`: the
    ``env_file`` (.env), overridden by ``environment:``, whose ``${VAR}``, ``${VAR:-défaut}`` and
    ``${VAR:?message}`` read the shell first, then .env (compose's rules)."""
    fichier_env = valeurs_env_example()
    sources = {**fichier_env, **shell}

    def substituer(valeur: str) -> str:
        def un(m):
            nom, op, reste = m.group(1), m.group(2), m.group(3)
            if op == ":-":
                return sources.get(nom) or reste
            if op == ":?":
                assert sources.get(nom), f"docker compose refuserait : {reste}"
            return sources.get(nom, "")

        return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", un, str(valeur)).replace("$$", "$")

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    definition = compose["services"][service]
    assert definition["env_file"] == ".env"
    return {**fichier_env, **{cle: substituer(valeur) for cle, valeur in definition["environment"].items()}}


def test_check_deploy_passes_with_production_variables(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k8#Zq2v!pR7wL0sX4mN9bT3yH6jD1fG5cV8eA2uQ7iO0-prod-like-secret-0123456789",
        ALLOWED_HOSTS="conciergerie.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_with_the_environment_docker_compose_gives(tmp_path):
    """The web container's environment, as `cp .env.example .env` then `docker compose up` with a
    real key and host make it: `check --deploy` warns about nothing."""
    env = environnement_compose("web", {"SECRET_KEY": CLE_SOLIDE, "ALLOWED_HOSTS": "conciergerie.example.org"})
    assert env["DEBUG"] == "0"
    assert env["ALLOWED_HOSTS"] == "conciergerie.example.org,localhost"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_example_file_copied_as_is_does_not_start(tmp_path):
    """`cp .env.example .env` and nothing else: compose finds a SECRET_KEY (the placeholder), the app
    refuses it."""
    env = environnement_compose("web", {})
    assert env["SECRET_KEY"] == valeurs_env_example()["SECRET_KEY"]
    result = run_manage("check", VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "SECRET_KEY est encore celle d'exemple de .env.example" in result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="x.org", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr
    assert "get_random_secret_key" in result.stderr  # says how to make one


def test_the_migrations_check_runs_on_a_bare_shell_and_other_commands_say_why_they_refuse(tmp_path):
    """``makemigrations --check`` reads the models only: without SECRET_KEY nor DEBUG it runs (with
    a random key of its own), instead of Django's « Models aren't loaded yet »; a command that
    needs the key is refused with the settings' French message."""
    verification = run_manage("makemigrations", "--check", "--dry-run", VAR_DIR=str(tmp_path))
    assert verification.returncode == 0, verification.stderr
    assert "No changes detected" in verification.stdout
    refus = run_manage("migrate", VAR_DIR=str(tmp_path))
    assert refus.returncode == 1
    assert refus.stderr.startswith("ImproperlyConfigured: SECRET_KEY est obligatoire")
    assert "AppRegistryNotReady" not in refus.stderr


def test_debug_is_off_when_the_variable_is_missing(tmp_path):
    sans_cle = run_manage("check", ALLOWED_HOSTS="x.org", VAR_DIR=str(tmp_path))
    assert sans_cle.returncode != 0
    assert "SECRET_KEY est obligatoire" in sans_cle.stderr
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)"
    avec_cle = run_manage("shell", "--verbosity", "0", "-c", code, SECRET_KEY=CLE_SOLIDE, ALLOWED_HOSTS="x.org", VAR_DIR=str(tmp_path))
    assert avec_cle.returncode == 0, avec_cle.stderr
    assert avec_cle.stdout.split() == ["False", "True", "True"]
    activee = run_manage("shell", "--verbosity", "0", "-c", code, DEBUG="1", VAR_DIR=str(tmp_path))
    assert activee.returncode == 0, activee.stderr
    assert activee.stdout.split()[0] == "True"


def test_the_example_key_is_refused(tmp_path):
    from django.conf import settings

    cle = valeurs_env_example()["SECRET_KEY"]
    assert cle == settings.SECRET_KEY_EXEMPLE
    assert len(cle) >= 50  # refused as the example's, not for its length
    result = run_manage("check", DEBUG="0", SECRET_KEY=cle, ALLOWED_HOSTS="x.org", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY est encore celle d'exemple de .env.example" in result.stderr
    # with DEBUG on too: a key given is a real one or none
    assert run_manage("check", DEBUG="1", SECRET_KEY=cle, VAR_DIR=str(tmp_path)).returncode != 0


@pytest.mark.parametrize(
    "cle",
    [
        "change-me-to-a-long-random-string",  # the example of before, 33 characters
        "x" * 49 + "é",  # 50 characters, 2 different ones
        "django-insecure-" + CLE_SOLIDE,  # what startproject writes for development
    ],
)
def test_a_weak_key_is_refused(tmp_path, cle):
    result = run_manage("check", DEBUG="0", SECRET_KEY=cle, ALLOWED_HOSTS="x.org", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY est trop faible" in result.stderr


def test_embedded_default_is_french_paris_sqlite_and_eager(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "fr-fr"
    assert live.TIME_ZONE == "Europe/Paris"
    assert live.USE_THOUSAND_SEPARATOR is False  # ids past 999 would print as "1 794"
    if not os.environ.get("DATABASE_URL"):
        assert live.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if not os.environ.get("REDIS_URL"):
        assert live.CELERY_TASK_ALWAYS_EAGER is True


def test_ids_past_999_print_without_grouping_in_templates():
    from django.template import Context, Template

    html = Template('<li id="etape-{{ pk }}"><option value="{{ pk }}">').render(Context({"pk": 12345}))
    assert html == '<li id="etape-12345"><option value="12345">'


def test_french_number_format():
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("fr"):
        assert formats.number_format(Decimal("12345.67"), 2, use_l10n=True, force_grouping=True) == "12\xa0345,67"


def test_roles_table_in_docs_matches_the_code():
    from conciergerie.roles import CAPACITES, Role

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    order = [Role.ADMINISTRATEUR, Role.COORDINATEUR, Role.PARTENAIRE, Role.FINANCEUR]
    for key, (_description, allowed) in CAPACITES.items():
        line = next((li for li in doc.splitlines() if li.startswith(f"| `{key}` |")), None)
        assert line is not None, f"{key} absent de docs/architecture.md"
        cells = [c.strip() for c in line.strip("|").split("|")][-4:]
        assert cells == ["oui" if r in allowed else "—" for r in order], key


def test_every_capability_reads_in_templates_by_its_attribute_name():
    from conciergerie.context_processors import Capacites
    from conciergerie.roles import CAPACITES, Role, peut

    for role in Role.values:
        capacites = Capacites(role)
        for cle in CAPACITES:
            assert getattr(capacites, cle.replace(".", "_")) is peut(role, cle), (role, cle)


def test_un_processus_django_gele_ses_objets_de_demarrage_pour_le_ramasse_miettes():
    """conciergerie.apps: once the apps are loaded, the objects alive then are out of the cyclic
    collector's reach and young collections are rarer (docs/performance.md, point 10). Checked in
    a fresh process, as a server or a worker starts."""
    code = (
        "import gc, django; django.setup(); "
        "from conciergerie.apps import SEUILS_GC; "
        "print(gc.get_freeze_count(), gc.get_threshold() == SEUILS_GC)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "conciergerie.settings"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    geles, seuils = result.stdout.split()
    assert int(geles) > 50_000  # Django, the apps and their dependencies
    assert seuils == "True"


def test_les_fichiers_statiques_sont_servis_par_l_application_sans_connexion(client):
    """No web server in front of gunicorn in docker-compose.yml: whitenoise serves the CSS and
    htmx, before the login check."""
    for chemin, type_ in (("/static/css/app.css", "text/css"), ("/static/vendor/htmx.min.js", "text/javascript")):
        response = client.get(chemin)
        assert response.status_code == 200, chemin
        assert response["Content-Type"].startswith(type_)


def test_le_controle_de_sante_repond_en_http_meme_quand_https_est_exige(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/sante/").status_code == 200
    assert client.get("/connexion/").status_code == 301  # every other page goes to HTTPS


def lire_reglages(*noms, **env):
    """The settings a fresh process reads from ``env`` (nothing else of the test run's
    environment that settings.py reads; DEBUG=1 unless ``env`` says otherwise), as JSON-able values."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(noms)!r}}}, default=str))"
    )
    full_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    full_env.update({"DEBUG": "1", **env, "DJANGO_SETTINGS_MODULE": "conciergerie.settings"})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_les_connexions_postgresql_persistantes_sont_verifiees_avant_d_etre_reutilisees(tmp_path):
    """A connection kept between requests (CONN_MAX_AGE) is checked first: after a PostgreSQL
    restart, a stale one is replaced instead of failing the request."""
    reglages = lire_reglages("DATABASES", DATABASE_URL="postgres://u:p@db.example.org:5432/conciergerie", VAR_DIR=str(tmp_path))
    base = reglages["DATABASES"]["default"]
    assert base["ENGINE"] == "django.db.backends.postgresql"
    assert base["CONN_MAX_AGE"] == 60
    assert base["CONN_HEALTH_CHECKS"] is True


def test_les_anciennes_cles_secretes_se_lisent_dans_secret_key_fallbacks(tmp_path):
    reglages = lire_reglages(
        "SECRET_KEY", "SECRET_KEY_FALLBACKS", SECRET_KEY=CLE_SOLIDE, SECRET_KEY_FALLBACKS=" ancienne-1, ancienne-2 ,", VAR_DIR=str(tmp_path)
    )
    assert reglages == {"SECRET_KEY": CLE_SOLIDE, "SECRET_KEY_FALLBACKS": ["ancienne-1", "ancienne-2"]}
    assert lire_reglages("SECRET_KEY_FALLBACKS", VAR_DIR=str(tmp_path)) == {"SECRET_KEY_FALLBACKS": []}


def test_une_session_signee_avec_l_ancienne_cle_reste_valide_pendant_la_rotation(client, settings, db):
    """Rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps people logged in."""
    from tests import factories as f

    settings.SECRET_KEY = "ancienne-cle-" + "x" * 50
    client.force_login(f.UserFactory())
    assert client.get("/projets/").status_code == 200
    settings.SECRET_KEY = "nouvelle-cle-" + "y" * 50
    assert client.get("/projets/").status_code == 302  # without the fallback: logged out
    settings.SECRET_KEY_FALLBACKS = ["ancienne-cle-" + "x" * 50]
    assert client.get("/projets/").status_code == 200


@pytest.mark.postgresql
def test_une_connexion_postgresql_coupee_est_remplacee_a_la_requete_suivante():
    """What a PostgreSQL restart does to a persistent connection: the server ends it. The next
    request (request_started closes unusable connections, then the first query checks the one it
    reuses) opens a new one instead of failing. Run in a fresh process on the real database of
    DATABASE_URL, outside pytest-django's test transaction."""
    code = """
import django, psycopg
django.setup()
from django.db import close_old_connections, connection
from django.core.signals import request_finished, request_started

def requete():
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    finally:
        request_finished.send(sender=None)

avant = requete()
reglages = connection.get_connection_params()
with psycopg.connect(**{k: v for k, v in reglages.items() if k not in {"cursor_factory", "context", "prepare_threshold"}}, autocommit=True) as autre:
    autre.execute("SELECT pg_terminate_backend(%s)", [avant])
apres = requete()
print(avant != apres)
"""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "conciergerie.settings"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
