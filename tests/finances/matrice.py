"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.
"""

from tests.matrice_outils import membres, tous  # noqa: F401

MATRICE: list = []
CIBLES: dict = {}
