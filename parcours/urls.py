from django.urls import path

from . import views, views_listes, views_recherche, views_suppression

urlpatterns = [
    path("apprenants/", views.ApprenantListView.as_view(), name="apprenant_list"),
    path("apprenants/actions/", views.ApprenantActionsView.as_view(), name="apprenant_actions"),
    path("apprenants/nouveau/", views.ApprenantFormView.as_view(), name="apprenant_create"),
    path("apprenants/<int:pk>/", views.ApprenantDetailView.as_view(), name="apprenant_detail"),
    path("apprenants/<int:pk>/modifier/", views.ApprenantFormView.as_view(), name="apprenant_update"),
    path("apprenants/<int:pk>/parcours/nouveau/", views.ParcoursCreateView.as_view(), name="parcours_create"),
    path("apprenants/<int:pk>/freins/nouveau/", views.FreinCreateView.as_view(), name="frein_create"),
    # the global search of the header (issue 19)
    path("recherche/", views_recherche.RechercheView.as_view(), name="recherche"),
    # the paths and steps lists and their downloads (issue 19)
    path("parcours/", views_listes.ParcoursListView.as_view(), name="parcours_list"),
    path("etapes/", views_listes.EtapeListView.as_view(), name="etape_list"),
    path("parcours/<int:pk>/modifier/", views.ParcoursUpdateView.as_view(), name="parcours_update"),
    path("parcours/<int:pk>/etapes/nouvelle/", views.EtapeCreateView.as_view(), name="etape_create"),
    path("parcours/<int:pk>/cloturer/", views.ParcoursCloturerView.as_view(), name="parcours_cloturer"),
    path("parcours/<int:pk>/suivi/", views.ParcoursSuiviView.as_view(), name="parcours_suivi"),
    path("etapes/<int:pk>/modifier/", views.EtapeUpdateView.as_view(), name="etape_update"),
    path("etapes/<int:pk>/statut/", views.EtapeStatutView.as_view(), name="etape_statut"),
    path("freins/<int:pk>/modifier/", views.FreinUpdateView.as_view(), name="frein_update"),
    path("freins/<int:pk>/lever/", views.FreinLeverView.as_view(), name="frein_lever"),
    path("sorties/<int:pk>/modifier/", views.SortieUpdateView.as_view(), name="sortie_update"),
    # deletions (conciergerie.mixins.ServiceDeleteView)
    path("etapes/<int:pk>/supprimer/", views_suppression.EtapeDeleteView.as_view(), name="etape_delete"),
    path("freins/<int:pk>/supprimer/", views_suppression.FreinDeleteView.as_view(), name="frein_delete"),
    path("sessions/<int:pk>/supprimer/", views_suppression.SessionFormationDeleteView.as_view(), name="sessionformation_delete"),
]
