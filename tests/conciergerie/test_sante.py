"""Health checks: /sante/ (liveness: the process answers) and /sante/pret/ (readiness: the
database, Redis when used, and the migrations). Failures are real: a closed port, an unapplied
migration."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def port_ferme() -> int:
    """A loopback port nothing listens on (taken from the system, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lire(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.fixture
def sans_redis(settings):
    settings.REDIS_URL = ""


def test_la_sante_et_la_disponibilite_repondent_sans_connexion(client, db, sans_redis):
    assert client.get("/sante/").content == b"ok"
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    assert lire(response) == {"pret": True, "verifications": {"base de données": "ok", "migrations": "ok"}}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/sante/pret/").status_code == 200
    assert client.post("/sante/pret/").status_code == 405


def test_la_disponibilite_repond_en_http_meme_quand_https_est_exige(client, settings, db, sans_redis):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/sante/pret/").status_code == 200
    assert client.get("/sante/pret/x").status_code == 301  # the exemption is this exact path


def test_redis_injoignable_rend_l_instance_indisponible(client, settings, db):
    port = port_ferme()
    settings.REDIS_URL = f"redis://:motdepasse-redis@127.0.0.1:{port}/0"
    debut = time.monotonic()
    response = client.get("/sante/pret/")
    assert time.monotonic() - debut < 5
    assert response.status_code == 503
    resultats = lire(response)
    assert resultats["pret"] is False
    assert resultats["verifications"] == {"base de données": "ok", "redis": "ne répond pas", "migrations": "ok"}
    corps = response.content.decode()
    assert str(port) not in corps and "motdepasse" not in corps and "127.0.0.1" not in corps


def test_un_vrai_redis_qui_repond_est_verifie(client, settings, db):
    port = port_ferme()
    serveur = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):  # until it listens
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        response = client.get("/sante/pret/")
        assert response.status_code == 200, response.content
        assert lire(response)["verifications"]["redis"] == "ok"
    finally:
        serveur.terminate()
        serveur.wait(timeout=10)


def requetes_dans_un_processus(database_url: str) -> list[tuple[int, str]]:
    """/sante/ then /sante/pret/ answered by a fresh process whose database is ``database_url``."""
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(SERVER_NAME='localhost'); "
        "import json; print(json.dumps([(r.status_code, r.content.decode()) for r in (c.get('/sante/'), c.get('/sante/pret/'))]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="conciergerie.settings", DEBUG="1", DATABASE_URL=database_url)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [tuple(r) for r in json.loads(result.stdout.splitlines()[-1])]


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("postgres://conciergerie:motdepasse-pg@127.0.0.1:{port}/conciergerie", id="postgresql-port-ferme"),
        pytest.param("sqlite:////nulle-part/{port}/conciergerie.sqlite3", id="sqlite-dossier-absent"),
    ],
)
def test_une_base_injoignable_rend_l_instance_indisponible_mais_vivante(database_url):
    port = port_ferme()
    (vivant, texte), (pret, corps) = requetes_dans_un_processus(database_url.format(port=port))
    assert (vivant, texte) == (200, "ok")  # liveness never touches the database
    assert pret == 503
    assert json.loads(corps) == {
        "pret": False,
        "verifications": {"base de données": "ne répond pas", "migrations": "non vérifiées (base de données injoignable)"},
    }
    assert str(port) not in corps and "motdepasse" not in corps and "nulle-part" not in corps


@pytest.mark.django_db(transaction=True)
def test_une_migration_non_appliquee_rend_l_instance_indisponible(client, sans_redis):
    """finances' last migration is rolled back for real, then applied again."""
    call_command("migrate", "finances", "0003_eligibilite_objectifs", verbosity=0)
    try:
        response = client.get("/sante/pret/")
        assert response.status_code == 503
        assert lire(response)["verifications"] == {"base de données": "ok", "migrations": "1 non appliquée(s)"}
    finally:
        call_command("migrate", "finances", verbosity=0)
    assert client.get("/sante/pret/").status_code == 200
