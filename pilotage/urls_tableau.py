from django.urls import path

from . import views_tableau

urlpatterns = [
    path("tableau-de-bord/", views_tableau.TableauDeBordView.as_view(), name="tableau_de_bord"),
]
