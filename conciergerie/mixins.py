"""View helpers built on the scoping mechanism.

URLs carry the project (``/p/<projet_id>/…``) so a link can be shared. ``ProjetMixin``
resolves it among the projects of the user's memberships, as ``Projet.objects.visible_to`` does
(404 for a non-member), checks the role's capability (403), and ``scoped(Model)`` gives the rows
of that project the role may see.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from .roles import peut
from .scoping import adhesion_for


def memoriser_projet(request, projet) -> None:
    """Remember the last project opened (the home page goes back to it).

    The session is written only when the project changes: assigning a key marks it modified, and
    the session middleware then saves it (an UPDATE in its own transaction, the cookie sent
    again) on every page. Its expiry slides forward with the activity time, written every few
    minutes at most (conciergerie.limites_session).
    """
    if request.session.get("projet_id") != projet.pk:
        request.session["projet_id"] = projet.pk


def resolve_projet(request, projet_id, capacite: str):
    # ``Projet.objects.visible_to(user)`` is the projects of the user's active memberships, which
    # are already loaded with their project (``adhesions_of``, once per request): the project is
    # taken from there rather than read again (one query less on every project page)
    adhesion = adhesion_for(request.user, projet_id)
    if adhesion is None:
        raise Http404("Aucun projet ne correspond à la requête.")
    projet = adhesion.projet
    if not peut(adhesion.role, capacite):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
    memoriser_projet(request, projet)
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


def erreurs_vers_form(form, error: ValidationError) -> None:
    """A service's ValidationError, shown next to the field when the form has it (else at the
    top of the form): the views of every app call their service, then this on refusal."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
