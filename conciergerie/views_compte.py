"""The account's pages, for any logged-in user (not tied to a project).

- the password change (Django's views, French templates);
- the page django-axes answers with once an account or an address is locked out (``verrouille``).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy


class MotDePasseModifierView(auth_views.PasswordChangeView):
    template_name = "registration/mot_de_passe_modifier.html"
    success_url = reverse_lazy("mot_de_passe_modifie")


class MotDePasseModifieView(auth_views.PasswordChangeDoneView):
    template_name = "registration/mot_de_passe_modifie.html"


def verrouille(request, original_response=None, credentials=None):
    """The page django-axes answers with once an account or an address is locked out
    (``AXES_LOCKOUT_CALLABLE``): 429, in French, what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/verrouille.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE)
