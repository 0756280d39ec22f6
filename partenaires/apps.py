from django.apps import AppConfig


class PartenairesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partenaires"
    verbose_name = "Partenaires"

    def ready(self):
        from conciergerie.home import register

        from .home import taches_partenaires

        register(taches_partenaires)

        from conciergerie import sections

        from .creation_projet import contexte_choix

        sections.register("projet_choix", "partenaires/_creer_projet.html", contexte=contexte_choix)

        from conciergerie.imports import register as register_import

        from .resources import OrganisationResource

        register_import(
            cle="organisations",
            libelle="Organisations",
            resource=OrganisationResource,
            description="Les organisations du consortium et les prescripteurs, reconnues par leur SIRET ou leur nom et leur commune.",
            url_liste="organisation_list",
        )
