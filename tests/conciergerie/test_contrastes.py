"""The keyboard focus outline is visible (WCAG 2.4.7 and 1.4.11, RGAA 10.7): at least 3:1 against
what it is drawn on — the page (white cards, the light grey background) and the header's green.
The colours are read from static/css/app.css, where the outline rules use them."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text(encoding="utf-8")


def variable(nom: str) -> str:
    return re.search(rf"--{nom}:\s*(#[0-9a-fA-F]{{3,6}})\b", CSS).group(1)


def luminance(couleur: str) -> float:
    h = couleur.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    canaux = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lineaires = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canaux]
    return 0.2126 * lineaires[0] + 0.7152 * lineaires[1] + 0.0722 * lineaires[2]


def contraste(a: str, b: str) -> float:
    clair, sombre = sorted((luminance(a), luminance(b)), reverse=True)
    return (clair + 0.05) / (sombre + 0.05)


def test_the_contrast_formula():
    assert contraste("#000", "#fff") == pytest.approx(21)
    assert contraste("#f7c948", "#ffffff") < 3  # the old yellow outline: 1.6:1 on white


@pytest.mark.parametrize(
    ("contour", "fond"),
    [("focus", "#ffffff"), ("focus", "fond"), ("focus", "carte"), ("focus-entete", "accent")],
)
def test_the_focus_outline_stands_out_at_3_to_1(contour, fond):
    couleur_fond = fond if fond.startswith("#") else variable(fond)
    assert contraste(variable(contour), couleur_fond) >= 3


def test_the_outline_rules_use_those_colours():
    assert re.search(r"a:focus[^{]*\{\s*outline: 3px solid var\(--focus\)", CSS)
    assert re.search(r"\.entete a:focus[^{]*\{\s*outline-color: var\(--focus-entete\)", CSS)
    assert "#f7c948" not in CSS
