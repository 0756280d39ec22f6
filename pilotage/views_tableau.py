"""Dashboards: a project's indicators for a period, and the roll-up of several projects.

Every figure comes from ``pilotage.indicateurs``. Whoever may not see personal data (the
financeur role) gets masked figures (« < 5 », « s »: ``pilotage.masquage``) and only the fundings
``visible_to`` gives it.
"""

import functools
import hashlib
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from conciergerie.forms import PeriodeFormMixin
from conciergerie.mixins import ProjetMixin
from conciergerie.models import Projet
from conciergerie.roles import peut
from conciergerie.scoping import adhesions_of
from finances.models import Financement, Objectif

from . import memo, precalcul
from .bilans import MESSAGE_PERIODE  # the wording of every period of the reporting pages
from .indicateurs import Periode, calculer, calculer_par_projet, competences
from .masquage import masquer_pour
from .repartitions import calculer_repartitions, progressions

CAPACITE = "tableau_de_bord.voir"


class PeriodeForm(PeriodeFormMixin, forms.Form):
    # the one period check (conciergerie.forms), with this page's wording
    periode = ("debut", "fin")
    message_periode = MESSAGE_PERIODE

    debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label="au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def periode_demandee(request, *, debut_defaut) -> tuple[PeriodeForm, Periode]:
    """The period in the query string, or [debut_defaut, today]. A refused period falls back to
    the default and the form shows why."""
    defaut = periode_par_defaut(debut_defaut)
    form = PeriodeForm(request.GET or None, initial={"debut": defaut.debut, "fin": defaut.fin})
    if form.is_bound and form.is_valid():
        debut = form.cleaned_data["debut"] or defaut.debut
        fin = form.cleaned_data["fin"] or max(defaut.fin, debut)
        return form, Periode(debut, fin)
    return form, defaut


class TableauDeBordView(ProjetMixin, TemplateView):
    capacite = CAPACITE
    template_name = "pilotage/tableau_de_bord.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, periode = periode_demandee(self.request, debut_defaut=self.projet.date_debut)
        context.update(
            form=form,
            periode=periode,
            **figures_du_tableau(
                self.projet,
                periode,
                masquer=masquer_pour(self.adhesion.role),
                financements=self.scoped(Financement).select_related("financeur"),
                objectifs=self.scoped(Objectif).select_related("projet", "financement"),
            ),
            plusieurs_projets=sum(peut(a.role, CAPACITE) for a in adhesions_of(self.request.user)) > 1,
        )
        return context


def periode_par_defaut(debut_defaut) -> Periode:
    """A dashboard's or a roll-up's period when none is asked: [debut_defaut, today]."""
    aujourd_hui = timezone.localdate()
    return Periode(min(debut_defaut, aujourd_hui), aujourd_hui)


def figures_du_tableau(projet, periode: Periode, *, masquer: bool, financements, objectifs) -> dict:
    """A project's dashboard: ``financements`` and ``objectifs`` read by the caller through
    ``visible_to`` (the view; ``pilotage.precalcul``, which computes them again after a write
    for each reading of the project)."""
    financements = list(financements)
    with memo.lecture([projet.pk]):  # the project's revision read once for the page's figures
        indicateurs = calculer([projet], periode, masquer=masquer, financements=financements)
        return {
            "indicateurs": indicateurs,
            "competences": competences([projet], periode, masquer=masquer),
            # breakdowns and targets (issue 17): pilotage.repartitions, masked with the figures
            "repartitions": calculer_repartitions([projet], periode, indicateurs=indicateurs, masquer=masquer, financements=financements),
            "progressions": progressions(objectifs, masquer=masquer),
        }


def lecture_synthese(user) -> str:
    """What a user reads of a roll-up, beside the projects' data: its memberships that read the
    dashboards (project, role, organisation). Two users with the same read the same page
    (``SyntheseView``'s key; ``pilotage.precalcul`` computes each once)."""
    return ";".join(sorted(f"{a.projet_id}:{a.role}:{a.organisation_id}" for a in adhesions_of(user) if peut(a.role, CAPACITE)))


def perimetre_synthese(user) -> tuple[list, bool, object]:
    """What a roll-up (the page and its Excel bilan) spans: every project where ``user`` may read
    the dashboard (403 if none), masked as soon as one of those memberships is a funder's, and
    the fundings ``visible_to`` gives. Returns (projets, masquer, financements), ``financements``
    a function that returns them (a QuerySet)."""
    adhesions = [a for a in adhesions_of(user) if peut(a.role, CAPACITE)]
    if not adhesions:
        raise PermissionDenied("Aucun de vos projets ne donne accès aux tableaux de bord.")
    projets = list(Projet.objects.visible_to(user).filter(pk__in=[a.projet_id for a in adhesions]))
    masquer = any(masquer_pour(a.role) for a in adhesions)

    def financements():
        # built when read: for the national user, ``visible_to`` is an OR of 204 terms, some
        # 15 ms of the ORM's, which a roll-up read from the cache does not need
        return Financement.objects.visible_to(user).filter(projet__in=projets).select_related("financeur")

    return projets, masquer, financements


