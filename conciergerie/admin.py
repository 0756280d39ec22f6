from django.contrib import admin

from .models import Adhesion, EcritureProjet, Invitation, JournalAcces, Preferences, Projet, ResumeEnvoye, TraitementImport


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Projet)
class ProjetAdmin(admin.ModelAdmin):
    list_display = ["nom", "territoire", "date_debut", "date_fin", "cloture_le", "taux_horaire_benevolat"]
    search_fields = ["nom", "territoire"]
    list_filter = ["date_debut"]
    inlines = [AdhesionInline]
    fieldsets = [
        (None, {"fields": ["nom", "territoire", "date_debut", "date_fin", "cloture_le", "taux_horaire_benevolat"]}),
        (
            "Conservation des données personnelles",
            {"fields": ["conservation_inactivite_mois", "conservation_fichiers_jours", "conservation_emargements_ans"]},
        ),
    ]


@admin.register(Adhesion)
class AdhesionAdmin(admin.ModelAdmin):
    list_display = ["user", "projet", "role", "organisation", "actif"]
    list_filter = ["role", "actif", "projet"]
    search_fields = ["user__username", "user__last_name", "projet__nom"]
    autocomplete_fields = ["user", "projet", "organisation"]
    list_select_related = ["user", "projet", "organisation"]


@admin.register(ResumeEnvoye)
class ResumeEnvoyeAdmin(admin.ModelAdmin):
    """The record of the daily digests sent (one per user and day), made by the task only."""

    list_display = ["user", "jour", "envoye_le"]
    list_filter = ["jour"]
    search_fields = ["user__username", "user__last_name"]
    date_hierarchy = "jour"
    readonly_fields = ["user", "jour", "envoye_le"]

    def has_add_permission(self, request):
        return False


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    """Each user's own choices (the « Préférences » page): whether the morning digest is sent."""

    list_display = ["user", "resume_quotidien", "modifie_le"]
    list_filter = ["resume_quotidien"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]


class LectureSeuleAdmin(admin.ModelAdmin):
    """Rows the app writes and its own tasks delete: never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalAcces)
class JournalAccesAdmin(LectureSeuleAdmin):
    """The access log: written by the views only, never edited; the retention task purges it
    (rgpd.conservation)."""

    list_display = ["date", "projet", "user_nom", "action", "objet_libelle"]
    list_filter = ["action", "projet"]
    search_fields = ["user_nom", "objet_libelle"]
    date_hierarchy = "date"
    list_select_related = ["projet"]


@admin.register(EcritureProjet)
class EcritureProjetAdmin(LectureSeuleAdmin):
    """One row per write to a project's data (conciergerie.revisions), emptied each night
    (``revisions.compacter``): a row deleted by hand would bring an older revision back."""

    list_display = ["id", "projet", "modele"]
    list_filter = ["projet"]
    list_select_related = ["projet"]


@admin.register(TraitementImport)
class TraitementImportAdmin(admin.ModelAdmin):
    """The large imports run by the worker (conciergerie.imports.travail): made by the import
    pages only, read here (a stuck one can be deleted; the retention task deletes them with the
    import files)."""

    list_display = ["cree_le", "projet", "type", "nom_fichier", "confirmer", "statut", "tentatives"]
    list_filter = ["statut", "type"]
    search_fields = ["nom_fichier"]
    list_select_related = ["projet"]
    readonly_fields = [f.name for f in TraitementImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """The invitation links (conciergerie.membres): made and resent from the members page; read
    here (only the token's hash is stored: no link can be read back)."""

    list_display = ["cree_le", "projet", "user", "expire_le", "utilisee_le", "remplacee_le"]
    list_filter = ["projet"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["projet", "user"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
