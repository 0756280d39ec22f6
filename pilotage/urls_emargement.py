from django.urls import path

from . import views_emargement

urlpatterns = [
    path("seances/<int:pk>/emargement.pdf", views_emargement.SeanceEmargementPdfView.as_view(), name="seance_emargement_pdf"),
]
