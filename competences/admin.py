from django.contrib import admin

from .models import Bloc, Competence, ComposanteAfest, Evaluation, NiveauEvaluation, Referentiel


class BlocInline(admin.TabularInline):
    model = Bloc
    extra = 0


@admin.register(Referentiel)
class ReferentielAdmin(admin.ModelAdmin):
    list_display = ["nom", "version", "archive", "projet", "cree_le"]
    list_filter = ["archive", "projet"]
    search_fields = ["nom", "description"]
    raw_id_fields = ["precedent"]
    inlines = [BlocInline]


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0


@admin.register(Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "referentiel", "code_certification", "ordre"]
    list_filter = ["referentiel__projet"]
    search_fields = ["code", "libelle"]
    inlines = [CompetenceInline]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "bloc", "ordre"]
    list_filter = ["bloc__referentiel__projet"]
    search_fields = ["code", "libelle", "criteres"]


class NiveauEvaluationInline(admin.TabularInline):
    model = NiveauEvaluation
    extra = 0
    raw_id_fields = ["competence"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "apprenant", "referentiel", "moment", "evaluateur_qualite", "date", "projet"]
    list_filter = ["moment", "evaluateur_qualite", "projet"]
    search_fields = ["apprenant__reference", "commentaire"]
    raw_id_fields = ["apprenant", "referentiel", "etape", "organisation", "evaluateur"]
    inlines = [NiveauEvaluationInline]


@admin.register(NiveauEvaluation)
class NiveauEvaluationAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "competence", "niveau"]
    list_filter = ["niveau", "evaluation__projet"]
    raw_id_fields = ["evaluation", "competence"]


@admin.register(ComposanteAfest)
class ComposanteAfestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "etape", "type", "intervenant", "projet"]
    list_filter = ["type", "projet"]
    search_fields = ["contenu", "intervenant"]
    raw_id_fields = ["etape", "evaluation", "saisie_par"]
    filter_horizontal = ["competences"]
