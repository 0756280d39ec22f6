"""``python manage.py menage``: the nightly housekeeping (``conciergerie.menage``) by hand or by
cron, where no Celery beat runs (the embedded mode). Idempotent."""

from django.core.management.base import BaseCommand

from conciergerie.menage import faire_le_menage


class Command(BaseCommand):
    help = (
        "Supprime les sessions expirées et les traces de connexion (django-axes) plus anciennes que AXES_CONSERVATION_JOURS, "
        "et vide le registre des écritures des projets (révisions des chiffres gardés)."
    )

    def handle(self, *args, **options):
        compte = faire_le_menage()
        sessions = "?" if compte["sessions"] is None else compte["sessions"]
        self.stdout.write(
            f"Sessions expirées supprimées : {sessions} ; traces de connexion supprimées : "
            f"{compte['tentatives']} tentatives, {compte['connexions']} connexions, {compte['echecs']} échecs ; "
            f"chiffres des projets à recalculer ({compte['ecritures']} écritures depuis la veille)."
        )
