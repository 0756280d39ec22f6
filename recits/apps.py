from django.apps import AppConfig


class RecitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recits"
    verbose_name = "Récits et COPIL"
