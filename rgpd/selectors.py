"""Reads of the data-protection pages and sections, through ``visible_to``."""

from __future__ import annotations

from conciergerie.models import JournalAcces
from conciergerie.roles import peut
from parcours.models import Apprenant

from .models import Anonymisation


def _admin(context) -> bool:
    adhesion = getattr(context["request"], "adhesion", None)
    return adhesion is not None and peut(adhesion.role, "rgpd.gerer")


def section_apprenant(context) -> dict:
    """The learner page's rights section: administrators only (no query for anyone else)."""
    if not _admin(context):
        return {"rgpd_droits": False}
    apprenant = context["apprenant"]
    return {"rgpd_droits": True, "rgpd_anonymise": Anonymisation.objects.filter(apprenant=apprenant).exists()}


def section_organisation(context) -> dict:
    """The organisation page's contacts to anonymise: administrators only."""
    if not _admin(context):
        return {"rgpd_droits": False}
    organisation = context["organisation"]
    contacts = list(getattr(organisation, "contacts_visibles", organisation.contacts.all()))
    anonymises = set(Anonymisation.objects.filter(contact__in=contacts).values_list("contact_id", flat=True))
    return {"rgpd_droits": True, "rgpd_contacts": [c for c in contacts if c.pk not in anonymises]}


def journal(user, projet, *, apprenant_id: int | None = None, action: str = ""):
    qs = JournalAcces.objects.visible_to(user, projet=projet).select_related("user")
    if apprenant_id is not None:
        qs = qs.filter(objet_type=Apprenant._meta.label_lower, objet_id=apprenant_id)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-date", "-pk")
