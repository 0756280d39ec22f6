from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views, views_compte

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    # the account's pages (any logged-in user)
    path("compte/mot-de-passe/", views_compte.MotDePasseModifierView.as_view(), name="mot_de_passe_modifier"),
    path("compte/mot-de-passe/modifie/", views_compte.MotDePasseModifieView.as_view(), name="mot_de_passe_modifie"),
    path("projets/", views.mes_projets, name="mes_projets"),
    path("projets/changer/", views.changer_projet, name="changer_projet"),
    path("sante/", views.sante, name="sante"),
    path("p/<int:projet_id>/", views.ProjetAccueilView.as_view(), name="projet_accueil"),
    path("p/<int:projet_id>/", include("parcours.urls")),
    path("p/<int:projet_id>/", include("parcours.urls_sessions")),
    path("p/<int:projet_id>/", include("partenaires.urls")),
    path("p/<int:projet_id>/", include("finances.urls")),
    path("p/<int:projet_id>/", include("recits.urls")),
    path("p/<int:projet_id>/", include("pilotage.urls")),
    path("p/<int:projet_id>/", include("conciergerie.urls_imports")),
    path("synthese/", include("pilotage.urls_synthese")),
    path("admin/", admin.site.urls),
]

# Uploaded files (conventions, receipts, reports) are never served as static media: each is
# downloaded through a view that reads its row through visible_to().
