"""Finding and removing a person's identity in free text (used by the anonymisation)."""

from __future__ import annotations

import re

MARQUE = "[anonymisé]"


def motifs_identite(
    *, prenom: str = "", nom: str = "", email: str = "", telephone: str = "", prenom_seul: bool = False
) -> list[re.Pattern]:
    """Patterns of what names a person in a text, longest first: "Prénom Nom", "Nom Prénom", the
    e-mail, the phone (whatever its spacing), and, with ``prenom_seul`` (a text about this person:
    a récit linked to them), the first name and the name alone."""
    motifs: list[str] = []
    prenom, nom = (prenom or "").strip(), (nom or "").strip()
    if prenom and nom:
        motifs += [rf"{re.escape(prenom)}\s+{re.escape(nom)}", rf"{re.escape(nom)}\s+{re.escape(prenom)}"]
    if email:
        motifs.append(re.escape(email.strip()))
    chiffres = re.sub(r"\D", "", telephone or "")
    if len(chiffres) >= 6:
        motifs.append(r"[\s.\-]?".join(re.escape(c) for c in chiffres))
    if prenom_seul:
        motifs += [re.escape(m) for m in (nom, prenom) if len(m) >= 2]
    return [re.compile(rf"(?<!\w){m}(?!\w)", re.IGNORECASE) for m in motifs]


def effacer(texte: str, motifs: list[re.Pattern]) -> str:
    for motif in motifs:
        texte = motif.sub(MARQUE, texte)
    return texte


def nomme(texte: str, motifs: list[re.Pattern]) -> bool:
    return any(m.search(texte or "") for m in motifs)
