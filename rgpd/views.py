"""The rights' pages (administrateur, ``rgpd.gerer``): a learner's access export, anonymising a
learner or a contact person, the access log, the retention page. Thin: permission
(``ProjetMixin``: 404 outside the project, 403 for another role), rows through ``visible_to``,
the writes in ``services.py``."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.models import ActionAcces
from parcours.models import Apprenant
from partenaires.models import Contact

from . import selectors, services
from .export import exporter_apprenant
from .models import AvisConservation, PurgeConservation

CAPACITE = "rgpd.gerer"


class ApprenantExportView(ProjetMixin, View):
    """One click: the ZIP of everything held on the learner (logged)."""

    capacite = CAPACITE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        apprenant = get_object_or_404(self.scoped(Apprenant), pk=kwargs["pk"])
        contenu = exporter_apprenant(apprenant=apprenant, by=request.user)
        reponse = HttpResponse(contenu, content_type="application/zip")
        nom = f"donnees-{apprenant.reference}-{timezone.localdate():%Y-%m-%d}.zip"
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse


class ConfirmationForm(forms.Form):
    confirmer = forms.BooleanField(
        label="Je confirme l'anonymisation définitive",
        required=True,
        error_messages={"required": "Cochez la case pour confirmer : l'anonymisation ne peut pas être annulée."},
    )


class AnonymiserMixin:
    capacite = CAPACITE
    form_class = ConfirmationForm
    template_name = "rgpd/anonymiser.html"
    efface: list[str] = []
    conserve: list[str] = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            personne=self.objet,
            efface=self.efface,
            conserve=self.conserve,
            deja=services.est_anonymise(self.objet),
        )
        return context


class ApprenantAnonymiserView(AnonymiserMixin, ServiceFormView):
    modele = Apprenant
    detail = "apprenant_detail"
    efface = services.EFFACE_APPRENANT
    conserve = services.CONSERVE_APPRENANT
    message = "L'apprenant est anonymisé."

    def get_titre(self):
        return f"Anonymiser l'apprenant {self.objet.reference}"

    def enregistrer(self, form):
        services.anonymiser_apprenant(apprenant=self.objet, by=self.request.user)
        return self.objet


class ContactAnonymiserView(AnonymiserMixin, ServiceFormView):
    modele = Contact
    message = "Le contact est anonymisé."

    def get_titre(self):
        return f"Anonymiser le contact {self.objet} ({self.objet.organisation.nom})"

    def get_retour_url(self):
        return reverse("organisation_detail", args=[self.projet.pk, self.objet.organisation_id])

    def enregistrer(self, form):
        services.anonymiser_contact(contact=self.objet, by=self.request.user)
        return self.objet

    def get_success_url(self):
        return self.get_retour_url()


class JournalAccesView(ProjetMixin, ListView):
    """The access log of the project (read-only), newest first, filterable by learner and action."""

    capacite = CAPACITE
    template_name = "rgpd/journal_acces.html"
    context_object_name = "acces"
    paginate_by = 50

    @cached_property
    def apprenant(self):
        valeur = self.request.GET.get("apprenant", "").strip()
        if not valeur:
            return None
        apprenants = self.scoped(Apprenant)
        trouve = apprenants.filter(pk=int(valeur)).first() if valeur.isdigit() else None
        return trouve or apprenants.filter(reference__iexact=valeur).first() or False

    def get_queryset(self):
        self.action = self.request.GET.get("action", "") if self.request.GET.get("action", "") in ActionAcces.values else ""
        if self.apprenant is False:
            return selectors.journal(self.request.user, self.projet).none()
        return selectors.journal(
            self.request.user, self.projet, apprenant_id=self.apprenant.pk if self.apprenant else None, action=self.action
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            apprenant=self.apprenant or None,
            apprenant_inconnu=self.apprenant is False,
            recherche=self.request.GET.get("apprenant", ""),
            action=self.action,
            actions=ActionAcces.choices,
            query_string=params.urlencode(),
            journal_mois=settings.RGPD_JOURNAL_MOIS,
        )
        return context


class ConservationView(ProjetMixin, TemplateView):
    """The project's retention: its settings, the notices pending, the purges done."""

    capacite = CAPACITE
    template_name = "rgpd/conservation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            avis=AvisConservation.objects.visible_to(self.request.user, projet=self.projet).select_related("apprenant")[:200],
            purges=PurgeConservation.objects.visible_to(self.request.user, projet=self.projet)[:100],
            historique_mois=settings.RGPD_HISTORIQUE_MOIS,
            journal_mois=settings.RGPD_JOURNAL_MOIS,
        )
        return context
