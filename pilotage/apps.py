from django.apps import AppConfig


def roll_up_possible(context) -> dict:
    """The projects page links to the roll-up when the user reads the dashboards of several."""
    from conciergerie.roles import peut

    return {"synthese": sum(peut(a.role, "tableau_de_bord.voir") for a in context["adhesions"]) > 1}


class PilotageConfig(AppConfig):
    """Reporting on top of the domain apps: indicators, dashboards, the roll-up, the COPIL report,
    the Excel bilans and the job mechanism that produces their files."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage"
    verbose_name = "Pilotage : indicateurs, rapports et bilans"

    def ready(self):
        from conciergerie import sections

        # pages of the apps on the left show these sections (the documented hook)
        sections.register("copil_detail", "pilotage/_copil_rapports.html")
        sections.register("seance_actions", "pilotage/_seance_emargement.html")
        sections.register("projet_choix", "pilotage/_lien_synthese.html", contexte=roll_up_possible)
        # the learner's AFEST file (a PDF, pilotage/views_afest.py) from the competences' pages
        sections.register("afest_actions", "pilotage/_afest_pdf_lien.html")
