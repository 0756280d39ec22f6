from django.contrib import admin

from .models import Adhesion, Projet


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Projet)
class ProjetAdmin(admin.ModelAdmin):
    list_display = ["nom", "territoire", "date_debut", "date_fin", "taux_horaire_benevolat"]
    search_fields = ["nom", "territoire"]
    list_filter = ["date_debut"]
    inlines = [AdhesionInline]


@admin.register(Adhesion)
class AdhesionAdmin(admin.ModelAdmin):
    list_display = ["user", "projet", "role", "organisation", "actif"]
    list_filter = ["role", "actif", "projet"]
    search_fields = ["user__username", "user__last_name", "projet__nom"]
    autocomplete_fields = ["user", "projet", "organisation"]
    list_select_related = ["user", "projet", "organisation"]
