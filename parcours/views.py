"""Coordinator pages for learners, paths, steps, obstacles and outcomes.

Thin views: ``ProjetMixin`` checks the project (404) and the role's capability (403), every
object is read through ``visible_to`` (``self.scoped(Model)``; the query sets of the lists and
pages are in ``selectors.py``), forms validate and the writes go through ``services.py`` (the
form pages are ``ServiceFormView``s). The home to-do's block is in ``home.py``.
"""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from conciergerie import concurrence
from conciergerie.exports import Colonne, ExportListeMixin
from conciergerie.formats import date_longue
from conciergerie.journal import journaliser
from conciergerie.mixins import ProjetMixin, ServiceFormView, erreurs_vers_form
from conciergerie.models import ActionAcces

from . import selectors, services
from .filters import COLONNES, COLONNES_IDENTITE, ApprenantFilter, ordre
from .forms import (
    ActionGroupeeForm,
    ApprenantForm,
    ClotureGroupeeForm,
    EtapeForm,
    FreinForm,
    FreinModificationForm,
    ParcoursForm,
    SessionGroupeeForm,
    SortieForm,
    StatutEtapeForm,
)
from .models import Apprenant, Etape, Frein, Parcours, ResultatSortie, Sortie, StatutEtape, TypeSortie

# ---------------------------------------------------------------- learners list


class ApprenantListView(ExportListeMixin, ProjetMixin, ListView):
    capacite = "apprenants.voir"
    template_name = "parcours/apprenant_list.html"
    paginate_by = 25
    context_object_name = "apprenants"

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return ["parcours/_apprenant_resultats.html"]
        return [self.template_name]

    def get_queryset(self):
        # a partner sees identity and its steps only: no situation column, filter or sort
        self.dossier_complet = self.peut("apprenants.modifier")
        self.cles = [cle for cle, _ in COLONNES if self.dossier_complet or cle in COLONNES_IDENTITE]
        self.tri, champs = ordre(self.request.GET.get("tri"), self.cles)
        base = selectors.apprenants(self.request.user, self.projet)
        self.filterset = ApprenantFilter(
            self.request.GET or None, queryset=base, user=self.request.user, projet=self.projet, dossier_complet=self.dossier_complet
        )
        return self.filterset.qs.order_by(*champs)

    # the download (?format=csv|xlsx): the bilans' personal-data rules. A learner is their
    # reference; names and contact details only with ``exports.donnees_personnelles``, RQTH only
    # with ``rqth.voir`` too; a partner (identity only) gets no situation columns either.
    nom_export = "apprenants"
    titre_export = "Apprenants"

    def export_personnel(self) -> bool:
        return self.peut("exports.donnees_personnelles")

    def colonnes_export(self) -> list[Colonne]:
        colonnes = [Colonne("Référence", "reference")]
        if self.export_personnel():
            colonnes += [
                Colonne("Prénom", "prenom"),
                Colonne("Nom", "nom"),
                Colonne("Date de naissance", "date_naissance"),
                Colonne("Commune", "commune"),
                Colonne("E-mail", "email"),
                Colonne("Téléphone", "telephone"),
            ]
            if self.peut("rqth.voir"):
                colonnes.append(Colonne("RQTH", "rqth"))
        if self.dossier_complet:
            colonnes += [
                Colonne("QPV", "qpv"),
                Colonne("ZRR", "zrr"),
                Colonne("Situation à l'entrée", lambda a: a.get_situation_entree_display()),
                Colonne("Niveau de qualification", lambda a: a.get_niveau_qualification_display()),
                Colonne("Prescripteur", "prescripteur.nom"),
                Colonne("Entrée", "date_entree"),
            ]
        return colonnes

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("format", None)
        context["query_string"] = params.urlencode()
        params.pop("tri", None)
        filtres = params.urlencode()
        colonnes = []
        for cle, libelle in COLONNES:
            if cle not in self.cles:
                continue
            sens = f"-{cle}" if self.tri == cle else cle
            colonnes.append(
                {
                    "libelle": libelle,
                    "query": f"{filtres}&tri={sens}" if filtres else f"tri={sens}",
                    "actif": self.tri.removeprefix("-") == cle,
                    "descendant": self.tri == f"-{cle}",
                }
            )
        context.update(filter=self.filterset, colonnes=colonnes, tri=self.tri, dossier_complet=self.dossier_complet, filtres=filtres)
        return context


# ---------------------------------------------------------------- learner page


