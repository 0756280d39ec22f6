from django.core.management.base import BaseCommand

from rgpd import conservation


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles (avis, anonymisation des apprenants inactifs, "
        "suppression des bilans nominatifs et fichiers d'import, purge de l'historique et du journal des accès). "
        "Sans effet si relancée le même jour. En mode embarqué, à lancer chaque nuit (cron, docs/exploitation.md)."
    )

    def handle(self, *args, **options):
        purges = conservation.conserver()
        for purge in purges:
            details = ", ".join(f"{purge._meta.get_field(k).verbose_name} : {v}" for k, v in purge.comptes().items() if v)
            self.stdout.write(f"{purge.projet} — {details}")
        self.stdout.write(self.style.SUCCESS(f"Conservation appliquée ({len(purges)} projet(s) concerné(s))."))
