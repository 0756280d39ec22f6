"""Edits and creations safe to repeat and to race: the three guards of ``ServiceFormView``.

- **Version read** (an edit): the edit page carries, in a hidden field, the state of the row it
  showed — one keyed hash per stored value (``version``: every concrete field, and the
  many-to-many fields the form edits). On POST the row is read again, locked
  (``select_for_update``, inside the write's transaction); if its state differs, nothing is
  written and the form is shown again with what the user typed, the French message
  ``CONFLIT`` and, next to each field someone else changed, the value now stored
  (``champs_modifies``, ``valeur_affichee``). The hashes are keyed with the secret key: a value
  the user's role may not read (a field its form does not show) cannot be guessed from them.
- **One-time token** (a creation): the page carries a random token (``nouveau_jeton``); the
  first valid POST reserves it in the cache (``Envoi``: ``cache.add``, atomic in Redis and in
  the in-process cache alike) and, once saved, records there the page it led to. A second POST
  of the same token (a double click, a « renvoyer le formulaire ») creates nothing: it waits
  for the first to end and leads to the same page with ``DEJA_ENVOYE``. A refused or failed
  first POST frees the token (the user corrects and sends again).
- **Unique races**: an ``IntegrityError`` at the insert (another request saved the same unique
  value between this one's checks and its insert) is mapped back to the model's constraint
  (``contrainte_violee``): its message and field, never a 500.

A POST without the hidden fields (a script, a test's plain ``client.post``) is written as
before, unguarded: the guards protect people's browsers from each other and from double clicks.
"""

import enum
import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from .formats import date_courte, date_heure, date_longue

logger = logging.getLogger(__name__)

CHAMP_VERSION = "_version"
CHAMP_JETON = "_jeton"

CONFLIT = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez : rechargez la page, "
    "vos modifications n'ont pas été enregistrées."
)
SUPPRIMEE = "Cette fiche a été supprimée par quelqu'un d'autre pendant que vous la modifiiez : rien n'a été enregistré."
DEJA_ENVOYE = "Ce formulaire a déjà été envoyé."
EN_COURS_MESSAGE = f"{DEJA_ENVOYE} Son enregistrement est en cours : rechargez la liste dans un instant avant de recommencer."
COURSE_UNIQUE = "Une fiche avec cette valeur vient d'être enregistrée par quelqu'un d'autre."

# ---------------------------------------------------------------- version read (edits)

_SEL_VERSION = "conciergerie.concurrence.version"


def _valeur_stockee(objet, field) -> str:
    valeur = field.value_from_object(objet)
    if isinstance(valeur, FieldFile):
        valeur = valeur.name or ""
    elif isinstance(valeur, enum.Enum):  # a choice set on an instance not read back yet
        valeur = valeur.value
    return repr(valeur)


def _empreinte(objet, nom: str, valeur: str) -> str:
    return salted_hmac(_SEL_VERSION, f"{objet._meta.label}:{objet.pk}:{nom}:{valeur}").hexdigest()[:12]


def champs_versionnes(objet, m2m=()) -> list[str]:
    """The names whose values make the version: the concrete fields, then the many-to-many
    fields given (those the form edits), in the model's order."""
    noms = [field.name for field in objet._meta.concrete_fields if not field.generated]
    return noms + [field.name for field in objet._meta.many_to_many if field.name in m2m]


def empreintes(objet, m2m=(), liees=None) -> dict[str, str]:
    """One keyed hash per stored value of ``objet`` (see ``champs_versionnes``), then one per
    value ``liees`` gives (a form field stored in another row, by name: its displayed value)."""
    resultat = {}
    for field in objet._meta.concrete_fields:
        if field.generated:  # computed by the database from the others (the search texts)
            continue
        resultat[field.name] = _empreinte(objet, field.name, _valeur_stockee(objet, field))
    for field in objet._meta.many_to_many:
        if field.name in m2m:
            pks = sorted(getattr(objet, field.name).order_by().values_list("pk", flat=True))
            resultat[field.name] = _empreinte(objet, field.name, repr(pks))
    for nom, valeur in (liees or {}).items():
        resultat[nom] = _empreinte(objet, nom, repr(valeur))
    return resultat


