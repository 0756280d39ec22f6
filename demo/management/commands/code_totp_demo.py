"""Print the current second-factor code of a demo account (``admin``: its key is in
``demo/donnees/comptes.json``), so that `make run`'s administrator can log in without an
authenticator application. Refused when DEBUG is off, as ``charger_demo`` is."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Affiche le code de double authentification du moment d'un compte de la démonstration (par défaut admin)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="admin", help="L'identifiant du compte (admin par défaut).")

    def handle(self, *args, username="admin", **options):
        if not settings.DEBUG:
            raise CommandError("Refusé : les codes de la démonstration ne s'affichent qu'avec DEBUG activé.")
        user = get_user_model().objects.filter(username=username).first()
        appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if appareil is None:
            raise CommandError(f"Le compte « {username} » n'a pas de double authentification activée.")
        totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
        self.stdout.write(f"{totp.token():0{appareil.digits}d}")
