"""Spreadsheet imports (xlsx, csv) into one project, for administrators.

Each app describes its kind of import with a django-import-export ``Resource`` built on
:class:`ProjetResource` and registers it with :func:`register`; one service, :func:`importer`,
reads a file, checks every row and imports it — a dry run that writes nothing, or a confirmed
import that writes everything in one transaction or nothing. Rows go into the given project
only, and existing rows and foreign keys are looked up among what the importing user may see.

The package's modules, in the order an import goes through them:

- ``registre``: the kinds of import, registered by the apps' ``AppConfig.ready()``;
- ``modele_import``: the template to download for a kind (headers, an example row, help);
- ``lecture``: reading an xlsx or csv file into a :class:`Tableau`, or :class:`ImportRefuse`;
- ``texte``: how headers and keys compare, and the detection of social-security numbers;
- ``widgets``: the columns (:class:`Colonne`) and their French cell widgets;
- ``resource``: :class:`ProjetResource`, the base of every kind, bound to a project and a user;
- ``lot``: the bulk write of the validated rows, with their history;
- ``execution``: :func:`importer` and its :class:`ResultatImport`;
- ``depot``: the file kept between the dry run and the confirmation.

Everything other modules use is re-exported here: import from ``conciergerie.imports``.
"""

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
    # registre
    "TypeImport",
    "register",
    "type_import",
    "types_import",
    # modele_import
    "TYPES_CONTENU",
    "modele",
    # lecture
    "EXTENSIONS",
    "LIGNES_MAX",
    "TAILLE_MAX",
    "TAILLE_MAX_LIBELLE",
    "ImportRefuse",
    "Tableau",
    "extension",
    "lire",
    "verifier_extension",
    # texte
    "MESSAGE_NIR_VALEUR",
    "NIR_ENTETE",
    "NIR_VALEUR",
    "cle_texte",
    "normaliser",
    "ressemble_a_un_nir",
    # widgets
    "BooleenFrWidget",
    "ChiffresWidget",
    "ChoixWidget",
    "Colonne",
    "DateFrWidget",
    "DecimalFrWidget",
    "ProjetForeignKeyWidget",
    "TexteWidget",
    # resource
    "ProjetInstanceLoader",
    "ProjetResource",
    # lot
    "enregistrer_lot",
    # execution
    "ACTIONS",
    "ErreurImport",
    "LigneImport",
    "ResultatImport",
    "importer",
    "preparer",
    # depot
    "DEPOT",
    "deposer",
    "oublier_tout",
    "reprendre",
]
