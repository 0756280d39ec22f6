"""Imports for administrators (under /p/<projet_id>/): see conciergerie/views_imports.py."""

from django.urls import path

from . import views_imports as views

urlpatterns = [
    path("imports/", views.ImportsView.as_view(), name="imports"),
    path("imports/<slug:type>/", views.ImportFichierView.as_view(), name="import_fichier"),
    path("imports/<slug:type>/modele.<str:format>", views.ImportModeleView.as_view(), name="import_modele"),
    path("imports/<slug:type>/confirmer/", views.ImportConfirmerView.as_view(), name="import_confirmer"),
    path("imports/<slug:type>/suivi/<int:pk>/", views.ImportSuiviView.as_view(), name="import_suivi"),
]
