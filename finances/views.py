"""Finance pages and forms. Thin: permission (ProjetMixin), form, service, render.

Reads go through ``self.scoped(Model)`` (visible_to): a financeur sees only the fundings of
its organisation and their lines, expenses and payments; never a volunteer's name (the
TempsBenevole rows are not visible to it — the page shows the aggregates from selectors).
"""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from conciergerie.mixins import ProjetMixin

from . import selectors, services
from .forms import (
    DepenseForm,
    FinancementForm,
    LigneBudgetForm,
    LigneSemaineFormSet,
    PartageValeurForm,
    SemaineForm,
    TempsBenevoleForm,
    VersementForm,
)
from .models import Depense, Financement, LigneBudget, PartageValeur, TempsBenevole, Versement

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
            context["temps"] = self.scoped(TempsBenevole).filter(financement=f).select_related("organisation", "financement")[:50]
        return context


class FinancesFormMixin(ProjetMixin):
    capacite = "finances.modifier"
    template_name = "finances/form.html"
    titre = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = self.titre
        context["retour"] = self.get_success_url()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Enregistré.")
        return response


class ProjetFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}


class FinancementCreateView(ProjetFormKwargsMixin, FinancesFormMixin, CreateView):
    form_class = FinancementForm
    titre = "Nouveau financement"

    def form_valid(self, form):
        form.instance.projet = self.projet
        return super().form_valid(form)

    def get_success_url(self):
        if getattr(self, "object", None):
            return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.object.pk})
        return reverse("finances", kwargs={"projet_id": self.projet.pk})


class FinancementUpdateView(ProjetFormKwargsMixin, FinancesFormMixin, UpdateView):
    form_class = FinancementForm
    titre = "Modifier le financement"

    def get_queryset(self):
        return self.scoped(Financement)

    def get_success_url(self):
        return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.object.pk})


class DuFinancementMixin(FinancesFormMixin):
    """Create views under /financements/<financement_pk>/: the funding read through visible_to."""

    def get_financement(self):
        if not hasattr(self, "_financement"):
            self._financement = get_object_or_404(self.scoped(Financement), pk=self.kwargs["financement_pk"])
        return self._financement

    def get(self, request, *args, **kwargs):
        self.get_financement()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_financement()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["financement"] = self.get_financement()
        return context

    def get_success_url(self):
        return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.get_financement().pk})


class LigneBudgetCreateView(DuFinancementMixin, CreateView):
    form_class = LigneBudgetForm
    titre = "Nouvelle ligne de budget"

    def form_valid(self, form):
        form.instance.financement = self.get_financement()
        return super().form_valid(form)


class LigneBudgetUpdateView(FinancesFormMixin, UpdateView):
    form_class = LigneBudgetForm
    titre = "Modifier la ligne de budget"

    def get_queryset(self):
        return self.scoped(LigneBudget)

    def get_success_url(self):
        return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.object.financement_id})


class DepenseFormMixin:
    form_class = DepenseForm

    def form_valid(self, form):
        nouveau = self.request.FILES.get("justificatif")
        try:
            with transaction.atomic():
                self.object = services.enregistrer_depense(depense=form.instance, by=self.request.user, nouveau_justificatif=nouveau)
        except ValidationError as erreur:
            form.add_error(None, erreur)
            return self.form_invalid(form)
        messages.success(self.request, "Dépense enregistrée.")
        return redirect(self.get_success_url())


class DepenseCreateView(DepenseFormMixin, DuFinancementMixin, CreateView):
    titre = "Nouvelle dépense"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "financement": self.get_financement()}


class DepenseUpdateView(DepenseFormMixin, FinancesFormMixin, UpdateView):
    titre = "Modifier la dépense"

    def get_queryset(self):
        return self.scoped(Depense).select_related("ligne")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "financement": self.object.ligne.financement}

    def get_success_url(self):
        return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.object.ligne.financement_id})


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
        return FileResponse(depense.justificatif.open("rb"), as_attachment=True, filename=os.path.basename(depense.justificatif.name))


