"""Coordinator pages for learners, paths, steps, obstacles and outcomes.

Thin views: ``ProjetMixin`` checks the project (404) and the role's capability (403), every
object is read through ``self.scoped(Model)`` (``visible_to``), forms validate and the writes
are in ``services.py``.
"""

from datetime import date, timedelta
from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Window
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView, ListView, TemplateView

from conciergerie.mixins import ProjetMixin, erreurs_vers_form
from conciergerie.roles import peut

from . import services
from .filters import COLONNES, COLONNES_IDENTITE, ApprenantFilter, ordre, parcours_sans_etape, suivis_dus
from .forms import ApprenantForm, EtapeForm, FreinForm, FreinModificationForm, ParcoursForm, SortieForm, StatutEtapeForm
from .models import Apprenant, Etape, Frein, Parcours, Sortie, StatutEtape, StatutParcours, TypeSortie

HISTORIQUE_MAX = 20


# ---------------------------------------------------------------- learners list


class ApprenantListView(ProjetMixin, ListView):
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
        self.complet = self.peut("apprenants.modifier")
        self.cles = [cle for cle, _ in COLONNES if self.complet or cle in COLONNES_IDENTITE]
        self.tri, champs = ordre(self.request.GET.get("tri"), self.cles)
        parcours = self.scoped(Parcours).order_by("-date_debut", "pk")
        base = self.scoped(Apprenant).select_related("prescripteur").prefetch_related(Prefetch("parcours", queryset=parcours))
        self.filterset = ApprenantFilter(
            self.request.GET or None, queryset=base, user=self.request.user, projet=self.projet, complet=self.complet
        )
        return self.filterset.qs.order_by(*champs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
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
        context.update(filter=self.filterset, colonnes=colonnes, tri=self.tri, complet=self.complet)
        return context


# ---------------------------------------------------------------- learner page


def _historique(apprenant, parcours_ids, avec_freins: bool):
    """Who changed what and when: the latest records of the learner and of its rows."""
    sources = [
        Apprenant.history.filter(id=apprenant.pk),
        Parcours.history.filter(apprenant_id=apprenant.pk),
        Etape.history.filter(parcours_id__in=parcours_ids),
        Sortie.history.filter(parcours_id__in=parcours_ids),
    ]
    if avec_freins:
        sources.append(Frein.history.filter(apprenant_id=apprenant.pk))
    records = chain.from_iterable(qs.select_related("history_user").order_by("-history_date")[:HISTORIQUE_MAX] for qs in sources)
    lignes = []
    for record in sorted(records, key=lambda r: r.history_date, reverse=True)[:HISTORIQUE_MAX]:
        user = record.history_user
        lignes.append(
            {
                "date": record.history_date,
                "qui": (user.get_full_name() or user.username) if user else "système",
                "action": ACTIONS.get(record.history_type, "modification"),
                "objet": record.instance_type._meta.verbose_name,
                "libelle": _libelle(record),
            }
        )
    return lignes


ACTIONS = {"+": "création", "~": "modification", "-": "suppression"}


def _libelle(record) -> str:
    """A label read from the record's own fields (no query per row)."""
    model = record.instance_type
    if model is Apprenant:
        return f"{record.prenom} {record.nom}"
    if model is Parcours:
        return f"{record.intitule} ({record.get_statut_display()})"
    if model is Etape:
        libelle = record.get_type_display() + (f" — {record.intitule}" if record.intitule else "")
        return f"{libelle} ({record.get_statut_display()})"
    if model is Frein:
        return f"{record.get_type_display()}{' (levé)' if record.leve else ''}"
    return f"{record.get_type_display()} : {record.get_resultat_display()}"


class ApprenantDetailView(ProjetMixin, DetailView):
    capacite = "apprenants.voir"
    template_name = "parcours/apprenant_detail.html"
    context_object_name = "apprenant"

    def get_queryset(self):
        etapes = self.scoped(Etape).select_related("organisation", "session")
        parcours = self.scoped(Parcours).prefetch_related(Prefetch("etapes", queryset=etapes))
        prefetches = [Prefetch("parcours", queryset=parcours)]
        if self.peut("apprenants.modifier"):
            recit_model = Apprenant.recits.rel.related_model
            recits = recit_model.objects.visible_to(self.request.user, projet=self.projet).order_by("-date")
            prefetches += [
                Prefetch("parcours__sorties", queryset=self.scoped(Sortie)),
                Prefetch("freins", queryset=self.scoped(Frein)),
                Prefetch("recits", queryset=recits),
            ]
        return self.scoped(Apprenant).select_related("prescripteur", "prescripteur_contact").prefetch_related(*prefetches)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        apprenant = self.object
        complet = self.peut("apprenants.modifier")
        context["complet"] = complet
        context["statut_choices"] = StatutEtape.choices
        context["peut_modifier_etapes"] = self.peut("etapes.modifier")
        if complet:
            parcours_ids = [p.pk for p in apprenant.parcours.all()]
            context["historique"] = _historique(apprenant, parcours_ids, avec_freins=True)
            context["frein_form"] = FreinForm()
        return context


# ---------------------------------------------------------------- forms (create / edit)


class ServiceFormView(ProjetMixin, FormView):
    """A form whose valid data goes to a service; a refused form or service changes nothing."""

    capacite = "apprenants.modifier"
    template_name = "parcours/parcours_form.html"
    titre = ""

    def enregistrer(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.objet = self.enregistrer(form)
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.message_succes())
        return HttpResponseRedirect(self.get_success_url())

    def message_succes(self):
        return "Enregistré."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = self.get_titre()
        context["retour"] = self.get_retour_url()
        return context

    def get_titre(self):
        return self.titre

    def get_retour_url(self):
        return reverse("apprenant_list", args=[self.projet.pk])

    def apprenant_url(self, apprenant_id, ancre=""):
        url = reverse("apprenant_detail", args=[self.projet.pk, apprenant_id])
        return f"{url}#{ancre}" if ancre else url


class ApprenantCreateView(ServiceFormView):
    titre = "Nouvel apprenant"

    def get_form(self, form_class=None):
        return ApprenantForm(**self.get_form_kwargs(), projet=self.projet, user=self.request.user, voir_rqth=self.peut("rqth.voir"))

    def get_instance(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    def enregistrer(self, form):
        apprenant = form.save(commit=False)
        return services.enregistrer_apprenant(apprenant=apprenant, projet=self.projet, by=self.request.user)

    def message_succes(self):
        return f"Apprenant {self.objet} enregistré."

    def get_success_url(self):
        return self.apprenant_url(self.objet.pk)


class ApprenantUpdateView(ApprenantCreateView):
    def get_instance(self):
        if not hasattr(self, "_apprenant"):
            self._apprenant = get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["pk"])
        return self._apprenant

    def get_titre(self):
        return f"Modifier {self.get_instance()}"

    def get_retour_url(self):
        return self.apprenant_url(self.get_instance().pk)


class ParcoursCreateView(ServiceFormView):
    titre = "Nouveau parcours"

    def get_apprenant(self):
        if not hasattr(self, "_apprenant"):
            self._apprenant = get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["pk"])
        return self._apprenant

    def get_form(self, form_class=None):
        return ParcoursForm(**self.get_form_kwargs(), projet=self.projet)

    def get_initial(self):
        return {"date_debut": date.today(), "referent": self.request.user.pk}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_parcours()
        return kwargs

    def get_parcours(self):
        return None

    def get_titre(self):
        return f"{self.titre} — {self.get_apprenant()}"

    def enregistrer(self, form):
        return services.enregistrer_parcours(parcours=form.save(commit=False), apprenant=self.get_apprenant(), by=self.request.user)

    def message_succes(self):
        return f"Parcours « {self.objet.intitule} » enregistré."

    def get_retour_url(self):
        return self.apprenant_url(self.get_apprenant().pk)

    def get_success_url(self):
        return self.apprenant_url(self.objet.apprenant_id, f"parcours-{self.objet.pk}")


