"""COPIL report jobs: ask for one, follow its progress, retry it, download the PDF.

Thin views over ``recits.rapports``. Reading a report (status, download) needs
``tableau_de_bord.voir`` (administrateur, coordinateur, financeur); asking for one or retrying it
needs ``recits.modifier``. Order of refusals: 404 for a non-member (ProjetMixin), 403 for a role
without the capability, 404 for an object the role may not see, then 405 for a GET on a POST-only
view. Files are served only here, read through ``visible_to``.
"""

import os

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from conciergerie.mixins import ProjetMixin

from . import rapports
from .models import Copil, RapportCopil, StatutRapport
from .templatetags.rapports_tags import contexte_statut


class ObjetAvantMethodeMixin:
    """Resolve the object (404) before Django checks the HTTP method (405): placed after
    ProjetMixin, whose dispatch has already checked membership and role."""

    def get_objet(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.objet = self.get_objet()
        return super().dispatch(request, *args, **kwargs)


def _redirection(request, defaut: str):
    suivant = request.POST.get("suivant", "")
    if suivant and url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(suivant)
    return HttpResponseRedirect(defaut)


class RapportObjetMixin:
    def get_objet(self):
        return get_object_or_404(
            self.scoped(RapportCopil).select_related("copil", "demande_par"),
            pk=self.kwargs["pk"],
        )

    def url_statut(self, rapport):
        return reverse("rapport_statut", kwargs={"projet_id": self.projet.pk, "pk": rapport.pk})


class RapportDemanderView(ProjetMixin, ObjetAvantMethodeMixin, View):
    """POST on a COPIL: create the job (or find the one already under way) and enqueue it."""

    capacite = "recits.modifier"
    http_method_names = ["post"]

    def get_objet(self):
        return get_object_or_404(self.scoped(Copil), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        rapport = rapports.demander_rapport(copil=self.objet, by=request.user)
        rapport.refresh_from_db()  # in eager mode the task has already run
        if rapport.statut == StatutRapport.ECHEC:
            messages.error(request, f"La génération du rapport a échoué. {rapport.erreur}")
        elif rapport.statut == StatutRapport.PRET:
            messages.success(request, "Le rapport est prêt.")
        else:
            messages.success(request, "La génération du rapport est lancée.")
        return _redirection(request, reverse("rapport_statut", kwargs={"projet_id": self.projet.pk, "pk": rapport.pk}))


class RapportStatutView(ProjetMixin, RapportObjetMixin, ObjetAvantMethodeMixin, TemplateView):
    """The job's status: the partial for htmx polling, a full page otherwise (works without JS)."""

    capacite = "tableau_de_bord.voir"
    template_name = "recits/rapport_statut.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["recits/_rapport_statut.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(contexte_statut(self.objet, self.adhesion))
        return context


class RapportRelancerView(ProjetMixin, RapportObjetMixin, ObjetAvantMethodeMixin, TemplateView):
    """POST: put a failed (or lost) job back in the queue."""

    capacite = "recits.modifier"
    http_method_names = ["post"]
    template_name = "recits/_rapport_statut.html"

    def post(self, request, *args, **kwargs):
        rapport = rapports.relancer_rapport(rapport=self.objet, by=request.user)
        rapport = RapportCopil.objects.select_related("copil", "demande_par").get(pk=rapport.pk)
        if request.htmx:
            context = {**self.get_context_data(**kwargs), **contexte_statut(rapport, self.adhesion)}
            return self.render_to_response(context)
        if rapport.statut == StatutRapport.ECHEC:
            messages.error(request, f"La génération du rapport a de nouveau échoué. {rapport.erreur}")
        else:
            messages.success(request, "Le rapport est relancé.")
        return _redirection(request, self.url_statut(rapport))


class RapportTelechargerView(ProjetMixin, RapportObjetMixin, ObjetAvantMethodeMixin, View):
    """The PDF, read through visible_to; 404 until the report is ready."""

    capacite = "tableau_de_bord.voir"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        rapport = self.objet
        if rapport.statut != StatutRapport.PRET or not rapport.fichier:
            raise Http404("Ce rapport n'est pas prêt.")
        try:
            fichier = rapport.fichier.open("rb")
        except FileNotFoundError as erreur:
            raise Http404("Le fichier du rapport est introuvable.") from erreur
        return FileResponse(fichier, as_attachment=True, filename=os.path.basename(rapport.fichier.name), content_type="application/pdf")
