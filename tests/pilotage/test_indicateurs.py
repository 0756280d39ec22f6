"""The indicators module on a small hand-built dataset, with the exact expected numbers."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.models import ResultatSortie, TypeEtape, TypeSortie
from pilotage.indicateurs import Effectif, Periode, Taux, calculer, calculer_par_projet
from tests import factories as f

PERIODE = Periode(D(2025, 1, 1), D(2025, 6, 30))


@pytest.fixture
def jeu(db):
    """Project P: 6 learners accompanied in the first half of 2025, and rows that must not count."""
    p = f.ProjetFactory(nom="P")
    of = f.OrganisationFactory(projet=p, of=True, nom="OF")
    tl = f.OrganisationFactory(projet=p, tiers_lieu=True, nom="Tiers-lieu")
    ancien = f.OrganisationFactory(projet=p, nom="Ancien membre")
    financeur = f.OrganisationFactory(projet=p, financeur=True, nom="Région")
    f.MembreConsortiumFactory(projet=p, organisation=tl, chef_de_file=True)
    f.MembreConsortiumFactory(projet=p, organisation=of)
    f.MembreConsortiumFactory(projet=p, organisation=ancien, date_sortie=D(2024, 12, 31))

    A = f.ApprenantFactory
    a1 = A(projet=p, qpv=True, zrr=True)  # 27 at the period's end
    a2 = A(projet=p, neet=True, qpv=True)  # 19
    a3 = A(projet=p, rqth=True, date_naissance=D(1970, 1, 1))  # 55
    A(projet=p, date_naissance=None)  # age unknown
    a5 = A(projet=p, date_naissance=D(1980, 6, 30))  # 45 exactly
    a6 = A(projet=p, date_entree=D(2024, 10, 1))  # entered before, path still open
    a7 = A(projet=p, date_entree=D(2024, 1, 1))  # path closed before the period
    A(projet=p, date_entree=D(2025, 8, 1))  # after the period

    P = f.ParcoursFactory
    p1 = P(apprenant=a1, cloture=True)  # ends on the period's last day
    p2 = P(apprenant=a2)
    p3 = P(apprenant=a3)
    p5 = P(apprenant=a5, cloture=True, date_fin=D(2025, 3, 31))
    p6 = P(apprenant=a6, date_debut=D(2024, 10, 5))
    p7 = P(apprenant=a7, cloture=True, date_debut=D(2024, 1, 5), date_fin=D(2024, 6, 30))

    s1 = f.SessionFormationFactory(projet=p, organisation=of, places_min=2)
    f.SessionFormationFactory(projet=p, organisation=of, places_min=8)
    f.SessionFormationFactory(projet=p, organisation=of, date_debut=D(2024, 1, 1), date_fin=D(2024, 3, 1))  # outside

    E = f.EtapeFactory
    E(parcours=p2, organisation=of, pre_qualification=True)
    E(parcours=p2, organisation=of, certifiante=True, date_debut=D(2025, 3, 1), session=s1, heures_realisees=Decimal("20"))
    E(parcours=p3, organisation=tl)  # accompagnement
    E(parcours=p3, organisation=of, type=TypeEtape.AFEST, date_debut=D(2025, 4, 1), session=s1)
    E(
        parcours=p6,
        organisation=of,
        type=TypeEtape.FORMATION_DIPLOMANTE,
        code_rncp="RNCP12345",
        date_debut=D(2024, 10, 10),
        date_fin=D(2024, 12, 1),
    )

    f.FreinFactory(apprenant=a1, identifie_le=D(2025, 2, 1), leve_=True)
    f.FreinFactory(apprenant=a2, identifie_le=D(2025, 2, 1))
    f.FreinFactory(apprenant=a3, identifie_le=D(2024, 11, 1), leve=True, leve_le=D(2024, 12, 1))

    f.SortieFactory(parcours=p1, resultat=ResultatSortie.EMPLOI_DURABLE)
    f.SortieFactory(parcours=p5, negative=True, date=D(2025, 3, 31))
    f.SortieFactory(parcours=p7, type=TypeSortie.SORTIE, date=D(2024, 6, 30))
    f.SortieFactory(parcours=p7, suivi=True, resultat=ResultatSortie.ALTERNANCE, date=D(2025, 4, 1))

    financement = f.FinancementFactory(projet=p, financeur=financeur, plafonne=True)
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=financement), montant=Decimal("70000.00"))
    f.TempsBenevoleFactory(projet=p, financement=financement, heures=Decimal("2000"), taux_horaire=Decimal("20.00"))
    f.TempsBenevoleFactory(projet=p, donne_en_plus=True, heures=Decimal("10"))
    f.VersementFactory(financement=financement, recu=True)

    f.RecitFactory(projet=p, date=D(2025, 2, 1))
    f.RecitFactory(projet=p, date=D(2025, 5, 1))
    f.RecitFactory(projet=p, date=D(2024, 5, 1))
    f.ActiviteFactory(projet=p, date=D(2025, 4, 1))

    q = f.ProjetFactory(nom="Q")
    f.ParcoursFactory(apprenant__projet=q, apprenant__qpv=True)
    return {"P": p, "Q": q}


def test_learners_and_profile(jeu):
    i = calculer([jeu["P"]], PERIODE)
    a = i.apprenants
    assert (a.accompagnes.valeur, a.nouveaux.valeur, a.actifs.valeur, a.sortis.valeur) == (6, 5, 3, 2)
    pr = i.profil
    assert (pr.qpv.valeur, pr.zrr.valeur, pr.neet.valeur, pr.demandeurs_emploi.valeur, pr.rqth.valeur) == (2, 1, 1, 5, 1)
    assert pr.part_qpv.valeur == Decimal("33.3")
    # ages on the day they entered (15/01/2025, a6 on 01/10/2024): a1 26, a2 18, a3 55, a5 44 (at
    # the period's end, 45), a6 26
    assert [(li.cle, li.effectif.valeur) for li in pr.tranches_age] == [
        ("moins_26", 1),
        ("de_26_44", 3),
        ("de_45_54", 0),
        ("plus_55", 1),
        ("inconnu", 1),
    ]


def test_steps_obstacles_outcomes_sessions(jeu):
    i = calculer([jeu["P"]], PERIODE)
    e = i.etapes
    par_type = {li.cle: li.effectif.valeur for li in e.par_type}
    assert par_type[TypeEtape.PRE_QUALIFICATION] == 1
    assert par_type[TypeEtape.FORMATION_CERTIFIANTE] == 1
    assert par_type[TypeEtape.AFEST] == 1
    assert par_type[TypeEtape.ACCOMPAGNEMENT] == 1
    assert par_type[TypeEtape.FORMATION_DIPLOMANTE] == 0  # ended before the period
    assert (e.total.valeur, e.formations.valeur, e.certifiantes.valeur, e.pre_qualifiantes.valeur) == (4, 3, 1, 1)
    assert e.part_certifiante.valeur == Decimal("33.3")
    # « Heures de formation »: the three training steps « Formations » counts (35 h planned each),
    # not the accompaniment; every step's hours apart
    assert (e.heures_prevues, e.heures_realisees) == (Decimal("105"), Decimal("20"))
    assert (e.heures_etapes_prevues, e.heures_etapes_realisees) == (Decimal("140"), Decimal("20"))
    assert (i.freins.identifies.valeur, i.freins.leves.valeur) == (2, 1)
    s = i.sorties
    assert (s.total_sortie.valeur, s.positives_sortie.valeur, s.taux_positif_sortie.valeur) == (2, 1, Decimal("50.0"))
    assert (s.total_6_mois.valeur, s.positives_6_mois.valeur, s.taux_positif_6_mois.valeur) == (1, 1, Decimal("100.0"))
    assert [li.cle for li in s.a_la_sortie] == [ResultatSortie.EMPLOI_DURABLE, ResultatSortie.RECHERCHE_EMPLOI]
    assert (i.sessions.total, i.sessions.atteintes_grace_conciergerie, i.sessions.apprenants_places.valeur) == (2, 1, 2)


def test_partners_finances_volunteering_and_records(jeu):
    i = calculer([jeu["P"]], PERIODE)
    assert i.partenaires.organisations == 4
    assert i.partenaires.membres_consortium == 2
    assert {li.cle: li.effectif.valeur for li in i.partenaires.par_type} == {
        "tiers_lieu": 1,
        "organisme_formation": 1,
        "financeur_public": 1,
        "association": 1,
    }
    t = i.finances.totaux
    assert (t.accorde, t.depense, t.valorise, t.compte, t.au_dela, t.recu) == (
        Decimal("100000.00"),
        Decimal("70000.00"),
        Decimal("40000.00"),
        Decimal("30000.00"),
        Decimal("10000.00"),
        Decimal("30000.00"),
    )
    assert (i.benevolat.heures_valorisees, i.benevolat.heures_donnees) == (Decimal("2000"), Decimal("10"))
    assert (i.recits, i.activites) == (2, 1)


def test_masking_below_five_people(jeu):
    i = calculer([jeu["P"]], PERIODE, masquer=True)
    # 6 accompanied, 5 of them new: showing both would say that 1 is not new (« s »: hidden for that)
    assert str(i.apprenants.accompagnes) == "s" and i.apprenants.accompagnes.valeur == 6
    assert str(i.apprenants.sortis) == "< 5"
    assert str(i.profil.qpv) == "< 5"
    assert str(i.profil.part_qpv) == "s"  # 2 people out of 6: a rate is never shown as a count
    assert i.profil.part_qpv.valeur is None
    assert str(i.sorties.taux_positif_sortie) == "s"
    unmasked = calculer([jeu["P"]], PERIODE)
    assert str(unmasked.profil.part_qpv) == "33,3\u00a0%"
    assert str(unmasked.apprenants.sortis) == "2"


def test_display_of_counts_and_rates():
    assert str(Effectif.de(0, True)) == "0"
    assert str(Effectif.de(4, True)) == "< 5"
    assert str(Effectif.de(5, True)) == "5"
    assert str(Effectif.de(12345, False)) == "12\u202f345"
    assert str(Taux.de(0, 0, True)) == "—"
    assert str(Taux.de(5, 10, True)) == "50\u00a0%"
    assert str(Taux.de(1, 3, False)) == "33,3\u00a0%"
    assert str(Taux.de(2, 3, False)) == "66,7\u00a0%"  # half-up
    assert str(Taux.de(3, 100, True)) == "s"


def test_only_the_projects_asked_for_count(jeu):
    seul = calculer([jeu["P"]], PERIODE)
    deux = calculer([jeu["P"], jeu["Q"]], PERIODE)
    assert seul.apprenants.accompagnes.valeur == 6
    assert deux.apprenants.accompagnes.valeur == 7
    assert deux.profil.qpv.valeur == 3
    assert deux.nb_projets == 2


def test_roll_up_sums_and_averages(jeu):
    s = calculer_par_projet([jeu["P"], jeu["Q"]], PERIODE, masquer=False)
    assert [(p.nom, i.apprenants.accompagnes.valeur) for p, i in s.par_projet] == [("P", 6), ("Q", 1)]
    assert s.total.apprenants.accompagnes.valeur == 7
    assert s.moyennes.apprenants_par_projet.valeur == Decimal("3.5")
    assert s.moyennes.membres_par_consortium == Decimal("1.0")
    assert s.moyennes.part_qpv.valeur == Decimal("42.9")  # 3 / 7
    assert s.moyennes.part_certifiante.valeur == Decimal("33.3")
    assert s.total.finances.totaux.compte == Decimal("30000.00")


def test_masked_roll_up_masks_an_average_that_would_give_a_small_count_back(jeu):
    """Q alone has 1 learner: its average over one project would say "1,0"."""
    seul_q = calculer_par_projet([jeu["Q"]], PERIODE, masquer=True)
    assert str(seul_q.total.apprenants.accompagnes) == "< 5"
    assert str(seul_q.moyennes.apprenants_par_projet) == "s"  # an average, not a count
    assert str(calculer_par_projet([jeu["Q"]], PERIODE, masquer=False).moyennes.apprenants_par_projet) == "1,0"


def test_masked_roll_up_hides_a_small_project_also_from_the_total(jeu):
    """P has 6 learners, Q 1: each row reads as its project's own dashboard (P « s », Q « < 5 »);
    the total (7) is hidden, or with P's « s » (5 or more) it would say that Q has 1 or 2."""
    s = calculer_par_projet([jeu["P"], jeu["Q"]], PERIODE, masquer=True)
    ligne = {p.nom: i for p, i in s.par_projet}
    assert str(ligne["Q"].apprenants.accompagnes) == "< 5"
    assert ligne["P"].apprenants.accompagnes == calculer([jeu["P"]], PERIODE, masquer=True).apprenants.accompagnes
    assert str(ligne["P"].apprenants.accompagnes) == "s" and ligne["P"].apprenants.accompagnes.valeur == 6
    assert str(s.total.apprenants.accompagnes) == "s"
    assert str(s.moyennes.apprenants_par_projet) == "s"
    clair = calculer_par_projet([jeu["P"], jeu["Q"]], PERIODE, masquer=False)
    assert [str(i.apprenants.accompagnes) for _, i in clair.par_projet] == ["6", "1"]


def test_the_funder_sees_the_money_of_the_fundings_it_is_given(jeu):
    i = calculer([jeu["P"]], PERIODE, financements=[])
    assert i.finances.totaux.accorde == Decimal("0")
    assert i.finances.financements == []


@pytest.mark.django_db
def test_a_constant_number_of_queries_whatever_the_number_of_projects():
    def compter(projets):
        with CaptureQueriesContext(connection) as ctx:
            calculer_par_projet(projets, PERIODE)
        return len(ctx.captured_queries)

    petits = [f.ParcoursFactory(apprenant__projet=f.ProjetFactory()).projet for _ in range(2)]
    f.FinancementFactory(projet=petits[0])
    n_petit = compter(petits)
    grands = petits + [f.EtapeFactory(parcours__apprenant__projet=f.ProjetFactory()).projet for _ in range(8)]
    for projet in grands[2:]:
        f.FinancementFactory(projet=projet)
        f.SortieFactory(parcours__apprenant__projet=projet)
    assert compter(grands) == n_petit
