"""The printable attendance sheet of a séance (PDF): the session, the séance's date and times,
one line per expected participant with a signature column, and the project's fundings that
cover the séance's day: each one's logo and mention (``Financement.logo``, ``mention``; without
a mention, the funder and the programme: « Avec le soutien de … »).

It lives in pilotage because it reads the fundings (finances), which parcours may not import.
The séance is read through ``visible_to`` (404 otherwise; a partner prints its organisation's);
the fundings of that project are then read without role filter (``of_projet``): only the
funders' logos, names and mentions are printed, as on any signed sheet a funder asks for. One page,
rendered in the request (WeasyPrint with ``pdf.FetcherStatique``), not a job.
"""

import base64
import logging
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from conciergerie.mixins import ProjetMixin
from finances.models import Financement
from finances.validators import type_logo
from parcours.models_seances import Seance
from parcours.services_seances import participants_de_seance

from . import pdf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Soutien:
    """One funder at the foot of the sheet: its mention, and its logo as a ``data:`` URL (the
    PDF fetches nothing else than the static files and ``data:``) or ``""``."""

    mention: str
    logo: str = ""


def _logo_en_data(financement) -> str:
    if not financement.logo:
        return ""
    try:
        with financement.logo.open("rb") as fichier:
            contenu = fichier.read()
    except OSError:  # the file gone from the disk: the sheet is printed without it, and it is said
        logger.warning("Feuille d'émargement : le logo du financement %s est illisible (%s)", financement.pk, financement.logo.name)
        return ""
    return f"data:{type_logo(financement.logo.name)};base64,{base64.b64encode(contenu).decode()}"


def financeurs_de_seance(seance) -> list[Soutien]:
    """One per funding of the project covering the day: its mention (« Région
    Auvergne-Rhône-Alpes — FEADER » when it has none) and its logo; the same twice is once."""
    financements = (
        Financement.objects.of_projet(seance.projet_id)
        .filter(date_debut__lte=seance.date, date_fin__gte=seance.date)
        .select_related("financeur")
        .order_by("financeur__nom", "programme", "pk")
    )
    soutiens: list[Soutien] = []
    for financement in financements:
        if financement.mention:
            mention = financement.mention
        elif financement.programme:
            mention = f"{financement.financeur.nom} — {financement.programme}"
        else:
            mention = financement.financeur.nom
        soutien = Soutien(mention, _logo_en_data(financement))
        if soutien not in soutiens:
            soutiens.append(soutien)
    return soutiens


class SeanceEmargementPdfView(ProjetMixin, View):
    capacite = "apprenants.voir"

    def get(self, request, *args, **kwargs):
        seance = get_object_or_404(self.scoped(Seance).select_related("session__organisation", "phase"), pk=kwargs["pk"])
        html = render_to_string(
            "pilotage/emargement_pdf.html",
            {
                "projet": self.projet,
                "seance": seance,
                "session": seance.session,
                "participants": participants_de_seance(seance),
                "financeurs": financeurs_de_seance(seance),
                "feuille_de_style": pdf.url_statique("css/print.css"),
                "genere_le": timezone.localtime(),
            },
        )
        reponse = HttpResponse(pdf.rendre_pdf(html), content_type="application/pdf")
        reponse["Content-Disposition"] = f'attachment; filename="emargement-{seance.date:%Y-%m-%d}-seance-{seance.pk}.pdf"'
        return reponse
