"""Backup and restore of an instance: the database and the files of ``MEDIA_ROOT`` in one archive.

The commands ``sauvegarder`` and ``restaurer`` (conciergerie/management/commands/) call
``sauvegarder()`` and ``restaurer()``; how to run them is in docs/exploitation.md.

**The archive** ``conciergerie-AAAAMMJJ-HHMMSS.tar.gz`` holds:

- ``base/conciergerie.dump`` (PostgreSQL: ``pg_dump --format=custom``) or
  ``base/conciergerie.sqlite3`` (SQLite: a copy made by SQLite's online backup API);
- ``media/…``: every regular file of ``MEDIA_ROOT`` (receipts, conventions, COPIL reports,
  bilans, pending imports), symbolic links excepted;
- ``MANIFESTE.json``: the SHA-256 and size of every other member, the migrations applied and the
  row count of every table, read in the same snapshot as the dump (PostgreSQL: the dump runs in
  the exported snapshot of the transaction that counts; SQLite: counted in the copy).

It is written under a temporary name in the destination folder, readable by its owner only, and
renamed once complete: an error leaves no archive. The database is read before the files, so
every file a row of the dump names was complete when the dump began.

**Restoring** first reads the whole archive and checks every member against the manifest (a
missing, extra or altered member refuses the archive, nothing is touched), refuses a non-empty
database or ``MEDIA_ROOT`` unless told to replace them, then extracts the files beside
``MEDIA_ROOT`` (checked again), restores the database (PostgreSQL: ``pg_restore --clean
--if-exists --no-owner --single-transaction``, all or nothing; SQLite: the backup API, copying
the archive's database into the configured one), swaps the files in, and compares every table's
row count with the manifest. Checksums detect a damaged archive, not a forged one: an archive
rewritten with a new manifest passes; keep archives where only the operators can write.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import revisions

FORMAT = 1
MANIFESTE = "MANIFESTE.json"
MOTIF_ARCHIVE = re.compile(r"^conciergerie-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")
PREFIXE_TRAVAIL = ".restauration-"  # the files being restored, inside MEDIA_ROOT
BLOC = 1024 * 1024
TAILLE_MAX_MANIFESTE = 100 * 1024 * 1024
# rows `migrate` writes in any database: a database holding only these is empty
TABLES_DE_STRUCTURE = {"django_migrations", "django_content_type", "auth_permission"}
OUTILS_POSTGRESQL = Path("/usr/lib/postgresql")

Ecrire = Callable[[str], None]


class ErreurSauvegarde(Exception):
    """A refusal or a failure, with a French message for the operator."""


# --- the database ------------------------------------------------------------------------


def moteur() -> str:
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise ErreurSauvegarde(f"Base de données « {vendor} » non prise en charge (PostgreSQL ou SQLite seulement).")
    return vendor


def nom_sql(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def tables_sqlite(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [r[0] for r in cursor.fetchall()]


def tables_de_la_base(cursor) -> list[str]:
    if connection.vendor == "sqlite":
        return tables_sqlite(cursor)
    return sorted(connection.introspection.table_names(cursor))


def compter(cursor, tables) -> dict[str, int]:
    comptes = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {nom_sql(table)}")  # noqa: S608 (names read from the catalogue, quoted)
        comptes[table] = cursor.fetchone()[0]
    return comptes


def migrations_appliquees(cursor, tables) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    etat: dict[str, list[str]] = {}
    for app, nom in cursor.fetchall():
        etat.setdefault(app, []).append(nom)
    return etat


def outil_postgresql(nom: str) -> str:
    """``pg_dump`` or ``pg_restore``: from ``PG_BIN_DIR`` if set, else the PATH, else the newest
    of Debian's /usr/lib/postgresql/<version>/bin."""
    dossier = getattr(settings, "PG_BIN_DIR", "")
    if dossier:
        chemin = Path(dossier) / nom
        if not chemin.is_file():
            raise ErreurSauvegarde(f"{nom} est introuvable dans PG_BIN_DIR ({dossier}).")
        return str(chemin)
    trouve = shutil.which(nom)
    if trouve:
        return trouve
    versions = sorted(OUTILS_POSTGRESQL.glob(f"*/bin/{nom}"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])])
    if versions:
        return str(versions[-1])
    raise ErreurSauvegarde(f"{nom} est introuvable : installez le paquet postgresql-client ou indiquez son dossier dans PG_BIN_DIR.")


