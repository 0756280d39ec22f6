"""Import of the consortium's organisations (conciergerie/imports/).

Natural key: the SIRET when the row gives one, else the name and the commune (case and spaces
ignored) — the same pairs the database keeps unique per project.
"""

from conciergerie.imports import ChiffresWidget, ChoixWidget, Colonne, DateFrWidget, ProjetResource, TexteWidget, cle_texte

from .models import Organisation, StatutQualiopi, TypeOrganisation


class OrganisationResource(ProjetResource):
    nom = Colonne("nom", "Nom", obligatoire=True)
    type = Colonne("type", "Type", ChoixWidget(TypeOrganisation), obligatoire=True)
    siret = Colonne("siret", "SIRET", ChiffresWidget(longueur=14, aide="14 chiffres (espaces acceptés)"))
    commune = Colonne("commune", "Commune", TexteWidget())
    code_postal = Colonne("code_postal", "Code postal", ChiffresWidget(longueur=5, aide="5 chiffres"))
    site_web = Colonne("site_web", "Site web", TexteWidget(), aide="Adresse complète (https://…)")
    qualiopi_statut = Colonne("qualiopi_statut", "Qualiopi", ChoixWidget(StatutQualiopi), default="")
    qualiopi_expiration = Colonne("qualiopi_expiration", "Expiration Qualiopi", DateFrWidget())
    nda = Colonne("nda", "NDA", ChiffresWidget(longueur=11, aide="Numéro de déclaration d'activité : 11 chiffres"))
    notes = Colonne("notes", "Notes", TexteWidget())

    uniques = {"siret": ("siret",), "nom_commune": ("nom", "commune")}
    exemple = {
        "nom": "Mission Locale des Landes",
        "type": TypeOrganisation.MISSION_LOCALE,
        "siret": "",
        "commune": "Mont-de-Marsan",
        "code_postal": "40000",
        "site_web": "https://www.example.org",
        "notes": "Prescripteur principal",
    }

    class Meta:
        model = Organisation
        fields = ("nom", "type", "siret", "commune", "code_postal", "site_web", "qualiopi_statut", "qualiopi_expiration", "nda", "notes")

    def cles_instance(self, instance):
        cles = [("nom_commune", cle_texte(instance.nom), cle_texte(instance.commune)), ("nom", cle_texte(instance.nom))]
        if instance.siret:
            cles.insert(0, ("siret", instance.siret))
        return cles

    def cles_ligne(self, row):
        cles = []
        siret = self.valeur(row, "siret")
        if siret:
            cles.append(("siret", siret))
        nom = cle_texte(self.valeur(row, "nom"))
        if nom:
            if self.fields["commune"].column_name in row:
                cles.append(("nom_commune", nom, cle_texte(self.valeur(row, "commune"))))
            else:  # no commune column: the name alone, if it is unique in the project
                cles.append(("nom", nom))
        return cles

    def message_unique(self, nom, ligne):
        quoi = "ce SIRET" if nom == "siret" else "ce nom dans cette commune"
        if ligne is not None:
            return f"En double avec la ligne {ligne} du fichier ({quoi})."
        return f"Une autre organisation de ce projet a déjà {quoi}."
