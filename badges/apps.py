from django.apps import AppConfig


class BadgesConfig(AppConfig):
    """Open Badges 3.0: badge classes tied to competences, badges issued to learners as signed
    ``OpenBadgeCredential``, their public verification page and their revocation. Above
    ``competences`` in the chain, below ``pilotage``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "badges"
    verbose_name = "Open Badges"

    def ready(self):
        from conciergerie import sections

        from .selectors import section_apprenant

        # the learner's page (parcours) lists the learner's badges and those suggested
        sections.register("apprenant_detail", "badges/_apprenant_badges.html", contexte=section_apprenant)
