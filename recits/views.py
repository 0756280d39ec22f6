"""Writing pages of the recits app: récits, activités (with their volunteer time) and COPIL
meetings — lists, pages, create and edit.

Thin views: ``ProjetMixin`` checks the project (404) and the capability (403), every row is
read through ``self.scoped(Model)`` (``visible_to``), forms validate and the writes go through
``services.py`` (the form pages are ``ServiceFormView``s). Récits are the conciergerie's own (``recits.modifier``); activities and
COPIL meetings are read with ``tableau_de_bord.voir`` (the funder reads them too) and written
with ``recits.modifier``. The funder never sees a volunteer's name: on an activity's page it
gets the volunteer totals only (``finances.selectors``), computed after the checks above.
"""

from collections import Counter
from functools import cached_property

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.generic import DetailView, ListView, View

from conciergerie.formats import date_longue
from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.recherche import contient
from finances import selectors as selectors_finances
from finances.models import TempsBenevole
from parcours.models import Apprenant, PorteeConsentement

from . import selectors, services
from .consentement import REGLE_CONSENTEMENT
from .forms import (
    ActiviteFilter,
    ActiviteForm,
    CopilForm,
    RecitFilter,
    RecitForm,
    RetraitConsentementForm,
    TempsActiviteForm,
    libelle_apprenant,
)
from .markdown import rendre_markdown
from .models import Activite, Copil, Recit


class FiltreListMixin:
    """A paginated list filtered by a django-filter FilterSet; the page keeps the filters."""

    paginate_by = 25
    filterset_class = None

    def filtrer(self, queryset):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        context["filter"] = self.filterset
        return context


# ---------------------------------------------------------------- récits


class RecitListView(FiltreListMixin, ProjetMixin, ListView):
    capacite = "recits.modifier"
    template_name = "recits/recit_list.html"
    context_object_name = "recits"
    filterset_class = RecitFilter

    def get_queryset(self):
        return self.filtrer(selectors.recits(self.request.user, self.projet)).order_by("-date", "-pk")


class RecitDetailView(ProjetMixin, DetailView):
    capacite = "recits.modifier"
    template_name = "recits/recit_detail.html"
    context_object_name = "recit"

    def get_queryset(self):
        return selectors.recit_avec_liens(self.request.user, self.projet)


class RecitFormView(ServiceFormView):
    suppression = "recit_delete"
    capacite = "recits.modifier"
    modele = Recit
    form_class = RecitForm
    liste, detail = "recit_list", "recit_detail"
    titre = "Nouveau récit"
    sous_titre = REGLE_CONSENTEMENT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        activite = self.request.GET.get("activite", "")
        if self.objet is None and activite.isdigit():
            initial["activites"] = [int(activite)]
        return initial

    def enregistrer(self, form):
        data = form.cleaned_data
        return services.enregistrer_recit(
            recit=form.save(commit=False),
            projet=self.projet,
            by=self.request.user,
            apprenants=data["apprenants"],
            organisations=data["organisations"],
            activites=data["activites"],
        )

    def get_context_data(self, **kwargs):
        # the « Aperçu » button under the text (components/champs.html): htmx posts the text
        return {**super().get_context_data(**kwargs), "apercu_url": reverse("recit_apercu", args=[self.projet.pk]), "apercu_champ": "texte"}

    def message_succes(self):
        return f"Récit « {self.resultat.titre} » enregistré."


class RecitApprenantsView(ProjetMixin, View):
    """The récit form's learner search (``ChoixApprenantsWidget``): the learners the user sees
    in the project whose name, first name or reference hold every word typed (accents and case
    ignored), at most ``PROPOSITIONS``, as buttons (an htmx fragment). One query."""

    capacite = "recits.modifier"
    PROPOSITIONS = 20

    def get(self, request, *args, **kwargs):
        texte = " ".join(request.GET.get("q", "").split())[:100]
        contexte = {"minimum": 2, "trop_court": len(texte) < 2}
        if not contexte["trop_court"]:
            lignes = list(
                self.scoped(Apprenant).filter(contient(["texte_recherche"], texte)).order_by("nom", "prenom", "pk")[: self.PROPOSITIONS + 1]
            )
            contexte["plus"] = len(lignes) > self.PROPOSITIONS
            contexte["apprenants"] = [{"pk": a.pk, "libelle": libelle_apprenant(a)} for a in lignes[: self.PROPOSITIONS]]
        return render(request, "recits/_apprenants_propositions.html", contexte)


