"""The printable attendance sheet of a séance (PDF): the session, the séance's date and times,
one line per expected participant with a signature column, and the project's funders whose
funding covers the séance's day (their names and programmes: « Avec le soutien de … »).

It lives in pilotage because it reads the fundings (finances), which parcours may not import.
The séance is read through ``visible_to`` (404 otherwise; a partner prints its organisation's);
the fundings of that project are then read without role filter (``of_projet``): only the
funders' names and programmes are printed, as on any signed sheet a funder asks for. One page,
rendered in the request (WeasyPrint with ``pdf.FetcherStatique``), not a job.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from conciergerie.mixins import ProjetMixin
from finances.models import Financement
from parcours.models_seances import Seance
from parcours.services_seances import participants_de_seance

from . import pdf


def financeurs_de_seance(seance) -> list[str]:
    """« Région Auvergne-Rhône-Alpes — FEADER », one per funding of the project covering the day."""
    financements = (
        Financement.objects.of_projet(seance.projet_id)
        .filter(date_debut__lte=seance.date, date_fin__gte=seance.date)
        .select_related("financeur")
        .order_by("financeur__nom", "programme", "pk")
    )
    mentions = []
    for financement in financements:
        mention = f"{financement.financeur.nom} — {financement.programme}" if financement.programme else financement.financeur.nom
        if mention not in mentions:
            mentions.append(mention)
    return mentions


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
