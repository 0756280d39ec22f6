"""Refuse a request body larger than any form of the app accepts, before Django reads it.

Each upload has its own limit, checked by its form with a precise message (5 Mo for an import or
a receipt, 10 Mo for a signed convention), but a form only sees a file once Django has received
and spooled all of it to disk. A body announced above ``TAILLE_MAX_REQUETE`` is answered at once
with a 413 in French and nothing is read nor written.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


class LimiteTailleRequeteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            taille = 0
        limite = settings.TAILLE_MAX_REQUETE
        if taille > limite:
            contenu = render_to_string("413.html", {"limite_mo": limite // (1024 * 1024)})
            return HttpResponse(contenu, status=413)
        return self.get_response(request)
