"""The dashboard and the roll-up: same figures as the indicators module, masked for funders,
no personal data, a constant number of queries."""

from datetime import date as D

import pytest
from django.urls import reverse

from parcours.models import Apprenant
from pilotage.indicateurs import Periode, calculer
from tests import factories as f

PERIODE = {"debut": "2025-01-01", "fin": "2025-06-30"}


def _remplir(projet, n):
    for i in range(n):
        etape = f.EtapeFactory(
            parcours__apprenant__projet=projet, parcours__apprenant__qpv=i % 2 == 0, parcours__apprenant__nom=f"Nomdefamille{i}"
        )
        f.FreinFactory(apprenant=etape.parcours.apprenant)
    f.SortieFactory(parcours__apprenant__projet=projet)


@pytest.fixture
def projet_rempli(monde):
    _remplir(monde["A"], 7)
    f.FinancementFactory(projet=monde["A"], financeur=monde["adhesions"]["financeur"].organisation, plafonne=True)
    f.FinancementFactory(projet=monde["A"], programme="Fondation secrète", montant_accorde=777, plafonne=True)
    return monde


def _valeur(html, cle):
    debut = html.index(f'data-indicateur="{cle}">') + len(f'data-indicateur="{cle}">')
    return html[debut : html.index("</dd>", debut)]


def test_coordinator_dashboard_shows_the_indicators_figures(projet_rempli, login):
    m = projet_rempli
    html = login(m["users"]["coordinateur"]).get(reverse("tableau_de_bord", args=[m["A"].pk]), PERIODE).content.decode()
    attendu = calculer([m["A"]], Periode(D(2025, 1, 1), D(2025, 6, 30)))
    assert _valeur(html, "accompagnes") == str(attendu.apprenants.accompagnes) == "10"
    assert _valeur(html, "qpv") == f"{attendu.profil.qpv} ({attendu.profil.part_qpv})" == "4 (40\u00a0%)"  # never "4 · 40 %"
    assert _valeur(html, "total_sortie") == "1"
    assert "Fondation secrète" in html  # the coordinator sees every funding
    assert "<svg" in html


def test_funder_dashboard_is_masked_and_shows_only_its_fundings(projet_rempli, login):
    m = projet_rempli
    html = login(m["users"]["financeur"]).get(reverse("tableau_de_bord", args=[m["A"].pk]), PERIODE).content.decode()
    assert _valeur(html, "accompagnes") == "10"
    assert _valeur(html, "total_sortie") == "&lt; 5"
    assert "« &lt; 5 » : moins de 5 personnes ; « s » : secret statistique" in html  # the legend
    assert "Fondation secrète" not in html
    assert "777" not in html
    for apprenant in Apprenant.objects.filter(projet=m["A"]):
        assert apprenant.nom not in html
        assert apprenant.reference not in html


def test_a_refused_period_says_why_and_falls_back(monde, login):
    r = login(monde["users"]["coordinateur"]).get(
        reverse("tableau_de_bord", args=[monde["A"].pk]), {"debut": "2025-06-30", "fin": "2025-01-01"}
    )
    assert r.status_code == 200
    assert "La fin de la période doit suivre son début." in r.content.decode()
    assert r.context["periode"].debut == monde["A"].date_debut


@pytest.mark.parametrize("n", [5, 50])
def test_dashboard_queries_do_not_grow_with_rows(monde, login, django_assert_max_num_queries, n):
    _remplir(monde["A"], n)
    client = login(monde["users"]["coordinateur"])
    # 24, and the competence figures (evaluations, levels, AFEST steps) and the badges issued (one),
    # and the project's revision read by each kind of figure kept for it (pilotage.memo: raw
    # counts, money, breakdowns, competences)
    with django_assert_max_num_queries(32):
        assert client.get(reverse("tableau_de_bord", args=[monde["A"].pk]), PERIODE).status_code == 200


# ---------------------------------------------------------------- roll-up


@pytest.fixture
def region(db):
    """A Région's funder in three projects (7, 3 and 10 learners), a coordinator in one of them."""
    user = f.UserFactory(username="region")
    projets = []
    for i, n in enumerate((6, 2, 9)):
        projet = f.ProjetFactory(nom=f"Consortium {i}")
        _remplir(projet, n)
        f.AdhesionFactory(user=user, projet=projet, financeur=True)
        projets.append(projet)
    coord = f.AdhesionFactory(projet=projets[0], coordinateur=True).user
    return {"user": user, "projets": projets, "coord": coord}


def test_roll_up_shows_projects_side_by_side_and_summed(region, login):
    r = login(region["user"]).get(reverse("synthese"), PERIODE)
    assert r.status_code == 200
    html = r.content.decode()
    for projet in region["projets"]:
        assert projet.nom in html
    synthese = r.context["synthese"]
    assert [i.apprenants.accompagnes.valeur for _, i in synthese.par_projet] == [7, 3, 10]  # each gets one more learner, who exited
    assert synthese.total.apprenants.accompagnes.valeur == 20
    assert str(synthese.par_projet[1][1].apprenants.accompagnes) == "< 5"  # masked for a funder
    assert _valeur(html, "apprenants_par_projet") == "6,7"
    assert "Nomdefamille" not in html


def test_roll_up_is_not_masked_for_a_coordinator(region, login):
    r = login(region["coord"]).get(reverse("synthese"), PERIODE)
    assert r.status_code == 200
    assert r.context["masquer"] is False
    assert [p.nom for p, _ in r.context["synthese"].par_projet] == ["Consortium 0"]


def test_roll_up_refused_to_a_partner_only_and_covers_only_own_projects(monde, login):
    assert login(monde["users"]["partenaire"]).get(reverse("synthese")).status_code == 403
    assert login(monde["outsider"]).get(reverse("synthese")).status_code == 403
    r = login(monde["users"]["financeur"]).get(reverse("synthese"))
    assert [p for p, _ in r.context["synthese"].par_projet] == [monde["A"]]


@pytest.mark.parametrize("n", [2, 12])
def test_roll_up_queries_do_not_grow_with_projects(db, login, django_assert_max_num_queries, n):
    user = f.UserFactory()
    for _ in range(n):
        projet = f.ProjetFactory()
        _remplir(projet, 2)
        f.FinancementFactory(projet=projet)
        f.AdhesionFactory(user=user, projet=projet, financeur=True)
    client = login(user)
    with django_assert_max_num_queries(24):
        assert client.get(reverse("synthese"), PERIODE).status_code == 200
