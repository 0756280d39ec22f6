from django.contrib import admin

from .models import Depense, DerogationEligibilite, Financement, LigneBudget, Objectif, PartageValeur, TempsBenevole, Versement


class LigneBudgetInline(admin.TabularInline):
    model = LigneBudget
    extra = 0


class VersementInline(admin.TabularInline):
    model = Versement
    extra = 0


@admin.register(Financement)
class FinancementAdmin(admin.ModelAdmin):
    list_display = ["intitule", "programme", "financeur", "montant_accorde", "date_debut", "date_fin", "plafond_benevolat", "projet"]
    list_filter = ["programme", "projet"]
    search_fields = ["intitule", "programme", "financeur__nom"]
    list_select_related = ["financeur", "projet"]
    inlines = [LigneBudgetInline, VersementInline]


@admin.register(LigneBudget)
class LigneBudgetAdmin(admin.ModelAdmin):
    list_display = ["libelle", "categorie", "financement", "montant_prevu"]
    list_filter = ["categorie", "financement__projet"]
    search_fields = ["libelle", "financement__intitule"]
    list_select_related = ["financement"]


@admin.register(Depense)
class DepenseAdmin(admin.ModelAdmin):
    list_display = ["date", "libelle", "ligne", "montant"]
    list_filter = ["ligne__categorie", "ligne__financement__projet"]
    search_fields = ["libelle"]
    list_select_related = ["ligne"]
    date_hierarchy = "date"


@admin.register(Versement)
class VersementAdmin(admin.ModelAdmin):
    list_display = ["financement", "type", "montant", "date_limite_demande", "date_demande", "date_reception"]
    list_filter = ["type", "financement__projet"]
    search_fields = ["financement__intitule"]
    list_select_related = ["financement"]


@admin.register(TempsBenevole)
class TempsBenevoleAdmin(admin.ModelAdmin):
    list_display = ["date", "personne", "activite", "heures", "taux_horaire", "valorise", "projet"]
    list_filter = ["valorise", "projet"]
    search_fields = ["personne", "activite"]
    list_select_related = ["projet"]
    date_hierarchy = "date"


@admin.register(PartageValeur)
class PartageValeurAdmin(admin.ModelAdmin):
    list_display = ["organisation", "session", "mode", "montant", "recu", "date_reception"]
    list_filter = ["mode", "recu", "projet"]
    search_fields = ["organisation__nom"]
    list_select_related = ["organisation", "session"]


@admin.register(DerogationEligibilite)
class DerogationEligibiliteAdmin(admin.ModelAdmin):
    list_display = ["apprenant", "financement", "eligible", "motif", "projet"]
    list_filter = ["eligible", "projet"]
    search_fields = ["motif", "financement__intitule"]
    list_select_related = ["apprenant", "financement", "projet"]
    raw_id_fields = ["apprenant", "financement"]


@admin.register(Objectif)
class ObjectifAdmin(admin.ModelAdmin):
    list_display = ["indicateur", "valeur_cible", "financement", "date_debut", "date_echeance", "projet"]
    list_filter = ["indicateur", "projet"]
    list_select_related = ["financement", "projet"]
