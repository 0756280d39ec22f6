from django.contrib import admin
from django.db import models

from .models import Contact, Convention, MembreConsortium, Organisation


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "commune", "siret", "qualiopi_statut", "qualiopi_expiration", "projet"]
    list_filter = ["type", "qualiopi_statut", "projet"]
    search_fields = ["nom", "commune", "siret"]
    list_select_related = ["projet"]
    inlines = [ContactInline]
    # like the coordinators' form (partenaires.forms): "example.org" means https://example.org
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "organisation", "fonction", "email", "est_referent"]
    list_filter = ["est_referent", "organisation__type"]
    search_fields = ["nom", "prenom", "email", "organisation__nom"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(MembreConsortium)
class MembreConsortiumAdmin(admin.ModelAdmin):
    list_display = ["organisation", "projet", "role", "date_entree", "date_sortie"]
    list_filter = ["role", "projet"]
    search_fields = ["organisation__nom", "projet__nom"]
    list_select_related = ["organisation", "projet"]
    autocomplete_fields = ["organisation"]


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["intitule", "type", "projet", "date_debut", "date_fin", "montant"]
    list_filter = ["type", "projet"]
    search_fields = ["intitule", "parties__nom"]
    filter_horizontal = ["parties"]
    list_select_related = ["projet"]
