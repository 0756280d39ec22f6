"""Public URLs of the badges app (no login), mounted under /badges/: what a credential names
(the issuer's profile and key, its status list, the image) and the verification pages."""

from django.urls import path

from . import views_publiques as v

urlpatterns = [
    path("v/<str:slug>/", v.badge_public, name="badge_public"),
    path("verifier/", v.badge_verifier, name="badge_verifier"),
    path("emetteurs/<uuid:identifiant>/", v.emetteur_profil, name="emetteur_profil"),
    path("emetteurs/<uuid:identifiant>/jwks.json", v.emetteur_jwks, name="emetteur_jwks"),
    path("emetteurs/<uuid:identifiant>/statut/", v.emetteur_statut, name="emetteur_statut"),
    path("images/<uuid:identifiant>/", v.badgeclasse_image_publique, name="badgeclasse_image_publique"),
]
