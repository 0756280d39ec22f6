"""The paths and steps lists (issue 19), with their CSV / xlsx downloads.

Rows through ``visible_to`` (a partner: the paths with a step at its organisation, and those
steps only); ``apprenants.voir`` (a funder: 403). The downloads follow the bilans' rules: a
learner is their reference, the name only with ``exports.donnees_personnelles``; the free-text
reason of a blocked or abandoned step only with it too (it may name a person's situation).
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from conciergerie.exports import Colonne
from conciergerie.listes import ListeFiltreeView

from .filters_listes import EtapeFilter, ParcoursFilter
from .models import Etape, Parcours


def _nom_referent(parcours) -> str:
    referent = parcours.referent
    return (referent.get_full_name() or referent.username) if referent else ""


class ParcoursListView(ListeFiltreeView):
    capacite = "apprenants.voir"
    template_name = "parcours/parcours_list.html"
    context_object_name = "parcours_liste"
    filterset_class = ParcoursFilter
    ordering = ("-date_debut", "pk")
    url_liste = "parcours_list"
    nom_export = "parcours"
    titre_export = "Parcours"

    def base_queryset(self):
        # the steps the user sees of each path (a partner: its organisation's), counted by a
        # correlated sub-query (no GROUP BY of the paths)
        etapes = self.scoped(Etape).filter(parcours_id=OuterRef("pk")).order_by().values("parcours_id").annotate(n=Count("pk")).values("n")
        return (
            self.scoped(Parcours)
            .select_related("apprenant", "referent")
            .annotate(nb_etapes=Coalesce(Subquery(etapes, output_field=IntegerField()), 0))
        )

    def export_personnel(self) -> bool:
        return self.peut("exports.donnees_personnelles")

    def colonnes_export(self) -> list[Colonne]:
        colonnes = [Colonne("Référence de l'apprenant", "apprenant.reference")]
        if self.export_personnel():
            colonnes += [Colonne("Prénom", "apprenant.prenom"), Colonne("Nom", "apprenant.nom")]
        return colonnes + [
            Colonne("Objectif", "intitule"),
            Colonne("Statut", lambda p: p.get_statut_display()),
            Colonne("Début", "date_debut"),
            Colonne("Fin", "date_fin"),
            Colonne("Suivi à 6 mois prévu le", "suivi_6_mois_le"),
            Colonne("Coordinateur référent", _nom_referent),
            Colonne("Étapes", "nb_etapes"),
        ]


class EtapeListView(ListeFiltreeView):
    capacite = "apprenants.voir"
    template_name = "parcours/etape_list.html"
    context_object_name = "etapes"
    filterset_class = EtapeFilter
    ordering = ("-date_debut", "pk")
    url_liste = "etape_list"
    nom_export = "etapes"
    titre_export = "Étapes"

    def base_queryset(self):
        return self.scoped(Etape).filter(parcours__projet=self.projet).select_related("parcours__apprenant", "organisation", "session")

    def export_personnel(self) -> bool:
        return self.peut("exports.donnees_personnelles")

    def colonnes_export(self) -> list[Colonne]:
        colonnes = [Colonne("Référence de l'apprenant", "parcours.apprenant.reference")]
        if self.export_personnel():
            colonnes += [Colonne("Prénom", "parcours.apprenant.prenom"), Colonne("Nom", "parcours.apprenant.nom")]
        colonnes += [
            Colonne("Parcours", "parcours.intitule"),
            Colonne("Type", lambda e: e.get_type_display()),
            Colonne("Intitulé", "intitule"),
            Colonne("Organisation", "organisation.nom"),
            Colonne("Session", "session.intitule"),
            Colonne("Code RNCP/RS", "code_rncp"),
            Colonne("Début", "date_debut"),
            Colonne("Fin", "date_fin"),
            Colonne("Heures prévues", "heures_prevues"),
            Colonne("Heures réalisées", "heures_realisees"),
            Colonne("Modalité", lambda e: e.get_modalite_display()),
            Colonne("Statut", lambda e: e.get_statut_display()),
        ]
        if self.export_personnel():
            colonnes.append(Colonne("Motif (blocage ou abandon)", "motif"))
        return colonnes
