from django.urls import path

from . import views, views_suppression

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/nouvelle/", views.OrganisationFormView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", views.OrganisationFormView.as_view(), name="organisation_update"),
    path("organisations/<int:pk>/contacts/nouveau/", views.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/modifier/", views.ContactUpdateView.as_view(), name="contact_update"),
    path("conventions/nouvelle/", views.ConventionFormView.as_view(), name="convention_create"),
    path("conventions/<int:pk>/", views.ConventionDetailView.as_view(), name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.ConventionFormView.as_view(), name="convention_update"),
    path("conventions/<int:pk>/fichier/", views.ConventionFichierView.as_view(), name="convention_fichier"),
    # consortium membership dates (issue 16)
    path("organisations/<int:pk>/consortium/", views.MembreConsortiumDatesView.as_view(), name="membre_consortium_dates"),
    # deletions (conciergerie.mixins.ServiceDeleteView)
    path("organisations/<int:pk>/supprimer/", views_suppression.OrganisationDeleteView.as_view(), name="organisation_delete"),
    path("contacts/<int:pk>/supprimer/", views_suppression.ContactDeleteView.as_view(), name="contact_delete"),
]
