from django.apps import AppConfig


class BadgesConfig(AppConfig):
    """Open Badges 3.0: badge classes tied to competences, badges issued to learners as signed
    ``OpenBadgeCredential``, their public verification page and their revocation. Above
    ``competences`` in the chain, below ``pilotage``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "badges"
    verbose_name = "Open Badges"
