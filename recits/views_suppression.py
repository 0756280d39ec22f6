"""The recits' delete pages (conciergerie.mixins.ServiceDeleteView): a récit, an activity."""

from conciergerie.mixins import ServiceDeleteView

from . import services
from .models import Activite, Recit


class RecitDeleteView(ServiceDeleteView):
    capacite = "recits.modifier"
    modele = Recit
    liste, detail = "recit_list", "recit_detail"
    message = "Récit supprimé :"

    def supprimer(self, objet):
        services.supprimer_recit(recit=objet, by=self.request.user)


class ActiviteDeleteView(ServiceDeleteView):
    capacite = "recits.modifier"
    modele = Activite
    liste, detail = "activite_list", "activite_detail"
    message = "Activité supprimée :"

    def supprimer(self, objet):
        services.supprimer_activite(activite=objet, by=self.request.user)
