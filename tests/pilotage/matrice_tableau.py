"""Permission-matrix rows of the dashboard (gathered by tests/recits/matrice.py)."""

from tests.matrice_outils import ADM, COORD, FIN, OUT, PART, membres, tous

# the roll-up and its Excel bilan (/synthese/, not under a project): every project where the user
# may read the dashboard; 403 when there is none (the partner, the outsider)
SYNTHESE = {ADM: 200, COORD: 200, PART: 403, FIN: 200, OUT: 403}

MATRICE: list = [
    ("tableau_de_bord", "A", membres(200, partenaire=403)),
    ("tableau_de_bord", "B", tous(404)),
    ("synthese", "racine", SYNTHESE),
    ("synthese_bilan", "racine", SYNTHESE),
]
CIBLES: dict = {"racine": lambda monde: {}}
