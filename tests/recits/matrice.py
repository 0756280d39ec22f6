"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.
The rows are kept per group of views, in ``matrice_saisie``, ``matrice_rapports`` and
``matrice_tableau``, and gathered here.
"""

from tests.matrice_outils import membres, tous  # noqa: F401
from tests.recits import matrice_rapports, matrice_saisie, matrice_tableau

MATRICE: list = [*matrice_saisie.MATRICE, *matrice_rapports.MATRICE, *matrice_tableau.MATRICE]
CIBLES: dict = {**matrice_saisie.CIBLES, **matrice_rapports.CIBLES, **matrice_tableau.CIBLES}
