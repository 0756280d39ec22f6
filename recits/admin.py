from django.contrib import admin

from .models import Activite, AvisRetraitConsentement, Copil, Recit


@admin.register(Recit)
class RecitAdmin(admin.ModelAdmin):
    list_display = ["titre", "type", "date", "a_presenter_copil", "projet"]
    list_filter = ["type", "a_presenter_copil", "projet"]
    search_fields = ["titre", "texte"]
    filter_horizontal = ["apprenants", "organisations", "activites"]


@admin.register(Activite)
class ActiviteAdmin(admin.ModelAdmin):
    list_display = ["intitule", "type", "date", "lieu", "nb_participants", "projet"]
    list_filter = ["type", "projet"]
    search_fields = ["intitule", "lieu"]
    filter_horizontal = ["organisations"]


@admin.register(Copil)
class CopilAdmin(admin.ModelAdmin):
    list_display = ["__str__", "projet", "lieu", "periode_debut", "periode_fin"]
    list_filter = ["projet"]
    search_fields = ["lieu", "decisions"]
    filter_horizontal = ["participants"]


@admin.register(AvisRetraitConsentement)
class AvisRetraitConsentementAdmin(admin.ModelAdmin):
    """Made by the withdrawal of a consent (recits.services.retirer_consentement): no add page."""

    list_display = ["recit", "destinataire", "retire_le", "cree_le", "projet"]
    list_filter = ["projet"]
    search_fields = ["recit__titre", "destinataire__username"]
    readonly_fields = ["projet", "recit", "destinataire", "retire_le", "cree_le"]

    def has_add_permission(self, request):
        return False
