"""Shared helpers for the permission matrix rows (tests/<app>/matrice.py)."""

ADM, COORD, PART, FIN, OUT = "administrateur", "coordinateur", "partenaire", "financeur", "outsider"


def tous(code):
    """The same status for every member and the outsider (e.g. a foreign project: 404)."""
    return dict.fromkeys((ADM, COORD, PART, FIN, OUT), code)


def membres(code, outsider=404, **overrides):
    """``code`` for every member of project A, 404 for the outsider; ``partenaire=403`` etc. override."""
    d = {ADM: code, COORD: code, PART: code, FIN: code, OUT: outsider}
    d.update({k.lower(): v for k, v in overrides.items()})
    return d
