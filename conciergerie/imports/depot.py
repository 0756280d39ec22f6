"""The uploaded file kept between the dry run and the confirmation.

After a dry run without errors the file is stored under MEDIA_ROOT at
imports/<projet>/<user>/<type>/<random token>.<ext>: the folder is built on the server from
the project, the user and the kind, and the client only sends back the token (checked
against a strict pattern), so nobody confirms another user's file nor names a path. One
pending file per user, project and kind: a new upload replaces it; confirming deletes it.
"""

from __future__ import annotations

import re

from .lecture import verifier_extension
from .registre import type_import

DEPOT = re.compile(r"[A-Za-z0-9_-]{32}\.(xlsx|csv)")


def _dossier_depot(*, type: str, projet, by) -> str:
    type_import(type)  # a registered kind only: the folder name is never the client's text
    return f"imports/{projet.pk}/{by.pk}/{type}"


def deposer(*, contenu: bytes, nom: str, type: str, projet, by) -> str:
    """Keep an uploaded file for its confirmation; returns its token (``<token>.<ext>``)."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    ext = verifier_extension(nom)
    dossier = _dossier_depot(type=type, projet=projet, by=by)
    oublier_tout(type=type, projet=projet, by=by)
    depot = f"{secrets.token_urlsafe(24)}.{ext}"
    default_storage.save(f"{dossier}/{depot}", ContentFile(contenu))
    return depot


def reprendre(*, depot: str, type: str, projet, by) -> bytes | None:
    """The kept file named by ``depot`` for this user, project and kind, or ``None``."""
    from django.core.files.storage import default_storage

    if not DEPOT.fullmatch(depot or ""):
        return None
    chemin = f"{_dossier_depot(type=type, projet=projet, by=by)}/{depot}"
    if not default_storage.exists(chemin):
        return None
    with default_storage.open(chemin, "rb") as fichier:
        return fichier.read()


def oublier_tout(*, type: str, projet, by) -> None:
    from django.core.files.storage import default_storage

    dossier = _dossier_depot(type=type, projet=projet, by=by)
    try:
        _, fichiers = default_storage.listdir(dossier)
    except FileNotFoundError:
        return
    for nom in fichiers:
        default_storage.delete(f"{dossier}/{nom}")