class VersementCreateView(DuFinancementMixin, CreateView):
    form_class = VersementForm
    titre = "Nouveau versement"

    def form_valid(self, form):
        form.instance.financement = self.get_financement()
        return super().form_valid(form)


class VersementUpdateView(FinancesFormMixin, UpdateView):
    form_class = VersementForm
    titre = "Modifier le versement"

    def get_queryset(self):
        return self.scoped(Versement)

    def get_success_url(self):
        return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": self.object.financement_id})


class TempsBenevoleCreateView(ProjetFormKwargsMixin, FinancesFormMixin, CreateView):
    """The quick entry: one line of volunteer time."""

    form_class = TempsBenevoleForm
    titre = "Saisir du temps bénévole"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("financement", "").isdigit():
            initial["financement"] = int(self.request.GET["financement"])
        return initial

    def form_valid(self, form):
        self.object = services.saisir_temps_benevole(
            projet=self.projet, by=self.request.user, **{k: v for k, v in form.cleaned_data.items()}
        )
        messages.success(self.request, f"{self.object.heures} h enregistrées pour {self.object.personne}.")
        return redirect(self.get_success_url())

    def get_success_url(self):
        objet = getattr(self, "object", None)
        if objet and objet.financement_id:
            return reverse("financement_detail", kwargs={"projet_id": self.projet.pk, "pk": objet.financement_id})
        return reverse("finances", kwargs={"projet_id": self.projet.pk})


class TempsBenevoleUpdateView(ProjetFormKwargsMixin, FinancesFormMixin, UpdateView):
    form_class = TempsBenevoleForm
    titre = "Modifier le temps bénévole"

    def get_queryset(self):
        return self.scoped(TempsBenevole)

    def get_success_url(self):
        return reverse("finances", kwargs={"projet_id": self.projet.pk})


class SemaineView(ProjetMixin, FormView):
    """The week grid: persons × 7 days, saved in one transaction or not at all."""

    capacite = "finances.modifier"
    template_name = "finances/semaine.html"
    form_class = SemaineForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_formset(self):
        from partenaires.models import Organisation

        organisations = Organisation.objects.visible_to(self.request.user, projet=self.projet)
        data = self.request.POST if self.request.method == "POST" else None
        return LigneSemaineFormSet(data, prefix="lignes", form_kwargs={"organisations": organisations})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(), self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            messages.error(request, "La grille contient des erreurs : rien n'a été enregistré.")
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        data = form.cleaned_data
        lignes = [
            {"personne": f.cleaned_data["personne"], "organisation": f.cleaned_data.get("organisation"), "heures": f.heures()}
            for f in formset.forms
            if f.cleaned_data and f.heures()
        ]
        crees = services.saisir_semaine(
            projet=self.projet,
            by=request.user,
            lundi=data["lundi"],
            activite=data["activite"],
            taux_horaire=data["taux_horaire"],
            valorise=data["valorise"],
            financement=data.get("financement"),
            lignes=lignes,
        )
        messages.success(
            request, f"{len(crees)} saisie{'s' if len(crees) > 1 else ''} de temps bénévole enregistrée{'s' if len(crees) > 1 else ''}."
        )
        if data.get("financement"):
            return redirect("financement_detail", projet_id=self.projet.pk, pk=data["financement"].pk)
        return redirect("finances", projet_id=self.projet.pk)


class PartageValeurCreateView(ProjetFormKwargsMixin, FinancesFormMixin, CreateView):
    form_class = PartageValeurForm
    titre = "Nouveau partage de valeur"

    def form_valid(self, form):
        form.instance.projet = self.projet
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("finances", kwargs={"projet_id": self.projet.pk}) + "#partage"


class PartageValeurUpdateView(ProjetFormKwargsMixin, FinancesFormMixin, UpdateView):
    form_class = PartageValeurForm
    titre = "Modifier le partage de valeur"

    def get_queryset(self):
        return self.scoped(PartageValeur)

    def get_success_url(self):
        return reverse("finances", kwargs={"projet_id": self.projet.pk}) + "#partage"
