"""The roll-up of several projects (not under /p/<projet_id>/: it spans the user's projects)."""

from django.urls import path

from . import views_bilans, views_tableau

urlpatterns = [
    path("", views_tableau.SyntheseView.as_view(), name="synthese"),
    path("bilan/", views_bilans.SyntheseBilanView.as_view(), name="synthese_bilan"),
]
