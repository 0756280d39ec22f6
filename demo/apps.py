from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (``charger_demo``) and the national-size dataset (``generer_donnees``).

    The top of the dependency chain: it imports from every app, and no app imports from it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Démonstration"
