"""URLs of the competences app, mounted under /p/<projet_id>/: frameworks, evaluations, AFEST."""

from django.urls import path

from . import views

urlpatterns = [
    path("referentiels/", views.ReferentielListView.as_view(), name="referentiel_list"),
    path("referentiels/nouveau/", views.ReferentielFormView.as_view(), name="referentiel_create"),
    path("referentiels/<int:pk>/", views.ReferentielDetailView.as_view(), name="referentiel_detail"),
    path("referentiels/<int:pk>/modifier/", views.ReferentielFormView.as_view(), name="referentiel_update"),
    path("referentiels/<int:pk>/export/", views.ReferentielExportView.as_view(), name="referentiel_export"),
    path("referentiels/<int:referentiel_id>/blocs/nouveau/", views.BlocFormView.as_view(), name="bloc_create"),
    path("referentiels/<int:referentiel_id>/blocs/<int:pk>/modifier/", views.BlocFormView.as_view(), name="bloc_update"),
    path("referentiels/<int:referentiel_id>/competences/nouvelle/", views.CompetenceFormView.as_view(), name="competence_create"),
    path("referentiels/<int:referentiel_id>/competences/<int:pk>/modifier/", views.CompetenceFormView.as_view(), name="competence_update"),
    path("apprenants/<int:apprenant_id>/evaluations/nouvelle/", views.EvaluationFormView.as_view(), name="evaluation_create"),
    path("etapes/<int:etape_id>/afest/", views.EtapeAfestView.as_view(), name="etape_afest"),
    path("etapes/<int:etape_id>/afest/<str:type>/", views.ComposanteAfestFormView.as_view(), name="composante_afest_create"),
]
