"""Server-side charts: the same markup serves the browser page and the PDF, with no JavaScript
(strict CSP friendly). Geometry is computed here; the templates only draw.

A chart is readable at every width (issue 19): its words and figures are HTML text next to the
bars, never drawn inside a scaled SVG (a 560-unit drawing shrunk to a 360 px phone printed them
at 7 px); each bar is a small SVG (``viewBox="0 0 100 …"`` stretched to its cell) whose length is
the value as a percentage of the largest one. The chart's data follows it as a table
(components/graphique_*.html: in a « Voir les données » disclosure on screen, printed open in the
COPIL PDF), built from the same rows (``donnees``): tests/conciergerie/test_graphiques.py checks
they say the same.
"""

from __future__ import annotations

from dataclasses import dataclass


def _pourcent(valeur, maximum) -> float:
    return round(float(100 * valeur / maximum), 1) if maximum else 0.0


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur: str  # the display text ("12", "< 5")
    pourcent: float  # the bar's length, % of the largest value (0 for a masked figure)


def barres(lignes, titre: str) -> dict:
    """Horizontal bars for ``lignes`` (``pilotage.indicateurs.Ligne``: ``libelle`` and an
    ``effectif`` with ``valeur``/``masque``). A masked figure draws no bar and reads "< 5": its
    size would give it away."""
    visibles = [0 if ligne.effectif.masque else ligne.effectif.valeur for ligne in lignes]
    maximum = max(visibles, default=0)
    liste = [
        Barre(libelle=ligne.libelle, valeur=str(ligne.effectif), pourcent=_pourcent(v, maximum))
        for ligne, v in zip(lignes, visibles, strict=True)
    ]
    return {
        "titre": titre,
        "barres": liste,
        "colonnes": ("Catégorie", "Effectif"),
        "donnees": [(b.libelle, b.valeur) for b in liste],
    }


@dataclass(frozen=True)
class Comparaison:
    libelle: str
    prevu_texte: str
    reel_texte: str
    pourcent_prevu: float
    pourcent_reel: float
    depasse: bool


def prevu_reel(lignes, titre: str, *, format_valeur=str) -> dict:
    """Planned vs actual per row (``lignes``: (libelle, prevu, reel)): a light bar for the plan,
    a darker one for the actual, red when it goes beyond the plan."""
    maximum = max((max(p, r) for _, p, r in lignes), default=0)
    liste = [
        Comparaison(
            libelle=libelle,
            prevu_texte=format_valeur(prevu),
            reel_texte=format_valeur(reel),
            pourcent_prevu=_pourcent(prevu, maximum),
            pourcent_reel=_pourcent(reel, maximum),
            depasse=reel > prevu,
        )
        for libelle, prevu, reel in lignes
    ]
    return {
        "titre": titre,
        "lignes": liste,
        "colonnes": ("Catégorie", "Prévu", "Dépensé"),
        "donnees": [(c.libelle, c.prevu_texte, c.reel_texte) for c in liste],
    }
