"""Upload checks: receipts (PDF or image, 5 MB at most) and funders' logos (PNG or JPEG, 1 MB at
most), by extension *and* content (magic bytes)."""

import os

from django.core.exceptions import ValidationError

TAILLE_MAX = 5 * 1024 * 1024
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def _commence_par(fichier, signatures) -> bool:
    """Whether the upload's first bytes are one of ``signatures`` (its position kept)."""
    position = fichier.tell() if hasattr(fichier, "tell") else 0
    fichier.seek(0)
    entete = fichier.read(16)
    fichier.seek(position)
    return any(entete.startswith(s) for s in signatures)


def valider_justificatif(fichier) -> None:
    """Raise a French ``ValidationError`` unless ``fichier`` is a real PDF, PNG or JPEG ≤ 5 MB."""
    if fichier is None:
        return
    if fichier.size > TAILLE_MAX:
        raise ValidationError(
            "Le justificatif dépasse la taille maximale de 5 Mo (%(taille)s Mo).",
            code="trop_gros",
            params={"taille": f"{fichier.size / 1024 / 1024:.1f}".replace(".", ",")},
        )
    extension = os.path.splitext(fichier.name or "")[1].lower()
    signatures = SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError("Le justificatif doit être un PDF ou une image (PNG, JPEG).", code="type")
    if not _commence_par(fichier, signatures):
        raise ValidationError(
            "Le contenu du fichier ne correspond pas à %(type)s : seuls les PDF et les images PNG ou JPEG sont acceptés.",
            code="contenu",
            params={"type": "un PDF" if extension == ".pdf" else "une image " + extension[1:].upper()},
        )


TAILLE_MAX_LOGO = 1024 * 1024
#: a logo's extension and its type (the upload's content checked against the extension)
TYPES_LOGO = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def type_logo(nom: str) -> str:
    """The MIME type of a stored logo, from its name (checked at its upload: ``valider_logo``)."""
    return TYPES_LOGO[os.path.splitext(nom)[1].lower()]


def valider_logo(fichier) -> None:
    """Raise a French ``ValidationError`` unless ``fichier`` is a real PNG or JPEG of 1 MB at most."""
    if fichier is None:
        return
    extension = os.path.splitext(fichier.name or "")[1].lower()
    if extension not in TYPES_LOGO:
        raise ValidationError("Le logo doit être une image PNG ou JPEG.", code="type")
    if fichier.size > TAILLE_MAX_LOGO:
        raise ValidationError(
            "Le logo pèse %(taille)s Mo : la limite est de 1 Mo.",
            code="trop_gros",
            params={"taille": f"{fichier.size / 1024 / 1024:.1f}".replace(".", ",")},
        )
    if not _commence_par(fichier, SIGNATURES[extension]):
        raise ValidationError(
            "Le contenu du fichier ne correspond pas à une image %(type)s.", code="contenu", params={"type": extension[1:].upper()}
        )
