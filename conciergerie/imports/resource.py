"""The base of every kind of import: :class:`ProjetResource`, a django-import-export
``ModelResource`` bound to one project and one user.

Rows go into the given project only: the project is set by the import, never read from the
file; existing rows (natural keys, found by :class:`ProjetInstanceLoader`) and foreign keys (an
organisation named in a column) are looked up among ``Model.objects.visible_to(by, projet=projet)``
only. Each row is cleaned by the French widgets and validated (``full_clean`` without per-row
queries, uniqueness checked in memory against the project's rows loaded once); a confirmed import
writes the rows in bulk (``lot.enregistrer_lot``).
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from .lot import enregistrer_lot
from .texte import MESSAGE_NIR_VALEUR, cle_texte, ressemble_a_un_nir
from .widgets import Colonne, ProjetForeignKeyWidget

#: the import's progress is reported every this many rows (and at the last one)
PAS_PROGRESSION = 100


class ProjetInstanceLoader(BaseInstanceLoader):
    """Finds the existing row of each file row by its natural key, among the project's rows
    read once (no query per row). A key shared by several existing rows is an error of that row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.index = defaultdict(list)
        for instance in resource.existants():
            for cle in resource.cles_instance(instance):
                self.index[cle].append(instance)

    def get_instance(self, row):
        for cle in self.resource.cles_ligne(row):
            trouves = self.index.get(cle, [])
            if len(trouves) == 1:
                return trouves[0]
            if len(trouves) > 1:
                self.resource.erreur_ligne(NON_FIELD_ERRORS, self.resource.message_ambigu)
                self.resource._cle_signalee = True
                return None
        return None


