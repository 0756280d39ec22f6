"""The delete pages of paths' rows (conciergerie.mixins.ServiceDeleteView): a step, an obstacle,
a session with no learner. Learners are not deleted here (anonymisation: rgpd)."""

from django.urls import reverse

from conciergerie.mixins import ServiceDeleteView

from . import services
from .models import Etape, Frein, SessionFormation


class EtapeDeleteView(ServiceDeleteView):
    capacite = "apprenants.modifier"
    modele = Etape
    detail = "etape_update"
    message = "Étape supprimée :"

    def get_queryset(self):
        return super().get_queryset().select_related("parcours")

    def get_success_url(self):
        return reverse("apprenant_detail", args=[self.projet.pk, self.objet.parcours.apprenant_id])

    def supprimer(self, objet):
        services.supprimer_etape(etape=objet, by=self.request.user)


class FreinDeleteView(ServiceDeleteView):
    capacite = "apprenants.modifier"
    modele = Frein
    detail = "frein_update"
    message = "Frein supprimé :"

    def get_success_url(self):
        return reverse("apprenant_detail", args=[self.projet.pk, self.objet.apprenant_id])

    def supprimer(self, objet):
        services.supprimer_frein(frein=objet, by=self.request.user)


class SessionFormationDeleteView(ServiceDeleteView):
    capacite = "apprenants.modifier"
    modele = SessionFormation
    liste, detail = "sessionformation_list", "sessionformation_detail"
    message = "Session supprimée :"

    def refus_supplementaires(self, objet):
        nombre = services.apprenants_session(objet)
        return [f"{nombre} apprenant{'s' if nombre > 1 else ''} inscrit{'s' if nombre > 1 else ''}"] if nombre else []

    def supprimer(self, objet):
        services.supprimer_session(session=objet, by=self.request.user)
