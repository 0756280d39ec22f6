"""The expenses and volunteer-time lists (issue 19), with their CSV / xlsx downloads.

- Expenses: ``finances.voir``; a funder sees (and downloads) the expenses of its own fundings,
  as on the funding's page: no personal data in them.
- Volunteer time: named rows, the conciergerie's own business (as on the finance page): the
  funder gets 403 (it sees the totals on the finance page and in the dashboard). The download
  follows the bilans' *Bénévolat* sheet: the volunteer's name only with
  ``exports.donnees_personnelles`` (then the download is logged).
"""

from django.core.exceptions import PermissionDenied

from conciergerie.exports import Colonne
from conciergerie.listes import ListeFiltreeView

from .filters import DepenseFilter, TempsBenevoleFilter
from .models import Depense, TempsBenevole

MESSAGE_BENEVOLAT = "Le détail nominatif du bénévolat est réservé à la conciergerie ; ses totaux sont sur la page Finances."


class DepenseListView(ListeFiltreeView):
    capacite = "finances.voir"
    template_name = "finances/depense_list.html"
    context_object_name = "depenses"
    filterset_class = DepenseFilter
    ordering = ("-date", "-pk")
    url_liste = "depense_list"
    nom_export = "depenses"
    titre_export = "Dépenses"

    def base_queryset(self):
        return self.scoped(Depense).select_related("ligne__financement__financeur")

    def colonnes_export(self) -> list[Colonne]:
        return [
            Colonne("Date", "date"),
            Colonne("Libellé", "libelle"),
            Colonne("Montant (€)", "montant"),
            Colonne("Catégorie", lambda d: d.ligne.get_categorie_display()),
            Colonne("Ligne de budget", "ligne.libelle"),
            Colonne("Financement", "ligne.financement.intitule"),
            Colonne("Financeur", "ligne.financement.financeur.nom"),
            Colonne("Justificatif", lambda d: bool(d.justificatif)),
        ]


class TempsBenevoleListView(ListeFiltreeView):
    capacite = "finances.voir"
    template_name = "finances/tempsbenevole_list.html"
    context_object_name = "temps"
    filterset_class = TempsBenevoleFilter
    ordering = ("-date", "-pk")
    url_liste = "benevolat_list"
    nom_export = "benevolat"
    titre_export = "Bénévolat"

    def get(self, request, *args, **kwargs):
        # the rows name people: the roles that log them (finances.modifier), not a funder
        if not self.peut("finances.modifier"):
            raise PermissionDenied(MESSAGE_BENEVOLAT)
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return self.scoped(TempsBenevole).select_related("organisation", "financement")

    def export_personnel(self) -> bool:
        return self.peut("exports.donnees_personnelles")

    def colonnes_export(self) -> list[Colonne]:
        colonnes = [Colonne("Date", "date")]
        if self.export_personnel():
            colonnes.append(Colonne("Bénévole", "personne"))
        return colonnes + [
            Colonne("Organisation", "organisation.nom"),
            Colonne("Activité", "activite"),
            Colonne("Financement", "financement.intitule"),
            Colonne("Heures", "heures"),
            Colonne("Taux horaire (€)", "taux_horaire"),
            Colonne("Valorisation (€)", "valorisation"),
            Colonne("Valorisé", "valorise"),
        ]
