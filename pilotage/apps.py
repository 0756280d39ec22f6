from django.apps import AppConfig


class PilotageConfig(AppConfig):
    """Reporting on top of the domain apps: indicators, dashboards, the roll-up, the COPIL report,
    the Excel bilans and the job mechanism that produces their files."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage"
    verbose_name = "Pilotage : indicateurs, rapports et bilans"

    def ready(self):
        from recits import sections_copil

        # the COPIL page (recits) shows the meeting's PDF reports through this documented hook
        sections_copil.register("pilotage/_copil_rapports.html")
