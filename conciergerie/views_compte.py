"""The account's pages: the lockout page after too many failed logins (django-axes).

Thin views; the rules are in the settings (``AXES_*``).
"""

from django.conf import settings
from django.shortcuts import render


def verrouille(request, original_response=None, credentials=None):
    """The page django-axes answers with once an account or an address is locked out
    (``AXES_LOCKOUT_CALLABLE``): 429, in French, what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/verrouille.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE)
