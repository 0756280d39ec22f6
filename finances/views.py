"""Finance pages and forms. Thin: permission (ProjetMixin), form, service (every write goes
through ``services.py``; the form pages are ``ServiceFormView``s), render.

Reads go through ``self.scoped(Model)`` (visible_to): a financeur sees only the fundings of
its organisation and their lines, expenses and payments; never a volunteer's name (the
TempsBenevole rows are not visible to it — the page shows the aggregates from selectors).
"""

import os
from functools import cached_property

from django.contrib import messages
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from conciergerie.formats import heures as ecrire_heures
from conciergerie.journal import journaliser
from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.models import ActionAcces

from . import selectors, services
from .forms import (
    DepenseForm,
    DerogationEligibiliteForm,
    FinancementForm,
    LigneBudgetForm,
    LigneSemaineFormSet,
    ObjectifForm,
    PartageValeurForm,
    SemaineForm,
    TempsBenevoleForm,
    VersementForm,
)
from .models import Depense, DerogationEligibilite, Financement, LigneBudget, Objectif, PartageValeur, TempsBenevole, Versement
from .validators import type_logo

ZERO = selectors.ZERO


class FinancesView(ProjetMixin, TemplateView):
    """The project's finance page: every funding the user may see, with its figures."""

    capacite = "finances.voir"
    template_name = "finances/finances.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        financements = list(self.scoped(Financement).select_related("financeur").order_by("-date_debut", "pk"))
        synth = selectors.syntheses(financements)
        context["syntheses"] = synth
        context["totaux"] = selectors.totaliser(synth)
        context["echeances"] = sorted(
            ((v, s.financement) for s in synth for v in s.tresorerie.echeances if v.date_limite_demande),
            key=lambda pair: pair[0].date_limite_demande,
        )[:5]
        if self.peut("finances.modifier"):
            # value sharing and named volunteer rows: the conciergerie's own business
            partages = self.scoped(PartageValeur)
            context["partages"] = partages.select_related("organisation", "session", "apprenant")
            context["partages_totaux"] = {
                "recu": partages.filter(recu=True).aggregate(s=Sum("montant"))["s"] or ZERO,
                "attendu": partages.filter(recu=False).aggregate(s=Sum("montant"))["s"] or ZERO,
            }
            context["benevolat_hors_financement"] = selectors.cumuler_benevolat(
                self.scoped(TempsBenevole).filter(financement__isnull=True).values_list("heures", "taux_horaire", "valorise")
            )
            context["temps_recents"] = self.scoped(TempsBenevole).select_related("organisation", "financement")[:20]
        return context


class FinancementDetailView(ProjetMixin, DetailView):
    capacite = "finances.voir"
    template_name = "finances/financement_detail.html"
    context_object_name = "financement"

    def get_queryset(self):
        return self.scoped(Financement).select_related("financeur")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.object
        context["synthese"] = selectors.syntheses([f])[0]
        context["lignes"] = self.scoped(LigneBudget).filter(financement=f)
        context["depenses"] = self.scoped(Depense).filter(ligne__financement=f).select_related("ligne")
        context["versements"] = self.scoped(Versement).filter(financement=f)
        if self.peut("finances.modifier"):
            # eligibility overrides name learners: the conciergerie's own business
            context["derogations"] = self.scoped(DerogationEligibilite).filter(financement=f).select_related("apprenant")
            context["temps"] = self.scoped(TempsBenevole).filter(financement=f).select_related("organisation", "financement")[:50]
        return context


def _url_financement(projet, financement_id) -> str:
    return reverse("financement_detail", args=[projet.pk, financement_id])


class FinancementFormView(ServiceFormView):
    """Create (``financement_create``) or edit (``financement_update``) a funding."""

    capacite = "finances.modifier"
    modele = Financement
    form_class = FinancementForm
    liste, detail = "finances", "financement_detail"
    titre, titre_modification = "Nouveau financement", "Modifier le financement"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_sous_titre(self):
        return str(self.objet) if self.objet is not None else ""

    def enregistrer(self, form):
        return services.enregistrer_financement(
            financement=form.instance, projet=self.projet, by=self.request.user, nouveau_logo=self.request.FILES.get("logo")
        )


class FinancementLogoView(ProjetMixin, DetailView):
    """A funding's logo, for whoever reads the funding (``visible_to``): uploaded files are never
    served as static media. Checked as an image at its upload (``validators.valider_logo``)."""

    capacite = "finances.voir"

    def get_queryset(self):
        return self.scoped(Financement)

    def get(self, request, *args, **kwargs):
        financement = self.get_object()
        if not financement.logo:
            raise Http404("Aucun logo.")
        return FileResponse(financement.logo.open("rb"), content_type=type_logo(financement.logo.name))


