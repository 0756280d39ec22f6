"""View helpers built on the scoping mechanism.

URLs carry the project (``/p/<projet_id>/…``) so a link can be shared. ``ProjetMixin``
resolves it among the projects of the user's memberships, as ``Projet.objects.visible_to`` does
(404 for a non-member), checks the role's capability (403, ``scoping.exiger``), and
``scoped(Model)`` gives the rows of that project the role may see. ``ServiceFormView`` is the
one base of the pages that write: form, service, errors next to the fields, message, redirect.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseModelForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from .roles import peut
from .scoping import adhesion_for, exiger


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
    exiger(request.user, projet, capacite)  # 403
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


class ServiceFormView(ProjetMixin, FormView):
    """The one write page: a form whose valid data goes to a service.

    GET shows the form (``components/formulaire.html``: title, way back, fields); POST validates
    it and calls ``enregistrer(form)``, which hands the cleaned data to a service (a keyword-only
    function of the app's ``services.py``, which checks the capability with ``exiger`` and
    raises ``ValidationError`` before writing anything) and returns what it saved. A refused form
    or service shows the form again with the reasons next to their fields (``erreurs_vers_form``),
    nothing written; otherwise a French success message (``message_succes``) and a redirect
    (``get_success_url``).

    The same view creates and edits: with ``modele`` set and a ``pk`` in the URL, ``objet`` is
    that row, read once through ``visible_to`` (``get_queryset``; 404 for a row the role may
    not see) and given to a ModelForm as its instance; otherwise ``objet`` is ``None`` (a
    creation, possibly under a parent row the subclass reads itself, with ``cached_property``).
    ``liste`` and ``detail`` (URL names) give the way back and where a write leads.
    """

    capacite: str = ""  # each write view says which capability it needs
    template_name = "components/formulaire.html"
    modele = None
    liste = ""  # URL name of the list: the way back from a creation
    detail = ""  # URL name of the row's page: the way back from an edit, where a write leads
    titre = ""  # a creation's title
    titre_modification = ""  # an edit's title, by default « Modifier <the row> »
    sous_titre = ""
    message = "Enregistré."

    # ------------------------------------------------------------ the row edited

    def get_queryset(self):
        return self.scoped(self.modele)

    @cached_property
    def objet(self):
        if self.modele is None or "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    # ------------------------------------------------------------ the form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.get_form_class(), BaseModelForm):
            kwargs["instance"] = self.objet
        return kwargs

    def form_valid(self, form):
        try:
            self.resultat = self.enregistrer(form)
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        message = self.message_succes()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def enregistrer(self, form):
        """Call the service with the form's data; return the row(s) it saved (``self.resultat``)."""
        raise NotImplementedError

    def message_succes(self) -> str:
        """The French message after a write (none when it returns ``""``: nothing was done)."""
        return self.message

    # ------------------------------------------------------------ the page

    def get_titre(self) -> str:
        if self.objet is None:
            return self.titre
        return self.titre_modification or f"Modifier {self.objet}"

    def get_sous_titre(self) -> str:
        return self.sous_titre

    def get_retour_url(self) -> str:
        """The way back (the link above the title and the « Annuler » button): the row's page
        (``detail``) when editing, else the list (``liste``)."""
        if self.objet is not None and self.detail:
            return reverse(self.detail, args=[self.projet.pk, self.objet.pk])
        return reverse(self.liste, args=[self.projet.pk])

    def get_success_url(self) -> str:
        """After a write: the saved row's page (``detail``)."""
        return reverse(self.detail, args=[self.projet.pk, self.resultat.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(titre=self.get_titre(), sous_titre=self.get_sous_titre(), retour=self.get_retour_url())
        return context
