from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views, views_compte
from .double_facteur import double_facteur_non_requis

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="connexion"),
    path("deconnexion/", double_facteur_non_requis(auth_views.LogoutView.as_view()), name="deconnexion"),
    # the account's pages (any logged-in user): security, second factor, password
    path("compte/", views_compte.compte, name="compte"),
    path("compte/double-facteur/", views_compte.double_facteur_verifier, name="double_facteur_verifier"),
    path("compte/double-facteur/activer/", views_compte.double_facteur_activer, name="double_facteur_activer"),
    path("compte/double-facteur/desactiver/", views_compte.double_facteur_desactiver, name="double_facteur_desactiver"),
    path("compte/preferences/", views_compte.preferences, name="preferences"),
    path("compte/mot-de-passe/", views_compte.MotDePasseModifierView.as_view(), name="mot_de_passe_modifier"),
    path("compte/mot-de-passe/modifie/", views_compte.MotDePasseModifieView.as_view(), name="mot_de_passe_modifie"),
    path("projets/", views.mes_projets, name="mes_projets"),
    path("projets/changer/", views.changer_projet, name="changer_projet"),
    path("protection-des-donnees/", views.protection_donnees, name="protection_donnees"),
    path("sante/", views.sante, name="sante"),
    path("sante/pret/", views.sante_pret, name="sante_pret"),
    path("p/<int:projet_id>/", views.ProjetAccueilView.as_view(), name="projet_accueil"),
    path("p/<int:projet_id>/", include("parcours.urls")),
    path("p/<int:projet_id>/", include("parcours.urls_sessions")),
    path("p/<int:projet_id>/", include("partenaires.urls")),
    path("p/<int:projet_id>/", include("finances.urls")),
    path("p/<int:projet_id>/", include("recits.urls")),
    path("p/<int:projet_id>/", include("pilotage.urls")),
    path("p/<int:projet_id>/", include("rgpd.urls")),
    path("p/<int:projet_id>/", include("conciergerie.urls_imports")),
    path("synthese/", include("pilotage.urls_synthese")),
    path("admin/", admin.site.urls),
]

# Uploaded files (conventions, receipts, reports) are never served as static media: each is
# downloaded through a view that reads its row through visible_to().
