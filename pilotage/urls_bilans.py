"""Excel bilans of a project (pilotage/views_bilans.py), under /p/<projet_id>/."""

from django.urls import path

from . import views_bilans as v

urlpatterns = [
    path("bilans/", v.BilanProjetView.as_view(), name="bilan_projet"),
    path("bilans/<int:pk>/", v.BilanStatutView.as_view(), name="bilan_statut"),
    path("bilans/<int:pk>/relancer/", v.BilanRelancerView.as_view(), name="bilan_relancer"),
    path("bilans/<int:pk>/telecharger/", v.BilanTelechargerView.as_view(), name="bilan_telecharger"),
]
