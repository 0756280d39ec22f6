from django.apps import AppConfig


class RecitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recits"
    verbose_name = "Récits et COPIL"

    def ready(self):
        from conciergerie import sections
        from conciergerie.home import register

        from .home import avis_retrait

        register(avis_retrait)

        from .selectors import section_apprenant

        # the learner's page (parcours) lists the récits naming the learner (the documented hook)
        sections.register("apprenant_detail", "recits/_apprenant_recits.html", contexte=section_apprenant)
