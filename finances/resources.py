"""Import of volunteer time (conciergerie/imports/).

Natural key: (date, volunteer, organisation, activity) — case and spaces ignored. The database
keeps no such constraint (the week grid and the quick entry may log two lines that look alike),
so the import refuses a file that repeats a key, and a row whose key matches several existing
lines. An empty hourly rate takes the project's rate.
"""

from datetime import date as Date
from decimal import Decimal

from conciergerie.imports import (
    BooleenFrWidget,
    Colonne,
    DateFrWidget,
    DecimalFrWidget,
    ProjetForeignKeyWidget,
    ProjetResource,
    TexteWidget,
    cle_texte,
)
from partenaires.models import Organisation

from .models import Financement, TempsBenevole


class FinancementWidget(ProjetForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Financement, field="intitule", nom_objet="Financement", feminin=False, **kwargs)
        self.aide = "Intitulé d'un financement du projet (ou « Programme — Intitulé ») ; vide : hors financement"


class TempsBenevoleResource(ProjetResource):
    date = Colonne("date", "Date", DateFrWidget(), obligatoire=True)
    personne = Colonne("personne", "Bénévole", obligatoire=True, aide="Nom du bénévole")
    organisation = Colonne("organisation", "Organisation", ProjetForeignKeyWidget(Organisation, nom_objet="Organisation"))
    activite = Colonne("activite", "Activité", TexteWidget(), obligatoire=True)
    heures = Colonne("heures", "Heures", DecimalFrWidget(), obligatoire=True, aide="Nombre d'heures, virgule décimale (ex. 2,5)")
    taux_horaire = Colonne(
        "taux_horaire", "Taux horaire (€)", DecimalFrWidget(), saves_null_values=False, aide="Euros par heure ; vide : taux du projet"
    )
    valorise = Colonne(
        "valorise", "Valorisé", BooleenFrWidget(), saves_null_values=False, aide="oui (compté) ou non (donné en plus) ; vide : oui"
    )
    financement = Colonne("financement", "Financement", FinancementWidget())

    uniques = {"saisie": ("date", "personne", "organisation", "activite")}
    message_ambigu = (
        "Plusieurs saisies existent déjà pour ce bénévole, cette date, cette organisation et cette activité : "
        "corrigez-les dans l'application avant d'importer."
    )
    exemple = {
        "date": Date(2025, 3, 3),
        "personne": "Jeanne Dupont",
        "organisation": "Tiers-lieu La Grange",
        "activite": "Accueil du tiers-lieu",
        "heures": Decimal("2.5"),
        "taux_horaire": Decimal("15.00"),
        "valorise": True,
        "financement": "",
    }

    class Meta:
        model = TempsBenevole
        fields = ("date", "personne", "organisation", "activite", "heures", "taux_horaire", "valorise", "financement")

    def init_instance(self, row=None):
        return TempsBenevole(projet=self.projet, taux_horaire=self.projet.taux_horaire_benevolat)

    def cles_instance(self, instance):
        return [("saisie", instance.date, cle_texte(instance.personne), instance.organisation_id, cle_texte(instance.activite))]

    def cles_ligne(self, row):
        date_, personne, activite = (
            self.valeur(row, "date"),
            cle_texte(self.valeur(row, "personne")),
            cle_texte(self.valeur(row, "activite")),
        )
        if not (date_ and personne and activite):
            return []
        organisation = self.valeur(row, "organisation")
        return [("saisie", date_, personne, getattr(organisation, "pk", None), activite)]

    def message_unique(self, nom, ligne):
        if ligne is not None:
            return f"Saisie en double avec la ligne {ligne} du fichier (même date, bénévole, organisation et activité) : additionnez les heures sur une seule ligne."
        return "Une autre saisie de ce projet a déjà cette date, ce bénévole, cette organisation et cette activité."
