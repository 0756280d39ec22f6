from django.apps import AppConfig


class FinancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finances"
    verbose_name = "Finances et bénévolat"

    def ready(self):
        from conciergerie.home import register

        from .home import taches_finances

        register(taches_finances)

        from conciergerie.imports import register as register_import

        from .resources import TempsBenevoleResource

        register_import(
            cle="benevolat",
            libelle="Temps bénévole",
            resource=TempsBenevoleResource,
            description="Les heures de bénévolat, reconnues par la date, le bénévole, l'organisation et l'activité.",
            url_liste="finances",
        )
