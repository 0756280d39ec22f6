"""Reads of the partners' pages, each through ``visible_to(user, projet)``: the views (and the
home to-do) call these rather than building their query sets inline. The Qualiopi and
deadline rules are in ``filters.py`` (shared with the list's filter)."""

from datetime import date

from django.db.models import Prefetch

from conciergerie.roles import Role

from .filters import avec_alerte_qualiopi, conventions_a_echeance, qualiopi_a_echeance
from .models import Contact, Convention, MembreConsortium, Organisation


def organisations(user, projet):
    """The organisations list: each with its Qualiopi alert and its consortium membership."""
    membres = MembreConsortium.objects.visible_to(user, projet=projet)
    return avec_alerte_qualiopi(Organisation.objects.visible_to(user, projet=projet)).prefetch_related(
        Prefetch("adhesions_consortium", queryset=membres)
    )


def organisations_avec_fiche(user, projet):
    """The organisation page: its Qualiopi alert, contacts (referents first), conventions (latest
    first) and consortium membership, as ``contacts_visibles``, ``conventions_visibles``,
    ``membres``."""
    contacts = Contact.objects.visible_to(user, projet=projet).order_by("-est_referent", "nom", "prenom")
    conventions = Convention.objects.visible_to(user, projet=projet).order_by("-date_debut", "pk")
    return avec_alerte_qualiopi(Organisation.objects.visible_to(user, projet=projet)).prefetch_related(
        Prefetch("contacts", queryset=contacts, to_attr="contacts_visibles"),
        Prefetch("conventions", queryset=conventions, to_attr="conventions_visibles"),
        Prefetch("adhesions_consortium", queryset=MembreConsortium.objects.visible_to(user, projet=projet), to_attr="membres"),
    )


def conventions_avec_parties(user, projet):
    """The convention page: each convention with the parties the user may see."""
    parties = Organisation.objects.visible_to(user, projet=projet)
    return Convention.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("parties", queryset=parties))


def echeances(user, projet, adhesion, au: date) -> tuple[list, list]:
    """The home to-do's deadlines (two queries): conventions ending within 60 days, and the
    Qualiopi certificates expiring or expired — a partner watches its own, not the others'."""
    conventions = list(conventions_a_echeance(Convention.objects.visible_to(user, projet=projet), au).order_by("date_fin", "pk"))
    organisations_vues = Organisation.objects.visible_to(user, projet=projet)
    if adhesion.role == Role.PARTENAIRE:
        organisations_vues = organisations_vues.filter(pk=adhesion.organisation_id)
    qualiopi = list(qualiopi_a_echeance(organisations_vues, au).order_by("qualiopi_expiration", "pk"))
    return conventions, qualiopi
