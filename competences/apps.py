from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    """What a person learned: the competence frameworks (référentiels) a project co-builds, the
    positioning and evaluations of a learner against them, and the traceability of an AFEST step.
    Above ``recits`` in the chain (it reads learners, steps and organisations), below ``badges``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "competences"
    verbose_name = "Compétences"
