"""The account's pages, for any logged-in user (not tied to a project).

- "Sécurité du compte" (``compte``): the password, the second factor (on or off, required or
  not), with the links to change them;
- the second factor (rules in ``conciergerie/double_facteur.py``): the code page asked after the
  password (``double_facteur_verifier``), the enrolment page (``double_facteur_activer``: the
  secret as text and as a QR code drawn server-side, confirmed by a first code), turning it off
  (``double_facteur_desactiver``, for who is not required to have one);
- the password change (Django's views, French templates);
- the preferences (``preferences``): whether the morning digest is sent (``conciergerie.resume``);
- the page django-axes answers with once an account or an address is locked out (``verrouille``).

Thin views: the writes are ``conciergerie.services``' (``activer_totp``, ``desactiver_totp``).
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .double_facteur import SESSION_APPAREIL, a_un_appareil, doit_avoir_double_facteur, double_facteur_non_requis
from .models import Preferences
from .roles import Accord

#: session key: the secret shown on the enrolment page, until a first code confirms it
SESSION_CLE = "double_facteur_cle"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=7,
        error_messages={"required": "Saisissez le code affiché par votre application d'authentification."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}),
    )


def _suite(request, defaut="accueil") -> str:
    """Where to go next: the ``next`` asked for, if it is a page of this site."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return suite
    return reverse(defaut)


def _avec_suite(nom: str, suite: str) -> str:
    return f"{reverse(nom)}?{urlencode({'next': suite})}"


def _connecter_appareil(request, appareil) -> None:
    """The session passed the second factor: a new session key (the privilege changed), then
    the device in the session, where django-otp's middleware reads it on each request."""
    request.session.cycle_key()
    otp_login(request, appareil)


@require_GET
def compte(request):
    user = request.user
    return render(
        request,
        "registration/compte.html",
        {
            "appareil": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
            "obligatoire": doit_avoir_double_facteur(user),
        },
    )


