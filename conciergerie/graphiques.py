"""Server-side SVG charts: the same markup serves the browser page and the PDF, with no
JavaScript (strict CSP friendly). Geometry is computed here; the templates only draw."""

from __future__ import annotations

from dataclasses import dataclass

LARGEUR = 560
LARGEUR_LIBELLE = 210
LARGEUR_VALEUR = 50
HAUTEUR_BARRE = 18
ESPACE = 6


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur: str  # the display text ("12", "< 5")
    y: int
    largeur: float


def barres(lignes, titre: str) -> dict:
    """Horizontal bars for ``lignes`` (``pilotage.indicateurs.Ligne``: ``libelle`` and an
    ``effectif`` with ``valeur``/``masque``). A masked figure draws no bar and reads "< 5": its
    size would give it away."""
    visibles = [0 if ligne.effectif.masque else ligne.effectif.valeur for ligne in lignes]
    maximum = max(visibles, default=0) or 1
    zone = LARGEUR - LARGEUR_LIBELLE - LARGEUR_VALEUR
    liste = [
        Barre(
            libelle=ligne.libelle,
            valeur=str(ligne.effectif),
            y=i * (HAUTEUR_BARRE + ESPACE),
            largeur=round(zone * v / maximum, 1),
        )
        for i, (ligne, v) in enumerate(zip(lignes, visibles, strict=True))
    ]
    return {
        "titre": titre,
        "barres": liste,
        "largeur": LARGEUR,
        "hauteur": max(len(liste) * (HAUTEUR_BARRE + ESPACE), HAUTEUR_BARRE),
        "x_barre": LARGEUR_LIBELLE,
        "x_valeur": LARGEUR - LARGEUR_VALEUR + 6,
        "h": HAUTEUR_BARRE,
        "y_texte": HAUTEUR_BARRE - 5,
    }


@dataclass(frozen=True)
class Comparaison:
    libelle: str
    prevu_texte: str
    reel_texte: str
    y: int
    largeur_prevu: float
    largeur_reel: float
    depasse: bool


def prevu_reel(lignes, titre: str, *, format_valeur=str) -> dict:
    """Planned vs actual per row (``lignes``: (libelle, prevu, reel)): a light bar for the plan,
    a darker one for the actual, red when it goes beyond the plan."""
    maximum = max((max(p, r) for _, p, r in lignes), default=0) or 1
    zone = LARGEUR - LARGEUR_LIBELLE - 2 * LARGEUR_VALEUR
    pas = 2 * HAUTEUR_BARRE + ESPACE
    liste = [
        Comparaison(
            libelle=libelle,
            prevu_texte=format_valeur(prevu),
            reel_texte=format_valeur(reel),
            y=i * pas,
            largeur_prevu=round(float(zone * prevu / maximum), 1),
            largeur_reel=round(float(zone * reel / maximum), 1),
            depasse=reel > prevu,
        )
        for i, (libelle, prevu, reel) in enumerate(lignes)
    ]
    return {
        "titre": titre,
        "lignes": liste,
        "largeur": LARGEUR,
        "hauteur": max(len(liste) * pas, pas),
        "x_barre": LARGEUR_LIBELLE,
        "x_valeur": LARGEUR - 2 * LARGEUR_VALEUR + 6,
        "h": HAUTEUR_BARRE - 4,
        "y_texte": HAUTEUR_BARRE - 5,
        "y_reel": HAUTEUR_BARRE - 2,
    }
