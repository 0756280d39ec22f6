"""Reads of the recits pages, each through ``visible_to(user, projet)``: the views call these
rather than building their query sets inline."""

from django.db.models import Count, Prefetch, Sum

from parcours.models import Apprenant
from partenaires.models import Contact, Organisation

from .models import Activite, Copil, Recit


def recits(user, projet):
    return Recit.objects.visible_to(user, projet=projet).select_related("auteur")


def recit_avec_liens(user, projet):
    """A récit's page: its learners, organisations and activities, each as far as ``user`` sees."""
    return recits(user, projet).prefetch_related(
        Prefetch("apprenants", queryset=Apprenant.objects.visible_to(user, projet=projet).order_by("nom", "prenom")),
        Prefetch("organisations", queryset=Organisation.objects.visible_to(user, projet=projet).order_by("nom")),
        Prefetch("activites", queryset=Activite.objects.visible_to(user, projet=projet).order_by("-date")),
    )


def activites_avec_organisations(user, projet):
    organisations = Organisation.objects.visible_to(user, projet=projet).order_by("nom")
    return Activite.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("organisations", queryset=organisations))


def activites_avec_heures(user, projet):
    """The activities list: the volunteer hours only, summed by the database (no volunteer's row
    leaves the query)."""
    return activites_avec_organisations(user, projet).annotate(heures_benevoles=Sum("temps_benevoles__heures"))


def copils(user, projet):
    return Copil.objects.visible_to(user, projet=projet).annotate(nb_participants=Count("participants"))


def copil_avec_participants(user, projet):
    """A COPIL's page. The participants are the professionals who sat at the COPIL; only the
    contacts of this project (the page shows names and functions to whoever may read the contacts,
    and to a funder only the organisations that took part and how many people each sent)."""
    participants = Contact.objects.filter(organisation__projet=projet).select_related("organisation")
    participants = participants.order_by("organisation__nom", "nom", "prenom")
    return Copil.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("participants", queryset=participants))


def recits_de_l_apprenant(*, user, projet, apprenant):
    """The récits of ``projet`` that name ``apprenant`` (linked to it), newest first."""
    return Recit.objects.visible_to(user, projet=projet).filter(apprenants=apprenant).order_by("-date", "-pk")


def section_apprenant(context) -> dict:
    """Context of the learner page's récits section (``conciergerie.sections``)."""
    return {
        "recits_apprenant": recits_de_l_apprenant(user=context["request"].user, projet=context["projet"], apprenant=context["apprenant"])
    }
