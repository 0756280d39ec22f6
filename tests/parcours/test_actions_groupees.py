"""Group actions on the learners list: the same step, closure or session for each selected
learner's open path, with a preview, all or nothing, one history entry per learner and a
constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours import services
from parcours.models import Etape, Parcours, Sortie, StatutParcours, TypeEtape
from tests import factories as f

pytestmark = pytest.mark.django_db


def _cohorte(projet, n):
    return [f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=projet)) for _ in range(n)]


def _etape(organisation):
    return Etape(
        type=TypeEtape.REMOBILISATION,
        organisation=organisation,
        date_debut=date(2025, 2, 1),
        date_fin=date(2025, 7, 31),
        heures_prevues=Decimal("300"),
        heures_realisees=Decimal("280"),
        statut="terminee",
    )


def _etape_et_cloture(cabinet, parcours):
    ids = [p.apprenant_id for p in parcours]
    services.ajouter_etape_en_groupe(projet=cabinet["projet"], apprenant_ids=ids, etape=_etape(cabinet["of"]), by=cabinet["coord"])
    services.cloturer_en_groupe(
        projet=cabinet["projet"], apprenant_ids=ids, resultat="emploi_durable", date=date(2025, 8, 1), by=cabinet["coord"]
    )


def test_24_learners_get_24_steps_and_24_outcomes_in_as_many_queries_as_5(cabinet):
    projet = cabinet["projet"]
    echauffement, petits, grands = _cohorte(projet, 1), _cohorte(projet, 5), _cohorte(projet, 24)
    _etape_et_cloture(cabinet, echauffement)  # the user's membership, read once and cached
    with CaptureQueriesContext(connection) as cinq:
        _etape_et_cloture(cabinet, petits)
    with CaptureQueriesContext(connection) as vingt_quatre:
        _etape_et_cloture(cabinet, grands)
    # 30, and the project's revision moved by each bulk write: three rows and the projects the
    # paths' update writes to (conciergerie.revisions)
    assert len(vingt_quatre) == len(cinq) <= 34, "\n".join(q["sql"][:150] for q in vingt_quatre.captured_queries)
    ids = [p.pk for p in grands]
    assert Etape.objects.filter(parcours_id__in=ids, type=TypeEtape.REMOBILISATION).count() == 24
    assert Sortie.objects.filter(parcours_id__in=ids, resultat="emploi_durable").count() == 24
    assert Parcours.objects.filter(pk__in=ids, statut=StatutParcours.CLOTURE, date_fin=date(2025, 8, 1)).count() == 24
    # one history entry per learner and per row written, with its author
    assert Etape.history.filter(parcours_id__in=ids, history_user=cabinet["coord"]).count() == 24
    assert Sortie.history.filter(parcours_id__in=ids, history_user=cabinet["coord"]).count() == 24
    assert Parcours.history.filter(id__in=ids, history_type="~", history_user=cabinet["coord"]).count() == 24
    assert set(Parcours.objects.filter(pk__in=ids).values_list("suivi_6_mois_le", flat=True)) == {date(2026, 2, 1)}


def test_preview_writes_nothing_and_says_who_is_refused(cabinet):
    projet = cabinet["projet"]
    ouverts = _cohorte(projet, 2)
    sans_parcours = f.ApprenantFactory(projet=projet)
    tardif = f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=projet), date_debut=date(2025, 9, 1))
    ids = [p.apprenant_id for p in ouverts] + [sans_parcours.pk, tardif.apprenant_id]
    bilan = services.cloturer_en_groupe(
        projet=projet, apprenant_ids=ids, resultat="emploi_durable", date=date(2025, 8, 1), by=cabinet["coord"], apercu=True
    )
    assert {ligne.apprenant.pk for ligne in bilan.retenues} == {p.apprenant_id for p in ouverts}
    refus = {ligne.apprenant.pk: ligne.refus for ligne in bilan.refusees}
    assert refus[sans_parcours.pk] == "Aucun parcours en cours (créez-en un sur sa fiche)."
    assert refus[tardif.apprenant_id] == "La date de sortie précède le début du parcours (1er septembre 2025)."
    assert not Sortie.objects.exists()


def test_the_open_path_is_the_latest_in_progress(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    f.ParcoursFactory(apprenant=apprenant, date_debut=date(2024, 1, 1))
    recent = f.ParcoursFactory(apprenant=apprenant, date_debut=date(2025, 1, 10))
    f.ParcoursFactory(apprenant=apprenant, date_debut=date(2025, 1, 15), statut="suspendu")
    bilan = services.ajouter_etape_en_groupe(
        projet=cabinet["projet"], apprenant_ids=[apprenant.pk], etape=_etape(cabinet["of"]), by=cabinet["coord"]
    )
    assert [e.parcours_id for e in bilan.ecrits] == [recent.pk]


@pytest.mark.parametrize("cas", ["aucun", "autre_projet"])
def test_no_learner_or_another_projects_learner_refuses_everything(cabinet, cas):
    projet = cabinet["projet"]
    ids = [] if cas == "aucun" else [_cohorte(projet, 1)[0].apprenant_id, f.ParcoursFactory().apprenant_id]
    with pytest.raises(ValidationError) as refus:
        services.ajouter_etape_en_groupe(projet=projet, apprenant_ids=ids, etape=_etape(cabinet["of"]), by=cabinet["coord"])
    attendu = "Aucun apprenant sélectionné" if cas == "aucun" else "1 apprenant sélectionné n'appartient pas à ce projet"
    assert attendu in refus.value.messages[0]
    assert not Etape.objects.exists()


def test_a_fault_in_the_middle_writes_nothing(cabinet, monkeypatch):
    """All or nothing: the outcomes are written, then the paths' update fails: no outcome stays."""
    parcours = _cohorte(cabinet["projet"], 3)

    def panne(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(services, "bulk_update_with_history", panne)
    with pytest.raises(RuntimeError):
        services.cloturer_en_groupe(
            projet=cabinet["projet"],
            apprenant_ids=[p.apprenant_id for p in parcours],
            resultat="emploi_durable",
            date=date(2025, 8, 1),
            by=cabinet["coord"],
        )
    assert not Sortie.objects.exists() and not Sortie.history.exists()
    assert not Parcours.objects.filter(statut=StatutParcours.CLOTURE).exists()


def test_a_changed_situation_since_the_preview_is_refused(cabinet):
    parcours = _cohorte(cabinet["projet"], 2)
    ids = [p.apprenant_id for p in parcours]
    f.SortieFactory(parcours=parcours[0])  # closed meanwhile by someone else
    with pytest.raises(ValidationError, match="La situation a changé"):
        services.cloturer_en_groupe(
            projet=cabinet["projet"], apprenant_ids=ids, resultat="emploi_durable", date=date(2025, 8, 1), by=cabinet["coord"], attendus=ids
        )
    assert Sortie.objects.count() == 1


def test_add_to_a_session_places_each_once(cabinet):
    projet = cabinet["projet"]
    session = f.SessionFormationFactory(projet=projet, organisation=cabinet["of"])
    parcours = _cohorte(projet, 3)
    f.EtapeFactory(parcours=parcours[0], session=session, organisation=cabinet["of"])
    bilan = services.inscrire_en_session(
        projet=projet, apprenant_ids=[p.apprenant_id for p in parcours], session=session, by=cabinet["coord"]
    )
    assert [ligne.refus for ligne in bilan.refusees] == ["Déjà placé dans cette session."]
    assert Etape.objects.filter(session=session).count() == 3
    assert Etape.history.filter(session=session, history_user=cabinet["coord"]).count() == 2


def test_a_partner_may_not_act_on_the_group(cabinet):
    parcours = _cohorte(cabinet["projet"], 1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ajouter_etape_en_groupe(
            projet=cabinet["projet"], apprenant_ids=[parcours[0].apprenant_id], etape=_etape(cabinet["of"]), by=cabinet["partenaire"]
        )


# ------------------------------------------------------------------ pages


def _url(cabinet):
    return reverse("apprenant_actions", args=[cabinet["projet"].pk])


CLOTURE = {"action": "cloture", "cloture-resultat": "emploi_durable", "cloture-date": "2025-08-01"}


def test_from_the_list_to_the_preview_to_the_writes(cabinet):
    projet, client = cabinet["projet"], cabinet["client"]
    parcours = _cohorte(projet, 3)
    sans_parcours = f.ApprenantFactory(projet=projet, nom="Zorro")
    liste = client.get(reverse("apprenant_list", args=[projet.pk])).content.decode()
    assert 'form="selection"' in liste and "toute la sélection filtrée (4)" in liste
    page = client.get(_url(cabinet), {"tous": "1", "filtres": ""})
    assert page.status_code == 200 and len(page.context["ids"]) == 4
    ids = [str(p.apprenant_id) for p in parcours] + [str(sans_parcours.pk)]
    apercu = client.post(_url(cabinet), {**CLOTURE, "apprenant": ids})
    texte = apercu.content.decode()
    assert apercu.status_code == 200 and "Aperçu : 3\u00a0apprenants sur 4" in texte
    assert "Aucun parcours en cours" in texte and "Emploi durable" in texte
    assert not Sortie.objects.exists()
    confirme = client.post(_url(cabinet), {**CLOTURE, "apprenant": ids, "attendu": ids[:3], "confirmer": "1"})
    assert confirme.status_code == 302 and confirme.url == reverse("apprenant_list", args=[projet.pk])
    assert Sortie.objects.count() == 3


def test_the_filtered_selection_follows_the_filters(cabinet):
    projet = cabinet["projet"]
    _cohorte(projet, 2)
    f.ApprenantFactory(projet=projet, nom="Unique")
    page = cabinet["client"].get(_url(cabinet), {"tous": "1", "filtres": "q=Unique"})
    assert len(page.context["ids"]) == 1


def test_pages_refuse_zero_learners_and_another_projects(cabinet):
    projet, client = cabinet["projet"], cabinet["client"]
    vide = client.post(_url(cabinet), CLOTURE)
    assert vide.status_code == 400 and "Aucun apprenant sélectionné" in vide.content.decode()
    etranger = f.ParcoursFactory()
    mien = _cohorte(projet, 1)[0]
    refus = client.post(_url(cabinet), {**CLOTURE, "apprenant": [mien.apprenant_id, etranger.apprenant_id], "confirmer": "1"})
    assert refus.status_code == 400 and "n&#x27;appartient pas à ce projet" in refus.content.decode()
    assert not Sortie.objects.exists()


def test_the_step_form_errors_are_next_to_the_fields(cabinet):
    mien = _cohorte(cabinet["projet"], 1)[0]
    response = cabinet["client"].post(
        _url(cabinet), {"action": "etape", "etape-type": "remobilisation", "etape-statut": "bloquee", "apprenant": [mien.apprenant_id]}
    )
    assert response.status_code == 400
    assert response.context["etape_form"].errors["date_debut"]
    assert not Etape.objects.exists()


def test_a_double_click_on_confirm_adds_the_step_once(cabinet):
    """The preview's « Confirmer » carries a one-time token: the same confirmation sent twice
    (a double click) writes the steps once, the second leads back to the list."""
    import re

    projet, client = cabinet["projet"], cabinet["client"]
    ids = [str(p.apprenant_id) for p in _cohorte(projet, 3)]
    etape = {
        "action": "etape",
        "etape-type": "remobilisation",
        "etape-organisation": cabinet["of"].pk,
        "etape-date_debut": "2025-02-01",
        "etape-statut": "prevue",
        "etape-heures_prevues": "300",
        "etape-heures_realisees": "0",
        "etape-modalite": "presentiel",
        "apprenant": ids,
    }
    reponse = client.post(_url(cabinet), etape)
    assert reponse.status_code == 200, reponse.context["etape_form"].errors
    apercu = reponse.content.decode()
    jeton = re.search(r'name="_jeton" value="([^"]+)"', apercu)[1]
    confirmation = {**etape, "attendu": ids, "confirmer": "1", "_jeton": jeton}
    premiere, seconde = client.post(_url(cabinet), confirmation), client.post(_url(cabinet), confirmation)
    assert premiere.status_code == seconde.status_code == 302
    assert Etape.objects.filter(parcours__apprenant_id__in=ids).count() == 3
    assert "Ce formulaire a déjà été envoyé." in [str(m) for m in seconde.wsgi_request._messages]
