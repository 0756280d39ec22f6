"""The learner page: identity, obstacles, timeline, récits, history; what each role sees."""

import pytest
from django.urls import reverse

from parcours.models import Apprenant, Etape
from tests import factories as f
from tests.parcours.outils import bloc

pytestmark = pytest.mark.django_db


def _url(apprenant):
    return reverse("apprenant_detail", args=[apprenant.projet_id, apprenant.pk])


@pytest.fixture
def lea(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], prenom="Léa", nom="Marchand", rqth=True, situation_entree="rsa")
    f.EtapeFactory(parcours__apprenant=apprenant, organisation=cabinet["of"], intitule="Chez le Greta", heures_prevues=70)
    f.EtapeFactory(parcours__apprenant=apprenant, organisation=cabinet["tiers_lieu"], intitule="Au tiers-lieu", bloquee=True)
    f.FreinFactory(apprenant=apprenant, type="logement", commentaire="Hébergée chez sa sœur")
    recit = f.RecitFactory(projet=cabinet["projet"], titre="Léa reprend confiance")
    recit.apprenants.add(apprenant)
    return apprenant


def test_coordinator_sees_everything(cabinet, lea):
    html = cabinet["client"].get(_url(lea)).content.decode()
    assert "Bénéficiaire du RSA" in html
    assert "RQTH" in html
    assert "Hébergée chez sa sœur" in html
    assert "Chez le Greta" in html and "Au tiers-lieu" in html
    # the timeline entry itself: dates, organisation, hours, modality, status
    greta = Etape.objects.get(parcours__apprenant=lea, organisation=cabinet["of"])
    entree = bloc(html, "li", "etape", ident=f"etape-{greta.pk}")
    assert "Chez le Greta" in entree.texte and "Prévue" in entree.texte
    assert "1 févr. 2025 · Greta · 0 h / 70 h · Présentiel" in entree.elements  # never "0,0 / 70,0 h"
    bloquee = Etape.objects.get(parcours__apprenant=lea, organisation=cabinet["tiers_lieu"])
    assert "Motif : Numéro de sécurité sociale provisoire" in bloc(html, "li", "etape", ident=f"etape-{bloquee.pk}").texte
    assert "Léa reprend confiance" in html
    recit = lea.recits.get()
    assert f'<a href="{reverse("recit_detail", args=[lea.projet_id, recit.pk])}">Léa reprend confiance</a>' in html
    historique = bloc(html, "ul", "historique")
    assert "système : création apprenant « Léa Marchand »" in historique.texte


def test_history_names_who_changed_what(cabinet, lea, login):
    # another coordinator edits; camille (whose name is in the header) reads the history
    autre = f.AdhesionFactory(
        projet=cabinet["projet"], coordinateur=True, user__username="dominique", user__first_name="Dominique", user__last_name="Lafon"
    ).user
    response = login(autre).post(
        reverse("apprenant_update", args=[lea.projet_id, lea.pk]),
        {
            "reference": lea.reference,
            "prenom": "Léa",
            "nom": "Marchand-Roux",
            "situation_entree": "rsa",
            "date_entree": "2025-01-15",
            "statut_secu": "aucun",
        },
    )
    assert response.status_code == 302
    historique = bloc(cabinet["client"].get(_url(lea)).content.decode(), "ul", "historique")
    derniere = historique.elements[0]  # the latest change comes first
    # rectification: the history names the fields the change touched, old → new (the form left
    # out the birth date, commune and RQTH the factory had set)
    naissance = lea.date_naissance.strftime("%d/%m/%Y")
    assert derniere.endswith(
        "— Dominique Lafon : modification apprenant « Léa Marchand-Roux » — champs modifiés : "
        f"nom (Marchand → Marchand-Roux), date de naissance ({naissance} → vide), commune ({lea.commune} → vide), RQTH (oui → non)"
    ), derniere
    assert "camille" not in historique.texte


def test_partner_sees_identity_and_its_steps_only(cabinet, lea, login):
    html = login(cabinet["partenaire"]).get(_url(lea)).content.decode()
    assert "Léa" in html and lea.reference in html
    assert "Chez le Greta" in html
    assert "Au tiers-lieu" not in html
    assert "RQTH" not in html
    assert "Bénéficiaire du RSA" not in html
    assert "Hébergée chez sa sœur" not in html
    assert "Léa reprend confiance" not in html
    assert "Historique" not in html
    # it may change its own step's status, not create anything
    assert reverse("etape_statut", args=[lea.projet_id, Etape.objects.get(parcours__apprenant=lea, organisation=cabinet["of"]).pk]) in html
    assert reverse("parcours_create", args=[lea.projet_id, lea.pk]) not in html


def test_recit_of_another_project_is_not_shown(cabinet, lea):
    autre = f.RecitFactory(titre="Récit d'ailleurs")
    autre.apprenants.add(lea)
    assert "Récit d'ailleurs" not in cabinet["client"].get(_url(lea)).content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_learner_page_query_budget(cabinet, django_assert_num_queries, n):
    projet = cabinet["projet"]
    apprenant = f.ApprenantFactory(projet=projet)
    for _ in range(n // 5):
        parcours = f.ParcoursFactory(apprenant=apprenant)
        f.EtapeFactory.create_batch(5, parcours=parcours, organisation=cabinet["of"])
        f.SortieFactory(parcours=parcours)
    f.FreinFactory.create_batch(n, apprenant=apprenant)
    for _ in range(n):
        f.RecitFactory(projet=projet).apprenants.add(apprenant)
    f.ApprenantFactory.create_batch(n, projet=projet)
    assert Apprenant.objects.filter(projet=projet).count() == n + 1
    client = cabinet["client"]
    client.get(_url(apprenant))
    # session, user, memberships (with their projects), learner, paths, steps, outcomes,
    # obstacles, récits, five history tables: the same with 5 and with 50 rows of each (the
    # session is not saved again: the project did not change), and the access log's one INSERT
    # (conciergerie.journal: who opened the file), and the learner's evaluations (the competences
    # section: none here, so neither their levels nor the frameworks' competences are read), and
    # the project's badge classes (the badges section: none here, so no badge is read)
    with django_assert_num_queries(17):
        client.get(_url(apprenant))