def version(objet, m2m=(), liees=None) -> str:
    """The state of ``objet`` as stored, in a short string for a hidden field."""
    return ".".join(empreintes(objet, m2m, liees).values())


def champs_modifies(lue: str, objet, m2m=(), liees=None) -> list[str]:
    """The names of the fields whose value differs between the version ``lue`` and ``objet``
    (every field when ``lue`` was made for other fields: a page older than a deployment)."""
    actuelles = empreintes(objet, m2m, liees)
    parties = lue.split(".")
    if len(parties) != len(actuelles):
        return list(actuelles)
    return [nom for nom, partie in zip(actuelles, parties, strict=True) if actuelles[nom] != partie]


def valeur_affichee(objet, nom: str) -> str:
    """The value of the field ``nom`` of ``objet`` as a person reads it."""
    field = objet._meta.get_field(nom)
    if field.many_to_many:
        noms = [str(o) for o in getattr(objet, nom).all()]
        return Truncator(", ".join(noms)).chars(120) if noms else "(vide)"
    valeur = getattr(objet, nom)
    if field.choices and valeur not in (None, ""):
        valeur = dict(field.flatchoices).get(valeur, valeur)
    if valeur is None or valeur == "" or isinstance(valeur, FieldFile) and not valeur:
        return "(vide)"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, FieldFile):
        return valeur.name.rsplit("/", 1)[-1]
    if hasattr(valeur, "hour"):
        return date_heure(valeur)
    if hasattr(valeur, "year"):
        return date_courte(valeur)
    return Truncator(str(valeur)).chars(120)


def derniere_modification(objet) -> str:
    """« Dernière modification : <who>, le <date> à <time>. » for a row with a history
    (django-simple-history), else ""."""
    historique = getattr(objet, "history", None)
    if historique is None or not hasattr(historique, "order_by"):
        return ""
    derniere = historique.order_by("-history_date", "-history_id").select_related("history_user").first()
    if derniere is None:
        return ""
    qui = derniere.history_user
    nom = (qui.get_full_name() or qui.get_username()) if qui is not None else "un traitement automatique"
    quand = timezone.localtime(derniere.history_date)
    return f"Dernière modification : {nom}, le {date_longue(quand)} à {quand:%H:%M}."


# ---------------------------------------------------------------- one-time token (creations)

#: how long the reservation of a token being saved lasts (a worker killed mid-request frees it)
DUREE_RESERVATION = 5 * 60
#: how long the page a token led to is remembered
DUREE_RESULTAT = 24 * 3600
#: how long a second POST waits for the first to end before saying it is under way
ATTENTE_MAX = 10.0
PAS_ATTENTE = 0.1
_EN_COURS = "en-cours"


def nouveau_jeton() -> str:
    return secrets.token_urlsafe(18)


_JETON_VALIDE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Envoi:
    """The sending of one creation form: the token ``jeton`` of the user on the page ``chemin``.

    ``reserver()`` returns ``None`` when this request is the first (it writes), else the page
    the first led to (a URL), or ``EN_COURS`` when it has not ended within ``ATTENTE_MAX``. A
    cache that does not answer (Redis down) lets the request through, unguarded, with a warning
    in the log: a double click then makes two rows, as before, rather than an error page."""

    EN_COURS = _EN_COURS

    def __init__(self, *, user_id, chemin: str, jeton: str):
        empreinte = hashlib.sha256(f"{user_id}:{chemin}:{jeton}".encode()).hexdigest()
        self.cle = f"conciergerie:envoi:{empreinte}"
        self.reserve = False

    @classmethod
    def depuis(cls, request) -> "Envoi | None":
        jeton = request.POST.get(CHAMP_JETON, "")
        if not _JETON_VALIDE.match(jeton):
            return None
        return cls(user_id=request.user.pk, chemin=request.path, jeton=jeton)

    def reserver(self) -> str | None:
        limite = time.monotonic() + ATTENTE_MAX
        while True:
            try:
                if cache.add(self.cle, _EN_COURS, DUREE_RESERVATION):
                    self.reserve = True
                    return None
                valeur = cache.get(self.cle)
            except Exception:
                logger.warning("Cache injoignable : formulaire enregistré sans jeton à usage unique", exc_info=True)
                return None
            if valeur is not None and valeur != _EN_COURS:
                return valeur
            if time.monotonic() >= limite:
                return _EN_COURS
            time.sleep(PAS_ATTENTE)

    def terminer(self, url: str) -> None:
        if self.reserve:
            self._cache(cache.set, self.cle, url, DUREE_RESULTAT)

    def liberer(self) -> None:
        if self.reserve:
            self._cache(cache.delete, self.cle)
            self.reserve = False

    @staticmethod
    def _cache(operation, *args) -> None:
        try:
            operation(*args)
        except Exception:
            logger.warning("Cache injoignable : jeton de formulaire non mis à jour", exc_info=True)


