"""COPIL report jobs: ask for one, follow its progress, retry it, download the PDF.

Thin views over ``pilotage.rapports``; status, retry and download are the generic job views of
``pilotage.views_jobs`` (shared with the Excel bilans). Reading a report (status, download) needs
``tableau_de_bord.voir`` (administrateur, coordinateur, financeur); asking for one or retrying it
needs ``recits.modifier``. Order of refusals: 404 for a non-member (ProjetMixin), 403 for a role
without the capability, 404 for an object the role may not see, then 405 for a GET on a POST-only
view. Files are served only here, read through ``visible_to``.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View

from conciergerie.formats import date_longue
from conciergerie.mixins import ProjetMixin
from recits.models import Copil

from . import rapports
from .models import Destinataire, RapportCopil
from .templatetags.jobs_tags import contexte_generer_rapport
from .views_jobs import JobRelancerView, JobStatutView, JobTelechargerView, ObjetAvantMethodeMixin, annoncer_demande, redirection


class RapportMixin:
    modele = RapportCopil
    relations = ("copil",)


class RapportDemanderView(ProjetMixin, ObjetAvantMethodeMixin, View):
    """POST on a COPIL: create the job (or find the one already under way) and enqueue it, for
    the reader the form says (``destinataire``: the committee's rendering unless
    ``coordination``; anything else is refused with 400)."""

    capacite = "recits.modifier"
    http_method_names = ["post"]

    def get_objet(self):
        return get_object_or_404(self.scoped(Copil), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        destinataire = request.POST.get("destinataire") or Destinataire.FINANCEURS
        if destinataire not in Destinataire.values:
            return HttpResponseBadRequest("Destinataire inconnu : le rapport est fait pour le comité ou pour la coordination.")
        # a report of this COPIL for this reader in flight (the page's button is disabled
        # meanwhile) is returned: never a second job
        deja = RapportCopil.objects.filter(copil=self.objet, destinataire=destinataire, statut__in=rapports.EN_VOL).exists()
        rapport = rapports.demander_rapport(copil=self.objet, by=request.user, destinataire=destinataire)
        if deja:
            messages.info(request, "Un rapport de ce COPIL est déjà en préparation : le voici.")
        else:
            annoncer_demande(request, rapport)
        return redirection(request, reverse("rapport_statut", kwargs={"projet_id": self.projet.pk, "pk": rapport.pk}))


class RapportStatutView(RapportMixin, JobStatutView):
    capacite = "tableau_de_bord.voir"

    def generer(self, rapport):
        return contexte_generer_rapport(rapport.copil, rapport.destinataire, oob=True) if self.peut("recits.modifier") else None

    def page(self, rapport):
        copil = rapport.copil
        return {
            "titre": f"Rapport du {copil}",
            "sous_titre": f"{self.projet.nom} · période du {date_longue(copil.periode_debut)} au {date_longue(copil.periode_fin)}",
            "retour_url": reverse("copil_detail", kwargs={"projet_id": self.projet.pk, "pk": copil.pk}),
            "retour_libelle": "Retour au COPIL",
        }


class RapportRelancerView(RapportMixin, JobRelancerView):
    capacite = "recits.modifier"

    def generer(self, rapport):
        return contexte_generer_rapport(rapport.copil, rapport.destinataire, oob=True)

    def relancer(self, rapport, user):
        return rapports.relancer_rapport(rapport=rapport, by=user)


class RapportTelechargerView(RapportMixin, JobTelechargerView):
    capacite = "tableau_de_bord.voir"
