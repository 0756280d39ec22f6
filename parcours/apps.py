from django.apps import AppConfig


class ParcoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parcours"
    verbose_name = "Parcours des apprenants"

    def ready(self):
        from conciergerie.home import register

        from .views import taches_parcours

        register(taches_parcours)
