"""Permission-matrix rows of the Excel bilan views (gathered by tests/recits/matrice.py).

The bilan page needs ``tableau_de_bord.voir``: the financeur gets the funder version (200), the
partner 403. A bilan job (status, retry, download) needs ``tableau_de_bord.voir`` and
``apprenants.voir``: partner and funder 403; a bilan with personal data is visible to
administrators only (404 for a coordinator). Retrying is POST only: a GET by a member allowed to
act gets 405, after the membership (404), role (403) and object (404) checks. Targets "*_b"
belong to project B, asked for through A's URL.

The detailed bilan of several projects (``/synthese/bilans/``, not under a project) needs the user
to administer at least two projects: 403 for everyone else, the outsider included (as the roll-up
page). Its jobs are seen only by whoever administers every one of their projects: 404 for an
administrator of A and B asking for a bilan of A, B and C. Targets "projets_*" make monde's
administrator an administrator of B too.
"""

from tests import factories as f
from tests.matrice_outils import ADM, COORD, FIN, OUT, PART, membres, tous


def _kw(monde, objet):
    return {"projet_id": monde["A"].pk, "pk": objet.pk}


def _bilan(monde, projet, **kwargs):
    return f.BilanExcelFactory(projet=monde[projet], **kwargs)


def _admin_de_b(monde):
    f.AdhesionFactory(user=monde["users"]["administrateur"], projet=monde["B"], administrateur=True)


def _bilan_projets(monde, *projets, **kwargs):
    _admin_de_b(monde)
    bilan = f.BilanExcelFactory(projet=None, demande_par=monde["users"]["administrateur"], **kwargs)
    bilan.projets.set(projets)
    return {"pk": bilan.pk}


CIBLES: dict = {
    "projets_a": lambda monde: {},
    "projets_ab": lambda monde: _admin_de_b(monde) or {},
    "bilan_projets_ab": lambda monde: _bilan_projets(monde, monde["A"], monde["B"], pret=True),
    "bilan_projets_attente_ab": lambda monde: _bilan_projets(monde, monde["A"], monde["B"]),
    "bilan_projets_echec_ab": lambda monde: _bilan_projets(monde, monde["A"], monde["B"], echec=True),
    "bilan_projets_abc": lambda monde: _bilan_projets(monde, monde["A"], monde["B"], f.ProjetFactory(), pret=True),
    "bilan_a": lambda monde: _kw(monde, _bilan(monde, "A")),  # waiting: its download is 404
    "bilan_pret_a": lambda monde: _kw(monde, _bilan(monde, "A", pret=True)),
    "bilan_nominatif_pret_a": lambda monde: _kw(monde, _bilan(monde, "A", pret=True, nominatif=True)),
    "bilan_echec_a": lambda monde: _kw(monde, _bilan(monde, "A", echec=True)),
    "bilan_nominatif_echec_a": lambda monde: _kw(monde, _bilan(monde, "A", echec=True, nominatif=True)),
    "bilan_b": lambda monde: _kw(monde, _bilan(monde, "B", pret=True)),
    "bilan_b_par_b": lambda monde: {"projet_id": monde["B"].pk, "pk": _bilan(monde, "B", pret=True).pk},
}

JOB = membres(200, partenaire=403, financeur=403)
JOB_NOMINATIF = membres(200, coordinateur=404, partenaire=403, financeur=403)
RELANCER = membres(405, partenaire=403, financeur=403)
AILLEURS = membres(404, partenaire=403, financeur=403)

MATRICE: list = [
    ("bilan_projet", "A", membres(200, partenaire=403)),
    ("bilan_projet", "B", tous(404)),
    ("bilan_statut", "bilan_a", JOB),
    ("bilan_statut", "bilan_echec_a", JOB),
    ("bilan_statut", "bilan_nominatif_pret_a", JOB_NOMINATIF),
    ("bilan_statut", "bilan_b", AILLEURS),
    ("bilan_relancer", "bilan_echec_a", RELANCER),
    ("bilan_relancer", "bilan_nominatif_echec_a", membres(405, coordinateur=404, partenaire=403, financeur=403)),
    ("bilan_relancer", "bilan_b", AILLEURS),
    ("bilan_telecharger", "bilan_a", membres(404, partenaire=403, financeur=403)),
    ("bilan_telecharger", "bilan_pret_a", JOB),
    ("bilan_telecharger", "bilan_nominatif_pret_a", JOB_NOMINATIF),
    ("bilan_telecharger", "bilan_b", AILLEURS),
]

# the detailed bilan of several projects: administrators of two projects or more
PROJETS = {ADM: 200, COORD: 403, PART: 403, FIN: 403, OUT: 403}
MATRICE += [
    ("bilan_projets", "projets_a", tous(403)),
    ("bilan_projets", "projets_ab", PROJETS),
    ("bilan_projets_statut", "bilan_projets_ab", PROJETS),
    ("bilan_projets_statut", "bilan_projets_abc", {**PROJETS, ADM: 404}),
    ("bilan_projets_relancer", "bilan_projets_echec_ab", {**PROJETS, ADM: 405}),
    ("bilan_projets_relancer", "bilan_projets_abc", {**PROJETS, ADM: 404}),
    ("bilan_projets_telecharger", "bilan_projets_ab", PROJETS),
    ("bilan_projets_telecharger", "bilan_projets_attente_ab", {**PROJETS, ADM: 404}),
    ("bilan_projets_telecharger", "bilan_projets_abc", {**PROJETS, ADM: 404}),
]

# a project the user is not a member of: 404 whatever the object
for _vue in ("bilan_statut", "bilan_relancer", "bilan_telecharger"):
    MATRICE.append((_vue, "bilan_b_par_b", tous(404)))
