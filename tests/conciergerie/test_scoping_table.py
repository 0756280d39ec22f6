"""The table « What each role sees » of docs/architecture.md, cell by cell: for every tenant model
and every role of project A, ``Model.objects.visible_to(user)`` gives exactly the rows the table
says — and never a row of project B."""

import pytest

from finances import models as fin
from parcours import models as par
from partenaires import models as part
from pilotage import models as pil
from recits import models as rec
from tests import factories as f
from tests.matrice_outils import ADM, COORD, FIN, PART
from tests.partage import dans_la_base

TOUT = "tout"
RIEN = "rien"


@pytest.fixture
def monde(monde_du_module, db):
    """The ``monde`` of tests/conftest.py, created once for the module's tests, which read it."""
    return monde_du_module


@pytest.fixture(scope="module")
def lignes_du_module(monde_du_module, django_db_blocker):
    return dans_la_base(django_db_blocker, lambda: creer_lignes(monde_du_module))


@pytest.fixture
def lignes(lignes_du_module, db):
    return lignes_du_module


def creer_lignes(monde):
    """In A, rows of every model, some tied to the partner's or the funder's organisation; in B
    and in a third project, one of each kind. Returns the rows tied to each organisation."""
    a, b = monde["A"], monde["B"]
    org_part = monde["adhesions"]["partenaire"].organisation
    org_fin = monde["adhesions"]["financeur"].organisation
    # B, and a finished project nobody here belongs to
    for projet in (a, b, f.ProjetFactory(termine=True)):
        f.ContactFactory(organisation__projet=projet)
        f.MembreConsortiumFactory(projet=projet)
        f.SessionFormationFactory(projet=projet, distancielle=True)
        f.FreinFactory(apprenant__projet=projet)
        f.SortieFactory(parcours__apprenant__projet=projet)
        f.TempsBenevoleFactory(projet=projet)
        f.PartageValeurFactory(projet=projet)
        f.RecitFactory(projet=projet)
        f.RapportCopilFactory(copil__projet=projet, copil__a_venir=True)
        f.ActiviteFactory(projet=projet, comite=True)
        autre = f.FinancementFactory(projet=projet)
        f.VersementFactory(financement=autre)
        f.DepenseFactory(ligne__financement=autre)
        f.ConventionFactory(projet=projet, parties=[f.OrganisationFactory(projet=projet)])
    session_part = f.SessionFormationFactory(projet=a, organisation=org_part, engagee=True)
    propre = f.FinancementFactory(projet=a, financeur=org_fin)
    versement = f.VersementFactory(financement=propre)
    depense = f.DepenseFactory(ligne__financement=propre, avec_justificatif=True)
    return {
        part.Convention: {
            PART: {f.ConventionFactory(projet=a, parties=[org_part]).pk},
            FIN: {f.ConventionFactory(projet=a, parties=[org_fin]).pk},
        },
        par.Apprenant: {PART: {monde["apprenant_suivi"].pk}},
        par.Parcours: {PART: {monde["etape_suivie"].parcours_id}},
        par.Etape: {PART: {monde["etape_suivie"].pk}},
        par.SessionFormation: {PART: {session_part.pk}},
        fin.Financement: {FIN: {propre.pk}},
        fin.LigneBudget: {FIN: {depense.ligne_id}},
        fin.Versement: {FIN: {versement.pk}},
        fin.Depense: {FIN: {depense.pk}},
    }


# model: (partenaire, financeur) as the table says; "org" = the rows tied to its organisation
TABLEAU = {
    part.Organisation: (TOUT, TOUT),
    part.MembreConsortium: (TOUT, TOUT),
    part.Contact: (TOUT, RIEN),
    part.Convention: ("org", "org"),
    par.Apprenant: ("org", RIEN),
    par.Parcours: ("org", RIEN),
    par.Etape: ("org", RIEN),
    par.SessionFormation: ("org", RIEN),
    par.Frein: (RIEN, RIEN),
    par.Sortie: (RIEN, RIEN),
    fin.Financement: (RIEN, "org"),
    fin.LigneBudget: (RIEN, "org"),
    fin.Versement: (RIEN, "org"),
    fin.Depense: (RIEN, "org"),
    fin.TempsBenevole: (RIEN, RIEN),
    fin.PartageValeur: (RIEN, RIEN),
    rec.Activite: (RIEN, TOUT),
    rec.Copil: (RIEN, TOUT),
    pil.RapportCopil: (RIEN, TOUT),
    rec.Recit: (RIEN, RIEN),
}


def _du_projet(modele, projet):
    champ = modele.objects.all().projet_field
    return set(modele.objects.filter(**{champ: projet}).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ADM, COORD, PART, FIN])
@pytest.mark.parametrize("modele", list(TABLEAU), ids=lambda m: m.__name__)
def test_chaque_role_voit_ce_que_dit_le_tableau(monde, lignes, modele, role):
    tout_a = _du_projet(modele, monde["A"])
    assert tout_a, "le jeu doit avoir des lignes de ce modèle dans A"
    assert _du_projet(modele, monde["B"]), "et dans B, pour vérifier l'isolement"
    if role in (ADM, COORD):
        attendu = tout_a
    else:
        regle = TABLEAU[modele][0 if role == PART else 1]
        attendu = {TOUT: tout_a, RIEN: set()}.get(regle)
        if attendu is None:
            attendu = lignes[modele][role]
            assert attendu and attendu < tout_a, "des lignes de l'organisation et d'autres"
    visibles = set(modele.objects.visible_to(monde["users"][role]).values_list("pk", flat=True))
    assert visibles == attendu