class ApprenantDetailView(ProjetMixin, DetailView):
    capacite = "apprenants.voir"
    template_name = "parcours/apprenant_detail.html"
    context_object_name = "apprenant"

    def get_queryset(self):
        return selectors.apprenants_avec_fiche(self.request.user, self.projet, dossier_complet=self.peut("apprenants.modifier"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        apprenant = self.object
        dossier_complet = self.peut("apprenants.modifier")
        context["dossier_complet"] = dossier_complet
        # the access log: who opened this learner's file (one INSERT)
        journaliser(user=self.request.user, projet=self.projet, action=ActionAcces.FICHE_APPRENANT, objet=apprenant)
        context["statut_choices"] = StatutEtape.choices
        context["peut_modifier_etapes"] = self.peut("etapes.modifier")
        if dossier_complet:
            parcours_ids = [p.pk for p in apprenant.parcours.all()]
            # the values changed, to who may read them (the section is apprenants.modifier's; RQTH rqth.voir's)
            context["historique"] = selectors.historique(
                apprenant, parcours_ids, avec_freins=True, voir_valeurs=dossier_complet, voir_rqth=self.peut("rqth.voir")
            )
            context["frein_form"] = FreinForm()
        return context


# ---------------------------------------------------------------- forms (create / edit)


def _url_apprenant(projet, apprenant_id, ancre="") -> str:
    url = reverse("apprenant_detail", args=[projet.pk, apprenant_id])
    return f"{url}#{ancre}" if ancre else url


class ApprenantFormView(ServiceFormView):
    """Create (``apprenant_create``) or edit (``apprenant_update``) a learner."""

    capacite = "apprenants.modifier"
    modele = Apprenant
    form_class = ApprenantForm
    liste, detail = "apprenant_list", "apprenant_detail"
    titre = "Nouvel apprenant"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user, "voir_rqth": self.peut("rqth.voir")}

    def enregistrer(self, form):
        return services.enregistrer_apprenant(apprenant=form.save(commit=False), projet=self.projet, by=self.request.user)

    def message_succes(self):
        return f"Apprenant {self.resultat} enregistré."


class ParcoursCreateView(ServiceFormView):
    """A new path of the learner ``pk``."""

    capacite = "apprenants.modifier"
    form_class = ParcoursForm
    titre = "Nouveau parcours"

    @cached_property
    def apprenant(self):
        return get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet}

    def get_initial(self):
        return {"date_debut": timezone.localdate(), "referent": self.request.user.pk}

    def get_titre(self):
        return f"{self.titre} — {self.apprenant}"

    def enregistrer(self, form):
        return services.enregistrer_parcours(parcours=form.save(commit=False), apprenant=self.apprenant, by=self.request.user)

    def message_succes(self):
        return f"Parcours « {self.resultat.intitule} » enregistré."

    def get_retour_url(self):
        return _url_apprenant(self.projet, self.apprenant.pk)

    def get_success_url(self):
        return _url_apprenant(self.projet, self.resultat.apprenant_id, f"parcours-{self.resultat.pk}")


class ParcoursObjetMixin:
    """Views on one path (``pk``), read through visible_to with its learner."""

    @cached_property
    def parcours(self):
        return get_object_or_404(self.scoped(Parcours).select_related("apprenant"), pk=self.kwargs["pk"])

    @property
    def apprenant(self):
        return self.parcours.apprenant


class ParcoursUpdateView(ParcoursObjetMixin, ParcoursCreateView):
    titre = "Modifier le parcours"

    @property
    def objet(self):
        return self.parcours

    def get_initial(self):
        return {}


class EtapeCreateView(ParcoursObjetMixin, ServiceFormView):
    """A new step of the path ``pk``."""

    capacite = "apprenants.modifier"
    form_class = EtapeForm
    titre = "Nouvelle étape"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "projet": self.projet, "user": self.request.user, "organisation_id": self.organisation_imposee()}

    def organisation_imposee(self):
        return None

    def get_initial(self):
        return {"date_debut": timezone.localdate()}

    def get_titre(self):
        return f"{self.titre} — {self.parcours}"

    def enregistrer(self, form):
        return services.enregistrer_etape(etape=form.save(commit=False), parcours=self.parcours, by=self.request.user)

    def message_succes(self):
        return f"Étape « {self.resultat.get_type_display()} » enregistrée."

    def get_retour_url(self):
        return _url_apprenant(self.projet, self.apprenant.pk, f"parcours-{self.parcours.pk}")

    def get_success_url(self):
        return _url_apprenant(self.projet, self.apprenant.pk, f"etape-{self.resultat.pk}")


