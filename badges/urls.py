"""URLs of the badges app, mounted under /p/<projet_id>/ (coordinators and administrators)."""

from django.urls import path

from . import views

urlpatterns = [
    path("badges/", views.BadgeClasseListView.as_view(), name="badgeclasse_list"),
    path("badges/nouveau/", views.BadgeClasseFormView.as_view(), name="badgeclasse_create"),
    path("badges/<int:pk>/", views.BadgeClasseDetailView.as_view(), name="badgeclasse_detail"),
    path("badges/<int:pk>/modifier/", views.BadgeClasseFormView.as_view(), name="badgeclasse_update"),
    path("badges/<int:pk>/proposer/", views.BadgeProposerView.as_view(), name="badge_proposer"),
    path("badges/delivres/<int:pk>/", views.BadgeDetailView.as_view(), name="badge_detail"),
    path("badges/delivres/<int:pk>/delivrer/", views.BadgeDelivrerView.as_view(), name="badge_delivrer"),
    path("badges/delivres/<int:pk>/revoquer/", views.BadgeRevoquerView.as_view(), name="badge_revoquer"),
    path("badges/delivres/<int:pk>/publication/", views.BadgePublicationView.as_view(), name="badge_publication"),
    path("badges/delivres/<int:pk>/retirer/", views.BadgeRetirerView.as_view(), name="badge_retirer"),
    path("badges/delivres/<int:pk>/telecharger/<str:format>/", views.BadgeTelechargerView.as_view(), name="badge_telecharger"),
]
