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
    """Horizontal bars for ``lignes`` (``recits.indicateurs.Ligne``). A masked figure draws no
    bar and reads "< 5": its size would give it away."""
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
