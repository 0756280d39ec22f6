"""Backup and restore (``sauvegarder``, ``restaurer``: conciergerie/sauvegarde.py).

The round trip runs the real commands in fresh processes on a database file (SQLite) or on
databases of their own (PostgreSQL, when DATABASE_URL is PostgreSQL): the demo data and files are
backed up, restored into an empty database and an empty MEDIA_ROOT, and every table's rows and
every file are compared with the originals, read directly, not through the manifest.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from conciergerie import sauvegarde

ROOT = Path(__file__).resolve().parents[2]
ENV_LU_PAR_LES_REGLAGES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_ROOT",
    "VAR_DIR",
    "STATIC_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")

# the media files of the instance: nested folders, accents and spaces, an empty file, binary
FICHIERS = {
    "justificatifs/2025/11/reçu taxi été.pdf": b"%PDF-1.4 recu\n",
    "conventions/signée-AFEPT.pdf": os.urandom(200_000),
    "rapports/copil/rapport-vide.pdf": b"",
    "bilans/bilan 2025.xlsx": os.urandom(3_000),
}


def manage(*args, **env):
    """Run manage.py in a fresh process with only ``env`` as its settings (DEBUG on)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ENV_LU_PAR_LES_REGLAGES}
    full_env.update(DEBUG="1", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=600)


def ok(resultat):
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    return resultat


def empreintes(dossier: Path) -> dict[str, str]:
    """Every file under ``dossier``: its relative path and SHA-256."""
    return {
        p.relative_to(dossier).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dossier.rglob("*")) if p.is_file()
    }


def ecrire_fichiers(media: Path) -> None:
    for nom, contenu in FICHIERS.items():
        chemin = media / nom
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(contenu)


def une_archive(dossier: Path) -> Path:
    (archive,) = dossier.glob("conciergerie-*.tar.gz")
    return archive


def revisions_sqlite(fichier: Path) -> dict[int, int]:
    with sqlite3.connect(fichier) as base:
        lignes = dict(base.execute("SELECT id, revision FROM conciergerie_projet"))
    base.close()
    return lignes


