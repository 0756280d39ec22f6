"""COPIL report jobs (pilotage/views_rapports.py), under /p/<projet_id>/."""

from django.urls import path

from . import views_rapports as v

urlpatterns = [
    path("copils/<int:pk>/rapport/", v.RapportDemanderView.as_view(), name="rapport_demander"),
    path("rapports/<int:pk>/", v.RapportStatutView.as_view(), name="rapport_statut"),
    path("rapports/<int:pk>/relancer/", v.RapportRelancerView.as_view(), name="rapport_relancer"),
    path("rapports/<int:pk>/telecharger/", v.RapportTelechargerView.as_view(), name="rapport_telecharger"),
]
