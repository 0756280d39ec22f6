"""Reusable reads of the recits app, always through ``visible_to``."""

from .models import Recit


def recits_de_l_apprenant(*, user, projet, apprenant):
    """The récits of ``projet`` that name ``apprenant`` (linked to it), newest first."""
    return Recit.objects.visible_to(user, projet=projet).filter(apprenants=apprenant).order_by("-date", "-pk")


def section_apprenant(context) -> dict:
    """Context of the learner page's récits section (``conciergerie.sections``)."""
    return {
        "recits_apprenant": recits_de_l_apprenant(user=context["request"].user, projet=context["projet"], apprenant=context["apprenant"])
    }
