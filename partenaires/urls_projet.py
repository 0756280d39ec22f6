from django.urls import path

from . import creation_projet

urlpatterns = [path("", creation_projet.projet_creer, name="projet_creer")]
