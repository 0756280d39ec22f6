from django.contrib import admin

from .models import Badge, BadgeClasse, CleProjet, CompetenceRequise


class CompetenceRequiseInline(admin.TabularInline):
    model = CompetenceRequise
    extra = 0
    raw_id_fields = ["competence"]


@admin.register(BadgeClasse)
class BadgeClasseAdmin(admin.ModelAdmin):
    list_display = ["nom", "projet", "cree_le"]
    list_filter = ["projet"]
    search_fields = ["nom", "description"]
    inlines = [CompetenceRequiseInline]


@admin.register(CompetenceRequise)
class CompetenceRequiseAdmin(admin.ModelAdmin):
    list_display = ["badge_classe", "competence", "niveau"]
    search_fields = ["badge_classe__nom", "competence__code"]
    raw_id_fields = ["badge_classe", "competence"]


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    """Issued and signed by the app (badges.services): never added by hand; the signed fields
    are read-only."""

    list_display = ["classe", "apprenant", "statut", "delivre_le", "projet"]
    list_filter = ["statut", "projet"]
    search_fields = ["classe__nom", "apprenant__reference"]
    readonly_fields = [
        "projet",
        "classe",
        "apprenant",
        "statut",
        "delivre_le",
        "delivre_par",
        "revoque_le",
        "revoque_par",
        "index_statut",
        "jwt",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(CleProjet)
class CleProjetAdmin(admin.ModelAdmin):
    """Made on first use (badges.cles): never added nor changed by hand; the private key is
    never shown, even encrypted."""

    list_display = ["projet", "identifiant", "cree_le"]
    fields = ["projet", "identifiant", "cle_publique", "cree_le"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # every credential it signed would no longer verify