class ProjetResource(resources.ModelResource):
    """Base of every import: the project and the user are given at construction and never read
    from the file; existing rows come from ``visible_to(user, projet)``.

    A subclass declares its columns (:class:`Colonne`), ``cles_instance``/``cles_ligne`` (its
    natural keys, tried in order) and ``uniques`` (what may not appear twice in the project:
    checked in memory against the project's rows and the file's earlier rows).
    """

    #: {name: (model attributes...)}: values that may appear once in the project (empty skipped)
    uniques: dict[str, tuple[str, ...]] = {}
    #: message when a file row matches several existing rows
    message_ambigu = "Cette ligne correspond à plusieurs fiches existantes : corrigez-les dans l'application avant d'importer."
    #: example row of the template: {attribute: python value}
    exemple: dict = {}
    #: change reason written in the history of models that keep one
    motif_historique = "Import de fichier"

    class Meta:
        use_bulk = True
        batch_size = 1000
        # unchanged rows are detected by skip_row() below, from the values read when the row
        # was loaded: no deep copy and no diff of each instance (skip_diff)
        skip_diff = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = ProjetInstanceLoader

    def __init__(self, *, projet, user, **kwargs):
        super().__init__(**kwargs)
        self.projet = projet
        self.user = user
        self._existants = None
        self._uniques_existants: dict[str, dict[tuple, int]] = {}
        self._uniques_fichier: dict[str, dict[tuple, int]] = defaultdict(dict)
        self._erreurs_ligne: dict[str, list[str]] = {}
        self._ligne = 0
        self._avant: list | None = None
        self._cle_signalee = False
        self._lignes_par_fiche: dict[int, int] = {}
        self.numeros_de_ligne: list[int] = []
        self.confirmer = False  # set by importer(): the rows will be written
        #: set by importer(): ``progression(lignes_faites, lignes_total)``, called every ``PAS_PROGRESSION`` rows
        self.progression = None
        self.lignes_total = 0
        self._lignes_lues = 0
        self._colonnes = [f for f in self.get_import_fields() if isinstance(f, Colonne)]
        self._attnames = []
        for colonne in self._colonnes:
            if isinstance(colonne.widget, ProjetForeignKeyWidget):
                colonne.widget.lier(colonne.widget.model.objects.visible_to(user, projet=projet))
            try:  # foreign keys compared by id: reading the related object would be a query
                self._attnames.append(self._meta.model._meta.get_field(colonne.attribute).attname)
            except FieldDoesNotExist:
                self._attnames.append(colonne.attribute)

    # -- columns

    @classmethod
    def colonnes_declarees(cls) -> list[Colonne]:
        ordre = list(cls._meta.fields or cls.fields)
        return [cls.fields[nom] for nom in ordre if isinstance(cls.fields.get(nom), Colonne)]

    def colonnes(self) -> list[Colonne]:
        return self._colonnes

    # -- existing rows, natural keys, uniqueness

    def existants(self) -> list:
        """The project's rows the user may see, read once."""
        if self._existants is None:
            self._existants = list(self._meta.model.objects.visible_to(self.user, projet=self.projet))
            for nom, attributs in self.uniques.items():
                index = self._uniques_existants.setdefault(nom, {})
                for instance in self._existants:
                    cle = self.cle_unique(instance, attributs)
                    if cle is not None:
                        index.setdefault(cle, instance.pk)
        return self._existants

    def cles_instance(self, instance) -> list[tuple]:
        raise NotImplementedError

    def cles_ligne(self, row) -> list[tuple]:
        raise NotImplementedError

    def valeur(self, row, nom):
        """The cleaned value of a column of ``row`` (``None`` if absent or invalid): for keys."""
        colonne = self.fields[nom]
        if colonne.column_name not in row:
            return None
        try:
            return colonne.clean(row)
        except (ValueError, ValidationError):
            return None

    @staticmethod
    def cle_unique(instance, attributs) -> tuple | None:
        """The normalised values of ``attributs``; ``None`` (nothing to check) when the first is
        empty (an organisation without SIRET). The others may be empty: "" is a value too."""
        valeurs = []
        for attribut in attributs:
            valeur = getattr(instance, attribut, None)
            if isinstance(valeur, models.Model):
                valeur = valeur.pk
            elif isinstance(valeur, str):
                valeur = cle_texte(valeur)
            valeurs.append(valeur)
        if valeurs[0] in (None, ""):
            return None
        return tuple(valeurs)

    def message_unique(self, nom, ligne: int | None) -> str:
        if ligne is not None:
            return f"En double avec la ligne {ligne} du fichier."
        return "Une autre fiche de ce projet porte déjà cette valeur."

    def _verifier_unicite(self, instance):
        if self._cle_signalee:
            return  # already reported: the row's key is ambiguous or designates a record an earlier row imports
        for nom, attributs in self.uniques.items():
            cle = self.cle_unique(instance, attributs)
            if cle is None:
                continue
            existant = self._uniques_existants.get(nom, {}).get(cle)
            if existant is not None and existant != instance.pk:
                self.erreur_ligne(attributs[0], self.message_unique(nom, None))
                continue
            deja = self._uniques_fichier[nom].get(cle)
            if deja is not None:
                self.erreur_ligne(attributs[0], self.message_unique(nom, self.numero_fichier(deja)))
            else:
                self._uniques_fichier[nom][cle] = self._ligne

    # -- per-row errors collected outside the widgets (keys, uniqueness, social-security numbers)

    def erreur_ligne(self, attribut, message):
        self._erreurs_ligne.setdefault(attribut, []).append(message)

    def numero_fichier(self, numero: int) -> int:
        """The spreadsheet line of the dataset's ``numero``-th row (blank lines were dropped)."""
        if self.numeros_de_ligne and 0 < numero <= len(self.numeros_de_ligne):
            return self.numeros_de_ligne[numero - 1]
        return numero + 1

    # -- django-import-export hooks

    def _check_import_id_fields(self, headers):
        """Required columns are checked before the import, with a French message."""

    def before_import(self, dataset, **kwargs):
        """A confirmed import locks its project's row first (PostgreSQL; SQLite's write
        transactions are serialised anyway): two confirmations at once — a double click — run
        one after the other, the second one reading the rows the first wrote."""
        if self.confirmer:
            from ..models import Projet

            list(Projet.objects.select_for_update().filter(pk=self.projet.pk).values_list("pk", flat=True))

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    def init_instance(self, row=None):
        return self._meta.model(projet=self.projet)

    def before_import_row(self, row, **kwargs):
        self._lignes_lues += 1
        if self.progression is not None and (self._lignes_lues % PAS_PROGRESSION == 0 or self._lignes_lues == self.lignes_total):
            self.progression(self._lignes_lues, self.lignes_total)
        self._ligne = kwargs.get("row_number", 0)
        self._erreurs_ligne = {}
        self._cle_signalee = False
        for colonne in self.colonnes():
            if colonne.column_name in row and ressemble_a_un_nir(row[colonne.column_name]):
                self.erreur_ligne(colonne.attribute, MESSAGE_NIR_VALEUR)

    def _valeurs(self, instance) -> list:
        return [getattr(instance, attname, None) for attname in self._attnames]

    def after_init_instance(self, instance, new, row, **kwargs):
        self._avant = None if new else self._valeurs(instance)
        if not new:
            deja = self._lignes_par_fiche.setdefault(instance.pk, self._ligne)
            if deja != self._ligne:
                self._cle_signalee = True
                self.erreur_ligne(
                    NON_FIELD_ERRORS, f"Cette ligne désigne la même fiche que la ligne {self.numero_fichier(deja)} du fichier."
                )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing row whose imported values did not change is reported "inchangée"."""
        self._verifier_unicite(instance)
        if self._erreurs_ligne or import_validation_errors or self._avant is None:
            return False
        return self._valeurs(instance) == self._avant

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for attribut, messages in self._erreurs_ligne.items():
            errors.setdefault(attribut, []).extend(messages)
        # foreign keys were resolved within the project by the widgets, uniqueness in memory:
        # no query per row (Django would check each foreign key and each constraint in the database)
        exclude = set(errors) | {f.name for f in instance._meta.concrete_fields if f.is_relation}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            # a cell already refused keeps its own message only: the model's clean() saw the empty
            # value that stood in for it (« Indiquez la date » after « Date invalide »)
            for attribut, messages in e.update_error_dict({}).items():
                if attribut not in errors or attribut == NON_FIELD_ERRORS:
                    errors.setdefault(attribut, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def champs_a_mettre_a_jour(self) -> list[str]:
        noms = {f.name for f in self._meta.model._meta.concrete_fields}
        return [c.attribute for c in self.colonnes() if c.attribute in noms and not c.readonly]

    def get_bulk_update_fields(self):
        return self.champs_a_mettre_a_jour()

    def _ecrire(self, dry_run, result) -> bool:
        return not dry_run and not (result is not None and (result.has_errors() or result.has_validation_errors()))

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if self.create_instances and self._ecrire(dry_run, result):
                with transaction.atomic():  # a savepoint: a failed batch leaves the transaction usable
                    enregistrer_lot(model=self._meta.model, creations=self.create_instances, by=self.user, motif=self.motif_historique)
        except Exception as e:  # noqa: BLE001 - reported as an error of the import, then rolled back
            self.handle_import_error(result, e, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if self.update_instances and self._ecrire(dry_run, result):
                with transaction.atomic():
                    enregistrer_lot(
                        model=self._meta.model,
                        modifications=self.update_instances,
                        champs=self.get_bulk_update_fields(),
                        by=self.user,
                        motif=self.motif_historique,
                    )
        except Exception as e:  # noqa: BLE001
            self.handle_import_error(result, e, raise_errors)
        finally:
            self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        """No sequence reset (ModelResource's default): ids are never imported, and resetting a
        sequence while others insert could hand out an id twice."""
