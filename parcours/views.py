from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from conciergerie.mixins import ProjetMixin

from .models import Apprenant, Etape, Parcours


class ApprenantListView(ProjetMixin, ListView):
    capacite = "apprenants.voir"
    template_name = "parcours/apprenant_list.html"
    paginate_by = 25
    context_object_name = "apprenants"

    def get_queryset(self):
        return self.scoped(Apprenant).select_related("prescripteur").order_by("nom", "prenom", "pk")


class ApprenantDetailView(ProjetMixin, DetailView):
    capacite = "apprenants.voir"
    template_name = "parcours/apprenant_detail.html"
    context_object_name = "apprenant"

    def get_queryset(self):
        user = self.request.user
        etapes = Etape.objects.visible_to(user, projet=self.projet).select_related("organisation", "session")
        parcours = Parcours.objects.visible_to(user, projet=self.projet).prefetch_related(Prefetch("etapes", queryset=etapes))
        return (
            self.scoped(Apprenant)
            .select_related("prescripteur", "prescripteur_contact")
            .prefetch_related(Prefetch("parcours", queryset=parcours))
        )