class RecitApercuView(ProjetMixin, View):
    """« Aperçu » of the récit form: the posted text rendered as the récit's page shows it
    (``recits.markdown.rendre_markdown``, sanitised), as an HTML fragment for htmx. POST only (the
    text may be long; the CSRF token goes in the ``X-CSRFToken`` header, ``layout/base.html``);
    whoever may write récits. Nothing is read from the database but the membership, nothing written."""

    capacite = "recits.modifier"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        texte = request.POST.get("texte", "")
        return render(request, "recits/_apercu.html", {"html": rendre_markdown(texte), "vide": not texte.strip()})


class RetraitConsentementView(ServiceFormView):
    """« Retirer le consentement » of a learner's page (the recits section of it): records the
    withdrawal (``services.retirer_consentement``), which takes the récits naming the learner out
    of every report and tells their authors. Coordinators and administrators
    (``apprenants.modifier``); the learner is read through ``visible_to``."""

    capacite = "apprenants.modifier"
    modele = Apprenant
    form_class = RetraitConsentementForm
    detail = "apprenant_detail"

    def get_initial(self):
        return {"le": timezone.localdate()}

    def get_titre(self):
        return f"Retirer le consentement de {self.objet}"

    def get_sous_titre(self):
        if not self.objet.consent_a(PorteeConsentement.INTERNE):
            return services.MESSAGE_PAS_DE_CONSENTEMENT
        a_presenter = Recit.objects.of_projet(self.projet).filter(a_presenter_copil=True)
        nombre = len(services.recits_concernes(apprenant=self.objet, recits=a_presenter))
        concernes = (
            "Aucun récit à présenter au COPIL ne le nomme."
            if not nombre
            else f"{nombre} récit{'s' if nombre > 1 else ''} à présenter au COPIL le nomme{'nt' if nombre > 1 else ''} : "
            f"{'ils ne seront plus présentés' if nombre > 1 else 'il ne sera plus présenté'} et leur auteur en sera prévenu."
        )
        return (
            f"{self.objet.consentement_libelle.capitalize()}. Après le retrait, aucun récit qui le nomme ou lui est lié n'est repris "
            f"dans un rapport ; les récits restent dans la mémoire du projet. {concernes}"
        )

    def enregistrer(self, form):
        return services.retirer_consentement(apprenant=self.objet, by=self.request.user, le=form.cleaned_data["le"])

    def message_succes(self):
        nombre = len(self.resultat)
        suite = (
            "aucun récit à présenter au COPIL ne le nommait."
            if not nombre
            else f"{nombre} récit{'s' if nombre > 1 else ''} retiré{'s' if nombre > 1 else ''} du COPIL, auteur{'s' if nombre > 1 else ''} prévenu{'s' if nombre > 1 else ''}."
        )
        return f"Consentement de {self.objet} retiré le {date_longue(self.objet.consentement_retire_le)} : {suite}"

    def get_success_url(self):
        return reverse("apprenant_detail", args=[self.projet.pk, self.objet.pk]) + "#recits"


# ---------------------------------------------------------------- activités


class ActiviteListView(FiltreListMixin, ProjetMixin, ListView):
    capacite = "tableau_de_bord.voir"
    template_name = "recits/activite_list.html"
    context_object_name = "activites"
    filterset_class = ActiviteFilter

    def get_queryset(self):
        return self.filtrer(selectors.activites_avec_heures(self.request.user, self.projet)).order_by("-date", "-pk")


