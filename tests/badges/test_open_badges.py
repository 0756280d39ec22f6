"""Open Badges 3.0: a badge issued by the app verifies with an independent verifier (openbadgeslib,
whose JWT stack is PyJWT: the app signs with joserfc), one altered character breaks it, a revoked
badge is revoked everywhere, and the refusals (criteria, re-issue, e-mail) write nothing."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openbadgeslib.ob3 import IdentityObject, OB3VerificationError, OB3Verifier
from openbadgeslib.ob3.status import decode_encoded_list

from badges import cles, credential, services
from badges.models import Badge, CleProjet, StatutBadge
from competences.models import Niveau
from tests import factories as f
from tests.badges.outils import EMAIL, badge_delivre, badge_propose, pem_publique, telecharger_par

pytestmark = pytest.mark.django_db


def _altere(jeton: str, partie: int = 1) -> str:
    """``jeton`` with one character changed in the middle of its ``partie`` (0 header, 1 payload, 2 signature)."""
    morceaux = jeton.split(".")
    m = morceaux[partie]
    i = len(m) // 2
    morceaux[partie] = m[:i] + ("A" if m[i] != "A" else "B") + m[i + 1 :]
    return ".".join(morceaux)


def test_un_badge_delivre_se_verifie_avec_openbadgeslib(client):
    badge, _ = badge_delivre()
    cle = CleProjet.objects.get(projet=badge.projet)
    verifie = OB3Verifier(pubkey_pem=pem_publique(cle)).verify(
        badge.jwt, check_status=True, verify_status_list=True, download=telecharger_par(client)
    )
    assert verifie.achievement.name == "Couture d'assise"
    assert verifie.issuer.id == cle.url_emetteur
    assert verifie.id == f"urn:uuid:{badge.identifiant}"
    # the recipient: the salted hash of the e-mail (lower-cased), as openbadgeslib computes it; no name
    (identite,) = verifie.identifiers
    assert identite.identity_hash == IdentityObject.create(EMAIL.lower(), badge.sel).identity_hash
    assert badge.apprenant.nom not in json.dumps(verifie.raw, ensure_ascii=False)
    assert badge.apprenant.prenom not in json.dumps(verifie.raw, ensure_ascii=False)
    # header: EdDSA, the issuer's verification method
    entete = cles.entete_non_verifiee(badge.jwt)
    assert entete["alg"] == "EdDSA" and entete["kid"] == cle.kid


def test_un_caractere_altere_fait_echouer_la_verification():
    badge, _ = badge_delivre()
    verificateur = OB3Verifier(pubkey_pem=pem_publique(CleProjet.objects.get(projet=badge.projet)))
    for partie in (0, 1, 2):
        altere = _altere(badge.jwt, partie)
        assert altere != badge.jwt
        with pytest.raises(OB3VerificationError):
            verificateur.verify(altere)
        assert credential.verifier_jwt(altere).etat == credential.Verdict.INVALIDE
    assert credential.verifier_jwt(badge.jwt).etat == credential.Verdict.VALIDE


def test_une_attestation_forgee_avec_une_autre_cle_est_invalide():
    """A credential signed by a key that is not the issuer's, claiming its kid: invalid."""
    from joserfc import jwt
    from joserfc.jwk import OKPKey

    badge, _ = badge_delivre()
    charge = credential.decoder_sans_verifier(badge.jwt)
    entete = cles.entete_non_verifiee(badge.jwt)
    forge = jwt.encode(entete, charge, OKPKey.generate_key("Ed25519"), algorithms=["EdDSA"], registry=cles.REGISTRE)
    resultat = credential.verifier_jwt(forge)
    assert resultat.etat == credential.Verdict.INVALIDE
    assert "signature ne correspond pas" in resultat.raisons[0]


def test_la_page_publique_dit_invalide_pour_une_attestation_alteree_et_valide_pour_l_originale(client):
    badge, _ = badge_delivre()
    url = reverse("badge_public", args=[badge.slug])
    page = client.post(url, {"jeton": _altere(badge.jwt)})
    assert page.status_code == 200
    assert "Attestation invalide" in page.content.decode()
    page = client.post(reverse("badge_verifier"), {"jeton": badge.jwt})
    assert "Badge valide" in page.content.decode()
    page = client.post(reverse("badge_verifier"), {"jeton": "pas un jeton"})
    assert "pas une attestation au format JWT" in page.content.decode()


