from .roles import CAPACITES, peut
from .scoping import adhesions_of


class Capacites:
    """``{% if capacites.rqth_voir %}`` in templates: what the current role may do."""

    def __init__(self, role):
        self.role = role

    def __getattr__(self, name):
        key = name.replace("_", ".", 1)
        if key in CAPACITES:
            return peut(self.role, key)
        raise AttributeError(name)


def projets(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    adhesion = getattr(request, "adhesion", None)
    return {
        "mes_adhesions": adhesions_of(user),
        "projet_courant": getattr(request, "projet", None),
        "role_courant": adhesion.get_role_display() if adhesion else "",
        "capacites": Capacites(adhesion.role if adhesion else None),
    }
