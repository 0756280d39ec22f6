"""The demo command is refused in production (test_demo.py shares one loaded demo among its tests:
this one needs an empty database)."""

import pytest
from django.core.management import CommandError, call_command

from conciergerie.models import Projet


def test_demo_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("charger_demo")
    assert not Projet.objects.exists()
