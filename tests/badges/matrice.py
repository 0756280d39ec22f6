"""Permission-matrix rows of the badges app (see tests/conciergerie/test_permission_matrix.py).

The coordinator pages need ``apprenants.modifier`` (administrators and coordinators): 403 for the
partner and the funder, 404 for a row of another project asked through A's URL and for the
outsider. ``PUBLIQUES``: the pages open without login (a badge's verification page, the issuer's
profile, key and status list, a badge's image), here with addresses that name nothing (404; the
verification form alone: 200) — tests/badges/test_pages.py opens them on real rows, anonymously."""

from badges import services
from tests import factories as f
from tests.badges.outils import badge_propose
from tests.matrice_outils import membres, tous

CAPACITE = {"partenaire": 403, "financeur": 403}


def _classe(monde, projet):
    return {"projet_id": monde["A"].pk, "pk": f.BadgeClasseFactory(projet=monde[projet]).pk}


def _badge(monde, projet, delivre=False, **extra):
    badge, _ = badge_propose(projet=monde[projet], email="matrice@example.org")
    if delivre:
        badge = services.delivrer_badge(badge=badge, by=None)
    return {"projet_id": monde["A"].pk, "pk": badge.pk, **extra}


MATRICE: list = [
    ("badgeclasse_list", "A", membres(200, **CAPACITE)),
    ("badgeclasse_list", "B", tous(404)),
    ("badgeclasse_create", "A", membres(200, **CAPACITE)),
    ("badgeclasse_create", "B", tous(404)),
]
for _vue, _cible in [
    ("badgeclasse_detail", "classe"),
    ("badgeclasse_update", "classe"),
    ("badge_proposer", "classe"),
    ("badge_detail", "badge"),
    ("badge_delivrer", "badge"),
    ("badge_retirer", "badge"),
    ("badge_detail", "badge_delivre"),
    ("badge_revoquer", "badge_delivre"),
    ("badge_publication", "badge_delivre"),
    ("badge_telecharger", "telechargement"),
]:
    MATRICE += [(_vue, f"{_cible}_a", membres(200, **CAPACITE)), (_vue, f"{_cible}_b", membres(404, **CAPACITE))]

CIBLES: dict = {
    "classe_a": lambda monde: _classe(monde, "A"),
    "classe_b": lambda monde: _classe(monde, "B"),
    "badge_a": lambda monde: _badge(monde, "A"),
    "badge_b": lambda monde: _badge(monde, "B"),
    "badge_delivre_a": lambda monde: _badge(monde, "A", delivre=True),
    "badge_delivre_b": lambda monde: _badge(monde, "B", delivre=True),
    "telechargement_a": lambda monde: _badge(monde, "A", delivre=True, format="png"),
    "telechargement_b": lambda monde: _badge(monde, "B", delivre=True, format="png"),
}

ANONYME = "anonyme"
_INCONNU = "00000000-0000-4000-8000-000000000000"
PUBLIQUES = [
    ("badge_public", {ANONYME: 404, **tous(404)}),
    ("badge_verifier", {ANONYME: 200, **tous(200)}),
    ("emetteur_profil", {ANONYME: 404, **tous(404)}),
    ("emetteur_jwks", {ANONYME: 404, **tous(404)}),
    ("emetteur_statut", {ANONYME: 404, **tous(404)}),
    ("badgeclasse_image_publique", {ANONYME: 404, **tous(404)}),
]
PUBLIQUES_KWARGS = {
    "badge_public": {"slug": "adresse-inventee"},
    "emetteur_profil": {"identifiant": _INCONNU},
    "emetteur_jwks": {"identifiant": _INCONNU},
    "emetteur_statut": {"identifiant": _INCONNU},
    "badgeclasse_image_publique": {"identifiant": _INCONNU},
}
