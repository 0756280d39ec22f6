"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.
The rows of the writing pages (récits, activités, COPIL) are in ``matrice_saisie``.
"""

from tests.matrice_outils import membres, tous  # noqa: F401
from tests.recits import matrice_saisie

MATRICE: list = [*matrice_saisie.MATRICE]
CIBLES: dict = {**matrice_saisie.CIBLES}
