"""The global search page (``recherche``; the header's form leads here). The reads are in
``recherche.py``; this view reads the query, picks the kinds the role may search and renders
the groups (or, with ``?type=``, every match of one kind, paginated)."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from conciergerie.mixins import ProjetMixin

from .recherche import MAXIMUM, MINIMUM, PAR_CLE, correspondances, genres_de, rechercher

PAR_PAGE = 25


class RechercheView(ProjetMixin, TemplateView):
    capacite = "partenaires.voir"  # a funder: no person, no directory (403)
    template_name = "parcours/recherche.html"

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return ["parcours/_recherche_resultats.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        texte = " ".join(self.request.GET.get("q", "").split())[:MAXIMUM]
        genres = genres_de(self.adhesion.role)
        genre = PAR_CLE.get(self.request.GET.get("type", ""))
        if genre not in genres:
            genre = None
        context.update(q=texte, genre=genre, genres=genres, minimum=MINIMUM)
        if len(texte) < MINIMUM:
            context["trop_court"] = bool(texte)
            return context
        if genre is None:
            context["groupes"] = rechercher(self.request.user, self.projet, self.adhesion.role, texte)
            return context
        page = Paginator(correspondances(genre, self.request.user, self.projet, texte), PAR_PAGE).get_page(self.request.GET.get("page"))
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            resultats=[genre.resultat(o, self.projet) for o in page],
            query_string=params.urlencode(),
        )
        return context
