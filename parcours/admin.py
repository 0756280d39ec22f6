from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Apprenant, CompteurReference, Etape, Frein, Parcours, Phase, Presence, Seance, SessionFormation, Sortie


class FreinInline(admin.TabularInline):
    model = Frein
    extra = 0


@admin.register(Apprenant)
class ApprenantAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "nom", "prenom", "commune", "situation_entree", "qpv", "zrr", "date_entree", "projet"]
    list_filter = ["situation_entree", "qpv", "zrr", "statut_secu", "projet"]
    search_fields = ["reference", "nom", "prenom", "commune"]
    list_select_related = ["projet"]
    autocomplete_fields = ["prescripteur"]
    inlines = [FreinInline]


class EtapeInline(admin.TabularInline):
    model = Etape
    extra = 0
    fields = ["type", "intitule", "organisation", "date_debut", "date_fin", "statut", "motif"]
    autocomplete_fields = ["organisation"]


@admin.register(Parcours)
class ParcoursAdmin(SimpleHistoryAdmin):
    list_display = ["intitule", "apprenant", "statut", "date_debut", "date_fin", "suivi_6_mois_le", "projet"]
    list_filter = ["statut", "projet"]
    search_fields = ["intitule", "apprenant__nom", "apprenant__reference"]
    list_select_related = ["apprenant", "projet"]
    autocomplete_fields = ["apprenant"]
    inlines = [EtapeInline]


@admin.register(Etape)
class EtapeAdmin(SimpleHistoryAdmin):
    list_display = ["type", "intitule", "parcours", "organisation", "statut", "date_debut", "date_fin", "projet"]
    list_filter = ["type", "statut", "modalite", "projet"]
    search_fields = ["intitule", "code_rncp", "parcours__apprenant__nom", "organisation__nom"]
    list_select_related = ["parcours__apprenant", "organisation", "projet"]
    autocomplete_fields = ["parcours", "organisation", "session"]


@admin.register(SessionFormation)
class SessionFormationAdmin(admin.ModelAdmin):
    list_display = ["intitule", "organisation", "date_debut", "date_fin", "places_min", "places_max", "places_conciergerie"]
    list_filter = ["modalite", "projet"]
    search_fields = ["intitule", "organisation__nom", "code_rncp"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Frein)
class FreinAdmin(SimpleHistoryAdmin):
    list_display = ["type", "apprenant", "leve", "identifie_le", "leve_le"]
    list_filter = ["type", "leve", "projet"]
    search_fields = ["apprenant__nom", "commentaire"]
    list_select_related = ["apprenant"]
    autocomplete_fields = ["apprenant"]


@admin.register(Sortie)
class SortieAdmin(SimpleHistoryAdmin):
    list_display = ["parcours", "type", "resultat", "date"]
    list_filter = ["type", "resultat", "projet"]
    search_fields = ["parcours__apprenant__nom", "parcours__intitule"]
    list_select_related = ["parcours__apprenant"]
    autocomplete_fields = ["parcours"]


@admin.register(CompteurReference)
class CompteurReferenceAdmin(admin.ModelAdmin):
    """The sequence of a project's generated learner references: its prefix may be changed here
    (the next references take it; those already given stay)."""

    list_display = ["projet", "prefixe", "dernier"]
    search_fields = ["projet__nom", "prefixe"]
    list_select_related = ["projet"]


# ---------------------------------------------------------------- séances and attendance (issue 17)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["nom", "ordre", "session", "projet"]
    list_filter = ["projet"]
    search_fields = ["nom", "session__intitule"]
    list_select_related = ["session__organisation", "projet"]
    autocomplete_fields = ["session"]


@admin.register(Seance)
class SeanceAdmin(admin.ModelAdmin):
    list_display = ["date", "heure_debut", "heure_fin", "duree", "session", "projet"]
    list_filter = ["projet"]
    search_fields = ["intitule", "session__intitule"]
    list_select_related = ["session__organisation", "projet"]
    autocomplete_fields = ["session"]
    date_hierarchy = "date"


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ["seance", "apprenant", "statut", "heures", "projet"]
    list_filter = ["statut", "projet"]
    search_fields = ["apprenant__nom", "seance__session__intitule"]
    list_select_related = ["seance__session", "apprenant", "projet"]
    raw_id_fields = ["seance", "apprenant"]