class ParcoursObjetMixin:
    """Views on one path (``pk``), read through visible_to."""

    def get_parcours(self):
        if not hasattr(self, "_parcours"):
            self._parcours = get_object_or_404(self.scoped(Parcours).select_related("apprenant"), pk=self.kwargs["pk"])
        return self._parcours

    def get_apprenant(self):
        return self.get_parcours().apprenant


class ParcoursUpdateView(ParcoursObjetMixin, ParcoursCreateView):
    titre = "Modifier le parcours"

    def get_initial(self):
        return {}


class EtapeCreateView(ParcoursObjetMixin, ServiceFormView):
    titre = "Nouvelle étape"

    def get_form(self, form_class=None):
        return EtapeForm(**self.get_form_kwargs(), projet=self.projet, user=self.request.user, organisation_id=self.organisation_imposee())

    def organisation_imposee(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_etape()
        return kwargs

    def get_etape(self):
        return None

    def get_initial(self):
        return {"date_debut": date.today()}

    def get_titre(self):
        return f"{self.titre} — {self.get_parcours()}"

    def enregistrer(self, form):
        return services.enregistrer_etape(etape=form.save(commit=False), parcours=self.get_parcours(), by=self.request.user)

    def message_succes(self):
        return f"Étape « {self.objet.get_type_display()} » enregistrée."

    def get_retour_url(self):
        return self.apprenant_url(self.get_apprenant().pk, f"parcours-{self.get_parcours().pk}")

    def get_success_url(self):
        return self.apprenant_url(self.get_apprenant().pk, f"etape-{self.objet.pk}")


class EtapeObjetMixin:
    """Views on one step (``pk``): the partner only reaches steps at its organisation."""

    capacite = "etapes.modifier"

    def get_etape(self):
        if not hasattr(self, "_etape"):
            qs = self.scoped(Etape).select_related("parcours__apprenant", "organisation")
            self._etape = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._etape

    def get_parcours(self):
        return self.get_etape().parcours

    def organisation_imposee(self):
        if self.peut("apprenants.modifier"):
            return None
        return self.adhesion.organisation_id


class EtapeUpdateView(EtapeObjetMixin, EtapeCreateView):
    titre = "Modifier l'étape"

    def get_initial(self):
        return {}


class EtapeStatutView(EtapeObjetMixin, ProjetMixin, TemplateView):
    """One-click status change from the timeline: htmx gets the step's fragment back."""

    template_name = "parcours/etape_statut.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        etape = self.get_etape()
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
        etape = self.get_etape()
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
                return HttpResponseRedirect(
                    reverse("apprenant_detail", args=[self.projet.pk, etape.parcours.apprenant_id]) + f"#etape-{etape.pk}"
                )
            return self.render_to_response(self.get_context_data(**kwargs))
        etape.refresh_from_db()
        return self.render_to_response(self.get_context_data(statut_form=form, **kwargs), status=200 if request.htmx else 400)


class FreinCreateView(ServiceFormView):
    titre = "Nouveau frein"

    def get_apprenant(self):
        if not hasattr(self, "_apprenant"):
            self._apprenant = get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["pk"])
        return self._apprenant

    def get_form(self, form_class=None):
        return FreinForm(**self.get_form_kwargs())

    def get_titre(self):
        return f"{self.titre} — {self.get_apprenant()}"

    def enregistrer(self, form):
        return services.enregistrer_frein(frein=form.save(commit=False), apprenant=self.get_apprenant(), by=self.request.user)

    def message_succes(self):
        return f"Frein « {self.objet.get_type_display()} » ajouté."

    def get_retour_url(self):
        return self.apprenant_url(self.get_apprenant().pk, "freins")

    def get_success_url(self):
        return self.get_retour_url()


