"""Pages of the competences app: frameworks (list, page, create and edit — a used one gets a new
version —, export), the evaluation of a learner, the traceability of an AFEST step.

Thin views: ``ProjetMixin`` checks the project (404) and the capability (403), rows are read
through ``self.scoped(Model)`` (``visible_to``), writes go through ``services.py``. Frameworks
are read with ``competences.voir`` (a partner evaluates against them) and written with
``referentiels.modifier``; evaluations and AFEST traces are written with ``evaluations.saisir``
(a partner: on the steps held at its organisation, which are the only ones it sees).
"""

from functools import cached_property

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView, View

from conciergerie.exports import TYPE_XLSX, Colonne, classeur_xlsx, lignes_csv
from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.roles import Role
from parcours.models import Apprenant, Etape, TypeEtape

from . import selectors, services
from .forms import BlocForm, CompetenceForm, ComposanteAfestForm, EvaluationForm, ReferentielForm
from .models import Bloc, Competence, Evaluation, Referentiel, TypeComposante
from .resources import COLONNES

# ---------------------------------------------------------------- frameworks


class ReferentielListView(ProjetMixin, ListView):
    capacite = "competences.voir"
    template_name = "competences/referentiel_list.html"
    context_object_name = "referentiels"

    def get_queryset(self):
        return self.scoped(Referentiel).order_by("archive", "nom", "-version")


class ReferentielMixin:
    """The framework of the URL's ``referentiel_id`` (or ``pk``), read through ``visible_to``."""

    @cached_property
    def referentiel(self):
        pk = self.kwargs.get("referentiel_id", self.kwargs.get("pk"))
        return get_object_or_404(self.scoped(Referentiel), pk=pk)


class ReferentielDetailView(ProjetMixin, DetailView):
    capacite = "competences.voir"
    template_name = "competences/referentiel_detail.html"
    context_object_name = "referentiel"

    def get_queryset(self):
        return self.scoped(Referentiel).select_related("precedent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referentiel = self.object
        context["blocs"] = referentiel.blocs.prefetch_related("competences")
        context["utilise"] = services.referentiel_utilise(referentiel)
        context["versions"] = self.scoped(Referentiel).filter(nom=referentiel.nom).order_by("-version")
        context["nb_evaluations"] = (
            Evaluation.objects.visible_to(self.request.user, projet=self.projet).filter(referentiel=referentiel).count()
        )
        return context


def _message_version(ancien, nouveau) -> str:
    if nouveau.pk != ancien.pk:
        return (
            f"Ce référentiel est utilisé par des évaluations : la version {nouveau.version} a été créée avec votre modification "
            f"(la version {ancien.version} reste attachée à ses évaluations)."
        )
    return "Référentiel enregistré."


class ReferentielFormView(ServiceFormView):
    capacite = "referentiels.modifier"
    modele = Referentiel
    form_class = ReferentielForm
    liste, detail = "referentiel_list", "referentiel_detail"
    titre = "Nouveau référentiel"

    def get_sous_titre(self):
        if self.objet is not None and services.referentiel_utilise(self.objet):
            return "Ce référentiel est utilisé par des évaluations : l'enregistrer crée une nouvelle version."
        return ""

    def enregistrer(self, form):
        data = form.cleaned_data
        if self.objet is None:
            return services.creer_referentiel(projet=self.projet, by=self.request.user, nom=data["nom"], description=data["description"])
        return services.modifier_referentiel(referentiel=self.objet, by=self.request.user, nom=data["nom"], description=data["description"])

    def message_succes(self):
        return _message_version(self.objet, self.resultat) if self.objet is not None else "Référentiel créé."


class _PartieFormView(ReferentielMixin, ServiceFormView):
    """A bloc or a competence of a framework: created under ``referentiel_id``, edited by ``pk``;
    saved in a new version when the framework is used."""

    capacite = "referentiels.modifier"
    detail = "referentiel_detail"

    def get_retour_url(self):
        return reverse("referentiel_detail", args=[self.projet.pk, self.referentiel.pk])

    def get_success_url(self):
        return reverse("referentiel_detail", args=[self.projet.pk, self.resultat_referentiel.pk])

    def get_sous_titre(self):
        if services.referentiel_utilise(self.referentiel):
            return "Ce référentiel est utilisé par des évaluations : l'enregistrer crée une nouvelle version."
        return f"Référentiel « {self.referentiel} »."

    def message_succes(self):
        return _message_version(self.referentiel, self.resultat_referentiel)


class BlocFormView(_PartieFormView):
    modele = Bloc
    form_class = BlocForm
    titre = "Nouveau bloc de compétences"

    def get_queryset(self):
        return self.scoped(Bloc).filter(referentiel=self.referentiel)

    def enregistrer(self, form):
        bloc = services.enregistrer_bloc(referentiel=self.referentiel, by=self.request.user, bloc=self.objet, **form.cleaned_data)
        self.resultat_referentiel = bloc.referentiel
        return bloc


class CompetenceFormView(_PartieFormView):
    modele = Competence
    form_class = CompetenceForm
    titre = "Nouvelle compétence"

    def get_queryset(self):
        return self.scoped(Competence).filter(bloc__referentiel=self.referentiel)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "referentiel": self.referentiel}

    def enregistrer(self, form):
        competence = services.enregistrer_competence(
            referentiel=self.referentiel, by=self.request.user, competence=self.objet, **form.cleaned_data
        )
        self.resultat_referentiel = competence.bloc.referentiel
        return competence