class EtapeObjetMixin:
    """Views on one step (``pk``): the partner only reaches steps at its organisation."""

    capacite = "etapes.modifier"

    @cached_property
    def etape(self):
        qs = self.scoped(Etape).select_related("parcours__apprenant", "organisation")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    @property
    def objet(self):
        return self.etape

    @property
    def parcours(self):
        return self.etape.parcours

    def organisation_imposee(self):
        if self.peut("apprenants.modifier"):
            return None
        return self.adhesion.organisation_id


class EtapeUpdateView(EtapeObjetMixin, EtapeCreateView):
    suppression, capacite_suppression = "etape_delete", "apprenants.modifier"
    titre = "Modifier l'étape"

    def get_initial(self):
        return {}


class EtapeStatutView(EtapeObjetMixin, ProjetMixin, TemplateView):
    """One-click status change from the timeline: htmx gets the step's fragment back (not a form
    page: the step's fragment, or its page, shown again with the reason of a refusal)."""

    template_name = "parcours/etape_statut.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        etape = self.etape
        context.update(
            e=etape,
            statut_choices=StatutEtape.choices,
            peut_modifier_etapes=True,
            statut_form=kwargs.get("statut_form"),
            apprenant=etape.parcours.apprenant,
        )
        return context

    def get_template_names(self):
        if self.request.htmx:
            return ["parcours/_etape.html"]
        return [self.template_name]

    def post(self, request, *args, **kwargs):
        etape = self.etape
        form = StatutEtapeForm(request.POST)
        if form.is_valid():
            try:
                services.changer_statut_etape(
                    etape=etape, statut=form.cleaned_data["statut"], motif=form.cleaned_data["motif"], by=request.user
                )
            except ValidationError as error:
                erreurs_vers_form(form, error)
        if form.is_valid():
            if not request.htmx:
                messages.success(request, f"Statut de l'étape : {etape.get_statut_display()}.")
                return HttpResponseRedirect(_url_apprenant(self.projet, etape.parcours.apprenant_id, f"etape-{etape.pk}"))
            return self.render_to_response(self.get_context_data(**kwargs))
        etape.refresh_from_db()
        return self.render_to_response(self.get_context_data(statut_form=form, **kwargs), status=200 if request.htmx else 400)


class FreinCreateView(ServiceFormView):
    """A new obstacle of the learner ``pk``."""

    capacite = "apprenants.modifier"
    form_class = FreinForm
    titre = "Nouveau frein"

    @cached_property
    def apprenant(self):
        return get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["pk"])

    def get_titre(self):
        return f"{self.titre} — {self.apprenant}"

    def enregistrer(self, form):
        return services.enregistrer_frein(frein=form.save(commit=False), apprenant=self.apprenant, by=self.request.user)

    def message_succes(self):
        return f"Frein « {self.resultat.get_type_display()} » ajouté."

    def get_retour_url(self):
        return _url_apprenant(self.projet, self.apprenant.pk, "freins")

    def get_success_url(self):
        return self.get_retour_url()


class FreinUpdateView(FreinCreateView):
    suppression = "frein_delete"
    modele = Frein
    form_class = FreinModificationForm
    titre = "Modifier le frein"

    def get_queryset(self):
        return super().get_queryset().select_related("apprenant")

    @property
    def apprenant(self):
        return self.objet.apprenant

    def message_succes(self):
        return f"Frein « {self.resultat.get_type_display()} » modifié."


class FreinLeverView(ServiceFormView):
    """Lift an obstacle today: a page with one button (``parcours/frein_lever.html``), an
    empty form posted; an obstacle already lifted stays as it is."""

    capacite = "apprenants.modifier"
    modele = Frein
    form_class = forms.Form
    template_name = "parcours/frein_lever.html"
    verifier_version = False  # lifting is idempotent and overwrites nothing typed

    def get_queryset(self):
        return super().get_queryset().select_related("apprenant")

    def get_context_data(self, **kwargs):
        return super().get_context_data(frein=self.objet, **kwargs)

    def enregistrer(self, form):
        if self.objet.leve:
            return None
        return services.lever_frein(frein=self.objet, date=timezone.localdate(), by=self.request.user)

    def message_succes(self):
        return f"Frein « {self.resultat.get_type_display()} » levé." if self.resultat else ""

    def get_retour_url(self):
        return _url_apprenant(self.projet, self.objet.apprenant_id, "freins")

    def get_success_url(self):
        return self.get_retour_url()