def contenu_sqlite(fichier: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows, read with sqlite3 — but the projects'
    ``revision``, drawn anew by a restore (``conciergerie.revisions.reviser_tout``: the figures
    kept under the archive's revisions were computed from later data)."""
    with sqlite3.connect(fichier) as base:
        tables = [r[0] for r in base.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        resultat = {}
        for table in tables:
            colonnes = [c[1] for c in base.execute(f'PRAGMA table_info("{table}")') if (table, c[1]) != ("conciergerie_projet", "revision")]
            liste = ", ".join(f'"{c}"' for c in colonnes)
            lignes = sorted(repr(r) for r in base.execute(f'SELECT {liste} FROM "{table}"'))  # noqa: S608
            resultat[table] = (len(lignes), hashlib.sha256("\n".join(lignes).encode()).hexdigest())
    base.close()
    return resultat


def reecrire(archive: Path, cible: Path, modifier) -> Path:
    """A copy of ``archive`` whose members go through ``modifier(name, bytes) -> bytes | None``
    (None: left out); the manifest is copied unchanged unless ``modifier`` changes it."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(cible, "w:gz") as copie:
        for membre in source.getmembers():
            contenu = modifier(membre.name, source.extractfile(membre).read())
            if contenu is not None:
                membre.size = len(contenu)
                copie.addfile(membre, io.BytesIO(contenu))
    return cible


# --- SQLite: a file database in a fresh process -------------------------------------------


@pytest.fixture(scope="module")
def instance_sqlite(tmp_path_factory):
    """An instance (its VAR_DIR: database file and media) with the demo data and files, and its
    backup (these tests never read DATABASE_URL: they run on both of CI's passes)."""
    racine = tmp_path_factory.mktemp("sauvegarde-sqlite")
    source = racine / "source"
    ok(manage("migrate", "--noinput", "-v0", VAR_DIR=str(source)))
    ok(manage("charger_demo", VAR_DIR=str(source)))
    ecrire_fichiers(source / "media")
    resultat = ok(manage("sauvegarder", "--dossier", str(racine / "sauvegardes"), VAR_DIR=str(source)))
    assert "Sauvegarde écrite" in resultat.stdout
    return {"racine": racine, "source": source, "archive": une_archive(racine / "sauvegardes")}


def etat(var_dir: Path) -> dict[str, str]:
    """Every byte of an instance (database file and media), to show nothing changed."""
    return empreintes(var_dir)


@pytest.fixture
def autre_instance(instance_sqlite, tmp_path):
    """A second instance with data of its own: a copy of the source, one more file."""
    cible = tmp_path / "autre"
    shutil.copytree(instance_sqlite["source"], cible)
    (cible / "media" / "a-garder.txt").write_text("ne pas toucher")
    return cible


def test_l_archive_contient_la_base_les_fichiers_et_leur_manifeste(instance_sqlite):
    archive = instance_sqlite["archive"]
    assert sauvegarde.MOTIF_ARCHIVE.match(archive.name)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data: its owner only
    assert sorted(p.name for p in archive.parent.iterdir()) == [archive.name]  # no temporary left
    with tarfile.open(archive, "r:gz") as tar:
        noms = set(tar.getnames())
        manifeste = json.loads(tar.extractfile("MANIFESTE.json").read())
    assert noms == {"MANIFESTE.json", "base/conciergerie.sqlite3", *(f"media/{n}" for n in FICHIERS)}
    for nom, contenu in FICHIERS.items():
        assert manifeste["fichiers"][f"media/{nom}"] == {"sha256": hashlib.sha256(contenu).hexdigest(), "taille": len(contenu)}
    assert manifeste["moteur"] == "sqlite"
    assert "0002_partage_valeur_session_apprenant" in manifeste["migrations"]["finances"]
    attendu = {table: n for table, (n, _) in contenu_sqlite(instance_sqlite["source"] / "conciergerie.sqlite3").items()}
    assert manifeste["tables"] == attendu
    assert manifeste["tables"]["parcours_apprenant"] > 0


def test_restaurer_dans_une_base_et_un_dossier_vides_redonne_les_memes_lignes_et_fichiers(instance_sqlite, tmp_path):
    cible = tmp_path / "neuve"  # nothing: no database file, no media folder
    resultat = ok(manage("restaurer", str(instance_sqlite["archive"]), "--confirmer", VAR_DIR=str(cible)))
    assert "Restauration terminée" in resultat.stdout
    source = instance_sqlite["source"]
    assert contenu_sqlite(cible / "conciergerie.sqlite3") == contenu_sqlite(source / "conciergerie.sqlite3")
    assert empreintes(cible / "media") == empreintes(source / "media")
    assert sorted(p.name for p in (cible / "media").iterdir()) == ["bilans", "conventions", "justificatifs", "rapports"]
    # the restored instance runs: migrations applied, the demo accounts are there
    ok(manage("migrate", "--check", VAR_DIR=str(cible)))


def test_restaurer_exige_confirmer(instance_sqlite, tmp_path):
    resultat = manage("restaurer", str(instance_sqlite["archive"]), VAR_DIR=str(tmp_path / "neuve"))
    assert resultat.returncode == 1
    assert "Relancez avec --confirmer" in resultat.stderr
    assert not (tmp_path / "neuve" / "media").exists()


def test_restaurer_refuse_une_base_non_vide_sans_remplacer(instance_sqlite, autre_instance):
    avant = etat(autre_instance)
    resultat = manage("restaurer", str(instance_sqlite["archive"]), "--confirmer", VAR_DIR=str(autre_instance))
    assert resultat.returncode == 1
    assert "la base de données n'est pas vide" in resultat.stderr and "--remplacer" in resultat.stderr
    assert etat(autre_instance) == avant


def test_remplacer_une_instance_existante(instance_sqlite, autre_instance):
    ok(manage("restaurer", str(instance_sqlite["archive"]), "--confirmer", "--remplacer", VAR_DIR=str(autre_instance)))
    source = instance_sqlite["source"]
    assert empreintes(autre_instance / "media") == empreintes(source / "media")  # a-garder.txt is gone: the archive's state
    assert contenu_sqlite(autre_instance / "conciergerie.sqlite3") == contenu_sqlite(source / "conciergerie.sqlite3")
    restaurees, sources = revisions_sqlite(autre_instance / "conciergerie.sqlite3"), revisions_sqlite(source / "conciergerie.sqlite3")
    assert restaurees.keys() == sources.keys() and all(restaurees[p] != sources[p] for p in sources)


def _remplacer_un_fichier(nom, contenu):
    return b"%PDF-1.4 faux\n" if nom.endswith("reçu taxi été.pdf") else contenu


def _ajouter_au_manifeste_un_absent(nom, contenu):
    if nom != "MANIFESTE.json":
        return contenu
    manifeste = json.loads(contenu)
    manifeste["fichiers"]["media/disparu.pdf"] = {"sha256": "0" * 64, "taille": 1}
    return json.dumps(manifeste).encode()


def _retirer_le_manifeste(nom, contenu):
    return None if nom == "MANIFESTE.json" else contenu


@pytest.mark.parametrize(
    ("modifier", "message"),
    [
        pytest.param(
            _remplacer_un_fichier,
            "somme de contrôle ou taille différente : media/justificatifs/2025/11/reçu taxi été.pdf",
            id="fichier-modifie",
        ),
        pytest.param(
            lambda nom, c: c[:-1] if nom.startswith("base/") else c, "somme de contrôle ou taille différente : base/", id="base-tronquee"
        ),
        pytest.param(lambda nom, c: None if nom.startswith("media/conventions") else c, "absent : media/conventions/", id="fichier-retire"),
        pytest.param(_ajouter_au_manifeste_un_absent, "absent : media/disparu.pdf", id="manifeste-modifie"),
        pytest.param(_retirer_le_manifeste, "pas de MANIFESTE.json", id="sans-manifeste"),
    ],
)
def test_une_archive_alteree_est_refusee_et_rien_ne_change(instance_sqlite, autre_instance, tmp_path, modifier, message):
    alteree = reecrire(instance_sqlite["archive"], tmp_path / "alteree.tar.gz", modifier)
    avant = etat(autre_instance)
    resultat = manage("restaurer", str(alteree), "--confirmer", "--remplacer", VAR_DIR=str(autre_instance))
    assert resultat.returncode == 1
    assert "Archive refusée" in resultat.stderr
    assert message in resultat.stderr
    assert etat(autre_instance) == avant


def test_verifier_signale_une_archive_alteree(instance_sqlite, tmp_path):
    alteree = reecrire(instance_sqlite["archive"], tmp_path / "alteree.tar.gz", _remplacer_un_fichier)
    resultat = manage("restaurer", str(alteree), "--verifier", VAR_DIR=str(tmp_path / "neuve"))
    assert resultat.returncode == 1
    assert "somme de contrôle ou taille différente : media/justificatifs/2025/11/reçu taxi été.pdf" in resultat.stderr


def test_une_archive_tronquee_ou_qui_n_est_pas_une_archive_est_refusee(instance_sqlite, autre_instance, tmp_path):
    octets = instance_sqlite["archive"].read_bytes()
    tronquee = tmp_path / "tronquee.tar.gz"
    tronquee.write_bytes(octets[: len(octets) // 2])
    pas_une_archive = tmp_path / "texte.tar.gz"
    pas_une_archive.write_bytes(gzip.compress(b"pas une archive tar"))
    avant = etat(autre_instance)
    for fichier in (tronquee, pas_une_archive):
        resultat = manage("restaurer", str(fichier), "--confirmer", "--remplacer", VAR_DIR=str(autre_instance))
        assert resultat.returncode == 1, fichier
        assert "Archive refusée" in resultat.stderr, resultat.stderr
    assert etat(autre_instance) == avant


def test_l_archive_verifiee_est_annoncee_intacte(instance_sqlite):
    resultat = ok(manage("restaurer", str(instance_sqlite["archive"]), "--verifier", VAR_DIR=str(instance_sqlite["source"])))
    assert "Archive intègre" in resultat.stdout


# --- in process: the refusals and the folder's housekeeping --------------------------------


def test_un_nom_qui_sortirait_du_dossier_est_refuse(tmp_path):
    archive = tmp_path / "malveillante.tar.gz"
    contenu = b"x"
    manifeste = {
        "format": 1,
        "application": "conciergerie",
        "base": "media/../../evade.txt",
        "migrations": {},
        "tables": {},
        "fichiers": {"media/../../evade.txt": {"sha256": hashlib.sha256(contenu).hexdigest(), "taille": 1}},
    }
    with tarfile.open(archive, "w:gz") as tar:
        for nom, octets in (("media/../../evade.txt", contenu), ("MANIFESTE.json", json.dumps(manifeste).encode())):
            info = tarfile.TarInfo(nom)
            info.size = len(octets)
            tar.addfile(info, io.BytesIO(octets))
    with pytest.raises(sauvegarde.ErreurSauvegarde, match="nom de fichier suspect"):
        sauvegarde.lire_archive(archive, lambda chemin: tmp_path / "x" / chemin)
    assert not (tmp_path / "evade.txt").exists()


@pytest.mark.django_db(transaction=True)  # SQLite: no open transaction for the backup API to wait on
def test_une_erreur_en_cours_d_ecriture_ne_laisse_aucune_archive(settings, tmp_path, monkeypatch):
    ecrire_fichiers(Path(settings.MEDIA_ROOT))
    vrai_ajouter = sauvegarde.ajouter

    def ajouter(tar, chemin, nom):
        if nom.startswith("media/rapports"):
            raise OSError("disque plein")
        return vrai_ajouter(tar, chemin, nom)

    monkeypatch.setattr(sauvegarde, "ajouter", ajouter)
    with pytest.raises(OSError, match="disque plein"):
        sauvegarde.sauvegarder(tmp_path / "sauvegardes", ecrire=lambda _: None)
    assert list((tmp_path / "sauvegardes").iterdir()) == []


@pytest.mark.django_db(transaction=True)  # SQLite: no open transaction for the backup API to wait on
def test_garder_ne_conserve_que_les_plus_recentes(settings, tmp_path):
    dossier = tmp_path / "sauvegardes"
    dossier.mkdir()
    anciennes = ["conciergerie-20240101-020000.tar.gz", "conciergerie-20240102-020000.tar.gz", "conciergerie-20240102-020000-1.tar.gz"]
    for nom in [*anciennes, "autre-chose.tar.gz"]:
        (dossier / nom).write_bytes(b"")
    nouvelle = sauvegarde.sauvegarder(dossier, garder=2, ecrire=lambda _: None)
    assert sorted(p.name for p in dossier.iterdir()) == sorted(
        ["autre-chose.tar.gz", "conciergerie-20240102-020000-1.tar.gz", nouvelle.name]
    )


def test_le_dossier_des_sauvegardes_ne_peut_pas_etre_dans_media_root(settings):
    with pytest.raises(sauvegarde.ErreurSauvegarde, match="ne peut pas être dans MEDIA_ROOT"):
        sauvegarde.sauvegarder(Path(settings.MEDIA_ROOT) / "sauvegardes", ecrire=lambda _: None)


# --- PostgreSQL: two databases of their own on the server of DATABASE_URL ------------------


def url_de_la_base(nom: str) -> str:
    morceaux = urlsplit(DATABASE_URL)
    return urlunsplit(morceaux._replace(path=f"/{nom}"))


@pytest.fixture
def bases_postgresql():
    """Two new, empty databases (no table) on the server of DATABASE_URL, dropped afterwards."""
    import psycopg

    noms = [f"sauvegarde_{uuid.uuid4().hex[:10]}_{role}" for role in ("source", "cible")]
    with psycopg.connect(url_de_la_base("postgres"), autocommit=True) as serveur:
        for nom in noms:
            serveur.execute(f'CREATE DATABASE "{nom}"')
    yield [url_de_la_base(nom) for nom in noms]
    with psycopg.connect(url_de_la_base("postgres"), autocommit=True) as serveur:
        for nom in noms:
            serveur.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


def contenu_postgresql(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows, read with psycopg — but the projects'
    ``revision``, drawn anew by a restore (``contenu_sqlite``)."""
    import psycopg

    with psycopg.connect(url) as base:
        tables = [r[0] for r in base.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        resultat = {}
        for table in tables:
            lignes = "t::text"
            if table == "conciergerie_projet":
                lignes = "(to_jsonb(t) - 'revision')::text"
            n, empreinte = base.execute(
                f"SELECT count(*), md5(coalesce(string_agg({lignes}, ',' ORDER BY {lignes}), '')) FROM \"{table}\" t"  # noqa: S608
            ).fetchone()
            resultat[table] = (n, empreinte)
    return resultat


def revisions_postgresql(url: str) -> dict[int, int]:
    import psycopg

    with psycopg.connect(url) as base:
        return dict(base.execute("SELECT id, revision FROM conciergerie_projet").fetchall())


@pytest.mark.postgresql
def test_postgresql_restaurer_dans_une_base_vide_redonne_les_memes_lignes_et_fichiers(bases_postgresql, tmp_path):
    source, cible = bases_postgresql
    media_source, media_cible = tmp_path / "media-source", tmp_path / "media-cible"
    env_source = {"DATABASE_URL": source, "MEDIA_ROOT": str(media_source), "VAR_DIR": str(tmp_path / "var")}
    ok(manage("migrate", "--noinput", "-v0", **env_source))
    ok(manage("charger_demo", **env_source))
    ecrire_fichiers(media_source)
    ok(manage("sauvegarder", "--dossier", str(tmp_path / "sauvegardes"), **env_source))
    archive = une_archive(tmp_path / "sauvegardes")

    env_cible = {"DATABASE_URL": cible, "MEDIA_ROOT": str(media_cible), "VAR_DIR": str(tmp_path / "var")}
    resultat = ok(manage("restaurer", str(archive), "--confirmer", **env_cible))
    assert "Restauration terminée" in resultat.stdout
    attendu = contenu_postgresql(source)
    assert attendu["parcours_apprenant"][0] > 0
    assert contenu_postgresql(cible) == attendu
    restaurees, sources = revisions_postgresql(cible), revisions_postgresql(source)
    assert restaurees.keys() == sources.keys() and all(restaurees[p] != sources[p] for p in sources)
    assert empreintes(media_cible) == empreintes(media_source)
    ok(manage("migrate", "--check", **env_cible))

    # into a database that is not empty: refused without --remplacer, then replaced
    avant = contenu_postgresql(cible)
    refus = manage("restaurer", str(archive), "--confirmer", **env_cible)
    assert refus.returncode == 1 and "n'est pas vide" in refus.stderr
    ok(manage("restaurer", str(archive), "--confirmer", "--remplacer", **env_cible))
    assert contenu_postgresql(cible) == avant == attendu
