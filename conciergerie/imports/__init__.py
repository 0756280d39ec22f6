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

from .depot import DEPOT, deposer, oublier_tout, reprendre
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
