"""Permission-matrix rows of the pilotage app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.
The rows are kept per group of views, in ``matrice_rapports`` (COPIL report jobs),
``matrice_tableau`` (dashboard and roll-up) and ``matrice_bilans`` (Excel bilans), and gathered here.
"""

from tests.matrice_outils import membres, tous  # noqa: F401
from tests.pilotage import matrice_bilans, matrice_rapports, matrice_tableau

MATRICE: list = [*matrice_rapports.MATRICE, *matrice_tableau.MATRICE, *matrice_bilans.MATRICE]
CIBLES: dict = {**matrice_rapports.CIBLES, **matrice_tableau.CIBLES, **matrice_bilans.CIBLES}
