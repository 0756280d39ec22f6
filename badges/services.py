"""Writes of the badges app: plain functions with keyword arguments, one transaction each (the
views open it). Each first checks that ``by`` may issue badges in the project (the coordinators
and administrators: ``apprenants.modifier``, ``conciergerie.scoping.exiger``); a broken rule
raises ``ValidationError`` in French before anything is written.

A badge is proposed (``proposer_badge``), then issued (``delivrer_badge``: the criteria checked
again, the credential built and signed), possibly revoked (``revoquer_badge``: its bit set in the
project's status list). A badge revoked is never issued again to the same learner.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conciergerie.scoping import exiger

from . import cles, credential
from .models import TAILLE_LISTE_STATUT, Badge, BadgeClasse, CompetenceRequise, Publication, StatutBadge
from .selectors import criteres_manquants

CAPACITE = "apprenants.modifier"
MESSAGE_REVOQUE = "Ce badge a été révoqué pour cet apprenant : il ne peut pas lui être délivré de nouveau."
MESSAGE_SANS_EMAIL = (
    "{apprenant} n'a pas d'adresse e-mail : le badge désigne son titulaire par l'empreinte (salée) de son e-mail, "
    "jamais par son nom. Ajoutez l'adresse sur sa fiche, puis délivrez le badge."
)


@transaction.atomic
def enregistrer_badge_classe(*, classe: BadgeClasse, projet, by, competences=(), niveau=3) -> BadgeClasse:
    """Save a badge class and the competences it requires, each at ``niveau`` (those already
    required keep their row, their level set to ``niveau``; those no longer chosen are removed).
    Every competence must belong to a framework of the project."""
    exiger(by, projet, CAPACITE)
    classe.projet = projet
    etrangeres = [c for c in competences if c.bloc.referentiel.projet_id != projet.pk]
    if etrangeres:
        raise ValidationError({"competences": "Une compétence choisie n'appartient pas à un référentiel du projet."})
    classe.full_clean()
    classe.save()
    gardees = {c.pk for c in competences}
    classe.requises.exclude(competence_id__in=gardees).delete()
    for competence in competences:
        CompetenceRequise.objects.update_or_create(badge_classe=classe, competence=competence, defaults={"niveau": niveau})
    return classe


def proposer_badge(*, classe: BadgeClasse, apprenant, by, suggere: bool = False) -> Badge:
    """A badge of ``classe`` proposed to ``apprenant`` (to be confirmed by a coordinator)."""
    exiger(by, classe.projet_id, CAPACITE)
    if apprenant.projet_id != classe.projet_id:
        raise ValidationError({"apprenant": "Cet apprenant n'est pas du projet du badge."})
    existant = Badge.objects.filter(classe=classe, apprenant=apprenant).first()
    if existant is not None:
        if existant.statut == StatutBadge.REVOQUE:
            raise ValidationError({"apprenant": MESSAGE_REVOQUE})
        raise ValidationError({"apprenant": f"Ce badge est déjà {existant.get_statut_display().lower()} à cet apprenant."})
    return Badge.objects.create(projet_id=classe.projet_id, classe=classe, apprenant=apprenant, propose_par=by, suggere=suggere)


def _index_libre(projet_id) -> int:
    pris = set(Badge.objects.of_projet(projet_id).filter(index_statut__isnull=False).values_list("index_statut", flat=True))
    if len(pris) >= TAILLE_LISTE_STATUT:
        raise ValidationError("La liste de statut du projet est pleine.")
    while True:
        index = secrets.randbelow(TAILLE_LISTE_STATUT)
        if index not in pris:
            return index


@transaction.atomic
def delivrer_badge(*, badge: Badge, by) -> Badge:
    """Confirm a proposed badge: its criteria checked against the learner's latest evaluations,
    the learner's e-mail required, then the ``OpenBadgeCredential`` built and signed with the
    project's key (made on first use). Refused, nothing written: a badge already issued or
    revoked, criteria not reached, no e-mail."""
    exiger(by, badge.projet_id, CAPACITE)
    badge = Badge.objects.select_for_update().select_related("classe", "apprenant", "projet").get(pk=badge.pk)
    if badge.statut == StatutBadge.REVOQUE:
        raise ValidationError(MESSAGE_REVOQUE)
    if badge.statut == StatutBadge.DELIVRE:
        raise ValidationError("Ce badge est déjà délivré.")
    manquants = criteres_manquants(badge.classe, badge.apprenant)
    if manquants:
        raise ValidationError("Les critères du badge ne sont pas atteints : " + " ; ".join(str(e) for e in manquants) + ".")
    email = (badge.apprenant.email or "").strip()
    if not email:
        raise ValidationError(MESSAGE_SANS_EMAIL.format(apprenant=badge.apprenant))
    cle = cles.cle_du_projet(badge.projet)
    badge.index_statut = _index_libre(badge.projet_id)
    badge.delivre_le = timezone.now().replace(microsecond=0)
    badge.delivre_par = by
    badge.jwt = credential.signer_credential(credential.construire(badge, cle, email), cle)
    badge.statut = StatutBadge.DELIVRE
    badge.save(update_fields=["index_statut", "delivre_le", "delivre_par", "jwt", "statut"])
    return badge


@transaction.atomic
def revoquer_badge(*, badge: Badge, by, motif: str) -> Badge:
    """Revoke an issued badge: its bit set in the project's status list (every verifier then
    sees it revoked), the reason kept. A proposed badge is not revoked but withdrawn
    (``retirer_proposition``)."""
    exiger(by, badge.projet_id, CAPACITE)
    badge = Badge.objects.select_for_update().get(pk=badge.pk)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la révocation."})
    if badge.statut == StatutBadge.REVOQUE:
        raise ValidationError("Ce badge est déjà révoqué.")
    if badge.statut != StatutBadge.DELIVRE:
        raise ValidationError("Seul un badge délivré se révoque ; une proposition se retire.")
    badge.statut = StatutBadge.REVOQUE
    badge.revoque_le = timezone.now()
    badge.revoque_par = by
    badge.motif_revocation = motif
    badge.save(update_fields=["statut", "revoque_le", "revoque_par", "motif_revocation"])
    return badge


def retirer_proposition(*, badge: Badge, by) -> None:
    """Delete a badge still proposed (never signed)."""
    exiger(by, badge.projet_id, CAPACITE)
    if badge.statut != StatutBadge.PROPOSE:
        raise ValidationError("Un badge délivré ne se supprime pas : il se révoque.")
    badge.delete()


def changer_publication(*, badge: Badge, by, publication: str) -> Badge:
    """Record what the learner agreed to show on the badge's public page."""
    exiger(by, badge.projet_id, CAPACITE)
    if publication not in Publication.values:
        raise ValidationError({"publication": "Choix de publication inconnu."})
    badge.publication = publication
    badge.save(update_fields=["publication"])
    return badge
