"""View helpers built on the scoping mechanism.

URLs carry the project (``/p/<projet_id>/…``) so a link can be shared. ``ProjetMixin``
resolves it through ``Projet.objects.visible_to`` (404 for a non-member), checks the role's
capability (403), and ``scoped(Model)`` gives the rows of that project the role may see.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Projet
from .roles import peut
from .scoping import adhesion_for


def resolve_projet(request, projet_id, capacite: str):
    projet = get_object_or_404(Projet.objects.visible_to(request.user), pk=projet_id)
    adhesion = adhesion_for(request.user, projet)
    if not peut(adhesion.role, capacite):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
    request.session["projet_id"] = projet.pk
    request.projet = projet
    request.adhesion = adhesion
    return projet, adhesion


class ProjetMixin:
    #: the capability (conciergerie.roles.CAPACITES) this view requires
    capacite: str = "projet.voir"

    def dispatch(self, request, *args, **kwargs):
        self.projet, self.adhesion = resolve_projet(request, kwargs["projet_id"], self.capacite)
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, model):
        return model.objects.visible_to(self.request.user, projet=self.projet)

    def peut(self, capacite: str) -> bool:
        return peut(self.adhesion.role, capacite)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projet"] = self.projet
        context["adhesion"] = self.adhesion
        return context