class ReferentielExportView(ReferentielMixin, ProjetMixin, View):
    """The framework as a CSV or xlsx file, in the columns of its import (it comes back in)."""

    capacite = "competences.voir"

    def get(self, request, *args, **kwargs):
        format_ = request.GET.get("format", "xlsx")
        if format_ not in ("csv", "xlsx"):
            raise Http404("Format inconnu.")
        referentiel = self.referentiel
        competences = (
            Competence.objects.filter(bloc__referentiel=referentiel)
            .select_related("bloc")
            .order_by("bloc__ordre", "bloc_id", "ordre", "pk")
        )
        valeurs = {
            "referentiel_nom": lambda c: referentiel.nom,
            "bloc_code": lambda c: c.bloc.code,
            "bloc_libelle": lambda c: c.bloc.libelle,
            "bloc_certification": lambda c: c.bloc.code_certification,
            "code": lambda c: c.code,
            "libelle": lambda c: c.libelle,
            "criteres": lambda c: c.criteres,
        }
        colonnes = [Colonne(titre, valeurs[attribut]) for attribut, titre in COLONNES]
        nom = f"referentiel-{referentiel.pk}-v{referentiel.version}-{timezone.localdate().isoformat()}.{format_}"
        if format_ == "csv":
            reponse = StreamingHttpResponse(lignes_csv(colonnes, competences), content_type="text/csv; charset=utf-8")
        else:
            reponse = HttpResponse(classeur_xlsx("Référentiel", colonnes, competences), content_type=TYPE_XLSX)
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse


# ---------------------------------------------------------------- evaluations


class EvaluationFormView(ServiceFormView):
    """« Nouvelle évaluation » of a learner: without ``?referentiel=`` the page lists the
    frameworks to choose from; then the form (one level per competence)."""

    capacite = "evaluations.saisir"
    form_class = EvaluationForm
    template_name = "competences/evaluation_form.html"
    titre = "Nouvelle évaluation"

    @cached_property
    def apprenant(self):
        return get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["apprenant_id"])

    @cached_property
    def referentiels(self):
        return list(self.scoped(Referentiel).filter(archive=False).order_by("nom"))

    @cached_property
    def referentiel(self):
        valeur = self.request.GET.get("referentiel", "")
        if not valeur.isdigit():
            return None
        return next((r for r in self.referentiels if r.pk == int(valeur)), None)

    @cached_property
    def etapes(self):
        return self.scoped(Etape).filter(parcours__apprenant=self.apprenant).order_by("date_debut", "pk")

    @property
    def partenaire(self) -> bool:
        return self.adhesion.role == Role.PARTENAIRE

    def get(self, request, *args, **kwargs):
        self.apprenant  # noqa: B018 - 404 before anything else
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.referentiel is None:
            raise Http404("Choisissez un référentiel.")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        competences = []
        if self.referentiel is not None:
            competences = list(Competence.objects.filter(bloc__referentiel=self.referentiel).select_related("bloc"))
            etape = self._etape_initiale()
            if self.partenaire and etape is not None:
                autorisees = services.competences_evaluables(etape=etape, referentiel=self.referentiel)
                if autorisees is not None:
                    competences = [c for c in competences if c.pk in autorisees]
        kwargs.update(competences=competences, etapes=self.etapes, etape_obligatoire=self.partenaire)
        return kwargs

    def _etape_initiale(self):
        valeur = self.request.POST.get("etape") or self.request.GET.get("etape", "")
        if not str(valeur).isdigit():
            return None
        return self.etapes.filter(pk=int(valeur)).first()

    def get_initial(self):
        initial = {"date": timezone.localdate()}
        etape = self._etape_initiale()
        if etape is not None:
            initial["etape"] = etape.pk
        if self.partenaire:
            initial["evaluateur_qualite"] = "tuteur" if etape is not None and etape.type == TypeEtape.AFEST else "formateur"
        return initial

    def enregistrer(self, form):
        data = form.cleaned_data
        return services.enregistrer_evaluation(
            projet=self.projet,
            by=self.request.user,
            apprenant=self.apprenant,
            referentiel=self.referentiel,
            date=data["date"],
            moment=data["moment"],
            evaluateur_qualite=data["evaluateur_qualite"],
            etape=data.get("etape"),
            commentaire=data.get("commentaire", ""),
            niveaux=form.niveaux(),
        )

    def get_retour_url(self):
        """The learner's page (its competences section, which only the full record shows)."""
        url = reverse("apprenant_detail", args=[self.projet.pk, self.apprenant.pk])
        return url + "#competences" if self.peut("apprenants.modifier") else url

    def get_success_url(self):
        etape = self.resultat.etape
        if etape is not None and etape.type == TypeEtape.AFEST:
            return reverse("etape_afest", args=[self.projet.pk, etape.pk])
        return self.get_retour_url()

    def get_sous_titre(self):
        return f"{self.apprenant.prenom} {self.apprenant.nom}" + (f" — {self.referentiel}" if self.referentiel else "")

    def message_succes(self):
        return f"{self.resultat} enregistrée ({self.resultat.niveaux.count()} compétences évaluées)."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(apprenant=self.apprenant, referentiels=self.referentiels, referentiel=self.referentiel)
        return context


