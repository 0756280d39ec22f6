"""The AFEST file of a learner (PDF), under /p/<projet_id>/."""

from django.urls import path

from . import views_afest

urlpatterns = [
    path("apprenants/<int:pk>/afest.pdf", views_afest.AfestPdfView.as_view(), name="afest_pdf"),
]
