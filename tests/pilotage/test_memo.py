"""Figures kept per project under its revision (pilotage/memo.py): read again while nothing
changed, computed again for the projects written to — by a form, a queryset, the attendance
— and right when the cache does not answer."""

import logging
import re
from datetime import date as D

import pytest
from django.core.cache import cache

from parcours.models import Apprenant
from pilotage import indicateurs
from pilotage.indicateurs import Periode, calculer, calculer_par_projet
from tests import factories as f
from tests.conciergerie.test_sante import port_ferme

pytestmark = pytest.mark.django_db

PERIODE = Periode(D(2025, 1, 1), D(2025, 12, 31))


@pytest.fixture
def deux():
    projets = []
    for nom in ("A", "B"):
        p = f.ProjetFactory(nom=nom, date_debut=D(2025, 1, 1))
        for _ in range(3):
            f.EtapeFactory(parcours=f.ParcoursFactory(apprenant__projet=p, apprenant__date_entree=D(2025, 2, 1), date_debut=D(2025, 2, 1)))
        projets.append(p)
    return projets


@pytest.fixture
def calculs(monkeypatch):
    """The projects whose raw counts of learners were computed, call by call (the group a
    learner's write computes again: ``indicateurs.GROUPES_BRUTS``)."""
    appels = []
    original = indicateurs._bruts_calcules

    def compter(ids, *, periode, groupe):
        if groupe == "personnes":
            appels.append(sorted(ids))
        return original(ids, periode=periode, groupe=groupe)

    monkeypatch.setattr(indicateurs, "_bruts_calcules", compter)
    return appels


def test_kept_figures_are_read_again_until_a_write(deux, calculs):
    a, b = deux
    premier = calculer([a], PERIODE)
    assert calculer([a], PERIODE).apprenants.accompagnes == premier.apprenants.accompagnes
    assert calculs == [[a.pk]]  # the second read computed nothing
    f.ParcoursFactory(apprenant__projet=a, apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    apres = calculer([a], PERIODE)
    assert apres.apprenants.accompagnes.valeur == premier.apprenants.accompagnes.valeur + 1
    assert calculs == [[a.pk], [a.pk]]


def test_a_roll_up_computes_only_the_projects_written_to(deux, calculs):
    a, b = deux
    avant = calculer_par_projet([a, b], PERIODE, masquer=False)
    Apprenant.objects.filter(projet=b).update(qpv=True)  # a queryset write
    apres = calculer_par_projet([a, b], PERIODE, masquer=False)
    assert calculs == [[a.pk, b.pk], [b.pk]]
    qpv = {p.nom: i.profil.qpv.valeur for p, i in apres.par_projet}
    assert qpv == {"A": dict((p.nom, i.profil.qpv.valeur) for p, i in avant.par_projet)["A"], "B": 3}


def test_another_period_is_another_figure(deux, calculs):
    a, _ = deux
    calculer([a], PERIODE)
    tot = calculer([a], Periode(D(2024, 1, 1), D(2024, 12, 31)))
    assert tot.apprenants.accompagnes.valeur == 0
    assert len(calculs) == 2


def test_the_figures_are_right_when_the_cache_does_not_answer(deux, settings, caplog):
    """A real Redis cache on a port nothing listens on: every read and write of the cache fails;
    the figures are computed as if nothing were kept, and the log says so."""
    a, b = deux
    settings.CHIFFRES_EN_CACHE = False
    attendu = calculer_par_projet([a, b], PERIODE, masquer=False)
    settings.CHIFFRES_EN_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port_ferme()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with pytest.raises(Exception):  # noqa: B017 — the cache really is down
        cache.get("x")
    with caplog.at_level(logging.WARNING, logger="pilotage.memo"):
        obtenu = calculer_par_projet([a, b], PERIODE, masquer=False)
    assert [(p.pk, i.apprenants.accompagnes.valeur, i.profil.qpv.valeur) for p, i in obtenu.par_projet] == [
        (p.pk, i.apprenants.accompagnes.valeur, i.profil.qpv.valeur) for p, i in attendu.par_projet
    ]
    assert obtenu.total.apprenants.accompagnes.valeur == 6
    assert "le cache ne répond pas" in caplog.text


def test_a_roll_up_page_is_kept_until_one_of_its_projects_is_written_to(deux, login, monkeypatch):
    from django.urls import reverse

    from pilotage import views_tableau

    appels = []
    original = views_tableau.calculer_par_projet

    def compter(*args, **kwargs):
        appels.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(views_tableau, "calculer_par_projet", compter)
    a, b = deux
    user = f.UserFactory()
    for p in (a, b):
        f.AdhesionFactory(user=user, projet=p, coordinateur=True)
    client = login(user)
    params = {"debut": "2025-01-01", "fin": "2025-12-31"}

    def accompagnes():
        """What the page shows (its kept HTML), checked against its figures."""
        reponse = client.get(reverse("synthese"), params)
        total = re.search(r"<tfoot>.*?<th[^>]*>Total</th>\s*<td>([^<]*)</td>", reponse.content.decode(), re.S).group(1)
        assert total == str(reponse.context["synthese"].total.apprenants.accompagnes.valeur)
        return int(total)

    assert accompagnes() == 6 and accompagnes() == 6
    assert len(appels) == 1  # the second view read it
    f.ParcoursFactory(apprenant__projet=b, apprenant__date_entree=D(2025, 3, 1), date_debut=D(2025, 3, 1))
    assert accompagnes() == 7
    assert len(appels) == 2
    # a second coordinator of both projects sees the same: the same value, read
    autre = f.UserFactory()
    for p in (a, b):
        f.AdhesionFactory(user=autre, projet=p, coordinateur=True)
    assert login(autre).get(reverse("synthese"), params).context["synthese"].total.apprenants.accompagnes.valeur == 7
    assert len(appels) == 2
    # a funder reads it masked: another value, computed
    financeur = f.UserFactory()
    for p in (a, b):
        f.AdhesionFactory(user=financeur, projet=p, financeur=True)
    assert login(financeur).get(reverse("synthese"), params).context["masquer"] is True
    assert len(appels) == 3
