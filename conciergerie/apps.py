from django.apps import AppConfig


class ConciergerieConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conciergerie"
    verbose_name = "Conciergerie (projets et adhésions)"
