"""The project's signing key: an Ed25519 key pair per project, made on first use, the private half
stored encrypted with a key derived from ``SECRET_KEY``; signing and verifying compact JWTs.

No cryptography is written here: the key pair, the signature and its check are joserfc's
(``OKPKey``, ``jwt.encode``/``jwt.decode``), the encryption is cryptography's Fernet with an
HKDF-SHA256 key derived from ``SECRET_KEY`` (``MultiFernet``: a key encrypted under one of
``SECRET_KEY_FALLBACKS`` still opens while the secret rotates; ``rechiffrer_cles`` re-encrypts
every key under the current one).

The algorithm is ``EdDSA`` (RFC 8037), the one Open Badges 3.0 verifiers know (openbadgeslib, the
1EdTech validator). joserfc 1.8 warns that RFC 9864 deprecates that name in favour of ``Ed25519``
(the same signature over the same curve): ``REGISTRE`` is joserfc's registry with its own
``EdDSA`` algorithm minus that warning, allowed alone — a token naming any other ``alg`` is
refused.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc._rfc8037.jws_eddsa import EdDSAAlgorithm
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

ALGORITHME = "EdDSA"
_INFO_HKDF = b"conciergerie.badges.cle-projet.v1"


class _EdDSASansAvertissement(EdDSAAlgorithm):
    security_warning = None


def _registre() -> JWSRegistry:
    registre = JWSRegistry(algorithms=[ALGORITHME])
    registre.algorithms = {**JWSRegistry.algorithms, ALGORITHME: _EdDSASansAvertissement()}
    return registre


REGISTRE = _registre()


class CleIllisible(Exception):
    """The stored private key does not open with ``SECRET_KEY`` nor its fallbacks."""


def _fernet_de(secret: str) -> Fernet:
    derivee = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO_HKDF).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derivee))


@lru_cache(maxsize=4)
def _multifernet(secret: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_de(secret), *(_fernet_de(s) for s in fallbacks)])


def chiffreur() -> MultiFernet:
    return _multifernet(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ()))


def chiffrer(texte: str) -> str:
    return chiffreur().encrypt(texte.encode("utf-8")).decode("ascii")


def dechiffrer(jeton: str) -> str:
    try:
        return chiffreur().decrypt(jeton.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise CleIllisible("La clé de signature du projet ne s'ouvre pas avec SECRET_KEY (ni SECRET_KEY_FALLBACKS).") from error


def nouvelle_paire() -> tuple[dict, str]:
    """A new Ed25519 pair: (the public JWK, the private JWK encrypted)."""
    cle = OKPKey.generate_key("Ed25519")
    return cle.as_dict(private=False), chiffrer(json.dumps(cle.as_dict(private=True)))


def cle_du_projet(projet):
    """The project's ``CleProjet``, made on first use (two first uses at once make one)."""
    from .models import CleProjet

    cle = CleProjet.objects.filter(projet=projet).first()
    if cle is not None:
        return cle
    publique, privee = nouvelle_paire()
    try:
        with transaction.atomic():
            return CleProjet.objects.create(projet=projet, cle_publique=publique, cle_privee_chiffree=privee)
    except IntegrityError:
        return CleProjet.objects.get(projet=projet)


def cle_privee(cle_projet) -> OKPKey:
    return OKPKey.import_key(json.loads(dechiffrer(cle_projet.cle_privee_chiffree)))


def cle_publique(cle_projet) -> OKPKey:
    return OKPKey.import_key(cle_projet.cle_publique)


def signer(cle_projet, charge: dict, typ: str = "JWT") -> str:
    """``charge`` signed as a compact JWS (JWT) by the project's key, ``kid`` naming its
    verification method."""
    entete = {"alg": ALGORITHME, "typ": typ, "kid": cle_projet.kid}
    return jwt.encode(entete, charge, cle_privee(cle_projet), algorithms=[ALGORITHME], registry=REGISTRE)


class SignatureInvalide(Exception):
    """The token is malformed, names another algorithm, or its signature does not match."""


def entete_non_verifiee(jeton: str) -> dict:
    """The JOSE header of ``jeton``, read before its key is known (to find it by ``kid``)."""
    try:
        entete = json.loads(base64.urlsafe_b64decode(_completer(jeton.split(".")[0])))
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise SignatureInvalide("Ce n'est pas un jeton JWT lisible.") from error
    if not isinstance(entete, dict):
        raise SignatureInvalide("L'en-tête du jeton n'est pas un objet JSON.")
    return entete


def _completer(morceau: str) -> bytes:
    return (morceau + "=" * (-len(morceau) % 4)).encode("ascii")


def verifier(cle_projet, jeton: str) -> tuple[dict, dict]:
    """(header, claims) of ``jeton`` once its ``EdDSA`` signature is checked with the project's
    public key; ``SignatureInvalide`` otherwise."""
    try:
        token = jwt.decode(jeton.strip(), cle_publique(cle_projet), algorithms=[ALGORITHME], registry=REGISTRE)
    except (JoseError, ValueError, TypeError) as error:
        raise SignatureInvalide(str(error)) from error
    return dict(token.header), dict(token.claims)


def rechiffrer_cles() -> int:
    """Every project's private key encrypted again under the current ``SECRET_KEY`` (after a
    rotation, while the old one is still in ``SECRET_KEY_FALLBACKS``). Returns the count."""
    from .models import CleProjet

    nombre = 0
    for cle in CleProjet.objects.all():
        cle.cle_privee_chiffree = chiffreur().rotate(cle.cle_privee_chiffree.encode("ascii")).decode("ascii")
        cle.save(update_fields=["cle_privee_chiffree"])
        nombre += 1
    return nombre
