"""Reading an uploaded file — xlsx or csv, as a path, bytes or an uploaded file — into a
:class:`Tableau` of rows; :class:`ImportRefuse`, with a French message, when it is not one
(extension, content, size, encoding, number of rows).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from .texte import _texte_brut

logger = logging.getLogger(__name__)

TAILLE_MAX = 5 * 1024 * 1024
TAILLE_MAX_LIBELLE = "5 Mo"
LIGNES_MAX = 20_000
EXTENSIONS = ("xlsx", "csv")


class ImportRefuse(Exception):
    """The file as a whole cannot be imported (format, size, encoding, columns): French message."""


@dataclass
class Tableau:
    entetes: list[str]
    lignes: list[list]  # data rows, blank rows dropped
    numeros: list[int]  # spreadsheet line of each data row


def _nom_et_contenu(fichier, nom: str | None) -> tuple[str, bytes]:
    if isinstance(fichier, str | Path):
        chemin = Path(fichier)
        nom = nom or chemin.name
        if chemin.stat().st_size > TAILLE_MAX:
            raise ImportRefuse(f"Le fichier dépasse la taille maximale de {TAILLE_MAX_LIBELLE}.")
        return nom, chemin.read_bytes()
    if isinstance(fichier, bytes):
        return nom or "", fichier
    nom = nom or Path(getattr(fichier, "name", "") or "").name
    if getattr(fichier, "size", None) is not None and fichier.size > TAILLE_MAX:
        raise ImportRefuse(f"Le fichier dépasse la taille maximale de {TAILLE_MAX_LIBELLE}.")
    if hasattr(fichier, "seek"):
        fichier.seek(0)
    contenu = fichier.read(TAILLE_MAX + 1)
    return nom, contenu


def extension(nom: str) -> str:
    return Path(nom or "").suffix.lower().lstrip(".")


def verifier_extension(nom: str) -> str:
    ext = extension(nom)
    if ext == "xls":
        raise ImportRefuse("Les classeurs .xls (Excel 97-2003) ne sont pas acceptés : enregistrez le fichier au format .xlsx ou .csv.")
    if ext not in EXTENSIONS:
        raise ImportRefuse("Format non accepté : déposez un classeur Excel (.xlsx) ou un fichier CSV (.csv).")
    return ext


def _ajouter(lignes, numeros, valeurs, numero):
    if any(v is not None and (not isinstance(v, str) or v.strip()) for v in valeurs):
        if len(lignes) >= LIGNES_MAX:
            raise ImportRefuse(
                f"Le fichier compte plus de {LIGNES_MAX:,} lignes : découpez-le en plusieurs fichiers.".replace(",", "\u202f")
            )
        lignes.append(list(valeurs))
        numeros.append(numero)


def _lire_xlsx(contenu: bytes) -> Tableau:
    import zipfile

    import openpyxl

    if not contenu.startswith(b"PK\x03\x04"):
        if contenu.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRefuse(
                "Ce classeur est au format Excel 97-2003 ou protégé par un mot de passe : enregistrez-le en .xlsx sans mot de passe."
            )
        raise ImportRefuse("Le contenu du fichier ne correspond pas à un classeur Excel (.xlsx).")
    try:
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        logger.info("Classeur illisible : %s", e)
        raise ImportRefuse("Le classeur Excel n'a pas pu être lu : fichier endommagé ou qui n'est pas un classeur .xlsx.") from None
    try:
        feuille = classeur.worksheets[0]
        rangees = feuille.iter_rows(values_only=True)
        entetes = next(rangees, None)
        if entetes is None:
            raise ImportRefuse("Le classeur est vide : la première ligne doit porter les noms des colonnes.")
        lignes, numeros = [], []
        for numero, valeurs in enumerate(rangees, start=2):
            _ajouter(lignes, numeros, valeurs, numero)
    except ImportRefuse:
        raise
    except Exception as e:  # noqa: BLE001 - any reading failure of a malformed workbook
        logger.info("Classeur illisible : %s", e)
        raise ImportRefuse("Le classeur Excel n'a pas pu être lu : fichier endommagé.") from None
    finally:
        classeur.close()
    return Tableau(entetes=[_texte_brut(e) for e in entetes], lignes=lignes, numeros=numeros)


def _lire_csv(contenu: bytes) -> Tableau:
    if b"\x00" in contenu[:4096] or contenu.startswith(b"PK\x03\x04"):
        raise ImportRefuse("Le contenu du fichier ne correspond pas à un fichier CSV (texte).")
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefuse(
            "Le fichier CSV n'est pas encodé en UTF-8. Dans Excel, choisissez « Enregistrer sous » puis "
            "« CSV UTF-8 (délimité par des virgules) », ou déposez le classeur au format .xlsx."
        ) from None
    premiere = texte.split("\n", 1)[0]
    separateur = max(";,\t", key=premiere.count)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    try:
        entetes = next(lecteur, None)
        if entetes is None:
            raise ImportRefuse("Le fichier est vide : la première ligne doit porter les noms des colonnes.")
        lignes, numeros = [], []
        for numero, valeurs in enumerate(lecteur, start=2):
            _ajouter(lignes, numeros, valeurs, numero)
    except csv.Error:
        raise ImportRefuse("Le fichier CSV est mal formé (guillemets non refermés ?).") from None
    return Tableau(entetes=[e.strip() for e in entetes], lignes=lignes, numeros=numeros)


def lire(fichier, nom: str | None = None) -> tuple[str, Tableau]:
    """Read an xlsx or csv file (path, bytes or uploaded file) into rows; ``ImportRefuse`` with
    a French message if it is not one (extension, content, size, encoding)."""
    nom, contenu = _nom_et_contenu(fichier, nom)
    ext = verifier_extension(nom)
    if len(contenu) > TAILLE_MAX:
        raise ImportRefuse(f"Le fichier dépasse la taille maximale de {TAILLE_MAX_LIBELLE}.")
    if not contenu:
        raise ImportRefuse("Le fichier est vide.")
    return nom, (_lire_xlsx(contenu) if ext == "xlsx" else _lire_csv(contenu))