def figures_de_synthese(user, projets, periode: Periode, *, masquer: bool, financements) -> tuple:
    """A roll-up's figures and its targets' progress, as ``user`` reads them
    (``perimetre_synthese`` gives the other arguments, ``financements`` the function it
    returns): ``SyntheseView``, and ``pilotage.precalcul`` after a write in one of ``projets``,
    under the very key the page reads.

    Kept until one of the projects is written to (``pilotage.memo.ensemble``). What the user sees
    of them — the fundings, the targets — follows from its memberships (role and organisation in
    each project) and from the projects' rows, which their revisions cover: the memberships are
    the key, the two ``visible_to`` queries run only to compute."""

    def calcul():
        # each project's targets (a funder: its fundings'), with their progress (issue 17)
        objectifs = Objectif.objects.visible_to(user).filter(projet__in=projets).select_related("projet", "financement")
        return (
            calculer_par_projet(projets, periode, masquer=masquer, financements=list(financements())),
            progressions(objectifs, masquer=masquer),
        )

    return memo.ensemble("synthese", [p.pk for p in projets], periode, lecture_synthese(user), calcul)


def _empreinte_gabarits() -> str:
    """The fingerprint of the templates a kept roll-up's HTML comes from: a deployment that
    changes them does not serve the former HTML."""
    dossier = Path(settings.BASE_DIR) / "templates" / "pilotage"
    return hashlib.sha256(b"".join(f.read_bytes() for f in sorted(dossier.glob("_*.html")))).hexdigest()[:12]


EMPREINTE_GABARITS = _empreinte_gabarits()


def chiffres_de_synthese(user, projets, periode: Periode, *, masquer: bool, financements, retard_max: int = 0) -> tuple:
    """The roll-up's figures as HTML (« _synthese_chiffres.html »: its averages, its projects side
    by side, its totals, its targets), rendered once per state of its projects and kept like the
    figures they show (``memo.ensemble_recent``, plus the templates' fingerprint): a kept page
    reads one string instead of unpickling the figures of 204 projects and rendering some
    20 000 template variables. Returns (html, ``memo.Anteriorite`` or None): with
    ``retard_max``, the HTML kept last while the projects written to since are computed again in
    the background."""
    return memo.ensemble_recent(
        "synthese-html",
        [p.pk for p in projets],
        periode,
        f"{lecture_synthese(user)}|{EMPREINTE_GABARITS}",
        lambda: _rendre_synthese(*figures_de_synthese(user, projets, periode, masquer=masquer, financements=financements), masquer),
        retard_max=retard_max,
    )


def _rendre_synthese(synthese, progressions_lues, masquer: bool) -> str:
    contexte = {"synthese": synthese, "progressions": progressions_lues, "masquer": masquer}
    return render_to_string("pilotage/_synthese_chiffres.html", contexte)


class SyntheseView(TemplateView):
    """The roll-up over every project where the user may read the dashboard."""

    template_name = "pilotage/synthese.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projets, masquer, financements = perimetre_synthese(self.request.user)
        form, periode = periode_demandee(self.request, debut_defaut=min(p.date_debut for p in projets))
        user = self.request.user
        # the figures themselves, read only if asked (a test, the page's context): the page
        # shows their kept HTML
        figures = functools.cache(lambda: figures_de_synthese(user, projets, periode, masquer=masquer, financements=financements))
        # the figures kept last while a write's run computes them again, if runs are programmed
        # (pilotage.precalcul) and they are less than SYNTHESE_RETARD_MAX seconds old
        retard_max = getattr(settings, "SYNTHESE_RETARD_MAX", 0) if precalcul.programme() else 0
        chiffres, anteriorite = chiffres_de_synthese(
            user, projets, periode, masquer=masquer, financements=financements, retard_max=retard_max
        )
        context.update(
            form=form,
            periode=periode,
            masquer=masquer,
            chiffres=mark_safe(chiffres),  # noqa: S308 — rendered by our template, escaped there
            anteriorite=anteriorite,
            synthese=SimpleLazyObject(lambda: figures()[0]),
            progressions=SimpleLazyObject(lambda: figures()[1]),
            # the detailed bilan of the projects the user administers (pilotage.views_bilans), if several
            bilan_projets=sum(peut(a.role, "membres.gerer") for a in adhesions_of(self.request.user)) > 1,
        )
        return context