def connexion_postgresql() -> tuple[list[str], dict[str, str]]:
    """The arguments and environment that point pg_dump / pg_restore at the configured database.
    The password goes through PGPASSWORD, never on the command line (other users see it)."""
    reglages = connection.settings_dict
    nom = str(reglages["NAME"]).replace("\\", "\\\\").replace("'", "\\'")
    arguments = [f"--dbname=dbname='{nom}'"]
    if reglages.get("HOST"):
        arguments.append(f"--host={reglages['HOST']}")
    if reglages.get("PORT"):
        arguments.append(f"--port={reglages['PORT']}")
    if reglages.get("USER"):
        arguments.append(f"--username={reglages['USER']}")
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    if reglages.get("PASSWORD"):
        env["PGPASSWORD"] = str(reglages["PASSWORD"])
    options = reglages.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    return arguments, env


def executer(commande: list[str], env: dict[str, str], quoi: str) -> None:
    resultat = subprocess.run(commande, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (no shell, fixed tools)
    if resultat.returncode != 0:
        raise ErreurSauvegarde(f"{quoi} a échoué (code {resultat.returncode}) :\n{resultat.stderr.strip()}")


def sauver_base(dossier: Path) -> tuple[Path, dict[str, list[str]], dict[str, int]]:
    """Dump the database into ``dossier``; its migrations and row counts, from the same snapshot."""
    if moteur() == "postgresql":
        cible = dossier / "conciergerie.dump"
        arguments, env = connexion_postgresql()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            instantane = cursor.fetchone()[0]
            executer(
                [outil_postgresql("pg_dump"), "--format=custom", f"--snapshot={instantane}", f"--file={cible}", *arguments],
                env,
                "pg_dump",
            )
            tables = tables_de_la_base(cursor)
            return cible, migrations_appliquees(cursor, tables), compter(cursor, tables)
    cible = dossier / "conciergerie.sqlite3"
    connection.ensure_connection()
    copie = sqlite3.connect(cible)
    try:
        connection.connection.backup(copie)
        cursor = copie.cursor()
        tables = tables_sqlite(cursor)
        return cible, migrations_appliquees(cursor, tables), compter(cursor, tables)
    finally:
        copie.close()


def base_vide() -> bool:
    with connection.cursor() as cursor:
        tables = [t for t in tables_de_la_base(cursor) if t not in TABLES_DE_STRUCTURE]
        return not any(compter(cursor, tables).values())


def restaurer_base(fichier: Path) -> None:
    if moteur() == "postgresql":
        arguments, env = connexion_postgresql()
        connection.close()
        executer(
            [
                outil_postgresql("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(fichier),
            ],
            env,
            "pg_restore",
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(fichier)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


# --- the files ---------------------------------------------------------------------------


def racine_media() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def fichiers_media(racine: Path, ecrire: Ecrire | None = None):
    """(path, name in the archive) of every regular file under ``racine``, in a stable order."""
    if not racine.is_dir():
        return
    for dossier, sous_dossiers, fichiers in os.walk(racine):
        if Path(dossier) == racine:
            sous_dossiers[:] = [d for d in sous_dossiers if not d.startswith(PREFIXE_TRAVAIL)]
        sous_dossiers.sort()
        for nom in sorted(fichiers):
            chemin = Path(dossier) / nom
            try:
                mode = chemin.lstat().st_mode
            except FileNotFoundError:  # deleted meanwhile
                continue
            if stat.S_ISREG(mode):
                yield chemin, "media/" + chemin.relative_to(racine).as_posix()
            elif ecrire:
                ecrire(f"Ignoré (pas un fichier ordinaire) : {chemin.relative_to(racine)}")


def media_vide(racine: Path) -> bool:
    return next(fichiers_media(racine), None) is None


class LecteurHache:
    """Reads a file for tarfile and hashes exactly the bytes tarfile stores."""

    def __init__(self, flux):
        self.flux = flux
        self.empreinte = hashlib.sha256()

    def read(self, taille=-1):
        donnees = self.flux.read(taille)
        self.empreinte.update(donnees)
        return donnees


def ajouter(tar: tarfile.TarFile, chemin: Path, nom: str) -> dict:
    with open(chemin, "rb") as flux:
        info = tar.gettarinfo(arcname=nom, fileobj=flux)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        lecteur = LecteurHache(flux)
        tar.addfile(info, lecteur)
    return {"sha256": lecteur.empreinte.hexdigest(), "taille": info.size}


# --- backup ------------------------------------------------------------------------------


def archives(dossier: Path) -> list[Path]:
    """The archives of a folder, oldest first."""

    def ordre(chemin: Path):
        horodatage, rang = MOTIF_ARCHIVE.match(chemin.name).groups()
        return horodatage, int(rang or 0)

    return sorted((p for p in dossier.iterdir() if MOTIF_ARCHIVE.match(p.name) and p.is_file()), key=ordre)


def nom_libre(dossier: Path) -> str:
    base = f"conciergerie-{timezone.localtime():%Y%m%d-%H%M%S}"
    nom, n = f"{base}.tar.gz", 1
    while (dossier / nom).exists():
        nom, n = f"{base}-{n}.tar.gz", n + 1
    return nom


def sauvegarder(dossier: Path, *, garder: int | None = None, ecrire: Ecrire = print) -> Path:
    """Write one archive into ``dossier`` (created if needed) and return its path; with
    ``garder``, then delete the oldest archives of the folder beyond that number."""
    dossier = Path(dossier).resolve()
    media = racine_media()
    if dossier == media or media in dossier.parents:
        raise ErreurSauvegarde(
            "Le dossier des sauvegardes ne peut pas être dans MEDIA_ROOT (chaque sauvegarde contiendrait les précédentes)."
        )
    if garder is not None and garder < 1:
        raise ErreurSauvegarde("--garder doit valoir au moins 1.")
    dossier.mkdir(parents=True, exist_ok=True)
    moteur()
    nom = nom_libre(dossier)
    final = dossier / nom
    partiel = dossier / f".{nom}.partiel"
    with tempfile.TemporaryDirectory(dir=dossier, prefix=".sauvegarde-") as travail:
        fichier_base, migrations, comptes = sauver_base(Path(travail))
        ecrire(f"Base de données lue : {len(comptes)} tables, {sum(comptes.values())} lignes.")
        try:
            descripteur = os.open(partiel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descripteur, "wb") as sortie:
                with tarfile.open(fileobj=sortie, mode="w:gz", compresslevel=6) as tar:
                    fichiers = {f"base/{fichier_base.name}": ajouter(tar, fichier_base, f"base/{fichier_base.name}")}
                    for chemin, nom_archive in fichiers_media(media, ecrire):
                        try:
                            fichiers[nom_archive] = ajouter(tar, chemin, nom_archive)
                        except FileNotFoundError:  # deleted meanwhile
                            ecrire(f"Disparu pendant la sauvegarde : {nom_archive}")
                    manifeste = {
                        "format": FORMAT,
                        "application": "conciergerie",
                        "cree_le": timezone.localtime().isoformat(timespec="seconds"),
                        "django": django.get_version(),
                        "moteur": connection.vendor,
                        "base": f"base/{fichier_base.name}",
                        "migrations": migrations,
                        "tables": comptes,
                        "fichiers": fichiers,
                    }
                    contenu = json.dumps(manifeste, ensure_ascii=False, indent=1, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFESTE)
                    info.size, info.mtime, info.mode = len(contenu), int(timezone.now().timestamp()), 0o600
                    tar.addfile(info, io.BytesIO(contenu))
                sortie.flush()
                os.fsync(sortie.fileno())
            os.replace(partiel, final)
        except BaseException:
            partiel.unlink(missing_ok=True)
            raise
    _synchroniser_dossier(dossier)
    taille = final.stat().st_size
    ecrire(f"Sauvegarde écrite : {final} ({nombre_de_fichiers(len(fichiers) - 1)}, {taille / 1024 / 1024:.1f} Mo).")
    if garder:
        for ancienne in archives(dossier)[:-garder]:
            if ancienne == final:  # a clock set back: never the one just written
                continue
            ancienne.unlink()
            ecrire(f"Ancienne sauvegarde supprimée : {ancienne.name}")
    return final


def nombre_de_fichiers(n: int) -> str:
    return f"{n} fichier{'s' if n > 1 else ''}"


def _synchroniser_dossier(dossier: Path) -> None:
    descripteur = os.open(dossier, os.O_RDONLY)
    try:
        os.fsync(descripteur)
    finally:
        os.close(descripteur)


# --- reading an archive ------------------------------------------------------------------


def _nom_sur(nom: str) -> PurePosixPath:
    chemin = PurePosixPath(nom)
    if chemin.is_absolute() or any(p in {"", ".", ".."} for p in nom.split("/")) or "\\" in nom:
        raise ErreurSauvegarde(f"Archive refusée : nom de fichier suspect « {nom} ».")
    if nom != MANIFESTE and chemin.parts[0] not in {"base", "media"}:
        raise ErreurSauvegarde(f"Archive refusée : fichier inattendu « {nom} ».")
    return chemin


def lire_archive(archive: Path, destination: Callable[[PurePosixPath], Path] | None = None) -> dict:
    """Read the whole archive, check every member against the manifest, return the manifest.
    With ``destination``, each member (but the manifest) is also written where it says."""
    archive = Path(archive)
    if not archive.is_file():
        raise ErreurSauvegarde(f"Archive introuvable : {archive}")
    lus: dict[str, dict] = {}
    brut = None
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for membre in tar:
                if membre.isdir():
                    continue
                if not membre.isfile():
                    raise ErreurSauvegarde(f"Archive refusée : « {membre.name} » n'est pas un fichier ordinaire.")
                chemin = _nom_sur(membre.name)
                if membre.name in lus or (membre.name == MANIFESTE and brut is not None):
                    raise ErreurSauvegarde(f"Archive refusée : « {membre.name} » y figure deux fois.")
                flux = tar.extractfile(membre)
                if membre.name == MANIFESTE:
                    if membre.size > TAILLE_MAX_MANIFESTE:
                        raise ErreurSauvegarde("Archive refusée : manifeste démesuré.")
                    brut = flux.read()
                    continue
                empreinte, taille = hashlib.sha256(), 0
                sortie = None
                if destination:
                    cible = destination(chemin)
                    cible.parent.mkdir(parents=True, exist_ok=True)
                    sortie = open(cible, "xb")  # noqa: SIM115 (closed below)
                try:
                    while bloc := flux.read(BLOC):
                        empreinte.update(bloc)
                        taille += len(bloc)
                        if sortie:
                            sortie.write(bloc)
                finally:
                    if sortie:
                        sortie.close()
                lus[membre.name] = {"sha256": empreinte.hexdigest(), "taille": taille}
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as erreur:
        raise ErreurSauvegarde(f"Archive refusée : illisible ou tronquée ({erreur}).") from erreur
    if brut is None:
        raise ErreurSauvegarde(f"Archive refusée : pas de {MANIFESTE}.")
    try:
        manifeste = json.loads(brut)
        attendus = manifeste["fichiers"]
        conforme = (
            manifeste["format"] == FORMAT
            and manifeste["application"] == "conciergerie"
            and manifeste["base"] in attendus
            and isinstance(manifeste["tables"], dict)
            and isinstance(manifeste["migrations"], dict)
        )
    except (ValueError, KeyError, TypeError) as erreur:
        raise ErreurSauvegarde(f"Archive refusée : {MANIFESTE} illisible.") from erreur
    if not conforme:
        raise ErreurSauvegarde(f"Archive refusée : {MANIFESTE} d'un autre format ou d'une autre application.")
    manquants = sorted(set(attendus) - set(lus))
    en_trop = sorted(set(lus) - set(attendus))
    alteres = sorted(n for n in set(lus) & set(attendus) if lus[n] != attendus[n])
    problemes = [
        *(f"absent : {n}" for n in manquants),
        *(f"absent du manifeste : {n}" for n in en_trop),
        *(f"somme de contrôle ou taille différente : {n}" for n in alteres),
    ]
    if problemes:
        liste = "\n  ".join(problemes[:20]) + ("\n  …" if len(problemes) > 20 else "")
        raise ErreurSauvegarde(f"Archive refusée, elle est endommagée ou a été modifiée ; rien n'a été changé.\n  {liste}")
    return manifeste


def verifier(archive: Path, ecrire: Ecrire = print) -> dict:
    manifeste = lire_archive(archive)
    ecrire(
        f"Archive intègre : {archive} (du {manifeste['cree_le']}, base {manifeste['moteur']}, "
        f"{len(manifeste['tables'])} tables, {sum(manifeste['tables'].values())} lignes, {nombre_de_fichiers(len(manifeste['fichiers']) - 1)})."
    )
    return manifeste


# --- restore -----------------------------------------------------------------------------


def restaurer(archive: Path, *, remplacer: bool = False, ecrire: Ecrire = print) -> dict:
    archive = Path(archive).resolve()
    media = racine_media()
    vendor = moteur()
    if not remplacer:
        if not base_vide():
            raise ErreurSauvegarde(
                "Refusé : la base de données n'est pas vide. Pour la remplacer par l'archive, ajoutez --remplacer "
                "(faites d'abord une sauvegarde de l'état actuel)."
            )
        if not media_vide(media):
            raise ErreurSauvegarde(
                "Refusé : le dossier des fichiers (MEDIA_ROOT) n'est pas vide. Pour le remplacer, ajoutez --remplacer (faites d'abord une sauvegarde de l'état actuel)."
            )
    manifeste = verifier(archive, ecrire)
    if manifeste["moteur"] != vendor:
        raise ErreurSauvegarde(f"Refusé : l'archive vient d'une base {manifeste['moteur']}, celle-ci est {vendor}.")

    media.mkdir(parents=True, exist_ok=True)
    travail_media = Path(tempfile.mkdtemp(prefix=PREFIXE_TRAVAIL, dir=media))
    try:
        with tempfile.TemporaryDirectory(prefix="conciergerie-restauration-") as travail_base:

            def destination(chemin: PurePosixPath) -> Path:
                if chemin.parts[0] == "base":
                    return Path(travail_base).joinpath(*chemin.parts[1:])
                return travail_media.joinpath(*chemin.parts[1:])

            # read and checked a second time while extracted: the archive may have changed since
            lire_archive(archive, destination)
            restaurer_base(destination(PurePosixPath(manifeste["base"])))
            # the figures kept under the archive's revisions were computed from later data
            revisions.reviser_tout()
            ecrire("Base de données restaurée.")
        for ancien in media.iterdir():
            if ancien == travail_media:
                continue
            if ancien.is_dir() and not ancien.is_symlink():
                shutil.rmtree(ancien)
            else:
                ancien.unlink()
        for nouveau in travail_media.iterdir():
            os.replace(nouveau, media / nouveau.name)
        ecrire(f"Fichiers restaurés : {nombre_de_fichiers(len(manifeste['fichiers']) - 1)}.")
    finally:
        shutil.rmtree(travail_media, ignore_errors=True)

    with connection.cursor() as cursor:
        presentes = set(tables_de_la_base(cursor))
        comptes = compter(cursor, [t for t in manifeste["tables"] if t in presentes])
    ecarts = [
        f"{t} : {comptes[t]} lignes au lieu de {n}" if t in comptes else f"{t} : table absente"
        for t, n in manifeste["tables"].items()
        if comptes.get(t) != n
    ]
    if ecarts:
        raise ErreurSauvegarde("La base restaurée ne correspond pas au manifeste :\n  " + "\n  ".join(ecarts))
    ecrire(f"Vérifié : {len(comptes)} tables, {sum(comptes.values())} lignes, comme dans le manifeste.")
    if en_plus := sorted(presentes - set(manifeste["tables"])):
        ecrire(
            "Attention : tables de la base absentes de l'archive, laissées telles quelles (une base recréée vide "
            "n'en aurait pas) : " + ", ".join(en_plus)
        )

    connues = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    appliquees = {(app, nom) for app, noms in manifeste["migrations"].items() for nom in noms}
    if inconnues := sorted(appliquees - connues):
        ecrire(
            "Attention : l'archive a des migrations que ce code ne connaît pas (archive d'une version plus récente ?) : "
            + ", ".join(f"{a}.{n}" for a, n in inconnues)
        )
    if a_appliquer := len(connues - appliquees):
        ecrire(f"{a_appliquer} migration(s) à appliquer : lancez « python manage.py migrate ».")
    return manifeste
