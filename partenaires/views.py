"""Partners' pages: organisations, contacts, conventions (and their files). The home to-do's
block is in ``home.py``.

Thin views: ``ProjetMixin`` checks the project (404) and the capability (403: the financeur
has no ``partenaires.voir``), every row is read through ``visible_to`` (``self.scoped(Model)``;
the query sets of the lists and pages are in ``selectors.py``), forms validate and the writes
go through ``services.py`` (the form pages are ``ServiceFormView``s). The learners an
organisation follows live in the ``parcours`` app (which this app may not import): the
organisation page loads them with htmx from ``parcours/views_sessions.py``.
"""

import os
from functools import cached_property

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from conciergerie.exports import Colonne, ExportListeMixin
from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.tri import cle_alphabetique

from . import selectors, services
from .filters import OrganisationFilter
from .forms import ContactForm, ConventionForm, MembreConsortiumDatesForm, OrganisationForm
from .models import Contact, Convention, MembreConsortium, Organisation

# ---------------------------------------------------------------- organisations


class OrganisationListView(ExportListeMixin, ProjetMixin, ListView):
    capacite = "partenaires.voir"
    template_name = "partenaires/organisation_list.html"
    paginate_by = 25
    context_object_name = "organisations"

    def get_queryset(self):
        base = selectors.organisations(self.request.user, self.projet)
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=base)
        return self.filterset.qs.order_by(cle_alphabetique("nom"), "pk")

    nom_export = "organisations"
    titre_export = "Organisations"

    def colonnes_export(self) -> list[Colonne]:
        return [
            Colonne("Nom", "nom"),
            Colonne("Type", lambda o: o.get_type_display()),
            Colonne("SIRET", "siret"),
            Colonne("Code postal", "code_postal"),
            Colonne("Commune", "commune"),
            Colonne("Site web", "site_web"),
            Colonne("Qualiopi", lambda o: o.get_qualiopi_statut_display()),
            Colonne("Expiration Qualiopi", "qualiopi_expiration"),
            Colonne("NDA", "nda"),
        ]

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
        return selectors.organisations_avec_fiche(self.request.user, self.projet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        context["membre"] = organisation.membres[0] if organisation.membres else None
        context["referents"] = [c for c in organisation.contacts_visibles if c.est_referent]
        context["aujourd_hui"] = timezone.localdate()
        return context


class OrganisationFormView(ServiceFormView):
    """Create (``organisation_create``) or edit (``organisation_update``) an organisation and its
    role in the consortium."""

    suppression = "organisation_delete"

    capacite = "partenaires.modifier"
    modele = Organisation
    form_class = OrganisationForm
    liste, detail = "organisation_list", "organisation_detail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet}

    def get_titre(self):
        return f"Modifier {self.objet.nom}" if self.objet else "Nouvelle organisation"

    def valeurs_liees(self, objet):
        membre = MembreConsortium.objects.filter(projet=self.projet, organisation=objet).first()
        return {"role_consortium": membre.get_role_display() if membre else ""}

    def enregistrer(self, form):
        return services.enregistrer_organisation(
            organisation=form.instance, role_consortium=form.cleaned_data["role_consortium"], by=self.request.user
        )

    def message_succes(self):
        return f"Organisation « {self.resultat.nom} » enregistrée."


# ---------------------------------------------------------------- contacts


class _ContactFormView(ServiceFormView):
    """A contact of an organisation (``organisation``, read through visible_to)."""

    capacite = "partenaires.modifier"
    form_class = ContactForm

    def get_titre(self):
        return f"Modifier le contact {self.objet}" if self.objet else f"Nouveau contact — {self.organisation.nom}"

    def get_retour_url(self):
        return reverse("organisation_detail", args=[self.projet.pk, self.organisation.pk])

    def enregistrer(self, form):
        return services.enregistrer_contact(contact=form.instance, organisation=self.organisation, by=self.request.user)

    def message_succes(self):
        return f"Contact {self.resultat} enregistré."

    def get_success_url(self):
        return self.get_retour_url() + "#contacts"


class ContactCreateView(_ContactFormView):
    @cached_property
    def organisation(self):
        return get_object_or_404(self.scoped(Organisation), pk=self.kwargs["pk"])


class ContactUpdateView(_ContactFormView):
    suppression = "contact_delete"
    modele = Contact

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    @property
    def organisation(self):
        return self.objet.organisation


# ---------------------------------------------------------------- conventions


class ConventionDetailView(ProjetMixin, DetailView):
    capacite = "partenaires.voir"
    template_name = "partenaires/convention_detail.html"
    context_object_name = "convention"

    def get_queryset(self):
        return selectors.conventions_avec_parties(self.request.user, self.projet)


class ConventionFormView(ServiceFormView):
    """Create (``convention_create``, ``?organisation=`` ticks a first party) or edit
    (``convention_update``) a convention and its parties."""

    capacite = "partenaires.modifier"
    modele = Convention
    form_class = ConventionForm
    liste, detail = "organisation_list", "convention_detail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        organisation = self.request.GET.get("organisation")
        if organisation and organisation.isdigit() and self.objet is None:
            initial["parties"] = [int(organisation)]
        return initial

    def get_titre(self):
        return f"Modifier la convention {self.objet.intitule}" if self.objet else "Nouvelle convention"

    def enregistrer(self, form):
        return services.enregistrer_convention(
            convention=form.save(commit=False), parties=list(form.cleaned_data["parties"]), by=self.request.user
        )

    def message_succes(self):
        return f"Convention « {self.resultat.intitule} » enregistrée."


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


# ---------------------------------------------------------------- consortium membership dates


class MembreConsortiumDatesView(ServiceFormView):
    """The entry and exit dates of an organisation's membership (``organisations/<pk>/consortium/``:
    the organisation's pk; 404 when it is not a member)."""

    capacite = "partenaires.modifier"
    modele = MembreConsortium
    form_class = MembreConsortiumDatesForm
    detail = "organisation_detail"

    @cached_property
    def objet(self):
        return get_object_or_404(self.get_queryset().select_related("organisation"), organisation_id=self.kwargs["pk"])

    def get_titre(self):
        return f"Dates d'adhésion au consortium — {self.objet.organisation.nom}"

    def get_retour_url(self):
        return reverse("organisation_detail", args=[self.projet.pk, self.objet.organisation_id])

    def get_success_url(self):
        return self.get_retour_url()

    def enregistrer(self, form):
        return services.modifier_dates_membre(
            membre=self.objet,
            date_entree=form.cleaned_data["date_entree"],
            date_sortie=form.cleaned_data["date_sortie"],
            by=self.request.user,
        )

    def message_succes(self):
        return "Dates d'adhésion au consortium enregistrées."
