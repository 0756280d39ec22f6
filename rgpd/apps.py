from django.apps import AppConfig


class RgpdConfig(AppConfig):
    """Data protection: the rights of the people whose data is held (access export, anonymisation),
    the access log's page and the automatic retention. Above ``pilotage`` in the chain: it reads
    every app (the export must see everything held on a person)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rgpd"
    verbose_name = "Protection des données"

    def ready(self):
        from conciergerie import home, sections

        from .accueil import avis_conservation
        from .selectors import section_apprenant, section_organisation

        # the learner's page (parcours) and the organisation's page (partenaires): the rights' buttons
        sections.register("apprenant_detail", "rgpd/_apprenant_droits.html", contexte=section_apprenant)
        sections.register("organisation_detail", "rgpd/_organisation_contacts.html", contexte=section_organisation)
        # the home page: learners about to be anonymised, for the coordinators and administrators
        home.register(avis_conservation)
