"""The dataset generator's refusals (test_generateur.py shares one generated dataset among its
tests: these need an empty database)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from conciergerie.models import Projet
from tests.demo.test_generateur import PETIT, generer


def test_refuses_a_database_that_is_not_empty(db):
    get_user_model().objects.create_user("quelquun")
    with pytest.raises(CommandError, match="--vider"):
        generer(*PETIT)
    assert not Projet.objects.exists()


@pytest.mark.parametrize("args", [["--projets", "0"], ["--au", "2025-13-01"]])
def test_bad_options_are_refused_in_french(db, args):
    with pytest.raises(CommandError, match="projet|Date invalide"):
        generer(*args)
