from django.urls import path

from . import views_seances
from . import views_sessions as views

urlpatterns = [
    path("sessions/", views.SessionFormationListView.as_view(), name="sessionformation_list"),
    path("sessions/nouvelle/", views.SessionFormationFormView.as_view(), name="sessionformation_create"),
    path("sessions/<int:pk>/", views.SessionFormationDetailView.as_view(), name="sessionformation_detail"),
    path("sessions/<int:pk>/modifier/", views.SessionFormationFormView.as_view(), name="sessionformation_update"),
    path("organisations/<int:pk>/apprenants/", views.OrganisationApprenantsView.as_view(), name="organisation_apprenants"),
    # séances, participants and attendance (issue 17, parcours/views_seances.py)
    path("sessions/<int:pk>/phases/nouvelle/", views_seances.PhaseFormView.as_view(), name="phase_create"),
    path("phases/<int:pk>/modifier/", views_seances.PhaseFormView.as_view(), name="phase_update"),
    path("phases/<int:pk>/supprimer/", views_seances.PhaseDeleteView.as_view(), name="phase_delete"),
    path("sessions/<int:pk>/seances/nouvelle/", views_seances.SeanceFormView.as_view(), name="seance_create"),
    path("sessions/<int:pk>/participants/", views_seances.ParticipantsAjouterView.as_view(), name="session_participants"),
    path(
        "sessions/<int:pk>/participants/<int:apprenant_id>/retirer/",
        views_seances.ParticipantRetirerView.as_view(),
        name="session_participant_retirer",
    ),
    path("seances/<int:pk>/modifier/", views_seances.SeanceFormView.as_view(), name="seance_update"),
    path("seances/<int:pk>/supprimer/", views_seances.SeanceDeleteView.as_view(), name="seance_delete"),
    path("seances/<int:pk>/presences/", views_seances.SeancePresencesView.as_view(), name="seance_presences"),
    path("seances/<int:pk>/feuille-signee/", views_seances.FeuilleSigneeView.as_view(), name="seance_feuille_signee"),
    path(
        "seances/<int:pk>/feuille-signee/fichier/", views_seances.FeuilleSigneeFichierView.as_view(), name="seance_feuille_signee_fichier"
    ),
    path("calendrier/", views_seances.CalendrierView.as_view(), name="calendrier"),
]
