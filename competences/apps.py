from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    """What a person learned: the competence frameworks (référentiels) a project co-builds, the
    positioning and evaluations of a learner against them, and the traceability of an AFEST step.
    Above ``recits`` in the chain (it reads learners, steps and organisations), below ``badges``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "competences"
    verbose_name = "Compétences"

    def ready(self):
        from conciergerie import sections
        from conciergerie.imports import register as register_import

        from .resources import CompetenceResource
        from .selectors import section_apprenant

        register_import(
            cle="referentiel",
            libelle="Référentiel de compétences",
            resource=CompetenceResource,
            description="Un référentiel : une ligne par compétence, avec son bloc. Un référentiel du même nom devient sa version suivante.",
            url_liste="referentiel_list",
        )
        # the learner's page (parcours): radar chart, progression per bloc, evaluations
        sections.register("apprenant_detail", "competences/_apprenant_competences.html", contexte=section_apprenant)
        # each step of a path (parcours/_etape.html): « Évaluer », and on an AFEST step its traceability
        sections.register("etape", "competences/_etape_liens.html")
