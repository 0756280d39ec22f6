"""Excel bilans: the project's bilan page (ask for one, the list of past exports), its job views
(status, retry, download: the generic job views the COPIL report uses), and the roll-up's bilan.

- The project bilan has one row per learner (pseudonymised): generating, following and downloading
  it needs ``tableau_de_bord.voir`` and ``apprenants.voir`` (administrateur, coordinateur; 403
  otherwise). Personal data needs ``exports.donnees_personnelles`` (administrateur): a coordinator
  asking for it gets 403 and a French message, nothing is generated. A bilan with personal data is
  visible to administrators only (``BilanExcel.objects.visible_to``).
- The financeur opening the page gets the funder version: the roll-up bilan of its projects
  (aggregates only, masked below 5), the same file as the roll-up page's.
- The roll-up bilan (``/synthese/bilan/``) spans what the roll-up page spans
  (``views_tableau.perimetre_synthese``); it is small (one row per project, a constant number of
  queries) and is written on the fly, streamed from a temporary file.
- The detailed bilan of several projects (``/synthese/bilans/``, reached from the roll-up page):
  for a user who is administrateur (``membres.gerer``) of at least two projects (403 otherwise),
  over all of them, pseudonymised, as a job (the same ``BilanExcel`` and runner). Its job views
  read it through ``BilanExcel.objects.de_plusieurs_projets(user)``: 404 unless the user
  administers, now, every project of that bilan.
"""

import os
import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conciergerie.formats import date_heure
from conciergerie.forms import PeriodeFormMixin
from conciergerie.journal import journaliser
from conciergerie.mixins import ProjetMixin
from conciergerie.models import ActionAcces
from conciergerie.roles import peut
from conciergerie.scoping import adhesions_of

from . import bilans, jobs
from .indicateurs import Periode
from .models import BilanExcel, StatutJob
from .templatetags.jobs_tags import contexte_generer, contexte_statut
from .views_jobs import JobRelancerView, JobStatutView, JobTelechargerView, annoncer_demande, annoncer_relance
from .views_tableau import CAPACITE, perimetre_synthese, periode_demandee

#: the page lists the most recent exports (the rows themselves are kept: they are the record)
LISTE_MAX = 30
BILAN_EN_VOL = "Votre bilan demandé le {quand} est en préparation : vous pourrez en demander un autre quand il sera prêt."
BILAN_BLOQUE = "Votre bilan demandé le {quand} semble bloqué : relancez-le dans la liste ci-dessous avant d'en demander un autre."


def contexte_generer_bilan(projet, user, *, oob: bool = False) -> dict:
    """The state of the bilan page's button: disabled while a bilan this person asked for there
    is in flight (``bilans.en_vol``; ``projet`` None: the bilan of several projects)."""
    return contexte_generer(
        id="generer-bilan",
        libelle="Générer le bilan" if projet is not None else "Générer le bilan détaillé",
        en_vol=bilans.en_vol(projet=projet, by=user),
        pourquoi=BILAN_EN_VOL,
        pourquoi_bloque=BILAN_BLOQUE,
        oob=oob,
    )


def annoncer_bilan(request, bilan, periode: Periode, donnees_personnelles: bool) -> None:
    """The message after asking for a bilan: the one in flight if the request returned it for
    another period (or another choice of personal data), else the usual message."""
    if bilan.statut in jobs.EN_VOL and (
        (bilan.periode_debut, bilan.periode_fin, bilan.donnees_personnelles) != (periode.debut, periode.fin, donnees_personnelles)
    ):
        messages.warning(request, BILAN_EN_VOL.format(quand=date_heure(bilan.cree_le)))
        return
    annoncer_demande(request, bilan)


class BilanForm(PeriodeFormMixin, forms.Form):
    # the one period check (conciergerie.forms), with this page's wording
    periode = ("debut", "fin")
    message_periode = bilans.MESSAGE_PERIODE

    debut = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label="au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    donnees_personnelles = forms.BooleanField(
        label="Avec données personnelles",
        required=False,
        help_text="Nom, prénom, date de naissance, commune, e-mail, téléphone, RQTH des apprenants. Réservé aux "
        "administrateurs ; chaque export nominatif est enregistré (qui, quand, quelle période).",
    )


