"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.

Targets: a path / step / obstacle / outcome of the learner the partner follows ("…_suivi"/"etape_suivie"),
of a learner it does not follow ("…_autre"), and of project B asked for through A's URL
("…_etranger"). Writes on learners, paths, obstacles and outcomes are the coordinators' (the
partner gets 403 whatever the object); steps may be edited by the partner at its organisation.
"""

from tests import factories as f
from tests.matrice_outils import membres, tous  # noqa: F401


def _a(monde, pk):
    return {"projet_id": monde["A"].pk, "pk": pk}


CIBLES: dict = {
    "parcours_suivi": lambda m: _a(m, m["etape_suivie"].parcours_id),
    "parcours_autre": lambda m: _a(m, m["etape_autre"].parcours_id),
    "parcours_etranger": lambda m: _a(m, m["etape_etrangere"].parcours_id),
    "etape_suivie": lambda m: _a(m, m["etape_suivie"].pk),
    "etape_autre": lambda m: _a(m, m["etape_autre"].pk),
    "etape_etrangere": lambda m: _a(m, m["etape_etrangere"].pk),
    "frein_suivi": lambda m: _a(m, f.FreinFactory(apprenant=m["apprenant_suivi"]).pk),
    "frein_autre": lambda m: _a(m, f.FreinFactory(apprenant=m["apprenant_autre"]).pk),
    "frein_etranger": lambda m: _a(m, f.FreinFactory(apprenant=m["apprenant_etranger"]).pk),
    "sortie_suivie": lambda m: _a(m, f.SortieFactory(parcours=m["etape_suivie"].parcours).pk),
    "sortie_autre": lambda m: _a(m, f.SortieFactory(parcours=m["etape_autre"].parcours).pk),
    "sortie_etrangere": lambda m: _a(m, f.SortieFactory(parcours=m["etape_etrangere"].parcours).pk),
}

COORDINATION = membres(200, partenaire=403, financeur=403)
COORDINATION_ETRANGER = membres(404, partenaire=403, financeur=403)

MATRICE: list = [
    ("apprenant_create", "A", COORDINATION),
    ("apprenant_create", "B", tous(404)),
    ("apprenant_list", "A", membres(200, financeur=403)),
    # the header's global search (issue 19): no person and no directory for a funder
    ("recherche", "A", membres(200, financeur=403)),
    ("recherche", "B", tous(404)),
    # the paths and steps lists (issue 19): a partner sees its own rows, a funder none
    ("parcours_list", "A", membres(200, financeur=403)),
    ("parcours_list", "B", tous(404)),
    ("etape_list", "A", membres(200, financeur=403)),
    ("etape_list", "B", tous(404)),
    ("apprenant_actions", "A", COORDINATION),
    ("apprenant_actions", "B", tous(404)),
]
for _vue in ("apprenant_update", "parcours_create", "frein_create"):
    MATRICE += [
        (_vue, "apprenant_suivi", COORDINATION),
        (_vue, "apprenant_autre", COORDINATION),
        (_vue, "apprenant_etranger", COORDINATION_ETRANGER),
    ]
for _vue in ("parcours_update", "etape_create", "parcours_cloturer", "parcours_suivi"):
    MATRICE += [
        (_vue, "parcours_suivi", COORDINATION),
        (_vue, "parcours_autre", COORDINATION),
        (_vue, "parcours_etranger", COORDINATION_ETRANGER),
    ]
for _vue in ("etape_update", "etape_statut"):
    MATRICE += [
        (_vue, "etape_suivie", membres(200, financeur=403)),
        (_vue, "etape_autre", membres(200, partenaire=404, financeur=403)),
        (_vue, "etape_etrangere", membres(404, financeur=403)),
    ]
for _vue in ("frein_update", "frein_lever"):
    MATRICE += [
        (_vue, "frein_suivi", COORDINATION),
        (_vue, "frein_autre", COORDINATION),
        (_vue, "frein_etranger", COORDINATION_ETRANGER),
    ]
MATRICE += [
    ("sortie_update", "sortie_suivie", COORDINATION),
    ("sortie_update", "sortie_autre", COORDINATION),
    ("sortie_update", "sortie_etrangere", COORDINATION_ETRANGER),
]

# deletions (issue 16): apprenants.modifier, a partner cannot delete even its own steps
for _vue, _cible in (("etape_delete", "etape"), ("frein_delete", "frein")):
    MATRICE += [
        (_vue, f"{_cible}_{'suivie' if _cible == 'etape' else 'suivi'}", COORDINATION),
        (_vue, f"{_cible}_autre", COORDINATION),
        (_vue, f"{_cible}_{'etrangere' if _cible == 'etape' else 'etranger'}", COORDINATION_ETRANGER),
    ]
