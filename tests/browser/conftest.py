"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live_server.

Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
one unless told it is safe, which it is here (the loop only drives the browser).
"""

import os
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.connexion import code_totp

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def code_affiche(page) -> str:
    """The code an authenticator application set up with the key the enrolment page shows."""
    cle = page.locator(".secret-totp").inner_text().replace(" ", "")
    return f"{totp(b32decode(cle)):06d}"


@pytest.fixture
def connecter(live_server, page):
    """Log in through the login form, as a user does; then, when the page asks for it (an
    administrator), the second factor: on the enrolment page the key it shows, on the code page
    the user's device, give the code an application would (``second_facteur=False``: stop at
    that page)."""

    def _connecter(username, password="motdepasse", second_facteur=True):
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        if second_facteur and "/compte/double-facteur/activer/" in page.url:
            page.get_by_label("Code à 6 chiffres").fill(code_affiche(page))
            page.get_by_role("button", name="Confirmer").click()
            page.wait_for_load_state()
        elif second_facteur and "/compte/double-facteur/" in page.url:
            appareil = TOTPDevice.objects.get(user__username=username, confirmed=True)
            page.get_by_label("Code à 6 chiffres").fill(code_totp(appareil))
            page.get_by_role("button", name="Valider").click()
            page.wait_for_load_state()
        return page

    return _connecter
