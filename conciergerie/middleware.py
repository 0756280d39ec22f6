"""The project's middleware: the request size limit and the second factor's gate.

**Size.** Refuse a request body larger than any form of the app accepts, before Django reads it.

Each upload has its own limit, checked by its form with a precise message (5 Mo for an import or
a receipt, 10 Mo for a signed convention), but a form only sees a file once Django has received
and spooled all of it to disk. A body announced above ``TAILLE_MAX_REQUETE`` is answered at once
with a 413 in French and nothing is read nor written.

``EnTetesSecuriteMiddleware`` adds the Permissions-Policy header to every response, and
``Cache-Control: private, no-store`` to every response to a logged-in user: pages and downloads
alike hold personal data (a learner's page, a receipt, a bilan), and one rule for all of them
cannot forget a new view. Static files are served by whitenoise before the user is known, and
keep their long cache.

**Second factor.** ``DoubleFacteurMiddleware``: the rules are in ``conciergerie/double_facteur.py``.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from . import double_facteur


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


class EnTetesSecuriteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{fonction}=()" for fonction in settings.PERMISSIONS_POLICY_REFUSEES)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # request.user is there once AuthenticationMiddleware has run (not for a static file, nor
        # a body refused before it is read)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class DoubleFacteurMiddleware:
    """A session that must pass the second factor (``double_facteur.code_attendu``) opens
    nothing but the second factor's pages, logout and the public pages until it does: any other
    page redirects to the code page (or to the enrolment page for who must have a device and has
    none), then back to the page asked for. Installed after ``OTPMiddleware`` and
    ``LoginRequiredMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True) or getattr(view_func, "double_facteur_non_requis", False):
            return None
        if not double_facteur.code_attendu(request):
            return None
        cible = "double_facteur_verifier" if double_facteur.a_un_appareil(request.user) else "double_facteur_activer"
        url = reverse(cible)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