class ActiviteDetailView(ProjetMixin, DetailView):
    capacite = "tableau_de_bord.voir"
    template_name = "recits/activite_detail.html"
    context_object_name = "activite"

    def get_queryset(self):
        return selectors.activites_avec_organisations(self.request.user, self.projet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activite = self.object
        # the totals: an aggregate of the activity's lines, after the project and capability checks
        lignes = TempsBenevole.objects.of_projet(self.projet).filter(activites=activite)
        context["benevolat"] = selectors_finances.cumuler_benevolat(lignes.values_list("heures", "taux_horaire", "valorise"))
        # the hours for every reader; their value in euros, summed over every funding, is money a
        # funder does not see (it sees the money of its own fundings only, on the finance page)
        context["voit_montants_benevolat"] = self.peut("finances.modifier")
        if self.peut("recits.modifier"):
            # named volunteer lines: the conciergerie's own business (never the funder's)
            temps = self.scoped(TempsBenevole).filter(activites=activite).select_related("organisation", "financement")
            context["temps"] = [(t, selectors_finances.valorisation(t.heures, t.taux_horaire)) for t in temps.order_by("-date", "-pk")]
            context["temps_form"] = TempsActiviteForm(projet=self.projet, user=self.request.user, initial={"date": activite.date})
            context["recits"] = self.scoped(Recit).filter(activites=activite).order_by("-date", "-pk")
        return context


class ActiviteFormView(ServiceFormView):
    suppression = "activite_delete"
    capacite = "recits.modifier"
    modele = Activite
    form_class = ActiviteForm
    liste, detail = "activite_list", "activite_detail"
    titre = "Nouvelle activité"
    sous_titre = "Ateliers, réunions partenaires, comités, événements, informations collectives."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def enregistrer(self, form):
        return services.enregistrer_activite(
            activite=form.save(commit=False),
            projet=self.projet,
            by=self.request.user,
            organisations=form.cleaned_data["organisations"],
        )

    def message_succes(self):
        return f"Activité « {self.resultat.intitule} » enregistrée."


class ActiviteTempsView(ServiceFormView):
    """Volunteer time logged against an activity: the short form of the activity's page posts
    here (and the form has a page of its own, shown again with its errors)."""

    capacite = "recits.modifier"
    form_class = TempsActiviteForm
    sous_titre = "Le temps est enregistré au taux horaire du projet et rattaché à cette activité."

    @cached_property
    def activite(self):
        return get_object_or_404(self.scoped(Activite), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"date": self.activite.date}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_titre(self):
        return f"Temps bénévole — {self.activite}"

    def get_retour_url(self):
        return reverse("activite_detail", args=[self.projet.pk, self.activite.pk])

    def enregistrer(self, form):
        return services.saisir_temps_activite(activite=self.activite, projet=self.projet, by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        return f"{number_format(self.resultat.heures)} h de bénévolat enregistrées pour « {self.activite.intitule} »."

    def get_success_url(self):
        return self.get_retour_url() + "#benevolat"

    def get_context_data(self, **kwargs):
        return super().get_context_data(activite=self.activite, **kwargs)


# ---------------------------------------------------------------- COPIL


class CopilListView(ProjetMixin, ListView):
    capacite = "tableau_de_bord.voir"
    template_name = "recits/copil_list.html"
    context_object_name = "copils"
    paginate_by = 25

    def get_queryset(self):
        return selectors.copils(self.request.user, self.projet).order_by("-date", "-pk")


class CopilDetailView(ProjetMixin, DetailView):
    capacite = "tableau_de_bord.voir"
    template_name = "recits/copil_detail.html"
    context_object_name = "copil"

    def get_queryset(self):
        # who may read the contacts (partenaires.voir) sees the participants' names and functions;
        # a funder sees only the organisations and how many people each sent (no e-mail nor phone)
        return selectors.copil_avec_participants(self.request.user, self.projet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        copil = self.object
        context["noms_participants"] = self.peut("partenaires.voir")
        if not context["noms_participants"]:  # the prefetched participants, counted per organisation
            context["organisations_participantes"] = sorted(Counter(c.organisation.nom for c in copil.participants.all()).items())
        if self.peut("recits.modifier"):
            recits = self.scoped(Recit).filter(a_presenter_copil=True, date__range=(copil.periode_debut, copil.periode_fin))
            recits = list(recits.order_by("-date", "-pk"))
            # what the report prints: the récits whose every named learner consents to the COPIL
            publiables = selectors.recits_publiables(
                self.projet, PorteeConsentement.COPIL, self.scoped(Recit).filter(pk__in=[r.pk for r in recits])
            )
            context["recits_a_presenter"] = [r for r in recits if r in publiables]
            context["recits_ecartes"] = [r for r in recits if r not in publiables]
        return context


class CopilFormView(ServiceFormView):
    capacite = "recits.modifier"
    modele = Copil
    form_class = CopilForm
    liste, detail = "copil_list", "copil_detail"
    titre = "Nouveau COPIL"
    sous_titre = "Comité de pilotage : la période couverte fixe les chiffres et les récits présentés."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def enregistrer(self, form):
        return services.enregistrer_copil(
            copil=form.save(commit=False),
            projet=self.projet,
            by=self.request.user,
            participants=form.cleaned_data["participants"],
        )

    def message_succes(self):
        return f"{self.resultat} enregistré."
