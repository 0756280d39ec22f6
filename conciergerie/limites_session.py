"""A session ends after ``SESSION_INACTIVITE_MAX`` seconds without a request (idle limit, 2 h by
default) or ``SESSION_DUREE_MAX`` seconds after login (absolute limit, 12 h), whichever comes
first; both come from the environment (SESSION_INACTIVITE_MINUTES, SESSION_DUREE_MAX_HEURES).

Login stores its time in the session (``connexion_le``, epoch seconds) and the time of the last
activity seen (``activite_le``). Every request of a logged-in user compares them with now: past a
limit, the user is logged out and sent to the login page, which says why. The activity time is
written again only when it is ``pas_activite()`` old (5 minutes at most), so the session is not
saved on every page (tests/conciergerie/test_perf_session.py): the idle limit holds within that
step. Each write also pushes the session's expiry (``SESSION_COOKIE_AGE``, the absolute limit)
forward. A session without these times (opened before they existed) is closed too.

A user whose only roles are financeur's (``SESSION_FINANCEUR_FERMETURE_NAVIGATEUR``, on by
default) gets a session that also ends when the browser closes: at login its cookie is made a
browser-session cookie (``session.set_expiry(0)``: no expiry date, the browser drops it on
closing), often on a shared or borrowed computer, for a user who reads figures and never types
anything that a closed window would lose. The two limits above still hold.
"""

import time
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from .formats import heures

CONNEXION_LE = "connexion_le"
ACTIVITE_LE = "activite_le"


def maintenant() -> int:
    return int(time.time())


def pas_activite() -> int:
    """How old the stored activity time may get before it is written again."""
    return max(1, min(300, settings.SESSION_INACTIVITE_MAX // 10))


def duree_lisible(secondes: int) -> str:
    """7200 → "2 h", 1800 → "30 min", 5400 → "1,5 h": hours as every page writes them
    (``conciergerie.formats.heures``), minutes below one hour."""
    minutes = round(secondes / 60)
    if minutes < 60:
        return f"{minutes}\u00a0min"
    return heures(Decimal(minutes) / 60)


def noter_connexion(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``ConciergerieConfig.ready``)."""
    if hasattr(request, "session"):
        request.session[CONNEXION_LE] = request.session[ACTIVITE_LE] = maintenant()


def financeur_seulement(user) -> bool:
    """Whether every active membership of ``user`` is a funder's (and there is one); platform
    staff never are (one query)."""
    from .models import Adhesion
    from .roles import Role

    if user.is_staff or user.is_superuser:
        return False
    roles = set(Adhesion.objects.filter(user=user, actif=True).values_list("role", flat=True).distinct())
    return roles == {Role.FINANCEUR}


def fin_a_la_fermeture(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``ConciergerieConfig.ready``): a funder's session
    ends when the browser closes (``SESSION_FINANCEUR_FERMETURE_NAVIGATEUR``)."""
    if hasattr(request, "session") and settings.SESSION_FINANCEUR_FERMETURE_NAVIGATEUR and financeur_seulement(user):
        request.session.set_expiry(0)


def motif_expiration(session, a: int) -> str | None:
    """Why the session is over at time ``a``, in French, or None while it may go on."""
    connexion, activite = session.get(CONNEXION_LE), session.get(ACTIVITE_LE)
    if not isinstance(connexion, int) or not isinstance(activite, int):
        return "Votre session a expiré. Reconnectez-vous pour continuer."
    if a - connexion > settings.SESSION_DUREE_MAX:
        return (
            f"Votre session a expiré : une connexion dure au plus {duree_lisible(settings.SESSION_DUREE_MAX)}. "
            "Reconnectez-vous pour continuer."
        )
    if a - activite > settings.SESSION_INACTIVITE_MAX:
        return (
            f"Votre session a expiré après {duree_lisible(settings.SESSION_INACTIVITE_MAX)} sans activité. Reconnectez-vous pour continuer."
        )
    return None


class LimitesSessionMiddleware:
    """After MessageMiddleware (the message for the login page) and before the views; a user it
    logs out is then sent to the login page by LoginRequiredMiddleware (its ``next`` included),
    or, for an htmx request, by an HX-Redirect of the whole page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            a = maintenant()
            motif = motif_expiration(request.session, a)
            if motif:
                logout(request)
                messages.warning(request, motif)
                if request.headers.get("HX-Request") == "true":
                    return HttpResponseClientRedirect(self._connexion(request))
            elif a - request.session[ACTIVITE_LE] >= pas_activite():
                request.session[ACTIVITE_LE] = a
        return self.get_response(request)

    @staticmethod
    def _connexion(request) -> str:
        """The login page, back to the page the htmx request came from."""
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        suivante = page.path + (f"?{page.query}" if page.query else "") if page.path else "/"
        return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': suivante})}"
