"""The members of a project, managed by its administrators (capability ``membres.gerer``), and
the project itself (``projet.gerer``): its settings, closing and reopening it.

Keyword-only functions, callable without HTTP; each checks the capability (``scoping.exiger``)
and raises ``ValidationError`` (French) before writing anything.

- ``inviter``: a new e-mail gets an account without a password, the membership, and a one-time
  link (``Invitation``: random token, only its SHA-256 stored, ``DUREE_INVITATION``, single use)
  to choose one; an existing account gets the membership and an e-mail telling them (no new
  password); an e-mail already a member of the project is refused.
- ``renvoyer_invitation``: a new link, the previous one no longer valid.
- ``changer_role``, ``retirer``: the last administrator can be neither demoted nor removed;
  removing deletes the membership, the account stays (its other projects).
- ``lire_invitation`` / ``accepter_invitation``: the link's page (public).

Every change of a membership is in its history (django-simple-history on ``Adhesion``, with
who made it).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Adhesion, Invitation, Preferences, Projet
from .roles import Role
from .scoping import exiger
from .services import verifier_accord

DUREE_INVITATION = timedelta(days=7)

DEJA_MEMBRE = "Cette adresse est déjà celle d'un membre du projet : changez son rôle dans la liste plutôt que de l'inviter à nouveau."
DERNIER_ADMINISTRATEUR = (
    "Le projet doit garder au moins un administrateur : nommez d'abord un autre administrateur, puis changez ce rôle ou retirez ce membre."
)
ORGANISATION_REQUISE = "Un partenaire ou un financeur doit être rattaché à une organisation du projet."
ORGANISATION_AUTRE_PROJET = "Cette organisation n'appartient pas à ce projet."

# what the invitation page says when the link cannot be used
LIEN_INCONNU = "inconnu"
LIEN_EXPIRE = "expire"
LIEN_UTILISE = "utilise"
LIEN_REMPLACE = "remplace"


def empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def _verifier_organisation(projet, role, organisation):
    if role in (Role.PARTENAIRE, Role.FINANCEUR):
        if organisation is None:
            raise ValidationError({"organisation": ORGANISATION_REQUISE})
    elif organisation is not None:
        organisation = None  # administrators and coordinators work for the project itself
    if organisation is not None and organisation.projet_id != projet.pk:
        raise ValidationError({"organisation": ORGANISATION_AUTRE_PROJET})
    return organisation


def _envoyer(sujet: str, gabarit: str, destinataire: str, contexte: dict) -> None:
    corps = render_to_string(gabarit, {**contexte, "site_url": settings.SITE_URL})
    # sent once the write is committed: a refused or rolled-back change sends nothing
    transaction.on_commit(lambda: send_mail(sujet, corps, None, [destinataire]))


def _nouveau_lien(*, projet, user, by) -> str:
    """A new one-time link for ``user`` in ``projet`` (the previous ones replaced); its URL."""
    maintenant = timezone.now()
    Invitation.objects.filter(projet=projet, user=user, utilisee_le__isnull=True, remplacee_le__isnull=True).update(remplacee_le=maintenant)
    jeton = secrets.token_urlsafe(32)
    Invitation.objects.create(
        projet=projet, user=user, jeton_hash=empreinte(jeton), invite_par=by, cree_le=maintenant, expire_le=maintenant + DUREE_INVITATION
    )
    return settings.SITE_URL + reverse("invitation", args=[jeton])


def inviter(*, by, projet: Projet, email: str, prenom: str = "", nom: str = "", role: str, organisation=None):
    """Add ``email`` to ``projet`` with ``role``; returns ``(adhesion, nouveau_compte)``."""
    exiger(by, projet, "membres.gerer")
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    organisation = _verifier_organisation(projet, role, organisation)
    User = get_user_model()
    user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("pk").first()
    if user is not None and Adhesion.objects.filter(user=user, projet=projet).exists():
        raise ValidationError({"email": DEJA_MEMBRE})
    nouveau = user is None
    if nouveau:
        user = User(username=email, email=email, first_name=prenom.strip(), last_name=nom.strip())
        user.set_unusable_password()
        user.save()
    adhesion = Adhesion(user=user, projet=projet, role=role, organisation=organisation)
    adhesion._history_user = by
    adhesion.save()
    contexte = {"user": user, "projet": projet, "adhesion": adhesion, "by": by}
    if nouveau:
        contexte["lien"] = _nouveau_lien(projet=projet, user=user, by=by)
        contexte["jours"] = DUREE_INVITATION.days
        _envoyer(f"Invitation au projet {projet.nom}", "conciergerie/email_invitation.txt", email, contexte)
    else:
        contexte["lien"] = settings.SITE_URL + reverse("projet_accueil", args=[projet.pk])
        _envoyer(f"Vous avez été ajouté au projet {projet.nom}", "conciergerie/email_ajout.txt", user.email or email, contexte)
    return adhesion, nouveau


def invitation_en_attente(adhesion) -> bool:
    """The member has not chosen a password yet (a link may be sent again)."""
    return not adhesion.user.has_usable_password()


def renvoyer_invitation(*, by, adhesion: Adhesion) -> None:
    exiger(by, adhesion.projet_id, "membres.gerer")
    if not invitation_en_attente(adhesion):
        raise ValidationError("Ce membre a déjà choisi son mot de passe : il se connecte avec son identifiant.")
    user, projet = adhesion.user, adhesion.projet
    lien = _nouveau_lien(projet=projet, user=user, by=by)
    contexte = {"user": user, "projet": projet, "adhesion": adhesion, "by": by, "lien": lien, "jours": DUREE_INVITATION.days}
    _envoyer(f"Invitation au projet {projet.nom}", "conciergerie/email_invitation.txt", user.email, contexte)


def _administrateurs_restants(adhesion) -> int:
    """The project's other active administrators, their rows locked (two administrators
    demoting each other at once: the second waits, then sees the first's change)."""
    autres = Adhesion.objects.select_for_update().filter(projet_id=adhesion.projet_id, role=Role.ADMINISTRATEUR, actif=True)
    return len([a for a in autres.exclude(pk=adhesion.pk)])


