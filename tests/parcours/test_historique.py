"""The learner page's history says which fields a modification changed, old → new (simple-history's
diff_against), with the fields' French names and readable values; sensitive values only to who may
read them; the number of queries does not grow with the history."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.urls import reverse

from parcours import selectors
from parcours.models import Etape
from tests import factories as f
from tests.parcours.outils import bloc

pytestmark = pytest.mark.django_db


def _url(apprenant):
    return reverse("apprenant_detail", args=[apprenant.projet_id, apprenant.pk])


def _modifier(objet, **valeurs):
    for champ, valeur in valeurs.items():
        setattr(objet, champ, valeur)
    objet.save()


def test_chaque_champ_modifie_avec_son_ancienne_et_sa_nouvelle_valeur(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], prenom="Léa", nom="Marchand", rqth=False, situation_entree="rsa")
    etape = f.EtapeFactory(parcours__apprenant=apprenant, organisation=cabinet["of"], heures_prevues=Decimal("70"))
    _modifier(apprenant, situation_entree="salarie", prescripteur=cabinet["tiers_lieu"], rqth=True)
    _modifier(etape, heures_prevues=Decimal("3.5"), organisation=cabinet["tiers_lieu"], date_fin=D(2025, 6, 30), motif="x" * 100)
    lignes = bloc(cabinet["client"].get(_url(apprenant)).content.decode(), "ul", "historique").elements
    modif_etape, modif_apprenant = lignes[0], lignes[1]
    assert "modification apprenant « Léa Marchand » — champs modifiés : " in modif_apprenant
    # the learner: a choice's label, a related organisation's name, a boolean
    smalah, greta = str(cabinet["tiers_lieu"]), str(cabinet["of"])  # "La Smalah (its commune)"
    assert "situation à l'entrée (Bénéficiaire du RSA → Salarié·e)" in modif_apprenant
    assert f"prescripteur (vide → {smalah})" in modif_apprenant
    assert "RQTH (non → oui)" in modif_apprenant
    # the step: a French decimal, a date, a related organisation, a long text cut
    assert "heures prévues (70,0 → 3,5)" in modif_etape
    assert "fin (vide → 30/06/2025)" in modif_etape
    assert f"organisation ({greta} → {smalah})" in modif_etape
    assert f"motif (blocage ou abandon) (vide → {'x' * 59}…)" in modif_etape
    assert "modifiée le" not in modif_etape  # the timestamps are no change of a person's


def _historique(apprenant, **droits):
    parcours_ids = list(apprenant.parcours.values_list("pk", flat=True))
    return selectors.historique(apprenant, parcours_ids, avec_freins=True, **droits)


def test_les_valeurs_sensibles_seulement_a_qui_peut_les_lire(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], rqth=False, commune="Mugron")
    _modifier(apprenant, rqth=True, commune="Dax")
    [modification] = [h for h in _historique(apprenant, voir_valeurs=True, voir_rqth=False) if h["action"] == "modification"]
    assert {c["libelle"]: (c["avant"], c["apres"]) for c in modification["champs"]} == {"commune": ("Mugron", "Dax"), "RQTH": (None, None)}
    # a reader who may not read the learner's data gets the fields' names only
    [modification] = [h for h in _historique(apprenant, voir_valeurs=False, voir_rqth=False) if h["action"] == "modification"]
    assert [(c["libelle"], c["avant"], c["apres"]) for c in modification["champs"]] == [("commune", None, None), ("RQTH", None, None)]


def test_ni_le_financeur_ni_le_partenaire_ne_voient_l_historique(cabinet, login):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], commune="Mugron")
    f.EtapeFactory(parcours__apprenant=apprenant, organisation=cabinet["of"])
    _modifier(apprenant, commune="Dax")
    financeur = f.AdhesionFactory(projet=cabinet["projet"], financeur=True).user
    assert login(financeur).get(_url(apprenant)).status_code == 403
    page = login(cabinet["partenaire"]).get(_url(apprenant)).content.decode()
    assert "Historique des modifications" not in page and "Mugron" not in page


def test_la_plus_ancienne_modification_affichee_a_aussi_ses_valeurs(cabinet):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"], commune="C0")
    for i in range(1, selectors.HISTORIQUE_MAX + 3):
        _modifier(apprenant, commune=f"C{i}")
    lignes = _historique(apprenant, voir_valeurs=True, voir_rqth=True)
    assert len(lignes) == selectors.HISTORIQUE_MAX
    assert all(ligne["champs"] for ligne in lignes)
    assert lignes[-1]["champs"][0]["apres"] == "C3" and lignes[-1]["champs"][0]["avant"] == "C2"


def _historique_charge(cabinet, n: int):
    apprenant = f.ApprenantFactory(projet=cabinet["projet"])
    parcours = f.ParcoursFactory(apprenant=apprenant)
    etapes = f.EtapeFactory.create_batch(3, parcours=parcours, organisation=cabinet["of"])
    for i in range(n):
        _modifier(apprenant, commune=f"Commune {i}", prescripteur=[cabinet["of"], cabinet["tiers_lieu"]][i % 2])
        etape = etapes[i % 3]
        _modifier(etape, organisation=[cabinet["tiers_lieu"], cabinet["of"]][i % 2], heures_prevues=Decimal(i))
        _modifier(parcours, referent=cabinet["coord"] if i % 2 else None)
    return apprenant


@pytest.mark.parametrize("n", [2, 30])
def test_le_nombre_de_requetes_ne_depend_pas_de_la_longueur_de_l_historique(cabinet, django_assert_num_queries, n):
    apprenant = _historique_charge(cabinet, n)
    assert Etape.history.filter(parcours__apprenant=apprenant).count() >= 3 + n
    client = cabinet["client"]
    client.get(_url(apprenant))
    # test_fiche's budget (17) and one query per kind of related row a change names
    # (organisations, users): the same with 2 and with 30 rounds of changes
    with django_assert_num_queries(19):
        page = client.get(_url(apprenant)).content.decode()
    assert "prescripteur (" in page and "référent (" in page
