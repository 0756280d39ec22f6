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

        from .resources import ApprenantResource

        register_import(
            cle="apprenants",
            libelle="Apprenants",
            resource=ApprenantResource,
            description="Les apprenants, reconnus par leur référence ; le prescripteur est une organisation déjà enregistrée.",
            url_liste="apprenant_list",
        )

        from conciergerie import sections

        # the organisation's page (partenaires) shows its learners and sessions (the documented hook)
        sections.register("organisation_detail", "parcours/_organisation_sections.html")
