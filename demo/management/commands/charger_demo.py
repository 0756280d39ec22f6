"""Load the demo consortium (Icifornie, from the COPIL minutes) and a second project.

The data is in ``demo/donnees/`` (JSON, read by ``demo/chargement.py``). Learners are invented;
no real person's name. Dates are placed relative to today so the home to-do always has something
to show. Running it twice changes nothing: the data is loaded in one transaction only when the
Icifornie project does not exist yet.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conciergerie.models import Projet
from demo.chargement import PROJETS, charger, nom_du_projet

MOT_DE_PASSE = "demo"


class Command(BaseCommand):
    help = "Charge les données de démonstration (consortium Icifornie et un second projet fictif)."

    def add_arguments(self, parser):
        parser.add_argument("--si-vide", action="store_true", help="Ne rien faire si la base contient déjà un projet.")

    def handle(self, *args, si_vide=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les données de démonstration et leurs comptes (mot de passe « demo ») ne se chargent qu'avec DEBUG activé."
            )
        if si_vide and Projet.objects.exists():
            self.stdout.write("La base contient déjà des projets : rien à charger.")
            return
        if Projet.objects.filter(nom=nom_du_projet(PROJETS[0])).exists():
            self.stdout.write("Les données de démonstration sont déjà chargées.")
            return
        with transaction.atomic():
            comptes = charger(timezone.localdate(), MOT_DE_PASSE)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration chargées. Comptes (mot de passe « {MOT_DE_PASSE} ») : {', '.join(comptes)}.")
        )
