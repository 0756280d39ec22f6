"""Partners' pages: organisations, contacts, conventions (and their files), home to-do.

Thin views: ``ProjetMixin`` checks the project (404) and the capability (403: the financeur
has no ``partenaires.voir``), every row is read through ``self.scoped(Model)``
(``visible_to``), forms validate and the writes are in ``services.py``. The learners an
organisation follows live in the ``parcours`` app (which this app may not import): the
organisation page loads them with htmx from ``parcours/views_sessions.py``.
"""

import os
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from conciergerie.mixins import ProjetMixin, erreurs_vers_form
from conciergerie.roles import Role, peut

from . import services
from .filters import OrganisationFilter, avec_alerte_qualiopi, conventions_a_echeance, qualiopi_a_echeance
from .forms import ContactForm, ConventionForm, OrganisationForm
from .models import Contact, Convention, MembreConsortium, Organisation

# ---------------------------------------------------------------- organisations


class OrganisationListView(ProjetMixin, ListView):
    capacite = "partenaires.voir"
    template_name = "partenaires/organisation_list.html"
    paginate_by = 25
    context_object_name = "organisations"

    def get_queryset(self):
        membres = self.scoped(MembreConsortium)
        base = avec_alerte_qualiopi(self.scoped(Organisation)).prefetch_related(Prefetch("adhesions_consortium", queryset=membres))
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=base)
        return self.filterset.qs.order_by("nom", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        context["filter"] = self.filterset
        return context


class OrganisationDetailView(ProjetMixin, DetailView):
    capacite = "partenaires.voir"
    template_name = "partenaires/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return avec_alerte_qualiopi(self.scoped(Organisation)).prefetch_related(
            Prefetch("contacts", queryset=self.scoped(Contact).order_by("-est_referent", "nom", "prenom"), to_attr="contacts_visibles"),
            Prefetch("conventions", queryset=self.scoped(Convention).order_by("-date_debut", "pk"), to_attr="conventions_visibles"),
            Prefetch("adhesions_consortium", queryset=self.scoped(MembreConsortium), to_attr="membres"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        context["membre"] = organisation.membres[0] if organisation.membres else None
        context["referents"] = [c for c in organisation.contacts_visibles if c.est_referent]
        context["aujourdhui"] = date.today()
        return context


class _OrganisationFormView(ProjetMixin, FormView):
    capacite = "partenaires.modifier"
    form_class = OrganisationForm
    template_name = "partenaires/form.html"

    def get_organisation(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(projet=self.projet, instance=self.get_organisation())
        return kwargs

    def form_valid(self, form):
        try:
            organisation = services.enregistrer_organisation(
                organisation=form.instance, role_consortium=form.cleaned_data["role_consortium"]
            )
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("organisation_detail", args=[self.projet.pk, organisation.pk]))


class OrganisationCreateView(_OrganisationFormView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(titre="Nouvelle organisation", retour=reverse("organisation_list", args=[self.projet.pk]), **kwargs)


class OrganisationUpdateView(_OrganisationFormView):
    def get_organisation(self):
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(self.scoped(Organisation), pk=self.kwargs["pk"])
        return self._organisation

    def get_context_data(self, **kwargs):
        organisation = self.get_organisation()
        retour = reverse("organisation_detail", args=[self.projet.pk, organisation.pk])
        return super().get_context_data(titre=f"Modifier {organisation.nom}", retour=retour, **kwargs)


# ---------------------------------------------------------------- contacts


class _ContactFormView(ProjetMixin, FormView):
    capacite = "partenaires.modifier"
    form_class = ContactForm
    template_name = "partenaires/form.html"
    _objets = None

    def objets(self) -> tuple[Organisation, Contact | None]:
        """(organisation, contact being edited or None), read once through visible_to."""
        if self._objets is None:
            self._objets = self.lire_objets()
        return self._objets

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.objets()[1]
        return kwargs

    def get_context_data(self, **kwargs):
        organisation, contact = self.objets()
        titre = f"Modifier le contact {contact}" if contact else f"Nouveau contact — {organisation.nom}"
        retour = reverse("organisation_detail", args=[self.projet.pk, organisation.pk])
        return super().get_context_data(titre=titre, retour=retour, **kwargs)

    def form_valid(self, form):
        organisation = self.objets()[0]
        try:
            services.enregistrer_contact(contact=form.instance, organisation=organisation)
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("organisation_detail", args=[self.projet.pk, organisation.pk]) + "#contacts")


class ContactCreateView(_ContactFormView):
    def lire_objets(self):
        return get_object_or_404(self.scoped(Organisation), pk=self.kwargs["pk"]), None


class ContactUpdateView(_ContactFormView):
    def lire_objets(self):
        contact = get_object_or_404(self.scoped(Contact).select_related("organisation"), pk=self.kwargs["pk"])
        return contact.organisation, contact


# ---------------------------------------------------------------- conventions


class ConventionDetailView(ProjetMixin, DetailView):
    capacite = "partenaires.voir"
    template_name = "partenaires/convention_detail.html"
    context_object_name = "convention"

    def get_queryset(self):
        return self.scoped(Convention).prefetch_related(Prefetch("parties", queryset=self.scoped(Organisation)))


class _ConventionFormView(ProjetMixin, FormView):
    capacite = "partenaires.modifier"
    form_class = ConventionForm
    template_name = "partenaires/form.html"
    convention = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(projet=self.projet, user=self.request.user, instance=self.get_convention())
        return kwargs

    def get_convention(self):
        return None

    def get_initial(self):
        initial = super().get_initial()
        organisation = self.request.GET.get("organisation")
        if organisation and organisation.isdigit() and self.get_convention() is None:
            initial["parties"] = [int(organisation)]
        return initial

    def form_valid(self, form):
        try:
            convention = services.enregistrer_convention(convention=form.save(commit=False), parties=list(form.cleaned_data["parties"]))
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("convention_detail", args=[self.projet.pk, convention.pk]))


class ConventionCreateView(_ConventionFormView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(titre="Nouvelle convention", retour=reverse("organisation_list", args=[self.projet.pk]), **kwargs)


class ConventionUpdateView(_ConventionFormView):
    def get_convention(self):
        if self.convention is None:
            self.convention = get_object_or_404(self.scoped(Convention), pk=self.kwargs["pk"])
        return self.convention

    def get_context_data(self, **kwargs):
        convention = self.get_convention()
        retour = reverse("convention_detail", args=[self.projet.pk, convention.pk])
        return super().get_context_data(titre=f"Modifier la convention {convention.intitule}", retour=retour, **kwargs)


class ConventionFichierView(ProjetMixin, View):
    """Download a convention's file: the row is read through ``visible_to`` (another
    project's or an unsigned convention is a 404), the file streamed, never served as media."""

    capacite = "partenaires.voir"

    def get(self, request, *args, **kwargs):
        convention = get_object_or_404(self.scoped(Convention), pk=kwargs["pk"])
        if not convention.fichier:
            raise Http404("Cette convention n'a pas de fichier.")
        try:
            fichier = convention.fichier.open("rb")
        except FileNotFoundError as error:
            raise Http404("Fichier introuvable.") from error
        nom = os.path.basename(convention.fichier.name)
        return FileResponse(fichier, as_attachment=True, filename=nom, content_type="application/pdf")


# ---------------------------------------------------------------- home to-do


def taches_partenaires(*, user, projet, adhesion) -> dict | None:
    """The home page's to-do lines about partners (two queries, whatever the number of rows)."""
    if adhesion is None or not peut(adhesion.role, "partenaires.voir"):
        return None
    aujourdhui = date.today()
    conventions = list(conventions_a_echeance(Convention.objects.visible_to(user, projet=projet), aujourdhui).order_by("date_fin", "pk"))
    organisations = Organisation.objects.visible_to(user, projet=projet)
    if adhesion.role == Role.PARTENAIRE:  # a partner watches its own certificate, not the others'
        organisations = organisations.filter(pk=adhesion.organisation_id)
    qualiopi = list(qualiopi_a_echeance(organisations, aujourdhui).order_by("qualiopi_expiration", "pk"))
    return {
        "template": "partenaires/_todo.html",
        "conventions": conventions,
        "qualiopi": qualiopi,
        "aujourdhui": aujourdhui,
        "projet": projet,
    }