class BilanProjetView(ProjetMixin, TemplateView):
    """GET: the form and the past exports (the funder version for a financeur); POST: ask for a
    bilan, then back to the page where its status shows (ready at once in eager mode)."""

    capacite = CAPACITE
    template_name = "pilotage/bilan_projet.html"

    def peut_generer(self) -> bool:
        return bilans.peut_generer(self.adhesion.role)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.peut_generer():  # the funder version: the roll-up of its projects
            periode_form, periode = periode_demandee(self.request, debut_defaut=self.projet.date_debut)
            context.update(version_financeur=True, form=periode_form, periode=periode)
            return context
        if form is None:
            form = BilanForm(initial={"debut": min(self.projet.date_debut, timezone.localdate()), "fin": timezone.localdate()})
        exports = self.scoped(BilanExcel).select_related("demande_par").order_by("-cree_le", "-pk")
        context.update(
            form=form,
            generer=contexte_generer_bilan(self.projet, self.request.user),
            personnelles_permises=self.peut("exports.donnees_personnelles"),
            bilans=list(exports[:LISTE_MAX]),
            nb_bilans=exports.count(),
            liste_max=LISTE_MAX,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.peut_generer():
            raise PermissionDenied(bilans.MESSAGE_ROLE)
        form = BilanForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        donnees = form.cleaned_data
        if donnees["donnees_personnelles"] and not self.peut("exports.donnees_personnelles"):
            form.add_error("donnees_personnelles", bilans.MESSAGE_DONNEES_PERSONNELLES)
            return self.render_to_response(self.get_context_data(form=form), status=403)
        periode = Periode(donnees["debut"], donnees["fin"])
        bilan = bilans.demander_bilan(
            projet=self.projet, periode=periode, donnees_personnelles=donnees["donnees_personnelles"], by=request.user
        )
        annoncer_bilan(request, bilan, periode, donnees["donnees_personnelles"])
        return HttpResponseRedirect(reverse("bilan_projet", kwargs={"projet_id": self.projet.pk}) + f"#bilan-{bilan.pk}")


class BilanMixin:
    modele = BilanExcel
    capacite = CAPACITE
    capacites_en_plus = ("apprenants.voir",)


class BilanStatutView(BilanMixin, JobStatutView):
    def generer(self, bilan):
        return contexte_generer_bilan(self.projet, self.request.user, oob=True)

    def page(self, bilan):
        return {
            "titre": "Bilan du projet",
            "sous_titre": f"{self.projet.nom} · {bilan.resume()}",
            "retour_url": reverse("bilan_projet", kwargs={"projet_id": self.projet.pk}),
            "retour_libelle": "Retour aux bilans",
        }


class BilanRelancerView(BilanMixin, JobRelancerView):
    def generer(self, bilan):
        return contexte_generer_bilan(self.projet, self.request.user, oob=True)

    def relancer(self, bilan, user):
        return bilans.relancer_bilan(bilan=bilan, by=user)


class BilanTelechargerView(BilanMixin, JobTelechargerView):
    def get(self, request, *args, **kwargs):
        reponse = super().get(request, *args, **kwargs)
        if self.objet.donnees_personnelles:
            # the access log: a file with learners' names and contacts was handed out
            journaliser(user=request.user, projet=self.projet, action=ActionAcces.BILAN_NOMINATIF, objet=self.objet)
        return reponse


class SyntheseBilanView(View):
    """The roll-up's bilan for the period asked (the roll-up page's form), aggregates only."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        projets, masquer, financements = perimetre_synthese(request.user)
        form, periode = periode_demandee(request, debut_defaut=min(p.date_debut for p in projets))
        if form.is_bound and not form.is_valid():  # the roll-up page shows why
            return HttpResponseRedirect(f"{reverse('synthese')}?{request.GET.urlencode()}")
        tampon = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (FileResponse closes it)
        try:
            bilans.ecrire_bilan_synthese(projets=projets, periode=periode, fichier=tampon, masquer=masquer, financements=financements())
            tampon.seek(0)
        except BaseException:
            tampon.close()
            raise
        nom = f"bilan-synthese-{periode.debut:%Y%m%d}-{periode.fin:%Y%m%d}.xlsx"
        return FileResponse(tampon, as_attachment=True, filename=nom, content_type=bilans.TYPE_MIME)


# ------------------------------------------------------------------ the detailed bilan of several projects


class BilanProjetsForm(BilanForm):
    donnees_personnelles = None  # never: a bilan of several projects is pseudonymised


def contexte_statut_projets(bilan: BilanExcel, request=None) -> dict:
    """The status of a bilan of several projects, with this page's URLs, outside any project.
    Whoever sees it administers each of its projects: it may retry it. With ``request`` (a poll
    or a retry from the page, ``?bouton=1``), the page's button in its current state, out of band."""
    urls = {nom: reverse(f"bilan_projets_{nom}", kwargs={"pk": bilan.pk}) for nom in ("statut", "relancer", "telecharger")}
    urls = {nom: f"{url}?bouton=1" if nom in ("statut", "relancer") else url for nom, url in urls.items()}
    contexte = contexte_statut(bilan, urls=urls, peut_relancer=True)
    if request is not None and getattr(request, "htmx", False) and request.GET.get("bouton"):
        contexte["generer"] = contexte_generer_bilan(None, request.user, oob=True)
    return contexte


class ProjetsAdministresMixin:
    """Administrateur of at least two projects (``membres.gerer``), else 403 (no query: the
    memberships are cached on the user); then ``get_objet`` (a job view's 404), before Django
    checks the HTTP method (405)."""

    def get_objet(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        administres = [a for a in adhesions_of(request.user) if peut(a.role, bilans.CAPACITE_PROJETS)]
        if len(administres) < 2:
            raise PermissionDenied("Le bilan détaillé de plusieurs projets est réservé aux administrateurs de plusieurs projets.")
        self.objet = self.get_objet()
        return super().dispatch(request, *args, **kwargs)


class BilanProjetsView(ProjetsAdministresMixin, TemplateView):
    """GET: the form, the projects it spans and the past exports; POST: ask for the bilan of
    every project the user administers, then back here where its status shows."""

    template_name = "pilotage/bilan_projets.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        projets = bilans.projets_administres(self.request.user)
        if form is None:
            debut = min(p.date_debut for p in projets)
            form = BilanProjetsForm(initial={"debut": min(debut, timezone.localdate()), "fin": timezone.localdate()})
        exports = BilanExcel.objects.de_plusieurs_projets(self.request.user)
        context.update(
            form=form,
            generer=contexte_generer_bilan(None, self.request.user),
            projets=projets,
            statuts=[
                contexte_statut_projets(b)
                for b in exports.select_related("demande_par").annotate(nb_projets=Count("projets")).order_by("-cree_le", "-pk")[:LISTE_MAX]
            ],
            nb_bilans=exports.count(),
            liste_max=LISTE_MAX,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = BilanProjetsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        periode = Periode(form.cleaned_data["debut"], form.cleaned_data["fin"])
        bilan = bilans.demander_bilan_projets(projets=bilans.projets_administres(request.user), periode=periode, by=request.user)
        annoncer_bilan(request, bilan, periode, False)
        return HttpResponseRedirect(reverse("bilan_projets") + f"#bilan-{bilan.pk}")


class BilanProjetsJobMixin(ProjetsAdministresMixin):
    """A bilan of several projects the user may see (``de_plusieurs_projets``), 404 otherwise."""

    def get_objet(self):
        return get_object_or_404(
            BilanExcel.objects.de_plusieurs_projets(self.request.user).select_related("demande_par").annotate(nb_projets=Count("projets")),
            pk=self.kwargs["pk"],
        )


class BilanProjetsStatutView(BilanProjetsJobMixin, TemplateView):
    """The status: the partial for htmx polling, a full page otherwise."""

    def get_template_names(self):
        return ["pilotage/_job_statut.html" if getattr(self.request, "htmx", False) else "pilotage/job_statut.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(contexte_statut_projets(self.objet, self.request))
        context.update(
            titre="Bilan détaillé de mes projets",
            sous_titre=self.objet.resume(),
            retour_url=reverse("bilan_projets"),
            retour_libelle="Retour aux bilans",
        )
        return context


class BilanProjetsRelancerView(BilanProjetsJobMixin, View):
    """POST: put a failed (or lost) bilan back in the queue."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        bilan = bilans.relancer_bilan(bilan=self.objet, by=request.user)
        bilan = BilanExcel.objects.select_related("demande_par").annotate(nb_projets=Count("projets")).get(pk=bilan.pk)
        if getattr(request, "htmx", False):
            return render(request, "pilotage/_job_statut.html", contexte_statut_projets(bilan, request))
        annoncer_relance(request, bilan)
        return HttpResponseRedirect(reverse("bilan_projets_statut", kwargs={"pk": bilan.pk}))


class BilanProjetsTelechargerView(BilanProjetsJobMixin, View):
    """The file; 404 until the bilan is ready."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        bilan = self.objet
        if bilan.statut != StatutJob.PRET or not bilan.fichier:
            raise Http404("Ce bilan n'est pas prêt.")
        try:
            fichier = bilan.fichier.open("rb")
        except FileNotFoundError as erreur:
            raise Http404("Le fichier est introuvable.") from erreur
        return FileResponse(fichier, as_attachment=True, filename=os.path.basename(bilan.fichier.name), content_type=bilan.type_mime)
