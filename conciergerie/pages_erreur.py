"""French error pages in every mode, ``make run`` (DEBUG=1) included.

With DEBUG off Django renders the project's templates (``templates/400.html``, ``403.html``,
``404.html``, ``500.html``; ``413.html`` comes from ``LimiteTailleRequeteMiddleware`` in every
mode). With DEBUG on it shows its technical pages instead, in English, for 400, 404 and 500 (a 403
already goes through ``403.html``). ``PagesErreurMiddleware`` renders the project's pages in DEBUG
too, so that the embedded mode shows what a user of the real deployment sees.

A developer still reaches Django's technical pages (the URL patterns tried, the 500 traceback) in
two explicit ways: ``?debug`` in the address of one request, or ``DEBUG_TECHNIQUE=1`` in the
environment for all of them. Neither exists with DEBUG off: the middleware does nothing then.

What it covers: an address that matches no URL pattern (resolved here first, since Django raises
that 404 before any middleware's ``process_exception``), and what a view raises: ``Http404``,
``BadRequest`` / ``SuspiciousOperation`` (400) and any other exception (500, logged and signalled
as Django does for its own 500).
"""

import logging
import sys

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import Resolver404, get_urlconf, resolve
from django.views import defaults

logger = logging.getLogger("django.request")


def pages_techniques(request) -> bool:
    """Whether this request gets Django's own pages: always with DEBUG off (Django's handlers then
    render the project's templates), and with DEBUG on only when asked for explicitly."""
    if not settings.DEBUG:
        return True
    return bool(getattr(settings, "DEBUG_TECHNIQUE", False)) or "debug" in request.GET


class PagesErreurMiddleware:
    """Installed after the authentication middleware, so that the 404 page has its layout (the
    header knows the user), and inside ``CommonMiddleware``, which still turns a 404 on an address
    without its final slash into a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not pages_techniques(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404 as exc:
                return defaults.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if pages_techniques(request):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django renders 403.html in every mode
        if isinstance(exception, BadRequest | SuspiciousOperation):
            logger.warning("Requête invalide : %s", request.path, exc_info=sys.exc_info())
            return defaults.bad_request(request, exception)
        signals.got_request_exception.send(sender=None, request=request)
        logger.error("Internal Server Error: %s", request.path, exc_info=sys.exc_info(), extra={"status_code": 500, "request": request})
        return defaults.server_error(request)
