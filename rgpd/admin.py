from django.contrib import admin

from conciergerie.admin import LectureSeuleAdmin  # written by the services and the retention task only

from .models import Anonymisation, AvisConservation, PurgeConservation


@admin.register(PurgeConservation)
class PurgeConservationAdmin(LectureSeuleAdmin):
    list_display = ["date", "projet", *PurgeConservation.COMPTES]
    list_filter = ["projet"]
    date_hierarchy = "date"


@admin.register(AvisConservation)
class AvisConservationAdmin(LectureSeuleAdmin):
    list_display = ["apprenant", "projet", "derniere_activite", "annonce_le", "anonymisation_prevue_le"]
    list_filter = ["projet"]
    list_select_related = ["apprenant", "projet"]


@admin.register(Anonymisation)
class AnonymisationAdmin(LectureSeuleAdmin):
    list_display = ["faite_le", "projet", "motif", "apprenant", "contact", "par_nom"]
    list_filter = ["projet", "motif"]
    list_select_related = ["apprenant", "contact", "projet"]
