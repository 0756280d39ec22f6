from django.apps import AppConfig


class PartenairesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partenaires"
    verbose_name = "Partenaires"

    def ready(self):
        from conciergerie.home import register

        from .views import taches_partenaires

        register(taches_partenaires)
