"""URLs of the recits app, mounted under /p/<projet_id>/: récits, activités (and their volunteer
time), COPIL meetings."""

from django.urls import path

from . import views, views_suppression

urlpatterns = [
    path("recits/", views.RecitListView.as_view(), name="recit_list"),
    path("recits/nouveau/", views.RecitFormView.as_view(), name="recit_create"),
    path("recits/<int:pk>/", views.RecitDetailView.as_view(), name="recit_detail"),
    path("recits/apercu/", views.RecitApercuView.as_view(), name="recit_apercu"),
    path("recits/apprenants/", views.RecitApprenantsView.as_view(), name="recit_apprenants"),
    path("recits/<int:pk>/modifier/", views.RecitFormView.as_view(), name="recit_update"),
    path("apprenants/<int:pk>/consentement/retrait/", views.RetraitConsentementView.as_view(), name="consentement_retrait"),
    path("activites/", views.ActiviteListView.as_view(), name="activite_list"),
    path("activites/nouvelle/", views.ActiviteFormView.as_view(), name="activite_create"),
    path("activites/<int:pk>/", views.ActiviteDetailView.as_view(), name="activite_detail"),
    path("activites/<int:pk>/modifier/", views.ActiviteFormView.as_view(), name="activite_update"),
    path("activites/<int:pk>/benevolat/", views.ActiviteTempsView.as_view(), name="activite_temps_create"),
    path("copils/", views.CopilListView.as_view(), name="copil_list"),
    path("copils/nouveau/", views.CopilFormView.as_view(), name="copil_create"),
    path("copils/<int:pk>/", views.CopilDetailView.as_view(), name="copil_detail"),
    path("copils/<int:pk>/modifier/", views.CopilFormView.as_view(), name="copil_update"),
    # deletions (conciergerie.mixins.ServiceDeleteView)
    path("recits/<int:pk>/supprimer/", views_suppression.RecitDeleteView.as_view(), name="recit_delete"),
    path("activites/<int:pk>/supprimer/", views_suppression.ActiviteDeleteView.as_view(), name="activite_delete"),
]
