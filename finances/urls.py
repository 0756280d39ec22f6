from django.urls import path

from . import views, views_listes, views_suppression

urlpatterns = [
    path("finances/", views.FinancesView.as_view(), name="finances"),
    # the expenses and volunteer-time lists and their downloads (issue 19)
    path("depenses/", views_listes.DepenseListView.as_view(), name="depense_list"),
    path("benevolat/", views_listes.TempsBenevoleListView.as_view(), name="benevolat_list"),
    path("financements/nouveau/", views.FinancementFormView.as_view(), name="financement_create"),
    path("financements/<int:pk>/", views.FinancementDetailView.as_view(), name="financement_detail"),
    path("financements/<int:pk>/modifier/", views.FinancementFormView.as_view(), name="financement_update"),
    path("financements/<int:pk>/logo/", views.FinancementLogoView.as_view(), name="financement_logo"),
    path("financements/<int:financement_pk>/lignes/nouvelle/", views.LigneBudgetFormView.as_view(), name="ligne_create"),
    path("lignes/<int:pk>/modifier/", views.LigneBudgetFormView.as_view(), name="ligne_update"),
    path("financements/<int:financement_pk>/depenses/nouvelle/", views.DepenseFormView.as_view(), name="depense_create"),
    path("depenses/<int:pk>/modifier/", views.DepenseFormView.as_view(), name="depense_update"),
    path("depenses/<int:pk>/justificatif/", views.JustificatifView.as_view(), name="depense_justificatif"),
    path("financements/<int:financement_pk>/versements/nouveau/", views.VersementFormView.as_view(), name="versement_create"),
    path("versements/<int:pk>/modifier/", views.VersementFormView.as_view(), name="versement_update"),
    path("benevolat/nouveau/", views.TempsBenevoleCreateView.as_view(), name="benevolat_create"),
    path("benevolat/semaine/", views.SemaineView.as_view(), name="benevolat_semaine"),
    path("benevolat/<int:pk>/modifier/", views.TempsBenevoleUpdateView.as_view(), name="benevolat_update"),
    path("partages/nouveau/", views.PartageValeurFormView.as_view(), name="partage_create"),
    path("partages/<int:pk>/modifier/", views.PartageValeurFormView.as_view(), name="partage_update"),
    path("financements/<int:financement_pk>/derogations/nouvelle/", views.DerogationFormView.as_view(), name="derogation_create"),
    path("derogations/<int:pk>/modifier/", views.DerogationFormView.as_view(), name="derogation_update"),
    path("objectifs/", views.ObjectifListView.as_view(), name="objectif_list"),
    path("objectifs/nouveau/", views.ObjectifFormView.as_view(), name="objectif_create"),
    path("objectifs/<int:pk>/modifier/", views.ObjectifFormView.as_view(), name="objectif_update"),
    # deletions (conciergerie.mixins.ServiceDeleteView)
    path("depenses/<int:pk>/supprimer/", views_suppression.DepenseDeleteView.as_view(), name="depense_delete"),
    path("versements/<int:pk>/supprimer/", views_suppression.VersementDeleteView.as_view(), name="versement_delete"),
    path("benevolat/<int:pk>/supprimer/", views_suppression.TempsBenevoleDeleteView.as_view(), name="benevolat_delete"),
    path("derogations/<int:pk>/supprimer/", views_suppression.DerogationDeleteView.as_view(), name="derogation_delete"),
    path("objectifs/<int:pk>/supprimer/", views_suppression.ObjectifDeleteView.as_view(), name="objectif_delete"),
]