class ParcoursCloturerView(ParcoursObjetMixin, ServiceFormView):
    capacite = "apprenants.modifier"
    form_class = SortieForm
    titre = "Clôturer le parcours"
    suivi = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parcours": self.parcours, "suivi": self.suivi}

    def get_initial(self):
        return {"date": timezone.localdate()}

    def get_titre(self):
        return f"{self.titre} — {self.parcours}"

    def enregistrer(self, form):
        return services.cloturer_parcours(parcours=self.parcours, by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        message = f"Parcours clôturé : {self.resultat.get_resultat_display()}."
        if self.parcours.suivi_6_mois_le:  # none after an abandon
            message += f" Suivi à 6 mois prévu le {date_longue(self.parcours.suivi_6_mois_le)}."
        return message

    def get_retour_url(self):
        return _url_apprenant(self.projet, self.apprenant.pk, f"parcours-{self.parcours.pk}")

    def get_success_url(self):
        return self.get_retour_url()


class ParcoursSuiviView(ParcoursCloturerView):
    titre = "Suivi à 6 mois"
    suivi = True

    def enregistrer(self, form):
        return services.enregistrer_suivi(parcours=self.parcours, by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        return f"Suivi à 6 mois enregistré : {self.resultat.get_resultat_display()}."


class SortieUpdateView(ServiceFormView):
    """Edit an outcome (at the exit or at the 6-month follow-up); the type stays."""

    capacite = "apprenants.modifier"
    modele = Sortie
    form_class = SortieForm

    def get_queryset(self):
        return super().get_queryset().select_related("parcours__apprenant")

    def get_form_kwargs(self):
        sortie = self.objet
        suivi = sortie.type == TypeSortie.SUIVI_6_MOIS
        suivi_enregistre = None
        if not suivi:
            suivi_enregistre = self.scoped(Sortie).filter(parcours_id=sortie.parcours_id, type=TypeSortie.SUIVI_6_MOIS).first()
        return {**super().get_form_kwargs(), "parcours": sortie.parcours, "suivi": suivi, "suivi_enregistre": suivi_enregistre}

    def get_initial(self):
        sortie = self.objet
        return {"resultat": sortie.resultat, "date": sortie.date, "commentaire": sortie.commentaire}

    def get_titre(self):
        sortie = self.objet
        moment = "le suivi à 6 mois" if sortie.type == TypeSortie.SUIVI_6_MOIS else "la sortie"
        return f"Modifier {moment} — {sortie.parcours}"

    def enregistrer(self, form):
        return services.modifier_sortie(sortie=self.objet, by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        message = f"{self.resultat.get_type_display()} : {self.resultat.get_resultat_display()}, le {date_longue(self.resultat.date)}."
        parcours = self.resultat.parcours
        if self.resultat.type == TypeSortie.SORTIE and parcours.suivi_6_mois_le:
            message += f" Suivi à 6 mois prévu le {date_longue(parcours.suivi_6_mois_le)}."
        return message

    def get_retour_url(self):
        parcours = self.objet.parcours
        return _url_apprenant(self.projet, parcours.apprenant_id, f"parcours-{parcours.pk}")

    def get_success_url(self):
        return self.get_retour_url()


# ---------------------------------------------------------------- group actions


class ApprenantActionsView(ProjetMixin, TemplateView):
    """Group actions on the learners list (``services.ajouter_etape_en_groupe``,
    ``cloturer_en_groupe``, ``inscrire_en_session``). GET: the form, for the ticked learners
    (``apprenant``) or the whole filtered selection (``tous`` and the list's ``filtres``). POST:
    the preview (what will be written, per learner, and what is refused and why), then with
    ``confirmer`` the writes, all or nothing."""

    capacite = "apprenants.modifier"
    template_name = "parcours/apprenant_actions.html"

    def selection(self, data) -> list[int]:
        if data.get("tous"):
            filtres = QueryDict(data.get("filtres", ""))
            base = Apprenant.objects.visible_to(self.request.user, projet=self.projet)
            filterset = ApprenantFilter(filtres or None, queryset=base, user=self.request.user, projet=self.projet, dossier_complet=True)
            return list(filterset.qs.order_by().values_list("pk", flat=True))
        return [int(pk) for pk in data.getlist("apprenant") if str(pk).isdigit()]

    def formulaires(self, data=None):
        kwargs = {"projet": self.projet, "user": self.request.user}
        return {
            "action_form": ActionGroupeeForm(data),
            "etape_form": EtapeForm(data, prefix="etape", **kwargs),
            "cloture_form": ClotureGroupeeForm(data, prefix="cloture"),
            "session_form": SessionGroupeeForm(data, prefix="session", **kwargs),
        }

    def get(self, request, *args, **kwargs):
        ids = self.selection(request.GET)
        formulaires = self.formulaires()
        formulaires["etape_form"].initial = {"date_debut": timezone.localdate()}
        formulaires["cloture_form"].initial = {"date": timezone.localdate()}
        if not ids:
            messages.error(request, services.MESSAGE_AUCUN)
        return self.render_to_response(self.get_context_data(ids=ids, **formulaires))

    def post(self, request, *args, **kwargs):
        ids = self.selection(request.POST)
        formulaires = self.formulaires(request.POST)
        action_form = formulaires["action_form"]
        confirmer = "confirmer" in request.POST
        attendus = request.POST.getlist("attendu") if confirmer else None
        # the confirmation carries a one-time token (the preview's {% jeton_envoi %}), the one
        # ServiceFormView's creations use: a double click on « Confirmer » writes once
        envoi = concurrence.Envoi.depuis(request) if confirmer else None
        if envoi is not None:
            deja = envoi.reserver()
            if deja is not None:
                messages.info(request, concurrence.EN_COURS_MESSAGE if deja == concurrence.Envoi.EN_COURS else concurrence.DEJA_ENVOYE)
                return HttpResponseRedirect(reverse("apprenant_list", args=[self.projet.pk]))
        form = None
        if action_form.is_valid():
            action = action_form.cleaned_data["action"]
            form = formulaires[f"{action}_form"]
        if form is not None and form.is_valid():
            try:
                bilan = self.executer(action, form, ids, apercu=not confirmer, attendus=attendus)
            except ValidationError as error:
                erreurs_vers_form(form, error)
            except BaseException:
                if envoi is not None:
                    envoi.liberer()
                raise
            else:
                if confirmer:
                    url = reverse("apprenant_list", args=[self.projet.pk])
                    if envoi is not None:
                        envoi.terminer(url)
                    messages.success(request, self.message_succes(action, bilan))
                    return HttpResponseRedirect(url)
                context = self.get_context_data(ids=ids, bilan=bilan, action=action, donnees=self.donnees(request.POST), **formulaires)
                if action == ActionGroupeeForm.CLOTURE:
                    context["resultat_libelle"] = ResultatSortie(form.cleaned_data["resultat"]).label
                return TemplateResponse(request, "parcours/apprenant_actions_apercu.html", context)
        if envoi is not None:
            envoi.liberer()  # refused: corrected, the same page may be sent again
        # the error summary lists the action's and the chosen action's form (form_choisi)
        return self.render_to_response(self.get_context_data(ids=ids, form_choisi=form, **formulaires), status=400)

    def executer(self, action, form, ids, *, apercu, attendus):
        commun = {"projet": self.projet, "apprenant_ids": ids, "by": self.request.user, "apercu": apercu, "attendus": attendus}
        if action == ActionGroupeeForm.ETAPE:
            return services.ajouter_etape_en_groupe(etape=form.save(commit=False), **commun)
        if action == ActionGroupeeForm.CLOTURE:
            return services.cloturer_en_groupe(**form.cleaned_data, **commun)
        return services.inscrire_en_session(session=form.cleaned_data["session"], **commun)

    @staticmethod
    def donnees(post) -> list[tuple[str, str]]:
        """The posted fields, to post again from the preview (hidden inputs)."""
        return [
            (cle, valeur)
            for cle in post
            for valeur in post.getlist(cle)
            if cle not in ("csrfmiddlewaretoken", "attendu", "confirmer", concurrence.CHAMP_JETON)
        ]

    @staticmethod
    def message_succes(action, bilan) -> str:
        n = len(bilan.ecrits)
        pluriel = "s" if n > 1 else ""
        quoi = {
            ActionGroupeeForm.ETAPE: f"{n} étape{pluriel} ajoutée{pluriel}",
            ActionGroupeeForm.CLOTURE: f"{n} parcours clôturé{pluriel}",
            ActionGroupeeForm.SESSION: f"{n} apprenant{pluriel} inscrit{pluriel} à la session",
        }[action]
        refus = len(bilan.refusees)
        return f"{quoi}." + (
            f" {refus} apprenant{'s' if refus > 1 else ''} écarté{'s' if refus > 1 else ''} (voir l'aperçu)." if refus else ""
        )
