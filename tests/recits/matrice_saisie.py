"""Permission-matrix rows of the recits saisie views (gathered by tests/recits/matrice.py).

Récits are the conciergerie's own: ``recits.modifier`` for every page (partner and funder 403).
Activities and COPIL meetings are read with ``tableau_de_bord.voir`` (the funder reads them,
the partner gets 403) and written with ``recits.modifier``. Targets "*_a" belong to project A,
"*_b" to project B, asked for through A's URL: 404 for everyone who may open the page.
"""

from tests import factories as f
from tests.matrice_outils import membres, tous


def _kw(monde, objet):
    return {"projet_id": monde["A"].pk, "pk": objet.pk}


CIBLES: dict = {
    "recit_a": lambda monde: _kw(monde, f.RecitFactory(projet=monde["A"])),
    "recit_b": lambda monde: _kw(monde, f.RecitFactory(projet=monde["B"])),
    "activite_a": lambda monde: _kw(monde, f.ActiviteFactory(projet=monde["A"])),
    "activite_b": lambda monde: _kw(monde, f.ActiviteFactory(projet=monde["B"])),
    "copil_a": lambda monde: _kw(monde, f.CopilFactory(projet=monde["A"])),
    "copil_b": lambda monde: _kw(monde, f.CopilFactory(projet=monde["B"])),
}

ECRITURE = membres(200, partenaire=403, financeur=403)
LECTURE = membres(200, partenaire=403)
AILLEURS_ECRITURE = membres(404, partenaire=403, financeur=403)
AILLEURS_LECTURE = membres(404, partenaire=403)

MATRICE: list = [
    ("recit_list", "A", ECRITURE),
    ("recit_list", "B", tous(404)),
    ("recit_create", "A", ECRITURE),
    ("recit_create", "B", tous(404)),
    ("recit_detail", "recit_a", ECRITURE),
    ("recit_detail", "recit_b", AILLEURS_ECRITURE),
    ("recit_update", "recit_a", ECRITURE),
    ("recit_update", "recit_b", AILLEURS_ECRITURE),
    ("activite_list", "A", LECTURE),
    ("activite_list", "B", tous(404)),
    ("activite_create", "A", ECRITURE),
    ("activite_create", "B", tous(404)),
    ("activite_detail", "activite_a", LECTURE),
    ("activite_detail", "activite_b", AILLEURS_LECTURE),
    ("activite_update", "activite_a", ECRITURE),
    ("activite_update", "activite_b", AILLEURS_ECRITURE),
    ("activite_temps_create", "activite_a", ECRITURE),
    ("activite_temps_create", "activite_b", AILLEURS_ECRITURE),
    ("copil_list", "A", LECTURE),
    ("copil_list", "B", tous(404)),
    ("copil_create", "A", ECRITURE),
    ("copil_create", "B", tous(404)),
    ("copil_detail", "copil_a", LECTURE),
    ("copil_detail", "copil_b", AILLEURS_LECTURE),
    ("copil_update", "copil_a", ECRITURE),
    ("copil_update", "copil_b", AILLEURS_ECRITURE),
]
