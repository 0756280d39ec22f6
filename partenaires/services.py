"""Writes of the partners' pages (plain functions, keyword arguments only).

Each checks that ``by`` holds ``partenaires.modifier`` in the row's project
(``conciergerie.scoping.exiger``, ``PermissionDenied`` otherwise) before anything else.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conciergerie.scoping import exiger
from conciergerie.suppression import Refus, supprimer

from .models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium

CAPACITE = "partenaires.modifier"


@transaction.atomic
def enregistrer_organisation(*, organisation: Organisation, role_consortium: str = "", by) -> Organisation:
    """Save an organisation (already validated by its form) and its role in the consortium:
    ``""`` takes it out of the consortium, a role adds or updates its ``MembreConsortium``."""
    exiger(by, organisation.projet_id, CAPACITE)
    organisation.full_clean()
    organisation.save()
    membre = MembreConsortium.objects.filter(projet_id=organisation.projet_id, organisation=organisation).first()
    if not role_consortium:
        if membre:
            membre.delete()
        return organisation
    if role_consortium == RoleConsortium.CHEF_DE_FILE:
        autre_chef = MembreConsortium.objects.filter(projet_id=organisation.projet_id, role=RoleConsortium.CHEF_DE_FILE).exclude(
            organisation=organisation
        )
        if autre_chef.exists():
            raise ValidationError({"role_consortium": "Le consortium a déjà un chef de file."})
    if membre is None:
        membre = MembreConsortium(projet_id=organisation.projet_id, organisation=organisation, date_entree=timezone.localdate())
    membre.role = role_consortium
    membre.save()
    return organisation


def enregistrer_contact(*, contact: Contact, organisation: Organisation, by) -> Contact:
    exiger(by, organisation.projet_id, CAPACITE)
    contact.organisation = organisation
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def enregistrer_convention(*, convention: Convention, parties, by) -> Convention:
    """Save a convention and its signatories; the parties must belong to its project."""
    exiger(by, convention.projet_id, CAPACITE)
    if any(partie.projet_id != convention.projet_id for partie in parties):
        raise ValidationError({"parties": "Une partie n'appartient pas à ce projet."})
    convention.full_clean(exclude=["fichier"])  # the file was checked by the form (PDF, 10 Mo)
    convention.save()
    convention.parties.set(parties)
    return convention


# ---------------------------------------------------------------- deletions (conciergerie.suppression)


def liens_organisation(organisation: Organisation) -> list[str]:
    """What still refers to an organisation without blocking the database (many-to-many links,
    learners it prescribed): an organisation is deleted only when it has none, in French."""
    liens = [
        (organisation.apprenants_prescrits.count(), "apprenant prescrit", "apprenants prescrits"),
        (organisation.conventions.count(), "convention", "conventions"),
        (organisation.activites.count(), "activité", "activités"),
        (organisation.recits.count(), "récit", "récits"),
    ]
    return [f"{n} {un if n == 1 else plusieurs}" for n, un, plusieurs in liens if n]


@transaction.atomic
def supprimer_organisation(*, organisation: Organisation, by) -> None:
    """Delete an organisation with no link (its contacts and consortium membership go with it);
    refused in French when a learner, a step, a session, a funding, a convention… refers to it."""
    exiger(by, organisation.projet_id, CAPACITE)
    liens = liens_organisation(organisation)
    if liens:
        raise Refus(
            f"« {organisation} » ne peut pas être supprimée : elle est encore liée à {', '.join(liens)}. Retirez d'abord ces liens."
        )
    supprimer(organisation, by=by)


def supprimer_contact(*, contact: Contact, by) -> None:
    exiger(by, contact.organisation.projet_id, CAPACITE)
    supprimer(contact, by=by)


def modifier_dates_membre(*, membre: MembreConsortium, date_entree, date_sortie, by) -> MembreConsortium:
    """Change when an organisation entered (and left) the consortium; the exit on or after the entry."""
    exiger(by, membre.projet_id, CAPACITE)
    if date_sortie and not date_entree:
        raise ValidationError({"date_entree": "Indiquez la date d'entrée avant la date de sortie."})
    if date_entree and date_sortie and date_sortie < date_entree:
        raise ValidationError({"date_sortie": "La date de sortie doit être le jour de l'entrée ou après."})
    membre.date_entree, membre.date_sortie = date_entree, date_sortie
    membre.save(update_fields=["date_entree", "date_sortie"])
    return membre
