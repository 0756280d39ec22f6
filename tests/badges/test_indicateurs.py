"""« Badges délivrés »: counted in the period they were issued in, revoked ones apart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from badges import services
from badges.indicateurs import badges_delivres
from badges.models import Badge
from tests.badges.outils import badge_delivre, badge_propose

pytestmark = pytest.mark.django_db


def test_badges_delivres_dans_la_periode():
    premier, coord = badge_delivre()
    projet = premier.projet
    deuxieme, _ = badge_propose(projet=projet, email="b@example.org", nom_classe="Garnissage")
    deuxieme = services.delivrer_badge(badge=deuxieme, by=coord)
    services.revoquer_badge(badge=deuxieme, by=coord, motif="Erreur")
    ancien, _ = badge_propose(projet=projet, email="c@example.org", nom_classe="Ancien")
    ancien = services.delivrer_badge(badge=ancien, by=coord)
    Badge.objects.filter(pk=ancien.pk).update(delivre_le=timezone.now() - timedelta(days=400))
    badge_propose(projet=projet, email="d@example.org", nom_classe="En attente")
    badge_delivre(email="e@example.org")  # another project

    aujourdhui = timezone.localdate()
    figures = badges_delivres(projet, aujourdhui - timedelta(days=30), aujourdhui)
    assert (figures.delivres, figures.valides, figures.revoques, figures.apprenants, figures.proposes) == (2, 1, 1, 2, 1)
    assert figures.par_badge == (("Couture d'assise", 1), ("Garnissage", 1))
    tout = badges_delivres([projet], aujourdhui - timedelta(days=500), aujourdhui)
    assert tout.delivres == 3


def test_le_badge_de_la_demo():
    from badges.credential import Verdict, verifier_jwt
    from badges.demo import delivrer_badge_demo
    from badges.models import StatutBadge
    from competences.models import Niveau
    from tests import factories as f

    projet = f.ProjetFactory()
    c1, c2 = f.CompetenceFactory(bloc__referentiel__projet=projet), f.CompetenceFactory(bloc__referentiel__projet=projet)
    eleve = f.ApprenantFactory(projet=projet, email="")
    sortie = f.EvaluationFactory(apprenant=eleve, referentiel=c1.bloc.referentiel, sortie=True)
    f.NiveauEvaluationFactory(evaluation=sortie, competence=c1, niveau=Niveau.MAITRISE)
    f.NiveauEvaluationFactory(evaluation=sortie, competence=c2, niveau=Niveau.EN_COURS)
    badge = delivrer_badge_demo(projet=projet)
    assert badge.statut == StatutBadge.DELIVRE and badge.apprenant == eleve
    assert [r.competence for r in badge.classe.requises.all()] == [c1]
    assert verifier_jwt(badge.jwt).etat == Verdict.VALIDE
    assert delivrer_badge_demo(projet=projet) == badge  # run again: the same badge
