"""Tests that need what this run does not have are *deselected* and reported, never skipped:
the ``worker`` tests (tests/pilotage/conftest.py) and the ``postgresql`` ones (tests/conftest.py)."""

import os


def sur_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))


def deselectionner(config, items, marqueur: str, raison: str) -> None:
    """Take the tests marked ``marqueur`` out of ``items``, tell pytest and print why."""
    ecartes = [item for item in items if item.get_closest_marker(marqueur)]
    if not ecartes:
        return
    config.hook.pytest_deselected(items=ecartes)
    items[:] = [item for item in items if not item.get_closest_marker(marqueur)]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"tests « {marqueur} » désélectionnés ({len(ecartes)}) : {raison}")