@transaction.atomic
def changer_role(*, by, adhesion: Adhesion, role: str, organisation=None, accord: str | None = None) -> Adhesion:
    """``accord`` (when given): how the UI names the member's role (their ``Preferences``, the
    same in every project; the member can change it on their preferences page)."""
    exiger(by, adhesion.projet_id, "membres.gerer")
    if role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    if accord is not None:
        Preferences.objects.update_or_create(user_id=adhesion.user_id, defaults={"accord": verifier_accord(accord)})
    organisation = _verifier_organisation(adhesion.projet, role, organisation)
    if adhesion.role == Role.ADMINISTRATEUR and role != Role.ADMINISTRATEUR and not _administrateurs_restants(adhesion):
        raise ValidationError({"role": DERNIER_ADMINISTRATEUR})
    adhesion.role = role
    adhesion.organisation = organisation
    adhesion._history_user = by
    adhesion.save()
    return adhesion


@transaction.atomic
def retirer(*, by, adhesion: Adhesion) -> None:
    """The membership is deleted (in its history); the account stays, for its other projects."""
    exiger(by, adhesion.projet_id, "membres.gerer")
    if adhesion.role == Role.ADMINISTRATEUR and not _administrateurs_restants(adhesion):
        raise ValidationError(DERNIER_ADMINISTRATEUR)
    Invitation.objects.filter(projet_id=adhesion.projet_id, user_id=adhesion.user_id, utilisee_le__isnull=True).update(
        remplacee_le=timezone.now()
    )
    adhesion._history_user = by
    adhesion.delete()


# ---------------------------------------------------------------- the link's page (public)


def lire_invitation(jeton: str) -> tuple[Invitation | None, str | None]:
    """The invitation of ``jeton`` and, when it cannot be used, why (``LIEN_*``)."""
    invitation = Invitation.objects.select_related("user", "projet").filter(jeton_hash=empreinte(jeton or "")).first()
    if invitation is None:
        return None, LIEN_INCONNU
    if invitation.utilisee_le is not None:
        return invitation, LIEN_UTILISE
    if invitation.remplacee_le is not None:
        return invitation, LIEN_REMPLACE
    if timezone.now() >= invitation.expire_le:
        return invitation, LIEN_EXPIRE
    if not Adhesion.objects.filter(projet_id=invitation.projet_id, user_id=invitation.user_id).exists():
        return invitation, LIEN_REMPLACE  # removed from the project meanwhile
    return invitation, None


@transaction.atomic
def accepter_invitation(*, jeton: str, mot_de_passe: str):
    """Set the invited account's password; the link is used. ``ValidationError`` when the link
    cannot be used (its reason as code) or the password is refused."""
    invitation, refus = lire_invitation(jeton)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().select_related("user", "projet").get(pk=invitation.pk)
        if refus is None and invitation.utilisee_le is not None:
            refus = LIEN_UTILISE  # the same link sent twice at once: the second waited
    if refus is not None:
        raise ValidationError("Ce lien d'invitation ne peut pas être utilisé.", code=refus)
    user = invitation.user
    password_validation.validate_password(mot_de_passe, user)
    user.set_password(mot_de_passe)
    user.save(update_fields=["password"])
    invitation.utilisee_le = timezone.now()
    invitation.save(update_fields=["utilisee_le"])
    return invitation


# ---------------------------------------------------------------- the project


def modifier_projet(*, by, projet: Projet, **champs) -> Projet:
    exiger(by, projet, "projet.gerer")
    for nom, valeur in champs.items():
        setattr(projet, nom, valeur)
    projet.full_clean()
    projet._history_user = by
    projet.save()
    return projet


def clore_projet(*, by, projet: Projet) -> Projet:
    exiger(by, projet, "projet.gerer")
    if projet.cloture_le is None:
        projet.cloture_le = timezone.now()
        projet._history_user = by
        projet.save(update_fields=["cloture_le"])
    return projet


def rouvrir_projet(*, by, projet: Projet) -> Projet:
    exiger(by, projet, "projet.gerer")
    if projet.cloture_le is not None:
        projet.cloture_le = None
        projet._history_user = by
        projet.save(update_fields=["cloture_le"])
    return projet
