"""The roll-up of several projects (not under /p/<projet_id>/: it spans the user's projects), and
the detailed bilan of the projects the user administers (its page and its job views)."""

from django.urls import path

from . import views_bilans, views_tableau

urlpatterns = [
    path("", views_tableau.SyntheseView.as_view(), name="synthese"),
    path("bilan/", views_bilans.SyntheseBilanView.as_view(), name="synthese_bilan"),
    path("bilans/", views_bilans.BilanProjetsView.as_view(), name="bilan_projets"),
    path("bilans/<int:pk>/", views_bilans.BilanProjetsStatutView.as_view(), name="bilan_projets_statut"),
    path("bilans/<int:pk>/relancer/", views_bilans.BilanProjetsRelancerView.as_view(), name="bilan_projets_relancer"),
    path("bilans/<int:pk>/telecharger/", views_bilans.BilanProjetsTelechargerView.as_view(), name="bilan_projets_telecharger"),
]
