"""``python manage.py restaurer ARCHIVE --confirmer``: put back the database and the files of an
archive written by ``sauvegarder`` (conciergerie/sauvegarde.py, docs/exploitation.md)."""

from django.core.management.base import BaseCommand, CommandError

from conciergerie import sauvegarde


class Command(BaseCommand):
    help = (
        "Restaure la base de données et les fichiers (MEDIA_ROOT) d'une archive de « sauvegarder ». "
        "Toutes les sommes de contrôle sont vérifiées avant de toucher à quoi que ce soit. "
        "Arrêtez l'application (web, worker, beat) avant de restaurer."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="L'archive conciergerie-AAAAMMJJ-HHMMSS.tar.gz à restaurer.")
        parser.add_argument("--confirmer", action="store_true", help="Restaurer pour de bon (sans lui, rien n'est fait).")
        parser.add_argument(
            "--remplacer",
            action="store_true",
            help="Remplacer une base de données ou des fichiers existants (sinon, seulement dans une base et un MEDIA_ROOT vides).",
        )
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Seulement vérifier l'archive (sommes de contrôle, manifeste) sans rien restaurer.",
        )

    def handle(self, *args, archive, confirmer=False, remplacer=False, verifier=False, **options):
        try:
            if verifier:
                sauvegarde.verifier(archive, ecrire=self.stdout.write)
                return
            if not confirmer:
                raise CommandError(
                    "Refusé : la restauration remplace les données de cette instance. Relancez avec --confirmer "
                    "(ou --verifier pour seulement contrôler l'archive). Rien n'a été modifié."
                )
            sauvegarde.restaurer(archive, remplacer=remplacer, ecrire=self.stdout.write)
        except sauvegarde.ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(self.style.SUCCESS("Restauration terminée."))
