"""Imports of the parcours app (conciergerie/imports/): learners, and paths with their steps
and outcomes.

- ``apprenants`` (:class:`ApprenantResource`): one row per learner, natural key the learner's
  reference (``Apprenant.reference``, unique per project). The prescriber is an organisation of
  the project, named in the file. No social-security number is ever read: only its status
  (``statut_secu``). Optional columns add the learner's path, its first step and its outcome
  in the same row (empty: the learner only), so a cohort goes in with one file.
- ``parcours`` (:class:`EtapeResource`): one row per step of learners already in the project,
  with the same path, step and outcome columns and headers. Natural keys: a path is the
  learner's reference + its objective + its start date; a step is its path + its type + its
  organisation + its start date; a path has one outcome (« à la sortie »), which closes it.

Re-importing a file changes nothing: what exists with the same key is left as it is (a step's
other columns are updated by the paths import); an outcome that differs from the one recorded
is an error of its row (change it in the application).
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from conciergerie.formats import date_longue
from conciergerie.formats import heures as formater_heures
from conciergerie.imports import (
    BooleenFrWidget,
    ChiffresWidget,
    ChoixWidget,
    Colonne,
    DateFrWidget,
    DecimalFrWidget,
    ProjetForeignKeyWidget,
    ProjetResource,
    TexteWidget,
    cle_texte,
    enregistrer_lot,
)
from conciergerie.imports.texte import normaliser
from partenaires.models import Organisation

from .models import (
    CHAMPS_APPRENANT,
    Apprenant,
    Etape,
    NiveauQualification,
    Parcours,
    PorteeConsentement,
    ResultatSortie,
    Seance,
    Sexe,
    Situation,
    Sortie,
    StatutEtape,
    StatutParcours,
    StatutSecu,
    TypeEtape,
    TypeSortie,
    date_suivi_6_mois,
)

# --------------------------------------------------------------------------------------------
# Paths, steps and outcomes: the columns shared by the learner import (its optional path and
# first step) and the paths import (one row per step)

#: how a model's error on a step or a path maps onto the columns (attribute names of the resource)
_ERREURS_ETAPE = {
    "type": "etape_type",
    "date_fin": "etape_fin",
    "heures_prevues": "etape_heures_prevues",
    "heures_realisees": "etape_heures_realisees",
    "statut": "etape_statut",
    "motif": "etape_motif",
    "code_rncp": "etape_code_rncp",
}


def _vide(valeur) -> bool:
    return valeur is None or valeur == ""


def _fermer(parcours: Parcours, sortie: Sortie) -> None:
    """What ``parcours.services.cloturer_parcours`` does to the path, for a bulk write."""
    parcours.statut = StatutParcours.CLOTURE
    parcours.date_fin = sortie.date
    parcours.suivi_6_mois_le = date_suivi_6_mois(sortie.date, sortie.resultat)


class SuiteParcoursMixin:
    """Plans, row by row, the path (found by learner reference + objective + start date, or new),
    its step and its outcome, against the project's paths and outcomes read once; a confirmed
    import writes what is new in bulk once the rows are written (``ecrire_suite``). Whatever
    exists already with the same key is left as it is: re-importing the file changes nothing."""

    #: {role: attribute of the resource} for the path and outcome columns
    attributs_parcours = {
        "intitule": "parcours_intitule",
        "debut": "parcours_debut",
        "sortie_date": "sortie_date",
        "sortie_resultat": "sortie_resultat",
    }

    def _init_suite(self):
        self._index_parcours = None
        self._index_sorties = None
        self._nouveaux_parcours: dict[tuple, Parcours] = {}
        self._sorties_prevues: dict[tuple, Sortie] = {}
        self._a_ecrire = False
        # values compared to find unchanged rows: the model's own columns only
        concrets = {f.attname for f in self._meta.model._meta.concrete_fields}
        self._attnames = [a if a in concrets else "__absent__" for a in self._attnames]

    def _parcours_existants(self) -> dict[tuple, Parcours]:
        if self._index_parcours is None:
            self._index_parcours = {}
            for parcours in Parcours.objects.visible_to(self.user, projet=self.projet).select_related("apprenant"):
                cle = (cle_texte(parcours.apprenant.reference), cle_texte(parcours.intitule), parcours.date_debut)
                self._index_parcours.setdefault(cle, parcours)
            self._index_sorties = {
                s.parcours_id: s for s in Sortie.objects.visible_to(self.user, projet=self.projet).filter(type=TypeSortie.SORTIE)
            }
        return self._index_parcours

    def _cle_parcours(self, reference, intitule, debut) -> tuple:
        return (cle_texte(reference), cle_texte(intitule), debut)

    def planifier_parcours(self, reference, apprenant, intitule, debut) -> Parcours | None:
        """The path of the row: an existing one, one an earlier row plans, or a new one."""
        cle = self._cle_parcours(reference, intitule, debut)
        parcours = self._parcours_existants().get(cle) or self._nouveaux_parcours.get(cle)
        if parcours is not None:
            return parcours
        parcours = Parcours(projet=self.projet, apprenant=apprenant, intitule=intitule, date_debut=debut)
        try:
            parcours.full_clean(exclude=["projet", "apprenant", "referent"], validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            for attribut, messages in e.update_error_dict({}).items():
                colonne = {"intitule": "parcours_intitule", "date_debut": "parcours_debut"}.get(attribut, "parcours_intitule")
                for message in messages:
                    self.erreur_ligne(self.attributs_parcours.get(colonne, colonne), message)
            return None
        parcours._cle = cle
        parcours._reference = cle_texte(reference)
        self._nouveaux_parcours[cle] = parcours
        self._a_ecrire = True
        return parcours

    def planifier_sortie(self, parcours: Parcours, date_sortie, resultat) -> None:
        a = self.attributs_parcours
        if date_sortie is None and not resultat:
            return
        if date_sortie is None:
            self.erreur_ligne(a["sortie_date"], "Date de sortie manquante : le résultat de sortie est rempli.")
            return
        if not resultat:
            self.erreur_ligne(a["sortie_resultat"], "Résultat de sortie manquant : la date de sortie est remplie.")
            return
        if date_sortie < parcours.date_debut:
            self.erreur_ligne(a["sortie_date"], "La date de sortie précède le début du parcours.")
            return
        if parcours.pk is not None:
            existante = self._index_sorties.get(parcours.pk)
            if existante is not None:
                if (existante.date, existante.resultat) != (date_sortie, resultat):
                    self.erreur_ligne(
                        a["sortie_resultat"],
                        f"Ce parcours a déjà une sortie ({existante.get_resultat_display()}, le {date_longue(existante.date)}) : "
                        "modifiez-la dans l'application.",
                    )
                return
            if parcours.statut == StatutParcours.CLOTURE:
                self.erreur_ligne(a["sortie_date"], "Ce parcours est déjà clôturé.")
                return
        cle = parcours._cle if parcours.pk is None else parcours.pk
        prevue = self._sorties_prevues.get(cle)
        if prevue is not None:
            if (prevue.date, prevue.resultat) != (date_sortie, resultat):
                self.erreur_ligne(
                    a["sortie_resultat"],
                    f"Sortie différente de celle de la ligne {self.numero_fichier(prevue._ligne)} pour le même parcours.",
                )
            return
        sortie = Sortie(projet=self.projet, parcours=parcours, type=TypeSortie.SORTIE, resultat=resultat, date=date_sortie)
        sortie._ligne = self._ligne
        self._sorties_prevues[cle] = sortie
        self._a_ecrire = True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        inchangee = super().skip_row(instance, original, row, import_validation_errors)
        return inchangee and not self._a_ecrire

    def import_instance(self, instance, row, **kwargs):
        self._a_ecrire = False
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            self.planifier_ligne(instance)

    def planifier_ligne(self, instance) -> None:
        raise NotImplementedError

    def ecrire_parcours_nouveaux(self) -> None:
        a_creer = [p for p in self._nouveaux_parcours.values() if p.pk is None]
        references = None
        for parcours in a_creer:
            if parcours.apprenant_id is None:  # a learner of the same file, written just before
                if references is None:
                    references = self._apprenants_par_reference()
                parcours.apprenant_id = references[parcours._reference]
            sortie = self._sorties_prevues.get(parcours._cle)
            if sortie is not None:
                _fermer(parcours, sortie)
        if a_creer:
            enregistrer_lot(model=Parcours, creations=a_creer, by=self.user, motif=self.motif_historique)

    def _apprenants_par_reference(self) -> dict[str, int]:
        return {cle_texte(reference): pk for reference, pk in Apprenant.objects.filter(projet=self.projet).values_list("reference", "pk")}

    def ecrire_suite(self, etapes=()) -> None:
        """Write the new paths, then ``etapes`` (new steps), then the outcomes and the paths they close."""
        self.ecrire_parcours_nouveaux()
        if etapes:
            enregistrer_lot(model=Etape, creations=etapes, by=self.user, motif=self.motif_historique)
        sorties = list(self._sorties_prevues.values())
        a_fermer = [s.parcours for s in sorties if s.parcours.statut != StatutParcours.CLOTURE]
        for sortie in sorties:
            _fermer(sortie.parcours, sortie)
        if sorties:
            enregistrer_lot(model=Sortie, creations=sorties, by=self.user, motif=self.motif_historique)
        if a_fermer:
            enregistrer_lot(
                model=Parcours,
                modifications=a_fermer,
                champs=["statut", "date_fin", "suivi_6_mois_le"],
                by=self.user,
                motif=self.motif_historique,
            )

    def _ecrire_suite_autorise(self, result) -> bool:
        return self.confirmer and not (result.has_errors() or result.has_validation_errors())


def _colonnes_parcours(prefixe: str = "", obligatoires: tuple[str, ...] = ()) -> dict[str, Colonne]:
    """The path, step and outcome columns: the same headers in both imports. ``prefixe`` names
    the step's attributes (``etape_`` on a learner, the model's own on a step)."""
    p = prefixe
    colonnes = {
        "parcours_intitule": Colonne(
            "parcours_intitule", "Objectif du parcours", aide="Objectif du parcours (clé du parcours avec le début)"
        ),
        "parcours_debut": Colonne("parcours_debut", "Début du parcours", DateFrWidget()),
        f"{p}type": Colonne(f"{p}type", "Type d'étape", ChoixWidget(TypeEtape)),
        f"{p}organisation": Colonne(
            f"{p}organisation", "Organisation de l'étape", ProjetForeignKeyWidget(Organisation, nom_objet="Organisation")
        ),
        f"{p}date_debut": Colonne(f"{p}date_debut", "Début de l'étape", DateFrWidget()),
        f"{p}date_fin": Colonne(f"{p}date_fin", "Fin de l'étape", DateFrWidget()),
        f"{p}heures_prevues": Colonne(f"{p}heures_prevues", "Heures prévues", DecimalFrWidget(), saves_null_values=False),
        f"{p}heures_realisees": Colonne(f"{p}heures_realisees", "Heures réalisées", DecimalFrWidget(), saves_null_values=False),
        f"{p}statut": Colonne(f"{p}statut", "Statut de l'étape", ChoixWidget(StatutEtape), saves_null_values=False, aide=""),
        f"{p}motif": Colonne(
            f"{p}motif", "Motif (blocage ou abandon)", TexteWidget(), aide="Obligatoire si l'étape est bloquée ou abandonnée"
        ),
        f"{p}code_rncp": Colonne(
            f"{p}code_rncp", "Code RNCP/RS", TexteWidget(), aide="Obligatoire pour une formation certifiante ou diplômante"
        ),
        "sortie_date": Colonne(
            "sortie_date", "Date de sortie", DateFrWidget(), aide="Date jj/mm/aaaa ; avec le résultat, clôt le parcours"
        ),
        "sortie_resultat": Colonne("sortie_resultat", "Résultat de sortie", ChoixWidget(ResultatSortie)),
    }
    for nom in obligatoires:
        colonnes[nom].obligatoire = True
    return colonnes


_COLONNES_APPRENANT_PARCOURS = _colonnes_parcours("etape_")
for _colonne in _COLONNES_APPRENANT_PARCOURS.values():
    _colonne.aide = "Facultatif. " + _colonne.aide
_EXEMPLE_PARCOURS = {
    "parcours_intitule": "Remobilisation vers l'emploi",
    "parcours_debut": date(2025, 1, 20),
    "type": TypeEtape.REMOBILISATION,
    "date_debut": date(2025, 1, 20),
    "date_fin": date(2025, 7, 18),
    "heures_prevues": Decimal("300"),
    "heures_realisees": Decimal("280"),
    "statut": StatutEtape.TERMINEE,
    "sortie_date": date(2025, 7, 18),
    "sortie_resultat": ResultatSortie.FORMATION_QUALIFIANTE,
}


class StatutWidget(ChoixWidget):
    """The learner's status, by its label (« Chef·fe d'entreprise ») or either of its forms
    (« Chef d'entreprise », « Cheffe d'entreprise », « Élue », « Agent public »)."""

    def __init__(self, **kwargs):
        super().__init__(Situation, **kwargs)
        for valeur, libelle in self.choices:
            libelle = str(libelle)
            if "·" in libelle:
                self._index.setdefault(normaliser(re.sub(r"·\w+", "", libelle)), valeur)  # masculine
                self._index.setdefault(normaliser(libelle.replace("·", "")), valeur)  # « Cheffe », « Élue »
                if valeur == Situation.AGENT_PUBLIC:
                    self._index.setdefault(normaliser("Agente publique"), valeur)


class ApprenantResource(SuiteParcoursMixin, ProjetResource):
    reference = Colonne("reference", "Référence", obligatoire=True, aide="Référence stable de l'apprenant (clé de l'import)")
    prenom = Colonne("prenom", "Prénom", obligatoire=True)
    nom = Colonne("nom", "Nom", obligatoire=True)
    date_naissance = Colonne("date_naissance", "Date de naissance", DateFrWidget())
    sexe = Colonne("sexe", "Sexe", ChoixWidget(Sexe), saves_null_values=False, aide="femme, homme ou non renseigné ; vide : non renseigné")
    commune = Colonne("commune", "Commune", TexteWidget())
    email = Colonne("email", "E-mail", TexteWidget())
    telephone = Colonne("telephone", "Téléphone", ChiffresWidget(longueur=10, garder_espaces=True, aide="Numéro de téléphone"))
    situation_entree = Colonne("situation_entree", "Situation à l'entrée", StatutWidget(), obligatoire=True)
    niveau_qualification = Colonne("niveau_qualification", "Niveau de qualification", ChoixWidget(NiveauQualification), default="")
    date_entree = Colonne(
        "date_entree", "Date d'entrée", DateFrWidget(), saves_null_values=False, aide="Date jj/mm/aaaa ; vide : date du jour"
    )
    prescripteur = Colonne("prescripteur", "Prescripteur", ProjetForeignKeyWidget(Organisation, nom_objet="Organisation"))
    qpv = Colonne("qpv", "QPV", BooleenFrWidget(), saves_null_values=False, aide="oui ou non : habite en quartier prioritaire")
    zrr = Colonne("zrr", "ZRR", BooleenFrWidget(), saves_null_values=False, aide="oui ou non : habite en zone de revitalisation rurale")
    statut_secu = Colonne(
        "statut_secu",
        "Statut sécurité sociale",
        ChoixWidget(StatutSecu),
        saves_null_values=False,
        aide="Seul le statut du numéro : " + " ; ".join(str(label) for _, label in StatutSecu.choices) + ". Jamais le numéro.",
    )
    rqth = Colonne("rqth", "RQTH", BooleenFrWidget(), saves_null_values=False, aide="oui ou non (donnée sensible)")
    consentement_portee = Colonne(
        "consentement_portee",
        "Portée du consentement",
        ChoixWidget(PorteeConsentement),
        default="",
        aide="Vide : aucun consentement à être nommé dans un récit ; sinon interne, COPIL ou public (public ⊃ COPIL ⊃ interne).",
    )
    consentement_date = Colonne("consentement_date", "Date du consentement", DateFrWidget())
    # optional: the learner's path, its first step and its outcome (the paths import's headers)
    locals().update(_COLONNES_APPRENANT_PARCOURS)

    uniques = {"reference": ("reference",)}
    message_ambigu = "Plusieurs apprenants de ce projet ont cette référence : corrigez-les dans l'application avant d'importer."
    exemple = {
        "reference": "APP-00123",
        "prenom": "Camille",
        "nom": "Martin",
        "date_naissance": date(1998, 4, 12),
        "commune": "Mont-de-Marsan",
        "email": "camille.martin@example.org",
        "telephone": "06 12 34 56 78",
        "situation_entree": Situation.DEMANDEUR_EMPLOI,
        "niveau_qualification": NiveauQualification.NIVEAU_4,
        "date_entree": date(2025, 1, 15),
        "qpv": False,
        "zrr": True,
        "statut_secu": StatutSecu.DEFINITIF,
        "rqth": False,
        "consentement_portee": PorteeConsentement.COPIL,
        "consentement_date": date(2025, 1, 15),
        **{
            ("etape_" + k if k in {"type", "date_debut", "date_fin", "heures_prevues", "heures_realisees", "statut"} else k): v
            for k, v in _EXEMPLE_PARCOURS.items()
        },
    }

    class Meta:
        model = Apprenant
        # the learner form's fields, in its order (the template's columns), but the prescriber's
        # contact: no column names one (a contact would have to be found by name among the
        # prescriber's contacts, which no widget does); then the optional path columns
        fields = tuple(champ for champ in CHAMPS_APPRENANT if champ != "prescripteur_contact") + tuple(_COLONNES_APPRENANT_PARCOURS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._init_suite()
        self._etapes_existantes = None
        self._etapes_prevues: list[Etape] = []

    def planifier_ligne(self, apprenant) -> None:
        """The row's path, first step and outcome, if any of their columns is filled."""
        v = {nom: getattr(apprenant, nom, None) for nom in _COLONNES_APPRENANT_PARCOURS}
        if all(_vide(valeur) for valeur in v.values()) or not apprenant.reference:
            return
        if _vide(v["parcours_intitule"]):
            self.erreur_ligne("parcours_intitule", "Objectif du parcours manquant : d'autres colonnes du parcours sont remplies.")
            return
        if v["parcours_debut"] is None:
            self.erreur_ligne("parcours_debut", "Début du parcours manquant (jj/mm/aaaa).")
            return
        parcours = self.planifier_parcours(
            apprenant.reference, apprenant if apprenant.pk else None, v["parcours_intitule"], v["parcours_debut"]
        )
        if parcours is None:
            return
        colonnes_etape = [nom for nom in v if nom.startswith("etape_")]
        if any(not _vide(v[nom]) for nom in colonnes_etape):
            self._planifier_etape(parcours, v)
        self.planifier_sortie(parcours, v["sortie_date"], v["sortie_resultat"])

    def _planifier_etape(self, parcours, v) -> None:
        if _vide(v["etape_type"]):
            self.erreur_ligne("etape_type", "Type d'étape manquant : d'autres colonnes de l'étape sont remplies.")
            return
        if v["etape_date_debut"] is None:
            self.erreur_ligne("etape_date_debut", "Début de l'étape manquant (jj/mm/aaaa).")
            return
        if v["etape_date_debut"] < parcours.date_debut:
            self.erreur_ligne("etape_date_debut", "L'étape commence avant le début du parcours.")
            return
        organisation = v["etape_organisation"]
        if parcours.pk is not None:
            if self._etapes_existantes is None:
                self._etapes_existantes = set(
                    Etape.objects.visible_to(self.user, projet=self.projet).values_list(
                        "parcours_id", "type", "organisation_id", "date_debut"
                    )
                )
            cle = (parcours.pk, v["etape_type"], organisation.pk if organisation else None, v["etape_date_debut"])
            if cle in self._etapes_existantes:
                return  # already there: the paths import changes a step's other columns
        etape = Etape(
            projet=self.projet,
            parcours=parcours,
            type=v["etape_type"],
            organisation=organisation,
            date_debut=v["etape_date_debut"],
            date_fin=v["etape_date_fin"],
            heures_prevues=v["etape_heures_prevues"] if v["etape_heures_prevues"] is not None else Decimal(0),
            heures_realisees=v["etape_heures_realisees"] if v["etape_heures_realisees"] is not None else Decimal(0),
            statut=v["etape_statut"] or StatutEtape.PREVUE,
            motif=v["etape_motif"] or "",
            code_rncp=v["etape_code_rncp"] or "",
        )
        try:
            etape.full_clean(exclude=["projet", "parcours", "organisation", "session"], validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            for attribut, messages in e.update_error_dict({}).items():
                for message in messages:
                    self.erreur_ligne(_ERREURS_ETAPE.get(attribut, "etape_type"), message)
            return
        self._etapes_prevues.append(etape)
        self._a_ecrire = True

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._ecrire_suite_autorise(result):
            self.ecrire_suite(etapes=self._etapes_prevues)

    def cles_instance(self, instance):
        return [("reference", cle_texte(instance.reference))]

    def cles_ligne(self, row):
        reference = cle_texte(self.valeur(row, "reference"))
        return [("reference", reference)] if reference else []

    def message_unique(self, nom, ligne):
        if ligne is not None:
            return f"Référence en double : déjà utilisée à la ligne {ligne} du fichier."
        return "Un autre apprenant de ce projet a déjà cette référence."


class EtapeResource(SuiteParcoursMixin, ProjetResource):
    """The paths import: one row per step of a learner already in the project (by reference)."""

    apprenant_reference = Colonne(
        "apprenant_reference",
        "Référence de l'apprenant",
        obligatoire=True,
        aide="Référence d'un apprenant déjà enregistré dans le projet (importez d'abord les apprenants)",
    )
    locals().update(_colonnes_parcours(obligatoires=("parcours_intitule", "parcours_debut", "type", "date_debut")))

    message_ambigu = "Plusieurs étapes de ce parcours ont ce type, cette organisation et ce début : corrigez-les dans l'application."
    exemple = {"apprenant_reference": "APP-00123", **_EXEMPLE_PARCOURS}

    class Meta:
        model = Etape
        fields = ("apprenant_reference", *_colonnes_parcours())

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._init_suite()
        self._index_apprenants = None
        self._heures_emargees = None

    def existants(self):
        if self._existants is None:
            self._existants = list(Etape.objects.visible_to(self.user, projet=self.projet).select_related("parcours__apprenant"))
        return self._existants

    def heures_emargees(self) -> dict[int, tuple[Decimal, str]]:
        """The steps whose hours come from attendance (in a session that has séances:
        parcours/services_seances.py), with those hours and the session's title: one query."""
        if self._heures_emargees is None:
            self._heures_emargees = {
                pk: (heures, intitule)
                for pk, heures, intitule in Etape.objects.visible_to(self.user, projet=self.projet)
                .filter(Exists(Seance.objects.filter(session_id=OuterRef("session_id"))))
                .values_list("pk", "heures_realisees", "session__intitule")
            }
        return self._heures_emargees

    def _verifier_heures_emargees(self, etape) -> None:
        """A row may not type the hours of a step that takes them from attendance: they would be
        overwritten at the next attendance, or contradict it."""
        emargee = self.heures_emargees().get(etape.pk) if etape.pk is not None else None
        if emargee is None:
            return
        h, intitule = emargee
        if etape.heures_realisees is not None and Decimal(etape.heures_realisees) != h:
            self.erreur_ligne(
                "heures_realisees",
                f"Heures réalisées : cette étape est dans la session « {intitule} », qui a des séances ; ses heures "
                f"viennent de l'émargement ({formater_heures(h)}). Laissez la colonne vide ou saisissez les présences "
                "dans l'application.",
            )

    def cles_instance(self, etape):
        parcours = etape.parcours
        return [
            (
                cle_texte(parcours.apprenant.reference),
                cle_texte(parcours.intitule),
                parcours.date_debut,
                etape.type,
                etape.organisation_id,
                etape.date_debut,
            )
        ]

    def cles_ligne(self, row):
        reference = cle_texte(self.valeur(row, "apprenant_reference"))
        intitule = cle_texte(self.valeur(row, "parcours_intitule"))
        debut, type_, date_debut = (self.valeur(row, nom) for nom in ("parcours_debut", "type", "date_debut"))
        if not (reference and intitule and debut and type_ and date_debut):
            return []
        organisation = self.valeur(row, "organisation")
        return [(reference, intitule, debut, type_, organisation.pk if organisation else None, date_debut)]

    def _apprenant(self, reference):
        if self._index_apprenants is None:
            self._index_apprenants = {cle_texte(a.reference): a for a in Apprenant.objects.visible_to(self.user, projet=self.projet)}
        return self._index_apprenants.get(cle_texte(reference))

    def planifier_ligne(self, etape) -> None:
        reference = getattr(etape, "apprenant_reference", None)
        intitule, debut = getattr(etape, "parcours_intitule", None), getattr(etape, "parcours_debut", None)
        parcours = None
        if reference and intitule and debut:
            apprenant = self._apprenant(reference)
            if apprenant is None:
                self.erreur_ligne(
                    "apprenant_reference",
                    f"Apprenant inconnu dans ce projet : « {reference} ». Importez-le d'abord (import des apprenants).",
                )
            else:
                parcours = self.planifier_parcours(reference, apprenant, intitule, debut)
        if parcours is None:
            if etape.pk is None:  # an error of the row: a stand-in path, never written
                etape.parcours = Parcours(projet=self.projet, intitule=intitule or "", date_debut=debut)
            return
        if etape.pk is None:
            etape.parcours = parcours
            self._a_ecrire = True
        self._verifier_heures_emargees(etape)
        if etape.date_debut is not None and etape.date_debut < parcours.date_debut:
            self.erreur_ligne("date_debut", "L'étape commence avant le début du parcours.")
        self.planifier_sortie(parcours, getattr(etape, "sortie_date", None), getattr(etape, "sortie_resultat", None))

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        reference = self.valeur(row, "apprenant_reference")
        if reference and row_result.object_repr:
            row_result.object_repr = f"{reference} — {row_result.object_repr}"
        return row_result

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # the new paths first: the steps point to them
        if self.create_instances and self._ecrire(dry_run, result):
            try:
                self.ecrire_parcours_nouveaux()
            except Exception as e:  # noqa: BLE001 - reported as an error of the import, then rolled back
                self.handle_import_error(result, e, raise_errors)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._ecrire_suite_autorise(result):
            self.ecrire_suite()