class DuFinancementMixin:
    """The rows of one funding (budget lines, expenses, payments), created under
    ``/financements/<financement_pk>/`` and edited under their own ``pk``: ``financement`` is
    read once, through visible_to for a new row (404 for another's), the edited row's own
    otherwise; the page of a new row names it, the way back and the redirect lead to its page."""

    capacite = "finances.modifier"

    def financement_de(self, objet):
        return objet.financement

    def get_queryset(self):
        return super().get_queryset().select_related("financement")

    @cached_property
    def financement(self):
        if self.objet is not None:
            return self.financement_de(self.objet)
        return get_object_or_404(self.scoped(Financement), pk=self.kwargs["financement_pk"])

    def get_sous_titre(self):
        return str(self.financement) if self.objet is None else ""

    def get_retour_url(self):
        return _url_financement(self.projet, self.financement.pk)

    def get_success_url(self):
        return self.get_retour_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(financement=self.financement, **kwargs)


class LigneBudgetFormView(DuFinancementMixin, ServiceFormView):
    modele = LigneBudget
    form_class = LigneBudgetForm
    titre, titre_modification = "Nouvelle ligne de budget", "Modifier la ligne de budget"

    def enregistrer(self, form):
        return services.enregistrer_ligne_budget(ligne=form.instance, financement=self.financement, by=self.request.user)


class DepenseFormView(DuFinancementMixin, ServiceFormView):
    """An expense and its receipt (checked by the form, then by the service)."""

    suppression = "depense_delete"

    modele = Depense
    form_class = DepenseForm
    titre, titre_modification = "Nouvelle dépense", "Modifier la dépense"
    message = "Dépense enregistrée."

    def financement_de(self, depense):
        return depense.ligne.financement

    def get_queryset(self):
        return self.scoped(Depense).select_related("ligne__financement")

    def get_form_kwargs(self):
        # the funding is read before the form binds the data (which may change the line)
        return {**super().get_form_kwargs(), "financement": self.financement}

    def enregistrer(self, form):
        return services.enregistrer_depense(
            depense=form.instance,
            financement=self.financement,
            by=self.request.user,
            nouveau_justificatif=self.request.FILES.get("justificatif"),
        )


class JustificatifView(ProjetMixin, DetailView):
    """Receipts are never served as static media: downloaded through visible_to.

    Only for the roles that enter expenses (``finances.modifier``): a receipt may carry personal
    data (a payslip, a name on an invoice), so a funder sees the expense, not its receipt (403).
    """

    capacite = "finances.modifier"

    def get_queryset(self):
        return self.scoped(Depense)

    def get(self, request, *args, **kwargs):
        depense = self.get_object()
        if not depense.justificatif:
            raise Http404("Aucun justificatif.")
        journaliser(user=request.user, projet=self.projet, action=ActionAcces.JUSTIFICATIF, objet=depense)
        return FileResponse(depense.justificatif.open("rb"), as_attachment=True, filename=os.path.basename(depense.justificatif.name))


class VersementFormView(DuFinancementMixin, ServiceFormView):
    suppression = "versement_delete"
    modele = Versement
    form_class = VersementForm
    titre, titre_modification = "Nouveau versement", "Modifier le versement"

    def enregistrer(self, form):
        return services.enregistrer_versement(versement=form.instance, financement=self.financement, by=self.request.user)


