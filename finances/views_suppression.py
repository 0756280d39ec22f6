"""The finances' delete pages (conciergerie.mixins.ServiceDeleteView): an expense, a payment, a
volunteer line."""

from django.urls import reverse

from conciergerie.mixins import ServiceDeleteView

from . import services
from .models import Depense, DerogationEligibilite, Objectif, TempsBenevole, Versement


class RetourAuFinancementMixin:
    """A row of one funding (a payment, an override): read with its funding, and back to the
    funding's page once deleted."""

    def get_queryset(self):
        return super().get_queryset().select_related("financement")

    def get_success_url(self):
        return reverse("financement_detail", args=[self.projet.pk, self.objet.financement_id])


class DepenseDeleteView(ServiceDeleteView):
    capacite = "finances.modifier"
    modele = Depense
    detail = "depense_update"
    message = "Dépense supprimée :"

    def get_queryset(self):
        return super().get_queryset().select_related("ligne__financement")

    def get_success_url(self):
        return reverse("financement_detail", args=[self.projet.pk, self.objet.ligne.financement_id])

    def supprimer(self, objet):
        services.supprimer_depense(depense=objet, by=self.request.user)


class VersementDeleteView(RetourAuFinancementMixin, ServiceDeleteView):
    capacite = "finances.modifier"
    modele = Versement
    detail = "versement_update"
    message = "Versement supprimé :"

    def supprimer(self, objet):
        services.supprimer_versement(versement=objet, by=self.request.user)


class TempsBenevoleDeleteView(ServiceDeleteView):
    capacite = "finances.modifier"
    modele = TempsBenevole
    liste, detail = "finances", "benevolat_update"
    message = "Temps bénévole supprimé :"

    def supprimer(self, objet):
        services.supprimer_temps_benevole(temps=objet, by=self.request.user)


class DerogationDeleteView(RetourAuFinancementMixin, ServiceDeleteView):
    capacite = "finances.modifier"
    modele = DerogationEligibilite
    detail = "derogation_update"
    message = "Dérogation supprimée :"

    def supprimer(self, objet):
        services.supprimer_derogation(derogation=objet, by=self.request.user)


class ObjectifDeleteView(ServiceDeleteView):
    capacite = "finances.modifier"
    modele = Objectif
    liste, detail = "objectif_list", "objectif_update"
    message = "Objectif supprimé :"

    def supprimer(self, objet):
        services.supprimer_objectif(objectif=objet, by=self.request.user)
