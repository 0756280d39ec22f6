"""Helpers of the badges tests: a learner whose latest evaluation reaches a badge's criteria, and
the issuer's public key as PEM, read from the published JWK with ``cryptography`` alone (not with
joserfc, which signed)."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges import services
from competences.models import Niveau
from tests import factories as f

EMAIL = "Ada.Lovelace@Example.org"


def badge_propose(projet=None, niveau_atteint=Niveau.ACQUIS, email=EMAIL, nom_classe="Couture d'assise", **apprenant):
    """A badge class requiring one competence at « Acquis », a learner evaluated at
    ``niveau_atteint`` on it, and a badge proposed to them. Returns (badge, coordinator)."""
    projet = projet or f.ProjetFactory()
    coord = f.AdhesionFactory(projet=projet, coordinateur=True).user
    competence = f.CompetenceFactory(bloc__referentiel__projet=projet, code="C1", libelle="Coudre une assise")
    classe = f.BadgeClasseFactory(projet=projet, nom=nom_classe, competences=[(competence, Niveau.ACQUIS)])
    eleve = f.ApprenantFactory(projet=projet, email=email, **apprenant)
    evaluation = f.EvaluationFactory(apprenant=eleve, referentiel=competence.bloc.referentiel)
    f.NiveauEvaluationFactory(evaluation=evaluation, competence=competence, niveau=niveau_atteint)
    badge = services.proposer_badge(classe=classe, apprenant=eleve, by=coord)
    return badge, coord


def badge_delivre(**kwargs):
    badge, coord = badge_propose(**kwargs)
    return services.delivrer_badge(badge=badge, by=coord), coord


def pem_publique(cle_projet) -> bytes:
    jwk = cle_projet.cle_publique
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk
    brut = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    return Ed25519PublicKey.from_public_bytes(brut).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def telecharger_par(client):
    """A ``download`` for openbadgeslib's status check that asks the app (the test client) for
    the URL, instead of the network."""

    def telecharger(url):
        from django.conf import settings

        reponse = client.get(url.removeprefix(settings.SITE_URL))
        assert reponse.status_code == 200, url
        return reponse.content

    return telecharger
