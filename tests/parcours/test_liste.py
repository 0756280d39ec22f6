"""The learners list: search, filters, sorting, pagination, htmx partial, query budget."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import StatutEtape
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(projet, **params):
    from urllib.parse import urlencode

    base = reverse("apprenant_list", args=[projet.pk])
    return f"{base}?{urlencode(params)}" if params else base


def _noms(response):
    return [a.nom for a in response.context["apprenants"]]


def test_search_by_name(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory(projet=projet, nom="Marchand", prenom="Léa")
    f.ApprenantFactory(projet=projet, nom="Dupuy", prenom="Hugo")
    response = cabinet["client"].get(_url(projet, q="march"))
    assert _noms(response) == ["Marchand"]
    assert "1\u00a0apprenant" in response.content.decode()
    assert _noms(cabinet["client"].get(_url(projet, q="hugo dup"))) == ["Dupuy"]


def test_filters(cabinet):
    projet, of = cabinet["projet"], cabinet["of"]
    france_travail = f.OrganisationFactory(projet=projet, prescripteur=True)
    a = f.ApprenantFactory(projet=projet, nom="Alpha", qpv=True, prescripteur=france_travail, date_entree=date(2025, 1, 10))
    b = f.ApprenantFactory(projet=projet, nom="Bravo", zrr=True, situation_entree="rsa", date_entree=date(2025, 5, 10))
    c = f.ApprenantFactory(projet=projet, nom="Charlie", date_entree=date(2025, 9, 10))
    f.EtapeFactory(parcours__apprenant=a, organisation=of, certifiante=True)
    f.EtapeFactory(parcours__apprenant=b, bloquee=True, organisation=cabinet["tiers_lieu"])
    f.SortieFactory(parcours__apprenant=c, parcours__suivi_6_mois_le=timezone.localdate() + timedelta(days=10))
    client = cabinet["client"]
    assert _noms(client.get(_url(projet, type_etape="formation_certifiante"))) == ["Alpha"]
    assert _noms(client.get(_url(projet, organisation=of.pk))) == ["Alpha"]
    assert _noms(client.get(_url(projet, prescripteur=france_travail.pk))) == ["Alpha"]
    assert _noms(client.get(_url(projet, qpv="oui"))) == ["Alpha"]
    assert _noms(client.get(_url(projet, qpv="non"))) == ["Bravo", "Charlie"]
    assert _noms(client.get(_url(projet, zrr="oui"))) == ["Bravo"]
    assert _noms(client.get(_url(projet, situation_entree="rsa"))) == ["Bravo"]
    assert _noms(client.get(_url(projet, date_entree_after="2025-03-01", date_entree_before="2025-06-30"))) == ["Bravo"]
    assert _noms(client.get(_url(projet, bloquee="oui"))) == ["Bravo"]
    assert _noms(client.get(_url(projet, bloquee="non"))) == ["Alpha", "Charlie"]
    assert _noms(client.get(_url(projet, suivi_du="oui"))) == ["Charlie"]
    assert _noms(client.get(_url(projet, statut_parcours="cloture"))) == ["Charlie"]
    assert _noms(client.get(_url(projet, statut_parcours="en_cours"))) == ["Alpha", "Bravo"]


def test_follow_up_done_is_no_longer_due(cabinet):
    projet = cabinet["projet"]
    sortie = f.SortieFactory(parcours__apprenant__projet=projet, parcours__suivi_6_mois_le=timezone.localdate())
    assert len(_noms(cabinet["client"].get(_url(projet, suivi_du="oui")))) == 1
    f.SortieFactory(parcours=sortie.parcours, suivi=True)
    assert _noms(cabinet["client"].get(_url(projet, suivi_du="oui"))) == []


def test_invalid_filter_value_shows_error_not_500(cabinet):
    response = cabinet["client"].get(_url(cabinet["projet"], type_etape="nimportequoi"))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_sorting_is_whitelisted(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory(projet=projet, nom="Alpha", commune="Zinc", date_entree=date(2025, 3, 1))
    f.ApprenantFactory(projet=projet, nom="Bravo", commune="Arles", date_entree=date(2025, 1, 1))
    client = cabinet["client"]
    assert _noms(client.get(_url(projet))) == ["Alpha", "Bravo"]
    assert _noms(client.get(_url(projet, tri="-nom"))) == ["Bravo", "Alpha"]
    assert _noms(client.get(_url(projet, tri="commune"))) == ["Bravo", "Alpha"]
    assert _noms(client.get(_url(projet, tri="entree"))) == ["Bravo", "Alpha"]
    assert _noms(client.get(_url(projet, tri="-entree"))) == ["Alpha", "Bravo"]
    # an unknown column falls back to the name, never reaches order_by
    response = client.get(_url(projet, tri="projet__nom"))
    assert response.status_code == 200
    assert _noms(response) == ["Alpha", "Bravo"]


def test_pagination_and_count_keep_filters(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory.create_batch(30, projet=projet, zrr=True)
    response = cabinet["client"].get(_url(projet, zrr="oui"))
    html = response.content.decode()
    assert "30\u00a0apprenants" in html
    assert len(response.context["apprenants"]) == 25
    assert "zrr=oui&amp;page=2" in html
    assert len(cabinet["client"].get(_url(projet, zrr="oui", page=2)).context["apprenants"]) == 5


def test_htmx_request_gets_the_results_partial(cabinet):
    projet = cabinet["projet"]
    f.ApprenantFactory(projet=projet, nom="Marchand")
    full = cabinet["client"].get(_url(projet)).content.decode()
    assert "<html" in full and 'hx-get="' in full and 'hx-push-url="true"' in full and 'id="resultats"' in full
    partial = cabinet["client"].get(_url(projet, q="march"), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert "Marchand" in html and "1\u00a0apprenant" in html


def test_partner_lists_only_its_learners_and_filters_on_its_steps(cabinet, login):
    projet, of = cabinet["projet"], cabinet["of"]
    suivi = f.EtapeFactory(parcours__apprenant__projet=projet, parcours__apprenant__nom="Suivi", organisation=of)
    f.EtapeFactory(parcours=suivi.parcours, organisation=cabinet["tiers_lieu"], certifiante=True)
    f.EtapeFactory(parcours__apprenant__projet=projet, parcours__apprenant__nom="Autre", organisation=cabinet["tiers_lieu"])
    client = login(cabinet["partenaire"])
    assert _noms(client.get(_url(projet))) == ["Suivi"]
    # the certifying step is at another organisation: the partner does not match on it
    assert _noms(client.get(_url(projet, type_etape="formation_certifiante"))) == []
    assert _noms(client.get(_url(projet, type_etape="accompagnement"))) == ["Suivi"]


def test_partner_sees_no_situation_column_filter_or_sort(cabinet, login):
    """A partner sees identity and its steps only: the list shows neither the situation at entry,
    the entry date nor the prescriber, and cannot filter or sort on them (nor on QPV/ZRR), which
    would reveal them row by row."""
    projet, of = cabinet["projet"], cabinet["of"]
    prescripteur = f.OrganisationFactory(projet=projet, nom="Mission Locale du Marsan")
    for nom, zrr in (("Zrr", True), ("Ville", False)):
        f.EtapeFactory(
            organisation=of,
            parcours__apprenant__projet=projet,
            parcours__apprenant__nom=nom,
            parcours__apprenant__zrr=zrr,
            parcours__apprenant__situation_entree="rsa",
            parcours__apprenant__prescripteur=prescripteur,
            parcours__apprenant__date_entree=date(2025, 3, 14),
        )
    partenaire = login(cabinet["partenaire"])
    html = partenaire.get(_url(projet)).content.decode()
    assert "Zrr" in html and "Ville" in html
    tableau = html[html.index('<table class="tableau">') : html.index("</table>")]
    assert "Mission Locale du Marsan" not in tableau  # the directory of organisations stays in the step filter
    for cache in ("Bénéficiaire du RSA", "14 mars 2025", "Situation à l'entrée", "Prescripteur", "QPV", "ZRR", "Entrée"):
        assert cache not in html, cache
    # the situation filters are ignored, the sort falls back to the name
    assert sorted(_noms(partenaire.get(_url(projet, zrr="oui")))) == ["Ville", "Zrr"]
    assert sorted(_noms(partenaire.get(_url(projet, situation_entree="neet")))) == ["Ville", "Zrr"]
    reponse = partenaire.get(_url(projet, tri="-situation"))
    assert reponse.context["tri"] == "nom"
    # the coordinator sees and uses them
    coord = cabinet["client"]
    html = coord.get(_url(projet)).content.decode()
    assert "Bénéficiaire du RSA" in html and "Mission Locale du Marsan" in html and "14 mars 2025" in html
    assert _noms(coord.get(_url(projet, zrr="oui"))) == ["Zrr"]


def _peupler(projet, n):
    for i in range(n):
        etape = f.EtapeFactory(
            parcours__apprenant__projet=projet, parcours__apprenant__nom=f"N{i:03d}", statut=StatutEtape.BLOQUEE, motif="x"
        )
        f.FreinFactory(apprenant=etape.parcours.apprenant)


@pytest.mark.parametrize("n", [5, 50])
def test_list_query_budget(cabinet, django_assert_num_queries, n):
    projet = cabinet["projet"]
    _peupler(projet, n)
    client = cabinet["client"]
    client.get(_url(projet))  # session warm-up
    # session (read; not saved again, the project did not change), user, memberships (with
    # their projects), count, page, prefetched paths, the filter form's two organisation
    # selects: the same with 5 and with 50 learners
    with django_assert_num_queries(8):
        client.get(_url(projet, bloquee="oui", tri="-entree"))