# ---------------------------------------------------------------- AFEST


class EtapeAfestMixin:
    @cached_property
    def etape(self):
        etape = get_object_or_404(self.scoped(Etape).select_related("parcours__apprenant", "organisation"), pk=self.kwargs["etape_id"])
        if etape.type != TypeEtape.AFEST:
            raise Http404("Cette étape n'est pas une AFEST.")
        return etape


class EtapeAfestView(EtapeAfestMixin, ProjetMixin, TemplateView):
    """The traceability of an AFEST step: its four components, each dated and attributed, and
    which are missing."""

    capacite = "competences.voir"
    template_name = "competences/etape_afest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        etape = self.etape
        context.update(
            etape=etape,
            apprenant=etape.parcours.apprenant,
            completude=selectors.completude_afest([etape], selectors.composantes_de([etape]))[0],
            peut_tracer=self.peut("evaluations.saisir"),
        )
        return context


class ComposanteAfestFormView(EtapeAfestMixin, ServiceFormView):
    capacite = "evaluations.saisir"
    form_class = ComposanteAfestForm

    @cached_property
    def type(self):
        if self.kwargs["type"] not in TypeComposante.values:
            raise Http404("Composante inconnue.")
        return self.kwargs["type"]

    def get_titre(self):
        return f"{TypeComposante(self.type).label} — AFEST"

    def get_sous_titre(self):
        apprenant = self.etape.parcours.apprenant
        return f"{apprenant.prenom} {apprenant.nom} — {self.etape.intitule or self.etape.get_type_display()}"

    def get_form_kwargs(self):
        competences = Competence.objects.visible_to(self.request.user, projet=self.projet).filter(bloc__referentiel__archive=False)
        evaluations = self.scoped(Evaluation).filter(apprenant=self.etape.parcours.apprenant)
        return {
            **super().get_form_kwargs(),
            "type": self.type,
            "competences": competences.select_related("bloc__referentiel"),
            "evaluations": evaluations,
        }

    def get_initial(self):
        return {"date": timezone.localdate()}

    def enregistrer(self, form):
        data = form.cleaned_data
        return services.ajouter_composante_afest(
            etape=self.etape,
            by=self.request.user,
            type=self.type,
            date=data.get("date"),
            date_fin=data.get("date_fin"),
            intervenant=data.get("intervenant", ""),
            contenu=data.get("contenu", ""),
            competences=data.get("competences") or [],
            evaluation=data.get("evaluation"),
        )

    def get_retour_url(self):
        return reverse("etape_afest", args=[self.projet.pk, self.etape.pk])

    def get_success_url(self):
        return self.get_retour_url()

    def message_succes(self):
        return f"{self.resultat} enregistrée."
