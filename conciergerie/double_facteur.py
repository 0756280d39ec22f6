"""The second factor (TOTP codes, django-otp): who must have one, what a session may open.

- **Who must**: platform staff (``is_staff``, superusers) and whoever holds an active
  membership as a project's administrateur (``doit_avoir_double_facteur``), checked on each
  request: a coordinator made administrator needs one from the next page on.
- **Who may**: anyone else, from the "Sécurité du compte" page. Such a user's sessions ask for
  the code too: whether the user had a confirmed device is noted in the session when it is
  created (``user_logged_in``, whichever way the user logged in), or on its first request for a
  session older than this rule (``SESSION_APPAREIL``: one query per session, not per page).
- **Until verified** (``request.user.is_verified()``: the session holds a confirmed device of
  this user, which ``django_otp.middleware.OTPMiddleware`` reads back on each request), such a
  session opens only the pages marked ``double_facteur_non_requis`` (the code page, the
  enrolment page, logout) and the public ones (``login_not_required``: the login page,
  ``/sante/``); static files are served before (whitenoise). Everything else redirects to the
  code page, or to the enrolment page for who must and has no device yet
  (``conciergerie.middleware.DoubleFacteurMiddleware``).

Every session is held to this, however it was created: nothing is remembered from the login
view. Tests that log a user in with ``force_login`` mark the session verified as the code page
does, with a real confirmed device (``tests/connexion.py``).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import user_has_device

from .roles import Role
from .scoping import adhesions_of

#: session key: the user had a confirmed device when the session began (True/False)
SESSION_APPAREIL = "double_facteur_appareil"


def double_facteur_non_requis(view):
    """Mark a view an unverified session may open (the second factor's own pages, logout)."""
    view.double_facteur_non_requis = True
    return view


def doit_avoir_double_facteur(user) -> bool:
    """Platform staff and project administrators must use a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return any(adhesion.role == Role.ADMINISTRATEUR for adhesion in adhesions_of(user))


def a_un_appareil(user) -> bool:
    """The user has a confirmed device (an authenticator application set up)."""
    return user_has_device(user, confirmed=True)


@receiver(user_logged_in, dispatch_uid="double_facteur_noter_appareil")
def noter_appareil(sender, request, user, **kwargs):
    """A new session notes whether its user has a confirmed device (then it asks for the code)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_APPAREIL] = a_un_appareil(user)


def code_attendu(request) -> bool:
    """This session must pass the second factor before opening anything else: the user must
    have one, or had set one up when the session began. False once verified."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if doit_avoir_double_facteur(user):
        return True
    if SESSION_APPAREIL not in request.session:
        request.session[SESSION_APPAREIL] = a_un_appareil(user)
    return request.session[SESSION_APPAREIL]
