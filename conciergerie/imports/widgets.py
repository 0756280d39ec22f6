"""The columns of an import (:class:`Colonne`) and their French cell widgets.

Each widget's ``clean`` raises ``ValueError`` with a French message (django-import-export turns it
into a field error of the row); ``render`` writes the French form (templates). Dates ``jj/mm/aaaa``
or ISO, decimal commas, oui/non, choices by their French label, codes keeping their leading zeros;
:class:`ProjetForeignKeyWidget` names a row of the import's project (an organisation by its name).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from import_export import fields as ie_fields
from import_export import widgets

from ..saisie import lire_nombre
from .texte import _texte_brut, cle_texte, normaliser


class TexteWidget(widgets.CharWidget):
    aide = "Texte"

    def clean(self, value, row=None, **kwargs):
        return _texte_brut(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChiffresWidget(TexteWidget):
    """Codes made of digits (SIRET, postcode, phone): spaces removed, leading zeros restored
    when a spreadsheet stored the code as a number."""

    def __init__(self, longueur: int | None = None, garder_espaces: bool = False, aide: str = "", **kwargs):
        super().__init__(**kwargs)
        self.longueur = longueur
        self.garder_espaces = garder_espaces
        if aide:
            self.aide = aide

    def clean(self, value, row=None, **kwargs):
        texte = _texte_brut(value)
        if not self.garder_espaces:
            texte = re.sub(r"\s", "", texte)
        if self.longueur and isinstance(value, int | float) and texte.isdigit() and len(texte) < self.longueur:
            texte = texte.zfill(self.longueur)
        return texte


class DateFrWidget(widgets.DateWidget):
    """Dates as a spreadsheet cell, ``jj/mm/aaaa`` or ``aaaa-mm-jj``."""

    FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S")
    aide = "Date jj/mm/aaaa (ou aaaa-mm-jj)"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        texte = _texte_brut(value)
        for format_ in self.FORMATS:
            try:
                return datetime.strptime(texte, format_).date()
            except ValueError:
                continue
        raise ValueError(f"Date invalide « {texte} » : attendu jj/mm/aaaa (ex. 31/01/2025) ou aaaa-mm-jj.")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""


class DecimalFrWidget(widgets.DecimalWidget):
    """Numbers with a decimal comma (``3,5``, ``1 234,50``) or point; negative refused if ``positif``."""

    aide = "Nombre, virgule décimale (ex. 3,5)"

    def __init__(self, positif: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.positif = positif

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"Nombre invalide « {value} » : attendu par exemple 3,5.")
        if isinstance(value, Decimal | int):
            nombre = Decimal(value)
        elif isinstance(value, float):
            nombre = Decimal(repr(value))
        else:
            try:
                nombre = lire_nombre(str(value))  # the forms' parser (conciergerie/saisie.py)
            except ValueError:
                nombre = None
            if nombre is None or not nombre.is_finite():
                raise ValueError(f"Nombre invalide « {_texte_brut(value)} » : attendu par exemple 3,5.") from None
        if self.positif and nombre < 0:
            raise ValueError(f"Valeur négative « {_texte_brut(value)} » : un nombre positif est attendu.")
        return nombre

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value).replace(".", ",")


class BooleenFrWidget(widgets.BooleanWidget):
    VRAI = {"oui", "o", "vrai", "x", "1", "yes", "y", "true"}
    FAUX = {"non", "n", "faux", "0", "no", "false"}
    aide = "oui ou non"

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        texte = normaliser(value)
        if not texte:
            return None
        if texte in self.VRAI:
            return True
        if texte in self.FAUX:
            return False
        raise ValueError(f"Valeur « {_texte_brut(value)} » non reconnue : attendu oui ou non.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "oui" if value else "non"


class ChoixWidget(widgets.Widget):
    """A ``TextChoices`` field, given by its French label or its stored value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices.choices if hasattr(choices, "choices") else choices)
        self._index = {}
        for valeur, libelle in self.choices:
            self._index[normaliser(valeur)] = valeur
            self._index[normaliser(libelle)] = valeur
        self.aide = "Une valeur parmi : " + " ; ".join(str(libelle) for _, libelle in self.choices)

    def clean(self, value, row=None, **kwargs):
        texte = _texte_brut(value)
        if not texte:
            return None
        try:
            return self._index[normaliser(texte)]
        except KeyError:
            possibles = ", ".join(f"« {libelle} »" for _, libelle in self.choices)
            raise ValueError(f"Valeur « {texte} » inconnue. Valeurs acceptées : {possibles}.") from None

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class ProjetForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key named in the file (an organisation by its name), looked up only among the
    rows of the import's project that the importing user may see.

    The resource binds it (``lier``) to ``Model.objects.visible_to(user, projet=projet)``; the
    rows are read once, on first use, and indexed by normalised name and by ``str(obj)`` (so
    ``Nom (Commune)`` settles two organisations of the same name)."""

    def __init__(self, model, field="nom", nom_objet="Organisation", feminin=True, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.nom_objet = nom_objet
        self.e = "e" if feminin else ""
        self.aide = f"{nom_objet} déjà enregistré{self.e} dans le projet, par son nom"
        self._queryset = None
        self._index = None

    def lier(self, queryset):
        self._queryset = queryset
        self._index = None

    def get_queryset(self, value, row, *args, **kwargs):
        if self._queryset is None:
            raise RuntimeError("ProjetForeignKeyWidget non lié à un projet")
        return self._queryset

    def _index_par_nom(self):
        if self._index is None:
            index = defaultdict(list)
            for objet in self.get_queryset(None, None):
                for cle in {cle_texte(getattr(objet, self.field)), cle_texte(str(objet))}:
                    index[cle].append(objet)
            self._index = index
        return self._index

    def clean(self, value, row=None, **kwargs):
        texte = _texte_brut(value)
        if not texte:
            return None
        trouves = self._index_par_nom().get(cle_texte(texte), [])
        if len(trouves) == 1:
            return trouves[0]
        if not trouves:
            le = "la" if self.e else "le"
            raise ValueError(f"{self.nom_objet} inconnu{self.e} dans ce projet : « {texte} ». Créez-{le} d'abord (ou importez-{le}).")
        raise ValueError(f"Plusieurs fiches « {texte} » dans ce projet : précisez la commune, sous la forme « Nom (Commune) ».")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field, value))


class Colonne(ie_fields.Field):
    """A column of an import: French header, widget, required or not, help for the template."""

    def __init__(self, attribute, column_name, widget=None, *, obligatoire=False, aide="", **kwargs):
        super().__init__(attribute=attribute, column_name=column_name, widget=widget or TexteWidget(), **kwargs)
        self.obligatoire = obligatoire
        self.aide = aide or getattr(self.widget, "aide", "")

    def clean(self, row, **kwargs):
        value = super().clean(row, **kwargs)
        if self.obligatoire and value in (None, ""):
            raise ValueError("Valeur obligatoire manquante.")
        return value