# ---------------------------------------------------------------- unique races


@dataclass
class Violation:
    model: type[models.Model]
    champs: list[str]
    message: str


_SQLITE_COLONNES = re.compile(r"(?:UNIQUE|CHECK) constraint failed: (.+)$")
_SQLITE_INDEX = re.compile(r"index '([^']+)'")
_POSTGRES_CLE = re.compile(r"Key \((.+?)\)=")


def _modeles():
    return [m for m in apps.get_models() if not m._meta.auto_created]


def _par_nom(nom: str) -> Violation | None:
    for model in _modeles():
        for contrainte in model._meta.constraints:
            if contrainte.name == nom:
                return _violation(model, contrainte)
    return None


def _par_colonnes(table: str, colonnes: list[str]) -> Violation | None:
    for model in _modeles():
        if model._meta.db_table != table:
            continue
        voulues = set(colonnes)
        for contrainte in model._meta.constraints:
            champs = getattr(contrainte, "fields", ())
            if champs and {model._meta.get_field(c).column for c in champs} == voulues:
                return _violation(model, contrainte)
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key and {field.column} == voulues:
                return Violation(model, [field.name], model().unique_error_message(model, (field.name,)).messages[0])
        return Violation(model, [f.name for f in model._meta.concrete_fields if f.column in voulues], COURSE_UNIQUE)
    return None


def _violation(model, contrainte) -> Violation:
    champs = list(getattr(contrainte, "fields", ()))
    message = contrainte.violation_error_message
    if message == contrainte.default_violation_error_message:
        if isinstance(contrainte, models.UniqueConstraint) and champs:
            message = model().unique_error_message(model, tuple(champs)).messages[0]
        else:
            message = COURSE_UNIQUE
    else:
        message = message % {"name": contrainte.name}
    return Violation(model, champs, str(message))


def contrainte_violee(error) -> Violation | None:
    """The model constraint (or unique field) an ``IntegrityError`` broke, from what the
    database says: PostgreSQL names the constraint (psycopg's ``diag``), SQLite its table and
    columns or, for a partial unique index, its name. ``None``: not a constraint of ours (a
    foreign key, a NOT NULL: a bug, left to raise)."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:
        nom = getattr(diag, "constraint_name", None) or ""
        violation = _par_nom(nom) if nom else None
        if violation is None and getattr(diag, "table_name", None):
            cle = _POSTGRES_CLE.search(getattr(diag, "message_detail", None) or "")
            if cle and getattr(diag, "sqlstate", "") == "23505":
                violation = _par_colonnes(diag.table_name, [c.strip().strip('"') for c in cle.group(1).split(",")])
        return violation
    texte = str(error)
    trouve = _SQLITE_COLONNES.search(texte)
    if trouve is None:
        return None
    cible = trouve.group(1).strip()
    index = _SQLITE_INDEX.search(cible)
    if index:
        return _par_nom(index.group(1))
    if "." not in cible:
        return _par_nom(cible)  # a CHECK constraint: its name
    colonnes = [c.strip() for c in cible.split(",")]
    table = colonnes[0].rsplit(".", 1)[0]
    return _par_colonnes(table, [c.rsplit(".", 1)[1] for c in colonnes])
