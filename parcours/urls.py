from django.urls import path

from . import views

urlpatterns = [
    path("apprenants/", views.ApprenantListView.as_view(), name="apprenant_list"),
    path("apprenants/<int:pk>/", views.ApprenantDetailView.as_view(), name="apprenant_detail"),
]
