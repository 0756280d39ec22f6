"""Import of learners (conciergerie/imports/).

Natural key: the learner's external reference (``Apprenant.reference``, unique per project).
The prescriber is an organisation of the project, named in the file. No social-security
number is ever read: only its status (``statut_secu``).
"""

from datetime import date

from conciergerie.imports import (
    BooleenFrWidget,
    ChiffresWidget,
    ChoixWidget,
    Colonne,
    DateFrWidget,
    ProjetForeignKeyWidget,
    ProjetResource,
    TexteWidget,
    cle_texte,
)
from partenaires.models import Organisation

from .models import CHAMPS_APPRENANT, Apprenant, NiveauQualification, PorteeConsentement, Situation, StatutSecu


class ApprenantResource(ProjetResource):
    reference = Colonne("reference", "Référence", obligatoire=True, aide="Référence stable de l'apprenant (clé de l'import)")
    prenom = Colonne("prenom", "Prénom", obligatoire=True)
    nom = Colonne("nom", "Nom", obligatoire=True)
    date_naissance = Colonne("date_naissance", "Date de naissance", DateFrWidget())
    commune = Colonne("commune", "Commune", TexteWidget())
    email = Colonne("email", "E-mail", TexteWidget())
    telephone = Colonne("telephone", "Téléphone", ChiffresWidget(longueur=10, garder_espaces=True, aide="Numéro de téléphone"))
    situation_entree = Colonne("situation_entree", "Situation à l'entrée", ChoixWidget(Situation), obligatoire=True)
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
    }

    class Meta:
        model = Apprenant
        # the learner form's fields, in its order (the template's columns), but the prescriber's
        # contact: no column names one (a contact would have to be found by name among the
        # prescriber's contacts, which no widget does)
        fields = tuple(champ for champ in CHAMPS_APPRENANT if champ != "prescripteur_contact")

    def cles_instance(self, instance):
        return [("reference", cle_texte(instance.reference))]

    def cles_ligne(self, row):
        reference = cle_texte(self.valeur(row, "reference"))
        return [("reference", reference)] if reference else []

    def message_unique(self, nom, ligne):
        if ligne is not None:
            return f"Référence en double : déjà utilisée à la ligne {ligne} du fichier."
        return "Un autre apprenant de ce projet a déjà cette référence."
