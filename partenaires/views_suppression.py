"""The partners' delete pages (conciergerie.mixins.ServiceDeleteView): an organisation with no
link, a contact."""

from django.urls import reverse

from conciergerie.mixins import ServiceDeleteView

from . import services
from .models import Contact, Organisation


class OrganisationDeleteView(ServiceDeleteView):
    capacite = "partenaires.modifier"
    modele = Organisation
    liste, detail = "organisation_list", "organisation_detail"
    message = "Organisation supprimée :"

    def refus_supplementaires(self, objet):
        return services.liens_organisation(objet)

    def supprimer(self, objet):
        services.supprimer_organisation(organisation=objet, by=self.request.user)


class ContactDeleteView(ServiceDeleteView):
    capacite = "partenaires.modifier"
    modele = Contact
    detail = "contact_update"
    message = "Contact supprimé :"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_success_url(self):
        return reverse("organisation_detail", args=[self.projet.pk, self.objet.organisation_id])

    def supprimer(self, objet):
        services.supprimer_contact(contact=objet, by=self.request.user)
