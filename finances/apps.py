from django.apps import AppConfig


class FinancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finances"
    verbose_name = "Finances et bénévolat"

    def ready(self):
        from conciergerie import home

        from .home import taches_finances

        home.register(taches_finances)
