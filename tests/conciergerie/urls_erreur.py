"""URLs that fail, for the error pages' tests, next to the project's own (the layout reverses them)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.urls import include, path


@login_not_required
def panne(request):
    raise RuntimeError("panne simulée")


@login_not_required
def invalide(request):
    raise BadRequest("requête simulée invalide")


urlpatterns = [path("panne/", panne), path("invalide/", invalide), path("", include("conciergerie.urls"))]
