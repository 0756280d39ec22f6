"""Spreadsheet imports (xlsx, csv) into one project, for administrators.

The core does not import the apps: each app describes its kind of import with a
django-import-export ``Resource`` built on :class:`ProjetResource` (in ``<app>/resources.py``)
and registers it in its ``AppConfig.ready()`` with :func:`register`, as the home page does.

One service, :func:`importer`, reads a file, checks it and imports it, with or without writing:

- **dry run** (``confirmer=False``): every row is read, cleaned by the French widgets below and
  validated (``full_clean`` without per-row queries, uniqueness checked in memory against the
  project's rows loaded once); nothing is written;
- **confirm** (``confirmer=True``): the same pass, then the rows are written in bulk
  (``bulk_create``/``bulk_update``, with django-simple-history's bulk helpers where the model
  keeps a history, so the history records who imported) in one transaction; a single error
  anywhere rolls everything back.

Rows go into the given project only: the project is set by the import, never read from the
file; existing rows (natural keys) and foreign keys (an organisation named in a column) are
looked up among ``Model.objects.visible_to(by, projet=projet)`` only.
"""

from __future__ import annotations

import logging
import re

from .execution import ACTIONS, ErreurImport, LigneImport, ResultatImport, importer, preparer
from .lecture import EXTENSIONS, LIGNES_MAX, TAILLE_MAX, TAILLE_MAX_LIBELLE, ImportRefuse, Tableau, extension, lire, verifier_extension
from .lot import enregistrer_lot
from .modele_import import TYPES_CONTENU, modele
from .registre import TypeImport, register, type_import, types_import
from .resource import ProjetInstanceLoader, ProjetResource
from .texte import MESSAGE_NIR_VALEUR, NIR_ENTETE, NIR_VALEUR, cle_texte, normaliser, ressemble_a_un_nir
from .widgets import (
    BooleenFrWidget,
    ChiffresWidget,
    ChoixWidget,
    Colonne,
    DateFrWidget,
    DecimalFrWidget,
    ProjetForeignKeyWidget,
    TexteWidget,
)

__all__ = [
    "ACTIONS",
    "DEPOT",
    "EXTENSIONS",
    "LIGNES_MAX",
    "MESSAGE_NIR_VALEUR",
    "NIR_ENTETE",
    "NIR_VALEUR",
    "TAILLE_MAX",
    "TAILLE_MAX_LIBELLE",
    "TYPES_CONTENU",
    "BooleenFrWidget",
    "ChiffresWidget",
    "ChoixWidget",
    "Colonne",
    "DateFrWidget",
    "DecimalFrWidget",
    "ErreurImport",
    "ImportRefuse",
    "LigneImport",
    "ProjetForeignKeyWidget",
    "ProjetInstanceLoader",
    "ProjetResource",
    "ResultatImport",
    "Tableau",
    "TexteWidget",
    "TypeImport",
    "cle_texte",
    "deposer",
    "enregistrer_lot",
    "extension",
    "importer",
    "lire",
    "modele",
    "normaliser",
    "oublier_tout",
    "preparer",
    "register",
    "ressemble_a_un_nir",
    "reprendre",
    "type_import",
    "types_import",
    "verifier_extension",
]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# The uploaded file kept between the dry run and the confirmation
#
# After a dry run without errors the file is stored under MEDIA_ROOT at
# imports/<projet>/<user>/<type>/<random token>.<ext>: the folder is built on the server from
# the project, the user and the kind, and the client only sends back the token (checked
# against a strict pattern), so nobody confirms another user's file nor names a path. One
# pending file per user, project and kind: a new upload replaces it; confirming deletes it.

DEPOT = re.compile(r"[A-Za-z0-9_-]{32}\.(xlsx|csv)")


def _dossier_depot(*, type: str, projet, by) -> str:
    type_import(type)  # a registered kind only: the folder name is never the client's text
    return f"imports/{projet.pk}/{by.pk}/{type}"


def deposer(*, contenu: bytes, nom: str, type: str, projet, by) -> str:
    """Keep an uploaded file for its confirmation; returns its token (``<token>.<ext>``)."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    ext = verifier_extension(nom)
    dossier = _dossier_depot(type=type, projet=projet, by=by)
    oublier_tout(type=type, projet=projet, by=by)
    depot = f"{secrets.token_urlsafe(24)}.{ext}"
    default_storage.save(f"{dossier}/{depot}", ContentFile(contenu))
    return depot


def reprendre(*, depot: str, type: str, projet, by) -> bytes | None:
    """The kept file named by ``depot`` for this user, project and kind, or ``None``."""
    from django.core.files.storage import default_storage

    if not DEPOT.fullmatch(depot or ""):
        return None
    chemin = f"{_dossier_depot(type=type, projet=projet, by=by)}/{depot}"
    if not default_storage.exists(chemin):
        return None
    with default_storage.open(chemin, "rb") as fichier:
        return fichier.read()


def oublier_tout(*, type: str, projet, by) -> None:
    from django.core.files.storage import default_storage

    dossier = _dossier_depot(type=type, projet=projet, by=by)
    try:
        _, fichiers = default_storage.listdir(dossier)
    except FileNotFoundError:
        return
    for nom in fichiers:
        default_storage.delete(f"{dossier}/{nom}")
