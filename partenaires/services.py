"""Writes of the partners' pages (plain functions, keyword arguments only)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium


@transaction.atomic
def enregistrer_organisation(*, organisation: Organisation, role_consortium: str = "") -> Organisation:
    """Save an organisation (already validated by its form) and its role in the consortium:
    ``""`` takes it out of the consortium, a role adds or updates its ``MembreConsortium``."""
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
        membre = MembreConsortium(projet_id=organisation.projet_id, organisation=organisation, date_entree=date.today())
    membre.role = role_consortium
    membre.save()
    return organisation


def enregistrer_contact(*, contact: Contact, organisation: Organisation) -> Contact:
    contact.organisation = organisation
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def enregistrer_convention(*, convention: Convention, parties) -> Convention:
    """Save a convention and its signatories; the parties must belong to its project."""
    if any(partie.projet_id != convention.projet_id for partie in parties):
        raise ValidationError({"parties": "Une partie n'appartient pas à ce projet."})
    convention.full_clean(exclude=["fichier"])  # the file was checked by the form (PDF, 10 Mo)
    convention.save()
    convention.parties.set(parties)
    return convention
