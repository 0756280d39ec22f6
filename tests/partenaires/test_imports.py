"""Import of organisations (partenaires/resources.py): SIRET or name + commune as natural key."""

import pytest

from conciergerie import imports
from conciergerie.validators import luhn_ok
from partenaires.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

ENTETES = ["Nom", "Type", "SIRET", "Commune", "Code postal", "Qualiopi", "Expiration Qualiopi", "NDA"]


def siret(prefixe: str) -> str:
    """A valid SIRET like the 13 digits ``prefixe``: its SIREN (the first 9) and itself pass the
    Luhn check (``stdnum.fr.siret``, as the validator), so the 9th digit is a key too."""
    siren = next(prefixe[:8] + str(c) for c in range(10) if luhn_ok(prefixe[:8] + str(c)))
    return next(siren + prefixe[9:] + str(c) for c in range(10) if luhn_ok(siren + prefixe[9:] + str(c)))


def csv_bytes(lignes, entetes=ENTETES) -> bytes:
    return ("\ufeff" + "\r\n".join(";".join(str(v) for v in ligne) for ligne in [entetes, *lignes]) + "\r\n").encode()


@pytest.fixture
def ctx(db):
    adhesion = f.AdhesionFactory(administrateur=True)
    return {"projet": adhesion.projet, "admin": adhesion.user}


def _importer(ctx, lignes, confirmer=False, entetes=ENTETES):
    return imports.importer(
        type="organisations", fichier=csv_bytes(lignes, entetes), nom="orgs.csv", projet=ctx["projet"], by=ctx["admin"], confirmer=confirmer
    )


def _etat(projet):
    return sorted(
        Organisation.objects.filter(projet=projet).values_list("nom", "type", "siret", "commune", "code_postal", "qualiopi_statut")
    )


def test_import_puis_reimport_sans_doublon(ctx):
    greta = siret("1234567890001")
    lignes = [
        [
            "Greta des Landes",
            "Organisme de formation",
            greta[:3] + " " + greta[3:6] + " " + greta[6:9] + " " + greta[9:],
            "Dax",
            "40100",
            "Certifié",
            "31/12/2026",
            "75 40 01234 40",
        ],
        ["Mission Locale", "mission_locale", "", "Mont-de-Marsan", "40000", "", "", ""],
        ["Commune de Sabres", "Collectivité", "", "Sabres", "", "", "", ""],
    ]
    fait = _importer(ctx, lignes, confirmer=True)
    assert fait.confirme, fait.erreurs
    assert _etat(ctx["projet"]) == [
        ("Commune de Sabres", "collectivite", "", "Sabres", "", ""),
        ("Greta des Landes", "organisme_formation", greta, "Dax", "40100", "certifie"),
        ("Mission Locale", "mission_locale", "", "Mont-de-Marsan", "40000", ""),
    ]
    assert Organisation.objects.get(nom="Greta des Landes").nda == "75400123440"
    etat = _etat(ctx["projet"])
    encore = _importer(ctx, lignes, confirmer=True)
    assert (encore.creations, encore.modifications, encore.inchangees) == (0, 0, 3)
    assert _etat(ctx["projet"]) == etat


def test_la_cle_est_le_siret_sinon_le_nom_et_la_commune(ctx):
    s = siret("5555555550001")
    ancienne = f.OrganisationFactory(projet=ctx["projet"], nom="Ancien nom", siret=s, commune="Dax")
    ml = f.OrganisationFactory(projet=ctx["projet"], nom="Mission Locale", commune="Mont-de-Marsan", type="mission_locale")
    lignes = [
        ["Nouveau nom", "Association", s, "Dax", "", "", "", ""],  # same SIRET: renamed
        ["mission  locale", "Mission Locale", "", "MONT-DE-MARSAN", "40000", "", "", ""],  # same name and commune, other case
    ]
    resultat = _importer(ctx, lignes, confirmer=True)
    assert resultat.confirme, resultat.erreurs
    assert (resultat.creations, resultat.modifications) == (0, 2)
    ancienne.refresh_from_db()
    ml.refresh_from_db()
    assert ancienne.nom == "Nouveau nom"
    assert ml.code_postal == "40000"
    assert Organisation.objects.filter(projet=ctx["projet"]).count() == 2


def test_erreurs_propres_aux_organisations(ctx):
    autre = siret("9876543210001")
    f.OrganisationFactory(projet=ctx["projet"], nom="Déjà là", siret=autre, commune="Pau")
    bon = siret("1111111110001")
    lignes = [
        ["A", "Association", "123", "Dax", "", "", "", ""],  # 2: malformed SIRET
        ["B", "Association", bon[:-1] + str((int(bon[-1]) + 1) % 10), "Dax", "", "", "", ""],  # 3: bad check digit
        ["C", "Banque", "", "Dax", "", "", "", ""],  # 4: unknown type
        ["D", "Association", "", "Dax", "", "Certifié", "", ""],  # 5: Qualiopi for a non-OF
        ["E", "Association", bon, "Dax", "", "", "", ""],  # 6: fine
        ["F", "Association", bon, "Pau", "", "", "", ""],  # 7: same SIRET as line 6
        ["Déjà là", "Association", autre, "Pau", "", "", "", ""],  # 8: an existing organisation, matched by its SIRET
        ["G", "Association", autre, "Bayonne", "", "", "", ""],  # 9: the same organisation again
        ["E", "Association", "", "Dax", "", "", "", ""],  # 10: name + commune of line 6
    ]
    resultat = _importer(ctx, lignes, confirmer=True)
    erreurs = {(e.ligne, e.colonne): e.message for e in resultat.erreurs}
    assert erreurs[(2, "SIRET")] == "Un SIRET compte 14 chiffres."
    assert erreurs[(3, "SIRET")] == "Ce SIRET n'est pas valide (clé de contrôle)."
    assert erreurs[(4, "Type")].startswith("Valeur « Banque » inconnue.")
    assert erreurs[(5, "")] == "Qualiopi et NDA ne concernent que les organismes de formation."
    assert erreurs[(7, "SIRET")] == "En double avec la ligne 6 du fichier (ce SIRET)."
    assert erreurs[(9, "")] == "Cette ligne désigne la même fiche que la ligne 8 du fichier."
    assert erreurs[(10, "Nom")] == "En double avec la ligne 6 du fichier (ce nom dans cette commune)."
    assert set(erreurs) == {(2, "SIRET"), (3, "SIRET"), (4, "Type"), (5, ""), (7, "SIRET"), (9, ""), (10, "Nom")}
    assert not resultat.confirme
    assert Organisation.objects.filter(projet=ctx["projet"]).count() == 1


def test_un_autre_projet_n_est_pas_touche(ctx):
    s = siret("4444444440001")
    etrangere = f.OrganisationFactory(nom="Même SIRET ailleurs", siret=s, commune="Dax")  # another project
    resultat = _importer(ctx, [["Chez nous", "Association", s, "Dax", "", "", "", ""]], confirmer=True)
    assert resultat.confirme and resultat.creations == 1
    etrangere.refresh_from_db()
    assert etrangere.nom == "Même SIRET ailleurs"
    assert Organisation.objects.get(projet=ctx["projet"]).nom == "Chez nous"
