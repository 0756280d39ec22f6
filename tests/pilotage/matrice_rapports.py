"""Permission-matrix rows of the COPIL report views (gathered by tests/recits/matrice.py).

Reading a report (status, download) needs ``tableau_de_bord.voir``: administrateur,
coordinateur and financeur; the partner gets 403. The coordinators' rendering (with the paths,
learner by learner) is not the funder's: 404 (``RapportCopil.objects.visible_to``). Asking for one or retrying it needs
``recits.modifier`` (the funder gets 403 too); those views take POST only, so a GET by a member
allowed to act gets 405 — after the membership (404), role (403) and object (404) checks.
Targets "*_b" belong to project B, asked for through A's URL.
"""

from pilotage.models import Destinataire, StatutRapport
from tests import factories as f
from tests.matrice_outils import membres, tous


def _kw(monde, objet):
    return {"projet_id": monde["A"].pk, "pk": objet.pk}


def _rapport(monde, projet, **kwargs):
    return f.RapportCopilFactory(copil=f.CopilFactory(projet=monde[projet]), **kwargs)


CIBLES: dict = {
    "rapport_copil_a": lambda monde: _kw(monde, f.CopilFactory(projet=monde["A"])),
    "rapport_copil_b": lambda monde: _kw(monde, f.CopilFactory(projet=monde["B"])),
    # an unfinished report: its download is 404 for everyone who may read it
    "rapport_a": lambda monde: _kw(monde, _rapport(monde, "A")),
    "rapport_b": lambda monde: _kw(monde, _rapport(monde, "B")),
    "rapport_echec_a": lambda monde: _kw(monde, _rapport(monde, "A", statut=StatutRapport.ECHEC, erreur="Échec du rendu : test")),
    "rapport_pret_a": lambda monde: _kw(monde, _rapport(monde, "A", pret_avec_fichier=True)),
    # the coordinators' rendering (the paths, learner by learner): never a funder's
    "rapport_coordination_pret_a": lambda monde: _kw(
        monde, _rapport(monde, "A", pret_avec_fichier=True, destinataire=Destinataire.COORDINATION)
    ),
}

LECTURE = membres(200, partenaire=403)
ECRITURE_POST = membres(405, partenaire=403, financeur=403)
AILLEURS_LECTURE = membres(404, partenaire=403)
AILLEURS_ECRITURE = membres(404, partenaire=403, financeur=403)

MATRICE: list = [
    ("rapport_demander", "rapport_copil_a", ECRITURE_POST),
    ("rapport_demander", "rapport_copil_b", AILLEURS_ECRITURE),
    ("rapport_statut", "rapport_a", LECTURE),
    ("rapport_statut", "rapport_echec_a", LECTURE),
    ("rapport_statut", "rapport_b", AILLEURS_LECTURE),
    ("rapport_relancer", "rapport_echec_a", ECRITURE_POST),
    ("rapport_relancer", "rapport_b", AILLEURS_ECRITURE),
    ("rapport_telecharger", "rapport_a", membres(404, partenaire=403)),
    ("rapport_telecharger", "rapport_pret_a", LECTURE),  # the funders read the committee's report
    ("rapport_telecharger", "rapport_b", AILLEURS_LECTURE),
    ("rapport_statut", "rapport_coordination_pret_a", membres(200, partenaire=403, financeur=404)),
    ("rapport_telecharger", "rapport_coordination_pret_a", membres(200, partenaire=403, financeur=404)),
]

# a project the user is not a member of: 404 whatever the object
for _vue in ("rapport_demander", "rapport_statut", "rapport_relancer", "rapport_telecharger"):
    MATRICE.append((_vue, "rapport_b_par_b", tous(404)))
CIBLES["rapport_b_par_b"] = lambda monde: {"projet_id": monde["B"].pk, "pk": _rapport(monde, "B").pk}
