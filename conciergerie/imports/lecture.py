"""Reading an uploaded file — xlsx or csv, as a path, bytes or an uploaded file — into a
:class:`Tableau` of rows; :class:`ImportRefuse`, with a French message, when it is not one
(extension, content, size, encoding, number of rows).
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .texte import _texte_brut

logger = logging.getLogger(__name__)

TAILLE_MAX = 5 * 1024 * 1024
TAILLE_MAX_LIBELLE = "5 Mo"
LIGNES_MAX = 20_000
EXTENSIONS = ("xlsx", "csv")


#: an xlsx is a zip: what it may hold once uncompressed, checked before openpyxl reads anything
#: (``verifier_zip``): a few kilobytes can otherwise expand into gigabytes or millions of blank rows
DECOMPRESSE_MAX = 50 * 1024 * 1024
DECOMPRESSE_MAX_LIBELLE = "50 Mo"
RATIO_MAX = 100  # uncompressed / compressed, for an entry above RATIO_SEUIL
RATIO_SEUIL = 1024 * 1024
ENTREES_MAX = 1_000
LIGNES_BRUTES_MAX = 5 * LIGNES_MAX  # rows of a sheet, blank ones included
CHAINES_MAX = 25 * LIGNES_MAX  # shared strings (20 000 rows × 25 columns)
#: a row's and a shared string's opening tag, with or without a namespace prefix (``<x:row …>``)
_ROW = tuple(a + b"row" + b for a in (b"<", b":") for b in (b" ", b">", b"/"))
_SI = tuple(a + b"si" + b for a in (b"<", b":") for b in (b" ", b">", b"/"))


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


def _nombre(chiffre: int) -> str:
    return f"{chiffre:,}".replace(",", "\u202f")


def _compter(archive: zipfile.ZipFile, info: zipfile.ZipInfo, balises: tuple[bytes, ...], plafond: int) -> int:
    """Occurrences of ``balises`` (opening tags, all of the same length) in entry ``info``, read
    in blocks (memory stays flat, no object per tag); stops past ``plafond``."""
    garde = len(balises[0]) - 1  # bytes kept between blocks: a tag cut in two is counted once
    total, reste = 0, b""
    with archive.open(info) as flux:
        while bloc := flux.read(1024 * 1024):
            tampon = reste + bloc
            total += sum(tampon.count(b) for b in balises)
            if total > plafond:
                return total
            reste = tampon[-garde:]
    return total


def verifier_zip(contenu: bytes) -> None:
    """Refuse, before any parsing, an xlsx whose content is absurd once uncompressed (a "zip
    bomb"): too large, too many entries, too many rows (blank ones included) or shared strings, or
    an entry compressed more than ``RATIO_MAX`` times. Sizes are those the zip declares, which
    ``zipfile`` (and openpyxl through it) never reads past; rows and strings are counted by
    streaming, within those sizes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        logger.info("Classeur illisible : %s", e)
        raise ImportRefuse("Le classeur Excel n'a pas pu être lu : fichier endommagé ou qui n'est pas un classeur .xlsx.") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > ENTREES_MAX:
            raise ImportRefuse("Le classeur contient un nombre anormal d'éléments : il ne peut pas être importé.")
        if sum(i.file_size for i in infos) > DECOMPRESSE_MAX:
            raise ImportRefuse(
                f"Le classeur décompressé dépasserait {DECOMPRESSE_MAX_LIBELLE} : il ne peut pas être importé. "
                "Copiez les seules données utiles dans un nouveau classeur, ou découpez-le."
            )
        try:
            for info in infos:
                nom = info.filename
                if nom.startswith("xl/worksheets/") and nom.endswith(".xml"):
                    if _compter(archive, info, _ROW, LIGNES_BRUTES_MAX) > LIGNES_BRUTES_MAX:
                        raise ImportRefuse(
                            f"Une feuille du classeur compte plus de {_nombre(LIGNES_BRUTES_MAX)} lignes, vides comprises : "
                            "supprimez les lignes vides en fin de feuille ou copiez les données dans un nouveau classeur."
                        )
                elif nom == "xl/sharedStrings.xml" and _compter(archive, info, _SI, CHAINES_MAX) > CHAINES_MAX:
                    raise ImportRefuse(
                        f"Le classeur contient plus de {_nombre(CHAINES_MAX)} textes différents : il ne peut pas être importé."
                    )
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
            logger.info("Classeur illisible : %s", e)
            raise ImportRefuse("Le classeur Excel n'a pas pu être lu : fichier endommagé.") from None
        for info in infos:
            if info.file_size > RATIO_SEUIL and info.file_size > RATIO_MAX * max(info.compress_size, 1):
                raise ImportRefuse(
                    "Le classeur est anormalement compressé (plus de 100 fois) : il ne peut pas être importé. "
                    "Copiez les données dans un nouveau classeur."
                )


def _lire_xlsx(contenu: bytes) -> Tableau:
    import openpyxl

    if not contenu.startswith(b"PK\x03\x04"):
        if contenu.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRefuse(
                "Ce classeur est au format Excel 97-2003 ou protégé par un mot de passe : enregistrez-le en .xlsx sans mot de passe."
            )
        raise ImportRefuse("Le contenu du fichier ne correspond pas à un classeur Excel (.xlsx).")
    verifier_zip(contenu)
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
