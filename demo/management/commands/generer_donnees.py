"""Generate a deterministic dataset at the national programme's size (benchmarks, load tests).

    python manage.py generer_donnees                       # 204 projects, 60 000 learners, seed 42
    python manage.py generer_donnees --projets 3 --apprenants 300 --graine 7 --au 2025-06-30
    python manage.py generer_donnees --vider               # empty the database first (everything!)

The database must be empty (no project, no user) unless ``--vider`` is given. Run again with the
same seed and size on a database it filled, it does nothing (the marker it leaves says so).
Everything is written in one transaction: an interrupted run leaves nothing. See
``demo/generateur/`` for the distributions.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from conciergerie.models import Projet
from demo.generateur import Generateur, Taille, lire_marqueur
from pilotage import precalcul


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {texte} » (attendu AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = "Génère un jeu de données déterministe à l'échelle du programme national (204 projets, 60 000 apprenants)."

    def add_arguments(self, parser):
        parser.add_argument("--projets", type=int, default=204, help="nombre de projets (204)")
        parser.add_argument("--apprenants", type=int, default=60_000, help="nombre total d'apprenants (60 000)")
        parser.add_argument("--graine", type=int, default=42, help="graine du générateur aléatoire (42)")
        parser.add_argument("--au", type=_date, default=None, help="date de référence AAAA-MM-JJ (aujourd'hui)")
        parser.add_argument("--vider", action="store_true", help="vider TOUTE la base avant de générer (flush)")
        parser.add_argument("--sans-historique", action="store_true", help="ne pas écrire l'historique (django-simple-history)")
        parser.add_argument("--lot", type=int, default=5000, help="lignes par INSERT (5000)")
        parser.add_argument("--sans-copie", action="store_true", help="PostgreSQL : bulk_create au lieu de COPY (plus lent)")
        parser.add_argument("--mot-de-passe", default="demo", help="mot de passe de tous les comptes créés (demo)")

    def handle(self, *args, projets, apprenants, graine, au, vider, sans_historique, lot, sans_copie, mot_de_passe, **options):
        if projets < 1 or apprenants < 0 or lot < 1:
            raise CommandError("Il faut au moins un projet, un nombre d'apprenants positif et des lots d'au moins une ligne.")
        taille = Taille(
            projets=projets, apprenants=apprenants, graine=graine, au=au or timezone.localdate(), historique=not sans_historique
        )
        marqueur = lire_marqueur()
        if not vider and marqueur and marqueur["signature"] == taille.signature():
            self.stdout.write(
                f"Données déjà générées ({marqueur['signature']}, au {marqueur.get('au')}) : rien à faire. "
                "Relancez avec --vider pour les régénérer."
            )
            return
        if vider:
            self.stdout.write("Vidage de la base (flush)…")
            pendantes = connection.vendor == "postgresql" and connection.in_atomic_block
            if pendantes:  # inside a transaction (tests): TRUNCATE refuses pending foreign-key checks
                with connection.cursor() as curseur:
                    curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command("flush", interactive=False, verbosity=0)
            if pendantes:
                with connection.cursor() as curseur:
                    curseur.execute("SET CONSTRAINTS ALL DEFERRED")
        elif Projet.objects.exists() or get_user_model().objects.exists():
            decrit = f" (générée avec {marqueur['signature']})" if marqueur else ""
            raise CommandError(
                f"La base n'est pas vide{decrit} : generer_donnees n'écrit que dans une base vide. "
                "Ajoutez --vider pour TOUT effacer (projets, comptes, données) avant de générer."
            )
        self.stdout.write(f"Génération : {taille.signature()}, date de référence {taille.au:%d/%m/%Y}")
        generateur = Generateur(taille, lot=lot, mot_de_passe=mot_de_passe, journal=self.stdout.write, copie=not sans_copie)
        with precalcul.suspendu():  # every project written: no background run for each
            compte = generateur.executer()
        for nom, nb in sorted(compte.items()):
            self.stdout.write(f"  {nom:<55} {nb:>9}")
        total = sum(compte.values())
        d = generateur.durees
        mode = "COPY" if generateur.copie else "bulk_create"
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} lignes en {d['total']:.1f} s ({mode} : {d['écriture']:.1f} s, soit {total / max(d['écriture'], 1e-9):.0f} lignes/s ; "
                f"ANALYZE : {d['analyse']:.1f} s)."
            )
        )
