"""Import of a competence framework (conciergerie/imports/: template, dry run, all or nothing).

One row per competence, with its bloc and its framework named in columns; the same columns as
the framework's export (``views.ReferentielExportView``), so an exported file comes back in.
Every file row is a new competence: a framework named like an existing one of the project
becomes its next version (the old one archived, its evaluations untouched), never changed in
place. Refused, nothing written: a competence code twice in a framework, a bloc code given two
labels, an empty label, a malformed RNCP/RS code.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction

from conciergerie.imports import Colonne, ProjetResource, cle_texte
from conciergerie.saisie import normaliser_code_rncp
from conciergerie.validators import RNCP_RE

from .models import Bloc, Competence, Referentiel

#: the columns of the import and of the export, in order: (attribute, header)
COLONNES = [
    ("referentiel_nom", "Référentiel"),
    ("bloc_code", "Code bloc"),
    ("bloc_libelle", "Bloc"),
    ("bloc_certification", "Code RNCP/RS du bloc"),
    ("code", "Code"),
    ("libelle", "Compétence"),
    ("criteres", "Critères observables"),
]


class CompetenceResource(ProjetResource):
    referentiel_nom = Colonne("referentiel_nom", "Référentiel", obligatoire=True, aide="Nom du référentiel (le même sur chaque ligne)")
    bloc_code = Colonne("bloc_code", "Code bloc", obligatoire=True, aide="Code du bloc de compétences (ex. B1)")
    bloc_libelle = Colonne("bloc_libelle", "Bloc", obligatoire=True, aide="Libellé du bloc (le même sur chaque ligne du bloc)")
    bloc_certification = Colonne(
        "bloc_certification", "Code RNCP/RS du bloc", aide="Si le bloc est un bloc de certification : RNCP12345 ou RS1234 ; sinon vide"
    )
    code = Colonne("code", "Code", obligatoire=True, aide="Code de la compétence, unique dans le référentiel (ex. C1.2)")
    libelle = Colonne("libelle", "Compétence", obligatoire=True, aide="Libellé de la compétence")
    criteres = Colonne("criteres", "Critères observables", aide="Un critère par ligne de la cellule, ou séparés par « ; »")

    exemple = {
        "referentiel_nom": "Couture d'ameublement",
        "bloc_code": "B1",
        "bloc_libelle": "Préparer le travail",
        "bloc_certification": "",
        "code": "C1.1",
        "libelle": "Lire une fiche de fabrication",
        "criteres": "Identifie les matériaux ; Repère les cotes",
    }
    motif_historique = "Import de référentiel"

    class Meta(ProjetResource.Meta):
        model = Competence
        fields = tuple(attribut for attribut, _ in COLONNES)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._codes: dict[tuple[str, str], int] = {}  # (framework, competence code) -> first line
        self._blocs: dict[tuple[str, str], tuple[str, int]] = {}  # (framework, bloc code) -> (label, first line)

    def existants(self):
        return []  # every row is a new competence (of a new framework or version)

    def cles_instance(self, instance):
        return []

    def cles_ligne(self, row):
        return []

    def init_instance(self, row=None):
        return Competence()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        nom = cle_texte(getattr(instance, "referentiel_nom", "") or "")
        code, bloc_code = (instance.code or "").strip(), (getattr(instance, "bloc_code", "") or "").strip()
        instance.bloc_libelle = (getattr(instance, "bloc_libelle", "") or "").strip()
        if code:
            deja = self._codes.setdefault((nom, cle_texte(code)), self._ligne)
            if deja != self._ligne:
                self.erreur_ligne("code", f"Code {code} en double avec la ligne {self.numero_fichier(deja)} du fichier.")
        if bloc_code and instance.bloc_libelle:
            libelle, ligne = self._blocs.setdefault((nom, cle_texte(bloc_code)), (instance.bloc_libelle, self._ligne))
            if cle_texte(libelle) != cle_texte(instance.bloc_libelle):
                self.erreur_ligne(
                    "bloc_libelle",
                    f"Le bloc {bloc_code} porte un autre libellé à la ligne {self.numero_fichier(ligne)} du fichier : « {libelle} ».",
                )
        certification = normaliser_code_rncp(getattr(instance, "bloc_certification", "") or "")
        instance.bloc_certification = certification
        if certification and not RNCP_RE.fullmatch(certification):
            self.erreur_ligne(
                "bloc_certification", "Code mal formé : attendu RNCP suivi de chiffres (ex. RNCP37873) ou RS suivi de chiffres."
            )
        instance.criteres = "\n".join(c.strip() for ligne in (instance.criteres or "").splitlines() for c in ligne.split(";") if c.strip())
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The frameworks (a new one, or the next version of one of the same name) and their
        blocs first, then the competences, in the import's transaction."""
        try:
            if self.create_instances and self._ecrire(dry_run, result):
                with transaction.atomic():
                    self._ecrire_referentiels(self.create_instances)
        except Exception as e:  # noqa: BLE001 - reported as an error of the import, then rolled back
            self.handle_import_error(result, e, raise_errors)
        finally:
            self.create_instances.clear()

    def _ecrire_referentiels(self, competences):
        referentiels, blocs, rangs = {}, {}, {}
        for c in competences:
            nom = c.referentiel_nom.strip()
            cle = cle_texte(nom)
            if cle not in referentiels:
                precedent = Referentiel.objects.filter(projet=self.projet, nom__iexact=nom).order_by("-version").first()
                referentiels[cle] = Referentiel.objects.create(
                    projet=self.projet,
                    nom=precedent.nom if precedent else nom,
                    description=precedent.description if precedent else "",
                    version=precedent.version + 1 if precedent else 1,
                    precedent=precedent,
                )
                if precedent is not None:
                    Referentiel.objects.filter(pk=precedent.pk).update(archive=True)
            cle_bloc = (cle, cle_texte(c.bloc_code))
            if cle_bloc not in blocs:
                blocs[cle_bloc] = Bloc.objects.create(
                    referentiel=referentiels[cle],
                    code=c.bloc_code.strip(),
                    libelle=c.bloc_libelle,
                    code_certification=c.bloc_certification,
                    ordre=len(blocs) + 1,
                )
            c.bloc = blocs[cle_bloc]
            c.code, c.libelle = c.code.strip(), c.libelle.strip()
            rangs[cle_bloc] = c.ordre = rangs.get(cle_bloc, 0) + 1
        Competence.objects.bulk_create(competences, batch_size=500)

    def erreur_ligne(self, attribut, message):
        super().erreur_ligne(attribut if attribut else NON_FIELD_ERRORS, message)
