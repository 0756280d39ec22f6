"""The AFEST file of a learner, as a PDF an OPCO can receive: each AFEST step of the learner with
its four components (dated, attributed; the missing ones named) and the competences' radar
chart and progression (the same SVG as the learner's page, ``competences.radar``).

In ``pilotage`` because the PDF renderer (``pilotage.pdf``, the fetcher that serves only the
project's static files) is here; the data come from ``competences.selectors``. Small (a few
pages): rendered synchronously, not as a job. Coordinators and administrators
(``apprenants.modifier``: the file names the learner); the download is written in the access log.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from competences import selectors as selectors_competences
from conciergerie.journal import journaliser
from conciergerie.mixins import ProjetMixin
from conciergerie.models import ActionAcces
from parcours.models import Apprenant, Etape, TypeEtape

from . import pdf


def contexte_afest(*, user, projet, apprenant) -> dict:
    etapes = list(
        Etape.objects.visible_to(user, projet=projet)
        .filter(parcours__apprenant=apprenant, type=TypeEtape.AFEST)
        .select_related("organisation")
        .order_by("date_debut", "pk")
    )
    return {
        "projet": projet,
        "apprenant": apprenant,
        "afest": selectors_competences.completude_afest(etapes, selectors_competences.composantes_de(etapes)),
        "suivis": selectors_competences.suivis_apprenant(user, projet, apprenant),
        "genere_le": timezone.localtime(),
        "feuille_de_style": pdf.url_statique("css/print.css"),
        "pdf": True,
    }


class AfestPdfView(ProjetMixin, View):
    capacite = "apprenants.modifier"

    def get(self, request, *args, **kwargs):
        apprenant = get_object_or_404(self.scoped(Apprenant), pk=kwargs["pk"])
        html = render_to_string("pilotage/afest_pdf.html", contexte_afest(user=request.user, projet=self.projet, apprenant=apprenant))
        contenu = pdf.rendre_pdf(html)
        journaliser(
            user=request.user,
            projet=self.projet,
            action=ActionAcces.BILAN_NOMINATIF,
            objet=apprenant,
            libelle=f"Dossier AFEST de {apprenant.reference}",
        )
        reponse = HttpResponse(contenu, content_type="application/pdf")
        reponse["Content-Disposition"] = (
            f'attachment; filename="dossier-afest-{apprenant.reference}-{timezone.localdate().isoformat()}.pdf"'
        )
        reponse["Cache-Control"] = "no-store"
        return reponse
