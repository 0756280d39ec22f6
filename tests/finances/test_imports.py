"""Import of volunteer time (finances/resources.py): French numbers, the project's rate by
default, organisations and fundings of the project only, (date, volunteer, organisation,
activity) as natural key."""

from datetime import date
from decimal import Decimal

import pytest

from conciergerie import imports
from finances.models import TempsBenevole
from tests import factories as f

pytestmark = pytest.mark.django_db

ENTETES = ["Date", "Bénévole", "Organisation", "Activité", "Heures", "Taux horaire (€)", "Valorisé", "Financement"]


def csv_bytes(lignes, entetes=ENTETES) -> bytes:
    return ("\ufeff" + "\r\n".join(";".join(str(v) for v in ligne) for ligne in [entetes, *lignes]) + "\r\n").encode()


@pytest.fixture
def ctx(db):
    adhesion = f.AdhesionFactory(administrateur=True, projet__taux_horaire_benevolat=Decimal("12.50"))
    projet = adhesion.projet
    return {
        "projet": projet,
        "admin": adhesion.user,
        "grange": f.OrganisationFactory(projet=projet, nom="La Grange", commune="Sabres"),
        "financement": f.FinancementFactory(projet=projet, programme="Deffinov", intitule="Conciergerie"),
    }


def _importer(ctx, lignes, confirmer=False):
    return imports.importer(
        type="benevolat", fichier=csv_bytes(lignes), nom="benevolat.csv", projet=ctx["projet"], by=ctx["admin"], confirmer=confirmer
    )


def _etat(projet):
    return sorted(
        TempsBenevole.objects.filter(projet=projet).values_list(
            "date", "personne", "organisation_id", "activite", "heures", "taux_horaire", "valorise", "financement_id"
        )
    )


LIGNES = [
    ["03/03/2025", "Jeanne", "La Grange", "Accueil", "2,5", "", "", "Conciergerie"],
    ["2025-03-04", "Jeanne", "la grange (Sabres)", "Accueil", "1 234,50", "15", "non", "Deffinov — Conciergerie"],
    ["04/03/2025", "Paul", "", "Atelier numérique", "3", "15,00", "oui", ""],
]


def test_import_puis_reimport_sans_doublon(ctx):
    fait = _importer(ctx, LIGNES, confirmer=True)
    assert fait.confirme, fait.erreurs
    g, fin = ctx["grange"].pk, ctx["financement"].pk
    assert _etat(ctx["projet"]) == [
        (date(2025, 3, 3), "Jeanne", g, "Accueil", Decimal("2.50"), Decimal("12.50"), True, fin),
        (date(2025, 3, 4), "Jeanne", g, "Accueil", Decimal("1234.50"), Decimal("15.00"), False, fin),
        (date(2025, 3, 4), "Paul", None, "Atelier numérique", Decimal("3.00"), Decimal("15.00"), True, None),
    ]
    etat = _etat(ctx["projet"])
    encore = _importer(ctx, LIGNES, confirmer=True)
    assert (encore.creations, encore.modifications, encore.inchangees) == (0, 0, 3)
    assert _etat(ctx["projet"]) == etat

    # more hours on a known line: an update, not a new line
    lignes = [list(ligne) for ligne in LIGNES]
    lignes[2][4] = "4"
    change = _importer(ctx, lignes, confirmer=True)
    assert (change.creations, change.modifications, change.inchangees) == (0, 1, 2)
    assert TempsBenevole.objects.get(personne="Paul").heures == Decimal("4.00")


def test_erreurs_du_benevolat(ctx):
    autre_projet = f.OrganisationFactory(nom="Ailleurs")
    f.FinancementFactory(intitule="Financement d'un autre projet")
    lignes = [
        ["03/03/2025", "Jeanne", "La Grange", "Accueil", "-2", "", "", ""],  # 2: negative hours
        ["03/03/2025", "Paul", "Ailleurs", "Accueil", "2", "", "", ""],  # 3: another project's organisation
        ["03/03/2025", "Zoé", "", "Accueil", "deux", "", "", ""],  # 4: not a number
        ["", "Marc", "", "", "0", "", "", "Financement d'un autre projet"],  # 5: no date, no activity, zero hours, foreign funding
        ["05/03/2025", "Léa", "", "Accueil", "2", "", "", ""],  # 6: fine
        ["05/03/2025", "léa", "", "accueil", "1", "", "", ""],  # 7: same key as line 6
        ["06/03/2025", "Léo", "", "Accueil", "1,333", "", "", ""],  # 8: three decimals
    ]
    resultat = _importer(ctx, lignes, confirmer=True)
    erreurs = {(e.ligne, e.colonne): e.message for e in resultat.erreurs}
    assert set(erreurs) == {
        (2, "Heures"),
        (3, "Organisation"),
        (4, "Heures"),
        (5, "Date"),
        (5, "Activité"),
        (5, "Heures"),
        (5, "Financement"),
        (7, "Date"),
        (8, "Heures"),
    }
    assert erreurs[(2, "Heures")] == "Valeur négative « -2 » : un nombre positif est attendu."
    assert erreurs[(3, "Organisation")].startswith("Organisation inconnue dans ce projet : « Ailleurs »")
    assert erreurs[(4, "Heures")] == "Nombre invalide « deux » : attendu par exemple 3,5."
    assert erreurs[(5, "Date")] == "Valeur obligatoire manquante."
    assert erreurs[(5, "Heures")] == "Assurez-vous que cette valeur est supérieure ou égale à 0.01."
    assert erreurs[(5, "Financement")] == (
        "Financement inconnu dans ce projet : « Financement d'un autre projet ». Créez-le d'abord (ou importez-le)."
    )
    assert erreurs[(7, "Date")].startswith("Saisie en double avec la ligne 6 du fichier")
    assert "2 chiffres après la virgule" in erreurs[(8, "Heures")]
    assert not resultat.confirme
    assert not TempsBenevole.objects.exists()
    assert autre_projet.projet_id != ctx["projet"].pk


def test_une_cle_qui_designe_plusieurs_saisies_existantes_est_refusee(ctx):
    for _ in range(2):  # the week grid may have logged the same line twice
        f.TempsBenevoleFactory(
            projet=ctx["projet"], date=date(2025, 3, 3), personne="Jeanne", activite="Accueil", organisation=ctx["grange"]
        )
    resultat = _importer(ctx, [LIGNES[0]], confirmer=True)
    assert [(e.ligne, e.colonne) for e in resultat.erreurs] == [(2, "")]
    assert "Plusieurs saisies existent déjà" in resultat.erreurs[0].message
    assert TempsBenevole.objects.count() == 2