def test_un_badge_revoque_se_montre_revoque(client):
    badge, coord = badge_delivre()
    services.revoquer_badge(badge=badge, by=coord, motif="Erreur de saisie de l'évaluation")
    badge.refresh_from_db()
    page = client.get(reverse("badge_public", args=[badge.slug])).content.decode()
    assert "Badge révoqué" in page
    assert "Erreur de saisie" not in page  # the reason stays inside
    assert credential.verifier_jwt(badge.jwt).etat == credential.Verdict.REVOQUE
    # the project's status list has the badge's bit set, and the independent verifier sees it
    cle = CleProjet.objects.get(projet=badge.projet)
    liste = credential.decoder_sans_verifier(client.get(reverse("emetteur_statut", args=[cle.identifiant])).content.decode())
    bits = decode_encoded_list(liste["credentialSubject"]["encodedList"])
    assert len(bits) == 131072 // 8
    assert bits[badge.index_statut // 8] & (0x80 >> (badge.index_statut % 8))
    assert sum(bin(o).count("1") for o in bits) == 1
    verificateur = OB3Verifier(pubkey_pem=pem_publique(cle))
    verificateur.verify(badge.jwt)  # the signature still holds…
    with pytest.raises(OB3VerificationError, match="revocation"):
        verificateur.verify(badge.jwt, check_status=True, verify_status_list=True, download=telecharger_par(client))


def test_criteres_non_atteints_refuse_rien_ecrit():
    badge, coord = badge_propose(niveau_atteint=Niveau.EN_COURS)
    with pytest.raises(ValidationError, match="Les critères du badge ne sont pas atteints : C1 Coudre une assise : niveau 2, 3 requis"):
        services.delivrer_badge(badge=badge, by=coord)
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.PROPOSE and badge.jwt == "" and badge.index_statut is None
    assert not CleProjet.objects.exists()


def test_criteres_jamais_evalues_refuse():
    projet = f.ProjetFactory()
    coord = f.AdhesionFactory(projet=projet, coordinateur=True).user
    competence = f.CompetenceFactory(bloc__referentiel__projet=projet)
    classe = f.BadgeClasseFactory(projet=projet, competences=[(competence, Niveau.ACQUIS)])
    badge = services.proposer_badge(classe=classe, apprenant=f.ApprenantFactory(projet=projet, email="a@b.fr"), by=coord)
    with pytest.raises(ValidationError, match="jamais évaluée"):
        services.delivrer_badge(badge=badge, by=coord)


def test_la_derniere_evaluation_compte():
    """Reached at entry, then lower at exit: the latest evaluation decides."""
    badge, coord = badge_propose()
    competence = badge.classe.requises.get().competence
    sortie = f.EvaluationFactory(apprenant=badge.apprenant, referentiel=competence.bloc.referentiel, sortie=True)
    f.NiveauEvaluationFactory(evaluation=sortie, competence=competence, niveau=Niveau.EN_COURS)
    with pytest.raises(ValidationError):
        services.delivrer_badge(badge=badge, by=coord)


def test_un_badge_revoque_ne_se_delivre_pas_de_nouveau():
    badge, coord = badge_delivre()
    services.revoquer_badge(badge=badge, by=coord, motif="Fraude")
    jwt_avant = Badge.objects.get(pk=badge.pk).jwt
    with pytest.raises(ValidationError, match="révoqué pour cet apprenant"):
        services.proposer_badge(classe=badge.classe, apprenant=badge.apprenant, by=coord)
    with pytest.raises(ValidationError, match="révoqué pour cet apprenant"):
        services.delivrer_badge(badge=badge, by=coord)
    assert Badge.objects.count() == 1
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.REVOQUE and badge.jwt == jwt_avant


def test_un_apprenant_sans_email_est_refuse_en_le_disant():
    badge, coord = badge_propose(email="")
    with pytest.raises(ValidationError, match="n'a pas d'adresse e-mail"):
        services.delivrer_badge(badge=badge, by=coord)
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.PROPOSE and not CleProjet.objects.exists()


@pytest.mark.parametrize(
    ("publication", "montre", "cache"),
    [
        ("rien", [], ["Zéphyrine", "Quenouille"]),
        ("prenom", ["Zéphyrine"], ["Quenouille"]),
        ("nom_complet", ["Zéphyrine", "Quenouille"], []),
    ],
)
def test_la_page_publique_ne_montre_que_ce_que_l_apprenant_publie(client, publication, montre, cache):
    badge, coord = badge_delivre(prenom="Zéphyrine", nom="Quenouille")
    assert badge.publication == "rien"  # the default: the least
    services.changer_publication(badge=badge, by=coord, publication=publication)
    page = client.get(reverse("badge_public", args=[badge.slug])).content.decode()
    assert "Badge valide" in page
    for texte in montre:
        assert texte in page
    for texte in cache + [EMAIL, EMAIL.lower(), badge.apprenant.reference]:
        assert texte not in page


def test_la_cle_privee_est_chiffree_et_ne_s_ouvre_qu_avec_la_cle_secrete(settings):
    badge, _ = badge_delivre()
    cle = CleProjet.objects.get(projet=badge.projet)
    privee = cles.cle_privee(cle).as_dict(private=True)
    assert privee["d"] not in cle.cle_privee_chiffree
    assert "d" not in cle.cle_publique
    ancienne = settings.SECRET_KEY
    settings.SECRET_KEY = "une-autre-cle-secrete-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(cles.CleIllisible):
        cles.cle_privee(cle)
    settings.SECRET_KEY_FALLBACKS = [ancienne]  # a rotation: the old key opens it, then re-encrypted
    assert cles.rechiffrer_cles() == 1
    settings.SECRET_KEY_FALLBACKS = []
    cle.refresh_from_db()
    assert cles.cle_privee(cle).as_dict(private=True)["d"] == privee["d"]


def test_une_cle_par_projet_creee_une_fois():
    badge, coord = badge_delivre()
    autre, _ = badge_propose(projet=badge.projet, email="b@example.org", nom_classe="Garnissage")
    services.delivrer_badge(badge=autre, by=coord)
    assert CleProjet.objects.count() == 1
    troisieme, _ = badge_delivre(email="c@example.org")
    assert CleProjet.objects.count() == 2
    assert credential.verifier_jwt(troisieme.jwt).etat == credential.Verdict.VALIDE


def test_le_profil_de_l_emetteur_publie_la_cle_publique(client):
    badge, _ = badge_delivre()
    cle = CleProjet.objects.get(projet=badge.projet)
    profil = client.get(reverse("emetteur_profil", args=[cle.identifiant])).json()
    assert profil["id"] == cle.url_emetteur
    (methode,) = profil["verificationMethod"]
    assert methode["id"] == cle.kid and methode["publicKeyJwk"] == cle.cle_publique
    jwks = client.get(reverse("emetteur_jwks", args=[cle.identifiant])).json()
    assert jwks["keys"][0]["x"] == cle.cle_publique["x"] and "d" not in jwks["keys"][0]


def test_alg_none_et_cle_inconnue_sont_invalides():
    badge, _ = badge_delivre()
    entete, charge, _signature = badge.jwt.split(".")
    import base64

    sans_signature = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": cles.entete_non_verifiee(badge.jwt)["kid"]}).encode())
    jeton = sans_signature.decode().rstrip("=") + "." + charge + "."
    assert credential.verifier_jwt(jeton).etat == credential.Verdict.INVALIDE
    autre_kid = base64.urlsafe_b64encode(json.dumps({"alg": "EdDSA", "kid": "https://ailleurs.example/cle"}).encode()).decode().rstrip("=")
    resultat = credential.verifier_jwt(f"{autre_kid}.{charge}.{_signature}")
    assert resultat.etat == credential.Verdict.INVALIDE and "clé inconnue" in resultat.raisons[0]


def test_apres_anonymisation_le_badge_se_verifie_sans_nom(client):
    from rgpd.services import anonymiser_apprenant

    badge, coord = badge_delivre(prenom="Zéphyrine", nom="Quenouille")
    services.changer_publication(badge=badge, by=coord, publication="nom_complet")
    anonymiser_apprenant(apprenant=badge.apprenant, by=None)
    page = client.get(reverse("badge_public", args=[badge.slug])).content.decode()
    assert "Badge valide" in page
    assert "Zéphyrine" not in page and "Quenouille" not in page
