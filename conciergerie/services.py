"""The core's writes about accounts: turning the second factor on and off, the user's preferences.

Keyword-only functions, callable without HTTP. Whether a session passed the second factor is
the views' business (``django_otp.login``); which users must have one is
``conciergerie.double_facteur``.
"""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .double_facteur import doit_avoir_double_facteur
from .models import Preferences
from .roles import Accord

NOM_APPAREIL = "Application d'authentification"
CODE_INCORRECT = "Code incorrect ou expiré : saisissez les 6 chiffres affichés en ce moment par l'application."


def nouvelle_cle() -> str:
    """A new TOTP secret (20 random bytes, hex), given to the user's application before any
    device exists: nothing is written until a first code confirms it."""
    return random_hex(20)


def activer_totp(*, user, cle: str, code: str) -> TOTPDevice:
    """Confirm the secret ``cle`` (hex) the user's application was given with a code it shows
    now (the current 30-second step, or one step either side); the user's device is then that
    one, any previous device is removed. ``ValidationError`` (French) for a wrong code."""
    code = (code or "").strip().replace(" ", "")
    totp = TOTP(bytes.fromhex(cle))
    totp.time = time.time()
    if not (len(code) == 6 and code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise ValidationError(CODE_INCORRECT)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        # the code just typed is spent: the next one must come from a later step
        return TOTPDevice.objects.create(user=user, name=NOM_APPAREIL, key=cle, confirmed=True, drift=totp.drift, last_t=totp.t())


def desactiver_totp(*, user) -> int:
    """Remove the user's devices (the second factor is off); refused to who must have one."""
    if doit_avoir_double_facteur(user):
        raise PermissionDenied("La double authentification est obligatoire pour votre compte : elle ne peut pas être désactivée.")
    supprimes, _ = TOTPDevice.objects.filter(user=user).delete()
    return supprimes


def verifier_accord(accord: str) -> str:
    """How the UI names a person's role (``Accord``), refused in French when unknown."""
    if accord not in Accord.values:
        raise ValidationError({"accord": "Choisissez féminin, masculin ou non précisé."})
    return accord


def modifier_preferences(*, user, resume_quotidien: bool, accord: str | None = None) -> Preferences:
    """The user's own preferences (``Preferences``, created with the first change): whether the
    morning digest is sent (``conciergerie.resume``) and, when given, how the UI names their role
    (``accord``: "feminin", "masculin" or "" for not said)."""
    valeurs = {"resume_quotidien": bool(resume_quotidien)}
    if accord is not None:
        valeurs["accord"] = verifier_accord(accord)
    preferences, _ = Preferences.objects.update_or_create(user=user, defaults=valeurs)
    return preferences
