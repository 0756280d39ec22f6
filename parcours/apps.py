from django.apps import AppConfig


class ParcoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parcours"
    verbose_name = "Parcours des apprenants"

    def ready(self):
        from conciergerie.home import register

        from .home import taches_parcours

        register(taches_parcours)

        from conciergerie.imports import register as register_import

        from .resources import ApprenantResource, EtapeResource

        register_import(
            cle="apprenants",
            libelle="Apprenants",
            resource=ApprenantResource,
            description=(
                "Les apprenants, reconnus par leur référence ; le prescripteur est une organisation déjà enregistrée. "
                "Colonnes facultatives : leur parcours, sa première étape et sa sortie, pour saisir une cohorte en un fichier."
            ),
            url_liste="apprenant_list",
        )
        register_import(
            cle="parcours",
            libelle="Parcours et étapes",
            resource=EtapeResource,
            description=(
                "Une ligne par étape d'un apprenant déjà enregistré (par sa référence) : le parcours est créé s'il n'existe "
                "pas (même objectif, même début), la sortie le clôt."
            ),
            url_liste="apprenant_list",
        )

        from conciergerie import sections

        # the organisation's page (partenaires) shows its learners and sessions (the documented hook)
        sections.register("organisation_detail", "parcours/_organisation_sections.html")
