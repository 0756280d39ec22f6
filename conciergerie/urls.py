from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views, views_compte, views_membres
from .double_facteur import double_facteur_non_requis
from .forms import ConnexionForm

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=ConnexionForm), name="connexion"),
    path("deconnexion/", double_facteur_non_requis(auth_views.LogoutView.as_view()), name="deconnexion"),
    # the account's pages (any logged-in user): security, second factor, password
    path("compte/", views_compte.compte, name="compte"),
    path("compte/double-facteur/", views_compte.double_facteur_verifier, name="double_facteur_verifier"),
    path("compte/double-facteur/activer/", views_compte.double_facteur_activer, name="double_facteur_activer"),
    path("compte/double-facteur/desactiver/", views_compte.double_facteur_desactiver, name="double_facteur_desactiver"),
    path("compte/preferences/", views_compte.preferences, name="preferences"),
    path("compte/mot-de-passe/", views_compte.MotDePasseModifierView.as_view(), name="mot_de_passe_modifier"),
    path("compte/mot-de-passe/modifie/", views_compte.MotDePasseModifieView.as_view(), name="mot_de_passe_modifie"),
    # forgotten password (Django's views, French templates; public; the same message whether or
    # not the address is known)
    path("mot-de-passe-oublie/", views_compte.ReinitialiserView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views_compte.ReinitialiserEnvoyeView.as_view(), name="password_reset_done"),
    path("mot-de-passe-oublie/<uidb64>/<token>/", views_compte.ReinitialiserConfirmerView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe-oublie/termine/", views_compte.ReinitialiserTermineView.as_view(), name="password_reset_complete"),
    # an invitation's one-time link (conciergerie/membres.py; public)
    path("invitation/<str:jeton>/", views_membres.invitation, name="invitation"),
    path("projets/", views.mes_projets, name="mes_projets"),
    # a new project, for the platform's people (permission conciergerie.creer_projet): its lead
    # organisation is an organisation of the consortium, so the page is the partenaires app's
    path("projets/nouveau/", include("partenaires.urls_projet")),
    path("projets/changer/", views.changer_projet, name="changer_projet"),
    path("protection-des-donnees/", views.protection_donnees, name="protection_donnees"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("sante/", views.sante, name="sante"),
    path("sante/pret/", views.sante_pret, name="sante_pret"),
    path("p/<int:projet_id>/", views.ProjetAccueilView.as_view(), name="projet_accueil"),
    path("p/<int:projet_id>/projet/", views_membres.ProjetModifierView.as_view(), name="projet_modifier"),
    path("p/<int:projet_id>/projet/clore/", views_membres.projet_clore, name="projet_clore"),
    path("p/<int:projet_id>/projet/rouvrir/", views_membres.projet_rouvrir, name="projet_rouvrir"),
    path("p/<int:projet_id>/membres/", views_membres.MembresView.as_view(), name="membres"),
    path("p/<int:projet_id>/membres/inviter/", views_membres.MembreInviterView.as_view(), name="membre_inviter"),
    path("p/<int:projet_id>/membres/<int:pk>/", views_membres.MembreModifierView.as_view(), name="membre_modifier"),
    path("p/<int:projet_id>/membres/<int:pk>/retirer/", views_membres.membre_retirer, name="membre_retirer"),
    path("p/<int:projet_id>/membres/<int:pk>/renvoyer/", views_membres.membre_renvoyer, name="membre_renvoyer"),
    path("p/<int:projet_id>/", include("parcours.urls")),
    path("p/<int:projet_id>/", include("parcours.urls_sessions")),
    path("p/<int:projet_id>/", include("partenaires.urls")),
    path("p/<int:projet_id>/", include("finances.urls")),
    path("p/<int:projet_id>/", include("recits.urls")),
    path("p/<int:projet_id>/", include("competences.urls")),
    path("p/<int:projet_id>/", include("badges.urls")),
    path("p/<int:projet_id>/", include("pilotage.urls")),
    path("p/<int:projet_id>/", include("rgpd.urls")),
    path("p/<int:projet_id>/", include("conciergerie.urls_imports")),
    path("synthese/", include("pilotage.urls_synthese")),
    # a user's iCal feed of séances (a secret URL, no login: parcours/views_seances.py)
    path("calendrier/", include("parcours.urls_calendrier")),
    # Open Badges: the verification pages and what a credential names (public, no login)
    path("badges/", include("badges.urls_publiques")),
    path("admin/", admin.site.urls),
]

# Uploaded files (conventions, receipts, reports) are never served as static media: each is
# downloaded through a view that reads its row through visible_to().