class FreinUpdateView(FreinCreateView):
    titre = "Modifier le frein"

    def get_frein(self):
        if not hasattr(self, "_frein"):
            self._frein = get_object_or_404(self.scoped(Frein).select_related("apprenant"), pk=self.kwargs["pk"])
        return self._frein

    def get_apprenant(self):
        return self.get_frein().apprenant

    def get_form(self, form_class=None):
        return FreinModificationForm(**self.get_form_kwargs(), instance=self.get_frein())

    def message_succes(self):
        return f"Frein « {self.objet.get_type_display()} » modifié."


class FreinLeverView(ProjetMixin, TemplateView):
    capacite = "apprenants.modifier"
    template_name = "parcours/frein_lever.html"

    def get_frein(self):
        return get_object_or_404(self.scoped(Frein).select_related("apprenant"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frein"] = self.get_frein()
        return context

    def post(self, request, *args, **kwargs):
        frein = self.get_frein()
        if not frein.leve:
            services.lever_frein(frein=frein, date=date.today(), by=request.user)
            messages.success(request, f"Frein « {frein.get_type_display()} » levé.")
        return HttpResponseRedirect(reverse("apprenant_detail", args=[self.projet.pk, frein.apprenant_id]) + "#freins")


class ParcoursCloturerView(ParcoursObjetMixin, ServiceFormView):
    titre = "Clôturer le parcours"
    suivi = False

    def get_form(self, form_class=None):
        return SortieForm(**self.get_form_kwargs(), parcours=self.get_parcours(), suivi=self.suivi)

    def get_initial(self):
        return {"date": date.today()}

    def get_titre(self):
        return f"{self.titre} — {self.get_parcours()}"

    def enregistrer(self, form):
        return services.close_parcours(parcours=self.get_parcours(), by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        return f"Parcours clôturé : {self.objet.get_resultat_display()}. Suivi à 6 mois prévu le {self.get_parcours().suivi_6_mois_le:%d/%m/%Y}."

    def get_retour_url(self):
        return self.apprenant_url(self.get_apprenant().pk, f"parcours-{self.get_parcours().pk}")

    def get_success_url(self):
        return self.get_retour_url()


class ParcoursSuiviView(ParcoursCloturerView):
    titre = "Suivi à 6 mois"
    suivi = True

    def enregistrer(self, form):
        return services.enregistrer_suivi(parcours=self.get_parcours(), by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        return f"Suivi à 6 mois enregistré : {self.objet.get_resultat_display()}."


class SortieUpdateView(ServiceFormView):
    """Edit an outcome (at the exit or at the 6-month follow-up); the type stays."""

    def get_sortie(self):
        if not hasattr(self, "_sortie"):
            self._sortie = get_object_or_404(self.scoped(Sortie).select_related("parcours__apprenant"), pk=self.kwargs["pk"])
        return self._sortie

    def get_form(self, form_class=None):
        sortie = self.get_sortie()
        suivi = sortie.type == TypeSortie.SUIVI_6_MOIS
        suivi_enregistre = None
        if not suivi:
            suivi_enregistre = self.scoped(Sortie).filter(parcours_id=sortie.parcours_id, type=TypeSortie.SUIVI_6_MOIS).first()
        return SortieForm(**self.get_form_kwargs(), parcours=sortie.parcours, suivi=suivi, suivi_enregistre=suivi_enregistre)

    def get_initial(self):
        sortie = self.get_sortie()
        return {"resultat": sortie.resultat, "date": sortie.date, "commentaire": sortie.commentaire}

    def get_titre(self):
        sortie = self.get_sortie()
        moment = "le suivi à 6 mois" if sortie.type == TypeSortie.SUIVI_6_MOIS else "la sortie"
        return f"Modifier {moment} — {sortie.parcours}"

    def enregistrer(self, form):
        return services.modifier_sortie(sortie=self.get_sortie(), by=self.request.user, **form.cleaned_data)

    def message_succes(self):
        message = f"{self.objet.get_type_display()} : {self.objet.get_resultat_display()}, le {self.objet.date:%d/%m/%Y}."
        parcours = self.objet.parcours
        if self.objet.type == TypeSortie.SORTIE and parcours.suivi_6_mois_le:
            message += f" Suivi à 6 mois prévu le {parcours.suivi_6_mois_le:%d/%m/%Y}."
        return message

    def get_retour_url(self):
        parcours = self.get_sortie().parcours
        return self.apprenant_url(parcours.apprenant_id, f"parcours-{parcours.pk}")

    def get_success_url(self):
        return self.get_retour_url()


# ---------------------------------------------------------------- home to-do


#: lines shown per block of the home to-do; the rest is a link to the filtered learners list
LIGNES_TODO = 15


def premieres_lignes(queryset, limite: int = LIGNES_TODO) -> tuple[list, int]:
    """The first ``limite`` rows and the total, in one query (a window count over the whole
    result, computed before the LIMIT)."""
    lignes = list(queryset.annotate(total_lignes=Window(Count("pk")))[:limite])
    return lignes, (lignes[0].total_lignes if lignes else 0)


def taches_parcours(*, user, projet, adhesion) -> dict | None:
    """The home page's to-do lines about learners (three queries, whatever the number of rows):
    the first ``LIGNES_TODO`` of each block and its total."""
    if adhesion is None or not peut(adhesion.role, "apprenants.voir"):
        return None
    parcours = Parcours.objects.visible_to(user, projet=projet).select_related("apprenant")
    aujourdhui = date.today()
    suivis, nb_suivis = premieres_lignes(suivis_dus(parcours, aujourdhui).order_by("suivi_6_mois_le", "pk"))
    bloquees, nb_bloquees = premieres_lignes(
        Etape.objects.visible_to(user, projet=projet)
        .filter(statut=StatutEtape.BLOQUEE)
        .select_related("parcours__apprenant", "organisation")
        .order_by("modifie_le", "pk")
    )
    dormants, nb_dormants = premieres_lignes(parcours_sans_etape(parcours, aujourdhui).order_by("date_debut", "pk"))
    return {
        "template": "parcours/_todo.html",
        "suivis": suivis,
        "nb_suivis": nb_suivis,
        "bloquees": bloquees,
        "nb_bloquees": nb_bloquees,
        "dormants": dormants,
        "nb_dormants": nb_dormants,
        "aujourdhui": aujourdhui,
        "bientot": aujourdhui + timedelta(days=30),
        "peut_modifier": peut(adhesion.role, "apprenants.modifier"),
        "projet": projet,
        "statut_cloture": StatutParcours.CLOTURE,
    }
