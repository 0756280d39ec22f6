"""The views of every background job (COPIL report, Excel bilan): follow its progress, retry it,
download its file. One set of views, parametrised by the job's model; each kind subclasses them
with its capabilities, its retry service and its page titles (``views_rapports``,
``views_bilans``).

Order of refusals: 404 for a non-member (ProjetMixin), 403 for a role without the capabilities,
404 for a job the role may not see (read through ``visible_to``), then 405 for a GET on a
POST-only view. Files are served only here.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from conciergerie.mixins import ProjetMixin

from .jobs import MESSAGE_FILE_INDISPONIBLE, indisponible
from .models import StatutJob
from .templatetags.jobs_tags import contexte_statut


def annoncer_demande(request, job) -> None:
    """The message after asking for a job; in eager mode its task has already run."""
    job.refresh_from_db()
    libelle = job.libelle.lower()
    if job.statut == StatutJob.ECHEC:
        messages.error(request, f"La génération du {libelle} a échoué. {job.erreur}")
    elif job.statut == StatutJob.PRET:
        messages.success(request, f"Le {libelle} est prêt.")
    elif indisponible(job):
        messages.warning(request, MESSAGE_FILE_INDISPONIBLE)
    else:
        messages.success(request, f"La génération du {libelle} est lancée.")


def annoncer_relance(request, job) -> None:
    """The message after retrying a job (read again by the caller)."""
    libelle = job.libelle.lower()
    if job.statut == StatutJob.ECHEC:
        messages.error(request, f"La génération du {libelle} a de nouveau échoué. {job.erreur}")
    elif indisponible(job):
        messages.warning(request, MESSAGE_FILE_INDISPONIBLE)
    else:
        messages.success(request, f"Le {libelle} est relancé.")


class CapacitesMixin:
    """Capabilities required on top of ProjetMixin's ``capacite`` (checked right after it, before
    any object is read): 403 if the role lacks one."""

    capacites_en_plus: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not all(self.peut(c) for c in self.capacites_en_plus):
            raise PermissionDenied("Votre rôle ne permet pas cette action.")
        return super().dispatch(request, *args, **kwargs)


class ObjetAvantMethodeMixin:
    """Resolve the object (404) before Django checks the HTTP method (405): placed after
    ProjetMixin, whose dispatch has already checked membership and role."""

    def get_objet(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.objet = self.get_objet()
        return super().dispatch(request, *args, **kwargs)


def redirection(request, defaut: str):
    """To ``suivant`` if it is a URL of this site, else to ``defaut``."""
    suivant = request.POST.get("suivant", "")
    if suivant and url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(suivant)
    return HttpResponseRedirect(defaut)


class JobMixin(ProjetMixin, CapacitesMixin, ObjetAvantMethodeMixin):
    """A job of ``modele`` read through ``visible_to`` (404 if the role may not see it)."""

    modele = None
    relations: tuple[str, ...] = ()

    def get_objet(self):
        return get_object_or_404(self.scoped(self.modele).select_related(*self.relations, "demande_par"), pk=self.kwargs["pk"])

    def url_statut(self, job):
        return reverse(f"{job.cle}_statut", kwargs={"projet_id": self.projet.pk, "pk": job.pk})

    def generer(self, job) -> dict | None:
        """The kind's "Générer" button in its current state (``jobs_tags.contexte_generer`` with
        ``oob=True``), or None: sent out of band with a poll or a retry from the page showing it."""
        return None

    def avec_bouton(self) -> bool:
        """An htmx request from a page that shows the "Générer" button (``?bouton=1``)."""
        return bool(getattr(self.request, "htmx", False) and self.request.GET.get("bouton"))

    def contexte_job(self, job) -> dict:
        contexte = contexte_statut(job, self.adhesion, bouton=self.avec_bouton())
        if self.avec_bouton():
            generer = self.generer(job)
            if generer is not None:
                contexte["generer"] = generer
        return contexte


class JobStatutView(JobMixin, TemplateView):
    """The job's status: the partial for htmx polling, a full page otherwise (works without JS)."""

    template_name = "pilotage/job_statut.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["pilotage/_job_statut.html"]
        return [self.template_name]

    def page(self, job) -> dict:
        """The full page's title, subtitle and back link."""
        return {"titre": str(job), "sous_titre": self.projet.nom, "retour_url": "", "retour_libelle": ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.contexte_job(self.objet))
        if not getattr(self.request, "htmx", False):
            context.update(self.page(self.objet))
        return context


class JobRelancerView(JobMixin, TemplateView):
    """POST: put a failed (or lost) job back in the queue (the kind's ``relancer`` service)."""

    http_method_names = ["post"]
    template_name = "pilotage/_job_statut.html"

    def relancer(self, job, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        job = self.relancer(self.objet, request.user)
        job = self.modele.objects.select_related(*self.relations, "demande_par").get(pk=job.pk)
        if request.htmx:
            context = {**self.get_context_data(**kwargs), **self.contexte_job(job)}
            return self.render_to_response(context)
        annoncer_relance(request, job)
        return redirection(request, self.url_statut(job))


class JobTelechargerView(JobMixin, View):
    """The job's file, read through visible_to; 404 until the job is ready."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        job = self.objet
        if job.statut != StatutJob.PRET or not job.fichier:
            raise Http404(f"Ce {job.libelle.lower()} n'est pas prêt.")
        try:
            fichier = job.fichier.open("rb")
        except FileNotFoundError as erreur:
            raise Http404("Le fichier est introuvable.") from erreur
        return FileResponse(fichier, as_attachment=True, filename=os.path.basename(job.fichier.name), content_type=job.type_mime)
