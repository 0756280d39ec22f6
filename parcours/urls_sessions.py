from django.urls import path

from . import views_sessions as views

urlpatterns = [
    path("sessions/", views.SessionFormationListView.as_view(), name="sessionformation_list"),
    path("sessions/nouvelle/", views.SessionFormationFormView.as_view(), name="sessionformation_create"),
    path("sessions/<int:pk>/", views.SessionFormationDetailView.as_view(), name="sessionformation_detail"),
    path("sessions/<int:pk>/modifier/", views.SessionFormationFormView.as_view(), name="sessionformation_update"),
    path("organisations/<int:pk>/apprenants/", views.OrganisationApprenantsView.as_view(), name="organisation_apprenants"),
]
