"""The radar chart of a learner's evaluations: one axis per competence (level 0 at the centre, 4
« Maîtrisé » at the rim), one polygon per evaluation compared (entry, latest). Server-side SVG,
built here as a string: the same markup serves the learner's page and the AFEST PDF, needs no
JavaScript and fits the strict CSP. Each vertex carries ``data-competence`` and ``data-niveau``
(what the tests read back) and a ``<title>`` (what a screen reader and a hover read)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Niveau

TAILLE = 420
MARGE = 70  # room for the axis labels
NIVEAU_MAX = 4
COULEURS = ("#8a6d00", "#2f6f8f", "#6b3fa0", "#2e7d32")


@dataclass(frozen=True)
class Axe:
    code: str
    libelle: str


@dataclass
class Serie:
    libelle: str  # « Positionnement d'entrée du 03/02/2025 »
    niveaux: dict[str, int | None] = field(default_factory=dict)  # competence code -> level


def _point(i: int, n: int, rayon: float, centre: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    return round(centre + rayon * math.cos(angle), 1), round(centre + rayon * math.sin(angle), 1)


def sommets(axes: list[Axe], serie: Serie) -> list[tuple[str, int | None, float, float]]:
    """(code, level, x, y) of each vertex of ``serie``: a competence it did not rate sits at the
    centre (level ``None``)."""
    centre = TAILLE / 2
    rayon_max = centre - MARGE
    resultat = []
    for i, axe in enumerate(axes):
        niveau = serie.niveaux.get(axe.code)
        x, y = _point(i, len(axes), rayon_max * (niveau or 0) / NIVEAU_MAX, centre)
        resultat.append((axe.code, niveau, x, y))
    return resultat


def radar_svg(axes: list[Axe], series: list[Serie], titre: str) -> SafeString:
    """The SVG of ``series`` on ``axes`` (at least one axis), with its legend."""
    n = len(axes)
    centre = TAILLE / 2
    rayon_max = centre - MARGE
    parties = [
        f'<svg class="radar" role="img" aria-label="{escape(titre)}" viewBox="0 0 {TAILLE} {TAILLE + 22 * len(series)}" '
        'width="100%" xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(titre)}</title>",
    ]
    # the grid: one ring per level, one spoke per competence
    for niveau in range(1, NIVEAU_MAX + 1):
        points = " ".join(f"{x},{y}" for x, y in (_point(i, n, rayon_max * niveau / NIVEAU_MAX, centre) for i in range(n)))
        parties.append(f'<polygon points="{points}" fill="none" stroke="#c8d0d8" stroke-width="1"/>')
    for i, axe in enumerate(axes):
        x, y = _point(i, n, rayon_max, centre)
        parties.append(f'<line x1="{centre}" y1="{centre}" x2="{x}" y2="{y}" stroke="#c8d0d8" stroke-width="1"/>')
        lx, ly = _point(i, n, rayon_max + 18, centre)
        ancre = "middle" if abs(lx - centre) < 10 else ("start" if lx > centre else "end")
        parties.append(
            f'<text x="{lx}" y="{ly + 4}" text-anchor="{ancre}" fill="#1f2933"><title>{escape(axe.libelle)}</title>{escape(axe.code)}</text>'
        )
    for niveau in range(1, NIVEAU_MAX + 1):
        _x, y = _point(0, n, rayon_max * niveau / NIVEAU_MAX, centre)
        parties.append(f'<text x="{centre + 3}" y="{y - 2}" fill="#6b7785" font-size="9">{niveau}</text>')
    for k, serie in enumerate(series):
        couleur = COULEURS[k % len(COULEURS)]
        points = sommets(axes, serie)
        trace = " ".join(f"{x},{y}" for _c, _n, x, y in points)
        parties.append(
            f'<polygon class="serie" data-serie="{k}" points="{trace}" fill="{couleur}" fill-opacity="0.18" '
            f'stroke="{couleur}" stroke-width="2"/>'
        )
        for code, niveau, x, y in points:
            texte = Niveau(niveau).label if niveau else "non évalué"
            parties.append(
                f'<circle data-serie="{k}" data-competence="{escape(code)}" data-niveau="{niveau or ""}" cx="{x}" cy="{y}" r="3.5" '
                f'fill="{couleur}"><title>{escape(serie.libelle)} — {escape(code)} : {escape(texte)}</title></circle>'
            )
        ly = TAILLE + 8 + 22 * k
        parties.append(f'<rect x="12" y="{ly}" width="14" height="14" fill="{couleur}" fill-opacity="0.5" stroke="{couleur}"/>')
        parties.append(f'<text x="32" y="{ly + 11}" fill="#1f2933">{escape(serie.libelle)}</text>')
    parties.append("</svg>")
    return mark_safe("".join(parties))  # noqa: S308 - every text above is escaped
