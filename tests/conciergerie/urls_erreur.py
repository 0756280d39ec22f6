"""A URL that fails, for the 500 page's test."""

from django.urls import path


def panne(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", panne)]
