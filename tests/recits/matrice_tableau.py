"""Permission-matrix rows of the recits tableau views (gathered by tests/recits/matrice.py)."""

from tests.matrice_outils import membres, tous  # noqa: F401

MATRICE: list = []
CIBLES: dict = {}
