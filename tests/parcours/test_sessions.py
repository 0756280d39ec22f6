"""Sessions of training organisations (formation distribuée): list and page with the learners the
conciergerie placed, places left and whether the minimum was reached thanks to them; a partner
sees its organisation's sessions only; coordinators log sessions; the learners an organisation
follows (the block of the organisation page)."""

import pytest
from django.urls import reverse

from parcours.models import SessionFormation, StatutEtape
from tests import factories as f

pytestmark = pytest.mark.django_db


def _placer(session, n, **kwargs):
    return [
        f.EtapeFactory(parcours__apprenant__projet=session.projet, organisation=session.organisation, session=session, **kwargs)
        for _ in range(n)
    ]


@pytest.fixture
def sessions(cabinet):
    projet, of = cabinet["projet"], cabinet["of"]
    ouverte = f.SessionFormationFactory(projet=projet, organisation=of, intitule="CAP menuiserie", places_min=3, places_max=10)
    etapes = _placer(ouverte, 3)
    _placer(ouverte, 1, statut=StatutEtape.ABANDONNEE, motif="Déménagement")  # an abandoned step is not a placement
    # a second step of the same learner in the session counts once
    f.EtapeFactory(parcours=etapes[0].parcours, organisation=of, session=ouverte)
    autre_of = f.MembreConsortiumFactory(projet=projet, organisation__type="organisme_formation", organisation__nom="AFPA").organisation
    en_manque = f.SessionFormationFactory(
        projet=projet, organisation=autre_of, intitule="Installateur thermique", places_min=8, places_max=12
    )
    _placer(en_manque, 2)
    return {"ouverte": ouverte, "en_manque": en_manque, "etapes": etapes}


def _ligne(html, intitule):
    debut = html.index(intitule)
    return html[debut : html.index("</tr>", debut)]


def test_list_shows_placed_learners_places_left_and_threshold(cabinet, sessions):
    html = cabinet["client"].get(reverse("sessionformation_list", args=[cabinet["projet"].pk])).content.decode()
    assert "2\u00a0sessions" in html
    ouverte = _ligne(html, "CAP menuiserie")
    assert '<td class="nombre">3</td>' in ouverte  # placed: 3 distinct, the abandoned one left out
    assert "7 / 10" in ouverte  # places left
    assert "atteint grâce à la conciergerie" in ouverte
    en_manque = _ligne(html, "Installateur thermique")
    assert "10 / 12" in en_manque and "il manque 6" in en_manque
    assert reverse("sessionformation_create", args=[cabinet["projet"].pk]) in html


def test_page_lists_the_placed_learners(cabinet, sessions):
    session = sessions["ouverte"]
    html = cabinet["client"].get(reverse("sessionformation_detail", args=[session.projet_id, session.pk])).content.decode()
    assert "Seuil atteint grâce à la conciergerie" in html
    for etape in sessions["etapes"]:
        assert reverse("apprenant_detail", args=[session.projet_id, etape.parcours.apprenant_id]) in html
    assert "Abandonnée" in html  # shown in the list, not counted
    html = cabinet["client"].get(reverse("sessionformation_detail", args=[session.projet_id, sessions["en_manque"].pk])).content.decode()
    assert "Seuil non atteint par la conciergerie seule" in html and "il en manque 6" in html


def test_partner_sees_only_its_organisation_sessions(cabinet, sessions, login):
    partenaire = login(cabinet["partenaire"])
    projet = cabinet["projet"]
    html = partenaire.get(reverse("sessionformation_list", args=[projet.pk])).content.decode()
    assert "CAP menuiserie" in html and "Installateur thermique" not in html and "1\u00a0session" in html
    assert reverse("sessionformation_create", args=[projet.pk]) not in html
    assert partenaire.get(reverse("sessionformation_detail", args=[projet.pk, sessions["en_manque"].pk])).status_code == 404


@pytest.mark.parametrize("n", [5, 50])
def test_list_query_budget(cabinet, django_assert_num_queries, n):
    projet = cabinet["projet"]
    for _ in range(n // 5):
        session = f.SessionFormationFactory(projet=projet, organisation=cabinet["of"])
        _placer(session, 5)
    with django_assert_num_queries(8):
        cabinet["client"].get(reverse("sessionformation_list", args=[projet.pk]))


SESSION = {
    "intitule": "Couture d'ameublement",
    "date_debut": "2025-09-01",
    "date_fin": "2025-12-19",
    "modalite": "hybride",
    "places_min": "4",
    "places_max": "8",
    "places_conciergerie": "3",
}


def test_coordinator_creates_and_edits_a_session(cabinet):
    projet = cabinet["projet"]
    url = reverse("sessionformation_create", args=[projet.pk])
    choix = list(cabinet["client"].get(url).context["form"].fields["organisation"].queryset)
    assert choix == [cabinet["of"]]  # the consortium's training organisations only
    response = cabinet["client"].post(url, {**SESSION, "organisation": cabinet["of"].pk})
    session = SessionFormation.objects.get()
    assert response.status_code == 302 and response.url == reverse("sessionformation_detail", args=[projet.pk, session.pk])
    assert session.projet == projet and session.places_conciergerie == 3
    url = reverse("sessionformation_update", args=[projet.pk, session.pk])
    response = cabinet["client"].post(url, {**SESSION, "organisation": cabinet["of"].pk, "places_max": "9"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.places_max == 9


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"date_fin": "2025-08-01"}, "date_fin", "La fin de la session doit suivre son début."),
        ({"places_min": "9"}, "places_min", "Le minimum de places dépasse le maximum."),
        ({"places_conciergerie": "9"}, "places_conciergerie", "La conciergerie ne peut pas pourvoir plus de places que le maximum."),
        ({"code_rncp": "CAP-PLOMB"}, "code_rncp", None),
        ({"places_min": "-1"}, "places_min", None),
    ],
)
def test_a_refused_session_changes_nothing(cabinet, modifs, champ, message):
    url = reverse("sessionformation_create", args=[cabinet["projet"].pk])
    response = cabinet["client"].post(url, {**SESSION, "organisation": cabinet["of"].pk, **modifs})
    erreurs = [str(e) for e in response.context["form"].errors.get(champ, [])]
    assert erreurs and (message is None or erreurs == [message])
    assert not SessionFormation.objects.exists()


def test_session_at_an_organisation_outside_the_consortium_is_refused(cabinet):
    url = reverse("sessionformation_create", args=[cabinet["projet"].pk])
    for organisation in (cabinet["hors_consortium"], f.OrganisationFactory(of=True), cabinet["tiers_lieu"]):
        response = cabinet["client"].post(url, {**SESSION, "organisation": organisation.pk})
        assert response.context["form"].errors["organisation"]
    assert not SessionFormation.objects.exists()


def test_organisation_block_lists_the_learners_it_follows_within_rights(cabinet, sessions, login):
    projet, of = cabinet["projet"], cabinet["of"]
    url = reverse("organisation_apprenants", args=[projet.pk, of.pk])
    html = cabinet["client"].get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert "4\u00a0apprenants envoyés par Greta ou avec une étape chez lui" in html  # 3 placed + the one who abandoned
    # the partner of another organisation sees none of them
    afpa = sessions["en_manque"].organisation
    autre = f.AdhesionFactory(projet=projet, role="partenaire", organisation=afpa).user
    html = login(autre).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Aucun apprenant visible envoyé par Greta ou avec une étape chez lui" in html
