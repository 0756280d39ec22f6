"""Registry of the kinds of import, filled by the apps.

The core does not import the apps: each app describes its kind of import with a
django-import-export ``Resource`` built on ``ProjetResource`` (in ``<app>/resources.py``) and
registers it in its ``AppConfig.ready()`` with :func:`register`, as the home page does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeImport:
    cle: str
    libelle: str
    resource: type
    description: str = ""
    #: URL name of the page listing what was imported (``projet_id`` as only argument)
    url_liste: str = ""


_TYPES: dict[str, TypeImport] = {}


def register(*, cle: str, libelle: str, resource: type, description: str = "", url_liste: str = "") -> TypeImport:
    type_import = TypeImport(cle=cle, libelle=libelle, resource=resource, description=description, url_liste=url_liste)
    _TYPES[cle] = type_import
    return type_import


def types_import() -> list[TypeImport]:
    return list(_TYPES.values())


def type_import(cle: str) -> TypeImport:
    """The kind of import named ``cle`` (``KeyError`` if none)."""
    return _TYPES[cle]
