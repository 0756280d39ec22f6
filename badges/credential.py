"""The Open Badges 3.0 documents: the ``OpenBadgeCredential`` of an issued badge, the issuer's
profile with its verification method, the project's status list — and the checks of the public
verification page.

Formats (1EdTech Open Badges 3.0, W3C VC Data Model 2.0, W3C Bitstring Status List 1.0):

- the credential is signed as a compact JWT-VC (OB 3.0 §8.2, "VC-JWT"): the payload IS the
  credential plus the registered claims ``iss`` (the issuer's id), ``jti`` (the credential's
  id), ``nbf`` and ``iat``; header ``alg: EdDSA``, ``kid`` the issuer's verification method;
- the recipient is named by an ``IdentityObject`` only: ``sha256$<hex>`` of the lower-cased
  e-mail followed by the badge's own salt — never the name (the public page shows it only if the
  learner chose to publish it, it is in no credential);
- ``credentialStatus`` is a ``BitstringStatusListEntry`` at the badge's (random) index of the
  project's revocation list, served signed at a public URL: a GZIP-compressed, MSB-first bitstring
  of 131 072 bits, base64url without padding, multibase prefix ``u``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import cles
from .models import TAILLE_LISTE_STATUT, Badge, CleProjet, StatutBadge

CONTEXTE_VC = "https://www.w3.org/ns/credentials/v2"
CONTEXTE_OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: how long a served status list is valid (a verifier refuses an older copy: no replay)
VALIDITE_LISTE = timedelta(days=1)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def empreinte_email(email: str, sel: str) -> str:
    """The OB ``identityHash`` of an e-mail: ``sha256$`` + hex SHA-256 of e-mail + salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + sel).encode("utf-8")).hexdigest()


def url_image(classe) -> str:
    return settings.SITE_URL + reverse("badgeclasse_image_publique", args=[classe.identifiant])


def profil_emetteur(cle: CleProjet) -> dict:
    """The issuer as an OB 3.0 ``Profile`` (what a credential's ``issuer`` says)."""
    return {"id": cle.url_emetteur, "type": ["Profile"], "name": cle.projet.nom, "url": settings.SITE_URL + "/"}


def document_emetteur(cle: CleProjet) -> dict:
    """The issuer's public profile document: the ``Profile`` with its verification method (the
    public JWK, DID-less, as ``JsonWebKey``), which a verifier fetches from ``issuer.id``."""
    return {
        "@context": [CONTEXTE_VC, CONTEXTE_OB],
        **profil_emetteur(cle),
        "verificationMethod": [{"id": cle.kid, "type": "JsonWebKey", "controller": cle.url_emetteur, "publicKeyJwk": cle.cle_publique}],
        "assertionMethod": [cle.kid],
    }


def jwks(cle: CleProjet) -> dict:
    return {"keys": [{**cle.cle_publique, "kid": cle.kid, "alg": cles.ALGORITHME, "use": "sig"}]}


def achievement(classe) -> dict:
    requises = list(classe.requises.select_related("competence"))
    narratif = classe.criteres.strip()
    if requises:
        lignes = "\n".join(f"- {r.competence.code} {r.competence.libelle} : {r.get_niveau_display()} au moins" for r in requises)
        narratif = f"{narratif}\n\nCompétences évaluées :\n{lignes}"
    return {
        "id": f"urn:uuid:{classe.identifiant}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": classe.nom,
        "description": classe.description,
        "criteria": {"narrative": narratif},
        "image": {"id": url_image(classe), "type": "Image"},
        "tag": [r.competence.code for r in requises],
    }


def construire(badge: Badge, cle: CleProjet, email: str) -> dict:
    """The ``OpenBadgeCredential`` of ``badge`` (issued at ``badge.delivre_le``, status index set)."""
    return {
        "@context": [CONTEXTE_VC, CONTEXTE_OB],
        "id": f"urn:uuid:{badge.identifiant}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.classe.nom,
        "issuer": profil_emetteur(cle),
        "validFrom": iso(badge.delivre_le),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": empreinte_email(email, badge.sel),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": badge.sel,
                }
            ],
            "achievement": achievement(badge.classe),
        },
        "credentialStatus": {
            "id": f"{cle.url_liste_statut}#{badge.index_statut}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(badge.index_statut),
            "statusListCredential": cle.url_liste_statut,
        },
    }


def signer_credential(vc: dict, cle: CleProjet) -> str:
    """The credential as a compact JWT-VC (OB 3.0 §8.2.4.1: the payload is the credential)."""
    charge = {
        **vc,
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "nbf": int(_horodatage(vc["validFrom"])),
        "iat": int(timezone.now().timestamp()),
    }
    return cles.signer(cle, charge)


