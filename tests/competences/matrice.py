"""Permission-matrix rows of the competences pages (see tests/conciergerie/test_permission_matrix.py).

Frameworks: read by members but funders (``competences.voir``), written by coordinators and
administrators (``referentiels.modifier``). Evaluations and AFEST traces: ``evaluations.saisir``,
a partner on the learners and steps of its organisation only (others: 404, as the learner's
page). The AFEST file (PDF, in pilotage): ``apprenants.modifier``.
"""

from parcours.models import TypeEtape
from tests import factories as f
from tests.matrice_outils import membres, tous

LECTURE = membres(200, financeur=403)
ECRITURE = membres(200, partenaire=403, financeur=403)


def _referentiel(monde, projet):
    return f.CompetenceFactory(bloc__referentiel__projet=monde[projet]).bloc.referentiel


def _ref(monde, projet):
    return {"projet_id": monde["A"].pk, "pk": _referentiel(monde, projet).pk}


def _bloc(monde, projet):
    bloc = f.BlocFactory(referentiel__projet=monde[projet])
    return {"projet_id": monde["A"].pk, "referentiel_id": bloc.referentiel_id, "pk": bloc.pk}


def _competence(monde, projet):
    competence = f.CompetenceFactory(bloc__referentiel__projet=monde[projet])
    return {"projet_id": monde["A"].pk, "referentiel_id": competence.bloc.referentiel_id, "pk": competence.pk}


def _parent_ref(monde, projet):
    return {"projet_id": monde["A"].pk, "referentiel_id": _referentiel(monde, projet).pk}


def _afest(monde, qui):
    if qui == "suivie":
        etape = f.EtapeFactory(
            parcours=monde["etape_suivie"].parcours, organisation=monde["etape_suivie"].organisation, type=TypeEtape.AFEST
        )
    elif qui == "autre":
        etape = f.EtapeFactory(parcours=monde["etape_autre"].parcours, type=TypeEtape.AFEST)
    else:
        etape = f.EtapeFactory(parcours=monde["etape_etrangere"].parcours, type=TypeEtape.AFEST)
    return etape


MATRICE: list = [
    ("referentiel_list", "A", LECTURE),
    ("referentiel_list", "B", tous(404)),
    ("referentiel_create", "A", ECRITURE),
    ("referentiel_create", "B", tous(404)),
    ("referentiel_detail", "ref_a", LECTURE),
    ("referentiel_detail", "ref_b", membres(404, financeur=403)),
    ("referentiel_update", "ref_a", ECRITURE),
    ("referentiel_update", "ref_b", membres(404, partenaire=403, financeur=403)),
    ("referentiel_export", "ref_a", LECTURE),
    ("referentiel_export", "ref_b", membres(404, financeur=403)),
    ("bloc_create", "parent_ref_a", ECRITURE),
    ("bloc_create", "parent_ref_b", membres(404, partenaire=403, financeur=403)),
    ("bloc_update", "bloc_a", ECRITURE),
    ("bloc_update", "bloc_b", membres(404, partenaire=403, financeur=403)),
    ("competence_create", "parent_ref_a", ECRITURE),
    ("competence_create", "parent_ref_b", membres(404, partenaire=403, financeur=403)),
    ("competence_update", "competence_a", ECRITURE),
    ("competence_update", "competence_b", membres(404, partenaire=403, financeur=403)),
    # evaluations: a partner evaluates the learners it follows (a step at its organisation)
    ("evaluation_create", "evaluation_suivi", LECTURE),
    ("evaluation_create", "evaluation_autre", membres(200, partenaire=404, financeur=403)),
    ("evaluation_create", "evaluation_etranger", membres(404, financeur=403)),
    # AFEST: a partner traces the AFEST steps held at its organisation
    ("etape_afest", "afest_suivie", LECTURE),
    ("etape_afest", "afest_autre", membres(200, partenaire=404, financeur=403)),
    ("etape_afest", "afest_etrangere", membres(404, financeur=403)),
    ("composante_afest_create", "trace_suivie", LECTURE),
    ("composante_afest_create", "trace_autre", membres(200, partenaire=404, financeur=403)),
    ("composante_afest_create", "trace_etrangere", membres(404, financeur=403)),
    # the AFEST file (PDF): coordinators and administrators
    ("afest_pdf", "apprenant_suivi", ECRITURE),
    ("afest_pdf", "apprenant_etranger", membres(404, partenaire=403, financeur=403)),
]

CIBLES: dict = {
    "ref_a": lambda monde: _ref(monde, "A"),
    "ref_b": lambda monde: _ref(monde, "B"),
    "parent_ref_a": lambda monde: _parent_ref(monde, "A"),
    "parent_ref_b": lambda monde: _parent_ref(monde, "B"),
    "bloc_a": lambda monde: _bloc(monde, "A"),
    "bloc_b": lambda monde: _bloc(monde, "B"),
    "competence_a": lambda monde: _competence(monde, "A"),
    "competence_b": lambda monde: _competence(monde, "B"),
    "evaluation_suivi": lambda monde: {"projet_id": monde["A"].pk, "apprenant_id": monde["apprenant_suivi"].pk},
    "evaluation_autre": lambda monde: {"projet_id": monde["A"].pk, "apprenant_id": monde["apprenant_autre"].pk},
    "evaluation_etranger": lambda monde: {"projet_id": monde["A"].pk, "apprenant_id": monde["apprenant_etranger"].pk},
    "afest_suivie": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "suivie").pk},
    "afest_autre": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "autre").pk},
    "afest_etrangere": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "etrangere").pk},
    "trace_suivie": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "suivie").pk, "type": "analyse"},
    "trace_autre": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "autre").pk, "type": "analyse"},
    "trace_etrangere": lambda monde: {"projet_id": monde["A"].pk, "etape_id": _afest(monde, "etrangere").pk, "type": "analyse"},
}