class FinancementProposeMixin:
    """A form whose funding is chosen beforehand by ``?financement=`` (a link from the funding's
    page), still validated by the form like any choice."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("financement", "").isdigit():
            initial["financement"] = int(self.request.GET["financement"])
        return initial


class TempsBenevoleCreateView(FinancementProposeMixin, ServiceFormView):
    """The quick entry: one line of volunteer time (``?financement=`` chooses its funding)."""

    capacite = "finances.modifier"
    form_class = TempsBenevoleForm
    liste = "finances"
    titre = "Saisir du temps bénévole"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def enregistrer(self, form):
        return services.saisir_temps_benevole(projet=self.projet, by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        return f"{ecrire_heures(self.resultat.heures)} enregistrées pour {self.resultat.personne}."

    def get_success_url(self):
        if self.resultat.financement_id:
            return _url_financement(self.projet, self.resultat.financement_id)
        return reverse("finances", args=[self.projet.pk])


class TempsBenevoleUpdateView(ServiceFormView):
    suppression = "benevolat_delete"
    capacite = "finances.modifier"
    modele = TempsBenevole
    form_class = TempsBenevoleForm
    liste = "finances"
    titre_modification = "Modifier le temps bénévole"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_retour_url(self):
        return reverse("finances", args=[self.projet.pk])

    def enregistrer(self, form):
        return services.enregistrer_temps_benevole(temps=form.instance, projet=self.projet, by=self.request.user)

    def get_success_url(self):
        return self.get_retour_url()


class SemaineView(ServiceFormView):
    """The week grid: persons × 7 days, saved in one transaction or not at all (a page of its
    own: the common part, then a formset of lines)."""

    capacite = "finances.modifier"
    template_name = "finances/semaine.html"
    form_class = SemaineForm
    liste = "finances"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    @cached_property
    def formset(self):
        from partenaires.models import Organisation

        organisations = Organisation.objects.visible_to(self.request.user, projet=self.projet)
        data = self.request.POST if self.request.method == "POST" else None
        return LigneSemaineFormSet(data, prefix="lignes", form_kwargs={"organisations": organisations})

    def get_context_data(self, **kwargs):
        return super().get_context_data(formset=self.formset, **kwargs)

    def est_valide(self, form):
        return form.is_valid() and self.formset.is_valid()

    def form_invalid(self, form):
        messages.error(self.request, "La grille contient des erreurs : rien n'a été enregistré.")
        return super().form_invalid(form)

    def enregistrer(self, form):
        data = form.cleaned_data
        lignes = [
            {"personne": f.cleaned_data["personne"], "organisation": f.cleaned_data.get("organisation"), "heures": f.heures()}
            for f in self.formset.forms
            if f.cleaned_data and f.heures()
        ]
        return services.saisir_semaine(
            projet=self.projet,
            by=self.request.user,
            lundi=data["lundi"],
            activite=data["activite"],
            taux_horaire=data["taux_horaire"],
            valorise=data["valorise"],
            financement=data.get("financement"),
            lignes=lignes,
        )

    def message_succes(self):
        n = len(self.resultat)
        return f"{n} saisie{'s' if n > 1 else ''} de temps bénévole enregistrée{'s' if n > 1 else ''}."

    def get_success_url(self):
        # the lines saved share the week's funding (the grid has at least one)
        if self.resultat and self.resultat[0].financement_id:
            return _url_financement(self.projet, self.resultat[0].financement_id)
        return reverse("finances", args=[self.projet.pk])


class PartageValeurFormView(ServiceFormView):
    """Create (``partage_create``) or edit (``partage_update``) a value sharing."""

    capacite = "finances.modifier"
    modele = PartageValeur
    form_class = PartageValeurForm
    titre, titre_modification = "Nouveau partage de valeur", "Modifier le partage de valeur"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_retour_url(self):
        return reverse("finances", args=[self.projet.pk]) + "#partage"

    def enregistrer(self, form):
        return services.enregistrer_partage(partage=form.instance, projet=self.projet, by=self.request.user)

    def get_success_url(self):
        return self.get_retour_url()


# ------------------------------------------------------------------ eligibility overrides and targets (issue 17)


class DerogationFormView(DuFinancementMixin, ServiceFormView):
    """Create (under a funding) or edit a participant's eligibility override, with its reason."""

    modele = DerogationEligibilite
    form_class = DerogationEligibiliteForm
    titre, titre_modification = "Nouvelle dérogation d'éligibilité", "Modifier la dérogation d'éligibilité"
    message = "Dérogation enregistrée."
    suppression = "derogation_delete"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def enregistrer(self, form):
        return services.enregistrer_derogation(derogation=form.instance, financement=self.financement, by=self.request.user)


class ObjectifListView(ProjetMixin, TemplateView):
    """The project's targets (a funder: those of its fundings), with their progress."""

    capacite = "finances.voir"
    template_name = "finances/objectif_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["objectifs"] = self.scoped(Objectif).select_related("financement", "projet")
        return context


class ObjectifFormView(FinancementProposeMixin, ServiceFormView):
    """Create (``objectif_create``; ``?financement=`` chooses the funding) or edit a target."""

    capacite = "finances.modifier"
    modele = Objectif
    form_class = ObjectifForm
    liste = "objectif_list"
    titre, titre_modification = "Nouvel objectif", "Modifier l'objectif"
    message = "Objectif enregistré."
    suppression = "objectif_delete"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_retour_url(self):
        return reverse("objectif_list", args=[self.projet.pk])

    def get_success_url(self):
        return self.get_retour_url()

    def enregistrer(self, form):
        return services.enregistrer_objectif(objectif=form.instance, projet=self.projet, by=self.request.user)
