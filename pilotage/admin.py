from django.contrib import admin

from .models import BilanExcel, RapportCopil


class JobAdmin(admin.ModelAdmin):
    """Jobs are made by the app (a row created here would never be enqueued): no add page."""

    def has_add_permission(self, request):
        return False


@admin.register(RapportCopil)
class RapportCopilAdmin(JobAdmin):
    list_display = ["copil", "statut", "progression", "cree_le", "debut", "fin"]
    list_filter = ["statut"]
    search_fields = ["erreur"]
    # ``detail``: the technical detail of a failure (traceback, paths), shown to platform
    # administrators here only; the pages show ``erreur``, in French without paths
    readonly_fields = ["cree_le", "debut", "fin", "erreur", "detail"]


@admin.register(BilanExcel)
class BilanExcelAdmin(JobAdmin):
    """The record of the Excel exports (who, when, which period, with personal data or not): made
    by the bilan page; its record fields are read-only here, and a record is never deleted from
    the admin (it is the trace of who exported personal data)."""

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ["projet", "periode_debut", "periode_fin", "donnees_personnelles", "demande_par_nom", "cree_le", "statut"]
    list_filter = ["donnees_personnelles", "statut", "projet"]
    search_fields = ["erreur", "demande_par_nom"]
    date_hierarchy = "cree_le"
    # the record of who exported what: read-only (widening ``projets`` would widen who sees the file)
    readonly_fields = [
        "projet",
        "projets",
        "periode_debut",
        "periode_fin",
        "demande_par",
        "demande_par_nom",
        "donnees_personnelles",
        "cree_le",
        "debut",
        "fin",
        "erreur",
        "detail",
    ]
