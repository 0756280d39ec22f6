"""The daily digest: each coordinator receives the to-do of its projects by e-mail (keyword-only functions).

The e-mail carries counts and links only — « Étapes bloquées : 3 », linked to the filtered list —,
never a learner's name, reference or a blocking motive: a mailbox is read on a phone, forwarded,
kept for years, outside the scoping and the access log. Each home-page provider gives its counts
as ``resume`` lines (``{"libelle", "nombre", "url"}``) beside the rows the home page shows. A
user turns the digest off on the « Préférences » page (``Preferences.resume_quotidien``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from .home import taches_du_jour
from .models import Adhesion, ResumeEnvoye
from .roles import peut

CAPACITE_RESUME = "apprenants.modifier"  # the coordinators (and administrators) of a project


def _lignes(bloc: dict) -> list[dict]:
    """The digest's lines of a to-do block: its counts that are not zero."""
    return [ligne for ligne in bloc.get("resume", []) if ligne["nombre"]]


def _liens_absolus(html: str) -> str:
    return re.sub(r'href="/', f'href="{settings.SITE_URL}/', html)


def envoyer_resumes() -> int:
    """Send each coordinator the counts of its projects' to-do (what the home page lists), one
    e-mail per person who has not turned it off, only when there is something to do, once a day
    (``ResumeEnvoye``). Returns the number of e-mails sent."""
    adhesions = (
        Adhesion.objects.filter(actif=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__preferences__resume_quotidien=False)  # turned off on the « Préférences » page
        .select_related("user", "projet")
        .order_by("user_id", "projet__nom")
    )
    par_user: dict = {}
    for adhesion in adhesions:
        if peut(adhesion.role, CAPACITE_RESUME):
            par_user.setdefault(adhesion.user, []).append(adhesion)
    jour = timezone.localdate()
    deja = set(ResumeEnvoye.objects.filter(jour=jour).values_list("user_id", flat=True))
    envoyes = 0
    for user, liste in par_user.items():
        if user.pk in deja:  # sent today already (the task delivered twice)
            continue
        projets = []
        for adhesion in liste:
            blocs = taches_du_jour(user=user, projet=adhesion.projet, adhesion=adhesion)["blocs"]
            lignes = [ligne for bloc in blocs for ligne in _lignes(bloc)]
            if lignes:
                projets.append({"projet": adhesion.projet, "lignes": lignes})
        if not projets:
            continue
        total = sum(ligne["nombre"] for p in projets for ligne in p["lignes"])
        html = _liens_absolus(render_to_string("conciergerie/email_resume.html", {"user": user, "projets": projets}))
        texte = re.sub(r"\n\s*\n+", "\n\n", strip_tags(html)).strip()
        message = EmailMultiAlternatives(
            subject=f"Conciergerie — vos tâches du jour ({total} à faire)",
            body=texte,
            to=[user.email],
        )
        message.attach_alternative(html, "text/html")
        try:
            ResumeEnvoye.objects.create(user=user, jour=jour)
        except IntegrityError:  # a concurrent run is sending it
            continue
        try:
            message.send()
        except Exception:
            # not sent: no mark, so that the task's retry sends it; the error stays on the task
            ResumeEnvoye.objects.filter(user=user, jour=jour).delete()
            raise
        envoyes += 1
    return envoyes
