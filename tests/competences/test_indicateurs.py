"""The competence figures (competences/indicateurs.py) and their masking for funders
(pilotage/masquage.py), on the dashboard, in the COPIL report's context and in the bilan."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.urls import reverse

from badges.indicateurs import FiguresBadges
from competences import indicateurs
from competences.models import MomentEvaluation, TypeComposante
from parcours.models import TypeEtape
from pilotage import masquage
from pilotage.indicateurs import Periode, competences
from tests import factories as f
from tests.connexion import connecter

DEBUT, FIN = D(2025, 1, 1), D(2025, 12, 31)
AUCUN_BADGE = FiguresBadges(delivres=0, valides=0, revoques=0, apprenants=0, proposes=0, par_badge=())


def _evaluer(apprenant, referentiel, niveaux, date, moment):
    evaluation = f.EvaluationFactory(apprenant=apprenant, referentiel=referentiel, date=date, moment=moment)
    for competence, niveau in niveaux.items():
        f.NiveauEvaluationFactory(evaluation=evaluation, competence=competence, niveau=niveau)


def _afest(projet, composantes):
    etape = f.EtapeFactory(parcours__apprenant__projet=projet, type=TypeEtape.AFEST, date_debut=D(2025, 3, 1))
    for type_ in composantes:
        if type_ == TypeComposante.EVALUATION:
            f.ComposanteAfestFactory(etape=etape, type=type_, evaluation=f.EvaluationFactory(apprenant=etape.parcours.apprenant))
        else:
            f.ComposanteAfestFactory(etape=etape, type=type_)
    return etape


@pytest.fixture
def projet(db):
    projet = f.ProjetFactory()
    ref = f.ReferentielFactory(projet=projet, nom="Couture")
    b1 = f.BlocFactory(referentiel=ref, code="B1", libelle="Préparer")
    c1, c2 = f.CompetenceFactory(bloc=b1, code="C1"), f.CompetenceFactory(bloc=b1, code="C2")
    for i in range(6):
        apprenant = f.ApprenantFactory(projet=projet)
        _evaluer(apprenant, ref, {c1: 1, c2: 2}, D(2025, 2, 1), MomentEvaluation.ENTREE)
        _evaluer(apprenant, ref, {c1: 3, c2: 3 + i % 2}, D(2025, 6, 1), MomentEvaluation.SORTIE)
    _evaluer(f.ApprenantFactory(projet=projet), ref, {c1: 2}, D(2024, 6, 1), MomentEvaluation.ENTREE)  # before the period
    _afest(projet, TypeComposante.values)
    for _ in range(5):
        _afest(projet, [TypeComposante.ANALYSE, TypeComposante.PHASE_REFLEXIVE])
    return projet


def test_figures_in_clear(projet):
    figures = indicateurs.calculer([projet], DEBUT, FIN)
    # 12 evaluations of 6 learners in the period, plus the AFEST component's own evaluation (no level)
    assert (figures.evaluations, figures.apprenants_evalues, figures.competences_evaluees) == (13, 7, 2)
    (bloc,) = figures.progression_blocs
    # entry: mean of (1, 2) = 1.5 for each; latest: (3+3)/2 = 3 or (3+4)/2 = 3.5 → 3.25 → 3.3
    assert (bloc.bloc, bloc.apprenants, bloc.entree, bloc.derniere) == ("B1 — Préparer", 6, Decimal("1.5"), Decimal("3.3"))
    assert (figures.afest_completes, figures.afest_incompletes, figures.afest_total) == (1, 5, 6)


def test_masked_for_funders_none_recomputable(projet):
    affichees = competences([projet], Periode(DEBUT, FIN), masquer=True)
    assert str(affichees.afest_completes) == "< 5"
    # total 6 and incomplete 5 shown would give the complete ones (1): one of them is hidden too
    assert "s" in {str(affichees.afest_total), str(affichees.afest_incompletes)}
    assert str(affichees.apprenants_evalues) == "7"
    en_clair = competences([projet], Periode(DEBUT, FIN), masquer=False)
    assert (str(en_clair.afest_completes), str(en_clair.afest_total)) == ("1", "6")


def test_a_few_learners_mean_is_hidden(db):
    figures = indicateurs.FiguresCompetences(
        evaluations=4,
        apprenants_evalues=2,
        competences_evaluees=3,
        progression_blocs=[indicateurs.ProgressionBloc("R (v1)", "B1", 2, Decimal("1.0"), Decimal("3.0"))],
        afest_completes=0,
        afest_incompletes=0,
    )
    (bloc,) = masquage.competences(figures, AUCUN_BADGE, masquer=True).progression_blocs
    assert (str(bloc.apprenants), str(bloc.entree), str(bloc.derniere), str(bloc.ecart)) == ("< 5", "s", "s", "s")
    (bloc,) = masquage.competences(figures, AUCUN_BADGE, masquer=False).progression_blocs
    assert str(bloc.derniere) == "3,0"


@pytest.mark.parametrize(("role", "attendu"), [("coordinateur", "1"), ("financeur", "&lt; 5")])
def test_dashboard_shows_them(projet, client, role, attendu):
    adhesion = f.AdhesionFactory(projet=projet, **{role: True})
    connecter(adhesion.user, client)
    page = client.get(reverse("tableau_de_bord", args=[projet.pk]), {"debut": "2025-01-01", "fin": "2025-12-31"}).content.decode()
    assert f'<dd id="chiffre-afest-completes">{attendu}</dd>' in page
    assert "B1 — Préparer" in page


def test_badges_issued_beside_them_masked_with_their_relation(db):
    """Issued = still valid + revoked: with 7 issued of which 1 revoked, the funder must not read
    the revoked one from 7 − 6 — the revoked « < 5 » pulls one of the two others into « s »."""
    figures = indicateurs.FiguresCompetences(
        evaluations=0, apprenants_evalues=0, competences_evaluees=0, progression_blocs=[], afest_completes=0, afest_incompletes=0
    )
    badges = FiguresBadges(delivres=7, valides=6, revoques=1, apprenants=7, proposes=0, par_badge=())
    masquees = masquage.competences(figures, badges, masquer=True)
    assert str(masquees.badges_revoques) == "< 5"
    assert "s" in {str(masquees.badges_delivres), str(masquees.badges_valides)}
    en_clair = masquage.competences(figures, badges, masquer=False)
    assert (str(en_clair.badges_delivres), str(en_clair.badges_revoques)) == ("7", "1")


def test_dashboard_counts_the_badges_issued(db, client):
    from tests.badges.outils import badge_delivre

    badge, coord = badge_delivre()
    connecter(coord, client)
    page = client.get(reverse("tableau_de_bord", args=[badge.projet.pk])).content.decode()
    assert '<dd id="chiffre-badges-delivres">1</dd>' in page