def _horodatage(texte: str) -> float:
    return datetime.strptime(texte, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


# ---------------------------------------------------------------- the status list


def encoder_bits(indices) -> str:
    """``encodedList``: multibase ``u`` + base64url (no padding) of the GZIP of the bitstring,
    bit 0 the most significant of the first byte."""
    octets = bytearray(TAILLE_LISTE_STATUT // 8)
    for index in indices:
        octets[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(octets), mtime=0)).decode("ascii").rstrip("=")


def decoder_bits(encode: str) -> bytes:
    donnees = encode[1:] if encode.startswith("u") else encode
    return gzip.decompress(base64.urlsafe_b64decode(donnees + "=" * (-len(donnees) % 4)))


def bit(octets: bytes, index: int) -> bool:
    return bool(octets[index // 8] & (0x80 >> (index % 8)))


def indices_revoques(projet) -> list[int]:
    return list(
        Badge.objects.of_projet(projet)
        .filter(statut=StatutBadge.REVOQUE, index_statut__isnull=False)
        .values_list("index_statut", flat=True)
    )


def liste_statut(cle: CleProjet) -> dict:
    """The project's ``BitstringStatusListCredential`` (unsigned): the bits of its revoked badges set."""
    maintenant = timezone.now()
    return {
        "@context": [CONTEXTE_VC],
        "id": cle.url_liste_statut,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": cle.url_emetteur,
        "validFrom": iso(maintenant),
        "validUntil": iso(maintenant + VALIDITE_LISTE),
        "credentialSubject": {
            "id": f"{cle.url_liste_statut}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoder_bits(indices_revoques(cle.projet_id)),
        },
    }


def liste_statut_signee(cle: CleProjet) -> str:
    vc = liste_statut(cle)
    return cles.signer(cle, {**vc, "iss": vc["issuer"], "jti": vc["id"], "nbf": int(timezone.now().timestamp())})


# ---------------------------------------------------------------- verification


class Verdict:
    VALIDE = "valide"
    REVOQUE = "revoque"
    INVALIDE = "invalide"


@dataclass
class Verification:
    """What the public page says of a credential: ``etat`` (valide / revoque / invalide), the
    reasons in French, and, when the signature holds, the credential decoded and its badge."""

    etat: str
    raisons: list[str] = field(default_factory=list)
    vc: dict | None = None
    badge: Badge | None = None

    @property
    def libelle(self) -> str:
        return {
            Verdict.VALIDE: "Badge valide",
            Verdict.REVOQUE: "Badge révoqué",
            Verdict.INVALIDE: "Attestation invalide",
        }[self.etat]


def _invalide(raison: str) -> Verification:
    return Verification(Verdict.INVALIDE, [raison])


def verifier_jwt(jeton: str) -> Verification:
    """Check a pasted or stored credential: its issuer's key known here (the ``kid``), its
    signature (joserfc), its claims consistent with its body, the badge it names issued by that
    issuer, and its status (the project's status list, read from the badges' rows)."""
    jeton = (jeton or "").strip()
    if not jeton:
        return _invalide("Aucune attestation n'a été collée.")
    if jeton.count(".") != 2:
        return _invalide("Ce texte n'est pas une attestation au format JWT (trois parties séparées par des points).")
    try:
        entete = cles.entete_non_verifiee(jeton)
    except cles.SignatureInvalide:
        return _invalide("L'en-tête de l'attestation est illisible.")
    kid = entete.get("kid")
    cle = _cle_du_kid(kid) if isinstance(kid, str) else None
    if cle is None:
        return _invalide("L'attestation ne vient pas d'un émetteur de cette plateforme (clé inconnue).")
    if entete.get("alg") != cles.ALGORITHME:
        return _invalide("L'algorithme de signature n'est pas celui de l'émetteur (EdDSA).")
    try:
        _entete, charge = cles.verifier(cle, jeton)
    except cles.SignatureInvalide:
        return _invalide("La signature ne correspond pas : l'attestation a été modifiée ou n'a pas été signée par cet émetteur.")
    issuer = charge.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if charge.get("iss") != cle.url_emetteur or issuer_id != cle.url_emetteur:
        return _invalide("L'émetteur déclaré ne correspond pas à la clé qui a signé.")
    if "OpenBadgeCredential" not in (charge.get("type") or []):
        return _invalide("Ce n'est pas une attestation Open Badges (OpenBadgeCredential).")
    identifiant = str(charge.get("id") or "")
    if charge.get("jti") != identifiant or not identifiant.startswith("urn:uuid:"):
        return _invalide("L'identifiant de l'attestation est incohérent.")
    badge = (
        Badge.objects.of_projet(cle.projet_id)
        .filter(identifiant=identifiant.removeprefix("urn:uuid:"))
        .select_related("classe", "apprenant", "projet")
        .first()
        if _uuid_valide(identifiant.removeprefix("urn:uuid:"))
        else None
    )
    if badge is None or badge.statut == StatutBadge.PROPOSE:
        return Verification(Verdict.INVALIDE, ["L'émetteur ne connaît pas ce badge."], vc=charge)
    statut = charge.get("credentialStatus") or {}
    if str(statut.get("statusListIndex")) != str(badge.index_statut) or statut.get("statusListCredential") != cle.url_liste_statut:
        return Verification(Verdict.INVALIDE, ["L'entrée de statut de l'attestation ne correspond pas au badge."], vc=charge)
    if badge.statut == StatutBadge.REVOQUE:
        raisons = [f"Révoqué le {timezone.localtime(badge.revoque_le):%d/%m/%Y} par l'émetteur."]
        return Verification(Verdict.REVOQUE, raisons, vc=charge, badge=badge)
    return Verification(
        Verdict.VALIDE, ["Signature vérifiée avec la clé publique de l'émetteur ; badge non révoqué."], vc=charge, badge=badge
    )


def _uuid_valide(texte: str) -> bool:
    try:
        uuid.UUID(texte)
    except ValueError:
        return False
    return True


def _cle_du_kid(kid: str) -> CleProjet | None:
    prefixe = settings.SITE_URL + "/badges/emetteurs/"
    if not kid.startswith(prefixe) or not kid.endswith("/#cle-1"):
        return None
    identifiant = kid.removeprefix(prefixe).removesuffix("/#cle-1")
    if not _uuid_valide(identifiant):
        return None
    return CleProjet.objects.select_related("projet").filter(identifiant=identifiant).first()


def decoder_sans_verifier(jeton: str) -> dict:
    """The payload of a compact JWT, read without checking it (a badge's own stored credential,
    for its download; never to decide anything)."""
    morceau = jeton.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(morceau + "=" * (-len(morceau) % 4)))