class PreferencesForm(forms.Form):
    resume_quotidien = forms.BooleanField(
        label="Recevoir le résumé du matin",
        required=False,
        help_text=(
            "Chaque matin, un courriel donne le nombre de tâches à faire dans vos projets (suivis dus, étapes bloquées, "
            "échéances) et les liens pour les ouvrir ; il ne contient ni nom d'apprenant ni motif de blocage."
        ),
    )
    accord = forms.ChoiceField(
        label="Votre rôle s'écrit",
        choices=Accord.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Dans l'en-tête et la liste des membres : « Coordinatrice », « Coordinateur », ou « Coordination » si vous ne le précisez pas.",
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The user's preferences: the morning digest, on or off; how the UI names their role."""
    actuelles = Preferences.objects.filter(user=request.user).first()
    # a checkbox left unticked sends nothing: an empty POST is still a submitted form
    donnees = request.POST if request.method == "POST" else None
    form = PreferencesForm(
        donnees,
        initial={
            "resume_quotidien": actuelles.resume_quotidien if actuelles else True,
            "accord": actuelles.accord if actuelles else Accord.NON_PRECISE,
        },
    )
    if request.method == "POST" and form.is_valid():
        recoit = form.cleaned_data["resume_quotidien"]
        services.modifier_preferences(user=request.user, resume_quotidien=recoit, accord=form.cleaned_data["accord"])
        messages.success(request, "Vous recevrez le résumé du matin." if recoit else "Vous ne recevrez plus le résumé du matin.")
        return redirect("preferences")
    return render(request, "registration/preferences.html", {"form": form})


@double_facteur_non_requis
@require_http_methods(["GET", "POST"])
def double_facteur_verifier(request):
    """After the password: the code of the user's authenticator application."""
    user = request.user
    suite = _suite(request)
    if user.is_verified():
        return redirect(suite)
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if appareil is None:
        if doit_avoir_double_facteur(user):
            return redirect(_avec_suite("double_facteur_activer", suite))
        request.session[SESSION_APPAREIL] = False  # turned off meanwhile, from another session
        return redirect(suite)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verifie = verify_token(user, appareil.persistent_id, form.cleaned_data["code"].replace(" ", ""))
        if verifie is not None:
            _connecter_appareil(request, verifie)
            return redirect(suite)
        form.add_error("code", services.CODE_INCORRECT)
        appareil.refresh_from_db()
        permis, info = appareil.verify_is_allowed()
        if not permis and info and info.get("locked_until"):
            secondes = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
            form.add_error("code", f"Après plusieurs codes erronés, attendez {secondes} s avant le prochain essai.")
    return render(request, "registration/double_facteur_verifier.html", {"form": form, "suite": suite})


@double_facteur_non_requis
@require_http_methods(["GET", "POST"])
def double_facteur_activer(request):
    """Set up an authenticator application: its secret (text and QR code), then a first code."""
    user = request.user
    suite = _suite(request, defaut="compte")
    if a_un_appareil(user) and not user.is_verified():
        # replacing a device takes the current one's code first
        return redirect(_avec_suite("double_facteur_verifier", request.get_full_path()))
    cle = request.session.get(SESSION_CLE)
    if cle is None:
        cle = request.session[SESSION_CLE] = services.nouvelle_cle()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appareil = services.activer_totp(user=user, cle=cle, code=form.cleaned_data["code"])
        except ValidationError as erreur:
            form.add_error("code", erreur)
        else:
            del request.session[SESSION_CLE]
            _connecter_appareil(request, appareil)
            request.session[SESSION_APPAREIL] = True
            messages.success(request, "La double authentification est activée : votre application vous donnera un code à chaque connexion.")
            return redirect(suite)
    apercu = TOTPDevice(user=user, key=cle)  # never saved: gives the otpauth:// address of the QR code
    secret = b32encode(apercu.bin_key).decode()
    return render(
        request,
        "registration/double_facteur_activer.html",
        {
            "form": form,
            "suite": suite,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": segno.make(apercu.config_url, error="m").svg_inline(scale=5, title="Code QR à scanner avec l'application"),
            "obligatoire": doit_avoir_double_facteur(user),
            "remplace": a_un_appareil(user),
        },
    )


@require_POST
def double_facteur_desactiver(request):
    user = request.user
    if a_un_appareil(user) and not user.is_verified():
        return redirect(_avec_suite("double_facteur_verifier", reverse("compte")))
    services.desactiver_totp(user=user)  # PermissionDenied (403) for who must keep it
    request.session[SESSION_APPAREIL] = False
    messages.success(request, "La double authentification est désactivée.")
    return redirect("compte")


class MotDePasseModifierView(auth_views.PasswordChangeView):
    template_name = "registration/mot_de_passe_modifier.html"
    success_url = reverse_lazy("mot_de_passe_modifie")


class MotDePasseModifieView(auth_views.PasswordChangeDoneView):
    template_name = "registration/mot_de_passe_modifie.html"


# ---------------------------------------------------------------- forgotten password (public)
# Django's views: the link is signed with the account's password hash and last login (single use,
# ``PASSWORD_RESET_TIMEOUT``); the page after the request says the same whether or not the address
# is known (no account enumeration). An account without a usable password (an invitation not yet
# accepted) receives nothing: its invitation is sent again by the project's administrator.


@method_decorator(login_not_required, name="dispatch")
class ReinitialiserView(auth_views.PasswordResetView):
    template_name = "registration/mot_de_passe_oublie.html"
    email_template_name = "registration/email_mot_de_passe_oublie.txt"
    subject_template_name = "registration/email_mot_de_passe_oublie_sujet.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}


@method_decorator(login_not_required, name="dispatch")
class ReinitialiserEnvoyeView(auth_views.PasswordResetDoneView):
    template_name = "registration/mot_de_passe_oublie_envoye.html"


@method_decorator(login_not_required, name="dispatch")
class ReinitialiserConfirmerView(auth_views.PasswordResetConfirmView):
    template_name = "registration/mot_de_passe_oublie_confirmer.html"
    success_url = reverse_lazy("password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class ReinitialiserTermineView(auth_views.PasswordResetCompleteView):
    template_name = "registration/mot_de_passe_oublie_termine.html"


def verrouille(request, original_response=None, credentials=None):
    """The page django-axes answers with once an account or an address is locked out
    (``AXES_LOCKOUT_CALLABLE``): 429, in French, what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/verrouille.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE)
