"""Permission-matrix rows of the dashboard (gathered by tests/recits/matrice.py)."""

from tests.matrice_outils import membres, tous

MATRICE: list = [
    ("tableau_de_bord", "A", membres(200, partenaire=403)),
    ("tableau_de_bord", "B", tous(404)),
]
CIBLES: dict = {}
