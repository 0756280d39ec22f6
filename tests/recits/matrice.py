"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.
The rows of the writing pages (récits, activités, COPIL) are in ``matrice_saisie``.
"""

from tests import factories as f
from tests.matrice_outils import membres, tous  # noqa: F401
from tests.recits import matrice_saisie


def _apprenant(monde, projet):
    apprenant = f.ApprenantFactory(projet=monde[projet], consentant=True)
    return {"projet_id": monde["A"].pk, "pk": apprenant.pk}


# the withdrawal of a learner's consent (the learner's page): coordinators and administrators
MATRICE: list = [
    *matrice_saisie.MATRICE,
    ("consentement_retrait", "consentant_a", membres(200, partenaire=403, financeur=403)),
    ("consentement_retrait", "consentant_b", membres(404, partenaire=403, financeur=403)),
]
CIBLES: dict = {
    **matrice_saisie.CIBLES,
    "consentant_a": lambda monde: _apprenant(monde, "A"),
    "consentant_b": lambda monde: _apprenant(monde, "B"),
}

# deletions (issue 16): recits.modifier
MATRICE += [
    ("recit_delete", "recit_a", membres(200, partenaire=403, financeur=403)),
    ("recit_delete", "recit_b", membres(404, partenaire=403, financeur=403)),
    ("activite_delete", "activite_a", membres(200, partenaire=403, financeur=403)),
    ("activite_delete", "activite_b", membres(404, partenaire=403, financeur=403)),
]

# the récit form's learner search (issue 19): an htmx fragment, recits.modifier
MATRICE += [
    ("recit_apprenants", "A", membres(200, partenaire=403, financeur=403)),
    ("recit_apprenants", "B", tous(404)),
]

# the récit form's « Aperçu » (issue 19): POST only (GET 405 for whoever passes the checks), recits.modifier
MATRICE += [
    ("recit_apercu", "A", membres(405, partenaire=403, financeur=403)),
    ("recit_apercu", "B", tous(404)),
]
