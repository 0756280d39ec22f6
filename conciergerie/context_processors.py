from .roles import CAPACITES, peut
from .scoping import adhesions_of

# "tableau_de_bord_voir" -> "tableau_de_bord.voir", "exports_donnees_personnelles" -> "exports.donnees_personnelles"
_PAR_ATTRIBUT = {cle.replace(".", "_"): cle for cle in CAPACITES}


class Capacites:
    """``{% if capacites.rqth_voir %}`` in templates: what the current role may do."""

    def __init__(self, role):
        self.role = role

    def __getattr__(self, name):
        if name in _PAR_ATTRIBUT:
            return peut(self.role, _PAR_ATTRIBUT[name])
        raise AttributeError(name)


def projets(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    adhesion = getattr(request, "adhesion", None)
    return {
        "mes_adhesions": adhesions_of(user),
        "projet_courant": getattr(request, "projet", None),
        "role_courant": adhesion.role_libelle if adhesion else "",
        "capacites": Capacites(adhesion.role if adhesion else None),
        # a closed project is read-only (conciergerie.roles.ECRITURES): the header says so
        "projet_clos": bool(adhesion and adhesion.projet.cloture_le),
    }
