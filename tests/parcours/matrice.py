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


def _seance(monde, *, projet="A", partenaire=True):
    """A séance of a session of ``projet`` (at the partner's OF, or another), with a participant
    and a signed sheet."""
    organisation = monde["adhesions"]["partenaire"].organisation if partenaire else None
    extra = {"organisation": organisation} if organisation else {}
    session = f.SessionFormationFactory(projet=monde[projet], **extra)
    etape = f.EtapeFactory(parcours__apprenant__projet=monde[projet], organisation=session.organisation, session=session)
    seance = f.SeanceFactory(session=session, avec_feuille=True)
    return seance, etape.parcours.apprenant


def _participant(monde, projet="A", partenaire=True):
    seance, apprenant = _seance(monde, projet=projet, partenaire=partenaire)
    return {"projet_id": monde["A"].pk, "pk": seance.session_id, "apprenant_id": apprenant.pk}


CIBLES.update(
    {
        "seance_partenaire": lambda m: _a(m, _seance(m)[0].pk),
        "seance_autre": lambda m: _a(m, _seance(m, partenaire=False)[0].pk),
        "seance_etrangere": lambda m: _a(m, _seance(m, projet="B")[0].pk),
        "participant_partenaire": _participant,
        "phase_partenaire": lambda m: _a(m, f.PhaseFactory(session=_seance(m)[0].session).pk),
        "phase_autre": lambda m: _a(m, f.PhaseFactory(session=_seance(m, partenaire=False)[0].session).pk),
        "phase_etrangere": lambda m: _a(m, f.PhaseFactory(session=_seance(m, projet="B")[0].session).pk),
        "participant_autre": lambda m: _participant(m, partenaire=False),
        "participant_etranger": lambda m: _participant(m, projet="B"),
    }
)

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

# séances, participants and attendance (issue 17): sessions and séances are the coordinators';
# attendance and the signed sheet also the partner's whose OF runs the session; reading (the
# printable sheet, the signed scan, the calendar) every member but the funder
for _vue in ("phase_create", "seance_create", "session_participants"):
    MATRICE += [
        (_vue, "session_partenaire", COORDINATION),
        (_vue, "session_autre", COORDINATION),
        (_vue, "session_etrangere", COORDINATION_ETRANGER),
    ]
MATRICE += [
    ("session_participant_retirer", "participant_partenaire", COORDINATION),
    ("session_participant_retirer", "participant_autre", COORDINATION),
    ("session_participant_retirer", "participant_etranger", COORDINATION_ETRANGER),
    ("calendrier", "A", membres(200, financeur=403)),
    ("calendrier", "B", tous(404)),
]
for _vue in ("seance_update", "seance_delete"):
    MATRICE += [
        (_vue, "seance_partenaire", COORDINATION),
        (_vue, "seance_autre", COORDINATION),
        (_vue, "seance_etrangere", COORDINATION_ETRANGER),
    ]
for _vue in ("phase_update", "phase_delete"):
    MATRICE += [
        (_vue, "phase_partenaire", COORDINATION),
        (_vue, "phase_autre", COORDINATION),
        (_vue, "phase_etrangere", COORDINATION_ETRANGER),
    ]
for _vue in ("seance_presences", "seance_feuille_signee", "seance_feuille_signee_fichier", "seance_emargement_pdf"):
    MATRICE += [
        (_vue, "seance_partenaire", membres(200, financeur=403)),
        (_vue, "seance_autre", membres(200, partenaire=404, financeur=403)),
        (_vue, "seance_etrangere", membres(404, financeur=403)),
    ]
