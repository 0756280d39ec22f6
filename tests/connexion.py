"""Logging a test client in.

- ``se_connecter(client, username, password)``: through the login page, as a person does (the
  test client's ``login()`` calls ``authenticate`` without the request, which django-axes
  refuses: it counts failures per address).
"""

from django.test import Client
from django.urls import reverse


def se_connecter(client: Client, username: str, password: str):
    """POST the login form; the response (302 when the password was right)."""
    return client.post(reverse("connexion"), {"username": username, "password": password})
