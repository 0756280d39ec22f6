from django.urls import path

from . import views

urlpatterns = [
    path("apprenants/<int:pk>/export/", views.ApprenantExportView.as_view(), name="apprenant_export"),
    path("apprenants/<int:pk>/anonymiser/", views.ApprenantAnonymiserView.as_view(), name="apprenant_anonymiser"),
    path("contacts/<int:pk>/anonymiser/", views.ContactAnonymiserView.as_view(), name="contact_anonymiser"),
    path("journal-des-acces/", views.JournalAccesView.as_view(), name="journal_acces"),
    path("conservation/", views.ConservationView.as_view(), name="conservation"),
]
