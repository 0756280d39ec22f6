"""Logging a test client in.

- ``connecter(user)``: a client whose session is logged in (``force_login``) and, for a user
  who must use a second factor (platform staff, a project's administrator) or has set one up,
  has passed it as the code page leaves it: a real confirmed TOTP device of the user (made once)
  whose id is in the session, which django-otp's middleware reads back and checks on each
  request (this user's, confirmed) — one query per page, as for such a user in production. Other
  users log in with the password alone, as they do. A test that makes a logged-in user an
  administrator afterwards calls ``marquer_verifie`` itself. Production has no such path: a
  device id only gets into a session through a verified code.
- ``se_connecter(client, username, password)``: through the login page, as a person does (the
  test client's ``login()`` calls ``authenticate`` without the request, which django-axes
  refuses: it counts failures per address).
- ``code_totp(appareil)``: the code an authenticator application shows now for a device.
"""

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conciergerie.double_facteur import a_un_appareil, doit_avoir_double_facteur


def marquer_verifie(client: Client, user) -> TOTPDevice:
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return appareil


def connecter(user, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(user)
    frais = type(user).objects.get(pk=user.pk)  # memberships read afresh, none cached on the test's object
    if doit_avoir_double_facteur(frais) or a_un_appareil(frais):
        marquer_verifie(client, user)
    return client


def se_connecter(client: Client, username: str, password: str):
    """POST the login form; the response (302 when the password was right)."""
    return client.post(reverse("connexion"), {"username": username, "password": password})


def code_totp(appareil: TOTPDevice, decalage: int = 0) -> str:
    """The 6-digit code of ``appareil`` now (``decalage`` steps of 30 s later or earlier)."""
    return f"{totp(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift + decalage):06d}"
