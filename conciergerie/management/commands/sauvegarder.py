"""``python manage.py sauvegarder --dossier DIR``: one archive of the database and the files
(conciergerie/sauvegarde.py, docs/exploitation.md)."""

from django.core.management.base import BaseCommand, CommandError

from conciergerie import sauvegarde


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les fichiers (MEDIA_ROOT) dans une archive "
        "conciergerie-AAAAMMJJ-HHMMSS.tar.gz, avec un manifeste (sommes de contrôle SHA-256, "
        "migrations, nombre de lignes de chaque table)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossier", required=True, help="Dossier où écrire l'archive (créé s'il n'existe pas).")
        parser.add_argument(
            "--garder",
            type=int,
            metavar="N",
            help="Après la sauvegarde, ne garder que les N archives les plus récentes de ce dossier.",
        )

    def handle(self, *args, dossier, garder=None, **options):
        try:
            sauvegarde.sauvegarder(dossier, garder=garder, ecrire=self.stdout.write)
        except sauvegarde.ErreurSauvegarde as erreur:
            raise CommandError(str(erreur)) from erreur
