"""Issue 17: participants who are not job seekers, eligibility per funding, targets, breakdowns,
and the fixes (age at entry, hours of the training steps, no follow-up after an abandon) — each
case with its figures, the bad input refused, and the masking for funders."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from finances import services as fin_services
from finances.models import DerogationEligibilite, Indicateur, Objectif
from finances.selectors import eligibilites
from parcours import services as par_services
from parcours.filters import suivis_dus
from parcours.models import Parcours, ResultatSortie, Sexe, Situation, TypeEtape, TypeFrein
from pilotage.indicateurs import Periode, calculer
from pilotage.repartitions import (
    A_L_HEURE,
    ATTEINT,
    ECHU,
    EN_RETARD,
    NON_COMMUNIQUE,
    calculer_repartitions,
    eligibilite_masquee,
    progression,
)
from tests import factories as f

PERIODE = Periode(D(2025, 1, 1), D(2025, 12, 31))


def _repartitions(projet, *, masquer=False, financements=()):
    indicateurs = calculer([projet], PERIODE, masquer=masquer)
    return indicateurs, calculer_repartitions([projet], PERIODE, indicateurs=indicateurs, masquer=masquer, financements=financements)


@pytest.fixture
def groupe(db):
    """A formation-développement group funded by FEADER, which excludes the agents publics: 3
    company managers, 1 employee, 1 elected official and 2 public servants, each with a 14 h step
    in the funding's period; one public servant eligible by a coordinator's override."""
    p = f.ProjetFactory(nom="Formation-développement")
    feader = f.FinancementFactory(
        projet=p, programme="FEADER", date_debut=D(2025, 1, 1), date_fin=D(2025, 12, 31), statuts_exclus=[Situation.AGENT_PUBLIC]
    )
    statuts = [Situation.CHEF_ENTREPRISE] * 3 + [Situation.SALARIE, Situation.ELU] + [Situation.AGENT_PUBLIC] * 2
    apprenants = []
    for n, statut in enumerate(statuts):
        a = f.ApprenantFactory(projet=p, situation_entree=statut, sexe=Sexe.FEMME if n % 2 else Sexe.HOMME)
        f.EtapeFactory(parcours=f.ParcoursFactory(apprenant=a), date_debut=D(2025, 3, 1), heures_realisees=Decimal("14"))
        apprenants.append(a)
    # a step before the funding's period: not a participant of it
    ancien = f.ApprenantFactory(projet=p, situation_entree=Situation.CHEF_ENTREPRISE, date_entree=D(2024, 1, 10))
    f.EtapeFactory(
        parcours=f.ParcoursFactory(apprenant=ancien, date_debut=D(2024, 1, 10)), date_debut=D(2024, 2, 1), date_fin=D(2024, 3, 1)
    )
    f.DerogationEligibiliteFactory(financement=feader, apprenant=apprenants[5], eligible=True, motif="Auditeur libre pris en charge")
    return {"projet": p, "feader": feader, "apprenants": apprenants}


def test_eligible_participants_and_hours_with_an_excluded_status_and_one_override(groupe):
    (e,) = eligibilites([groupe["feader"]])
    # 7 participants (the earlier step is outside the period), 98 h; 5 eligible + the override = 6, 84 h
    assert (e.participants, e.eligibles, e.heures, e.heures_eligibles, e.derogations) == (7, 6, Decimal("98"), Decimal("84"), 1)


def test_an_override_can_also_exclude(groupe):
    f.DerogationEligibiliteFactory(financement=groupe["feader"], apprenant=groupe["apprenants"][0], eligible=False, motif="Hors territoire")
    (e,) = eligibilites([groupe["feader"]])
    assert (e.eligibles, e.heures_eligibles) == (5, Decimal("70"))


def test_eligibility_of_many_fundings_counted_by_the_database_as_a_reader_counts_it(groupe, django_assert_num_queries):
    """Thirteen fundings of two projects (two queries of fundings: twelve each), with and without
    excluded statuses, periods cutting the steps, overrides both ways: each figure equals the
    count made one learner at a time; a learner with two steps is one participant, their hours
    summed."""
    from parcours.models import Etape

    p, apprenants = groupe["projet"], groupe["apprenants"]
    f.EtapeFactory(parcours=apprenants[0].parcours.get(), date_debut=D(2025, 9, 1), heures_realisees=Decimal("3.5"))
    autre = f.ProjetFactory()
    for statut in (Situation.AGENT_PUBLIC, Situation.SALARIE):
        a = f.ApprenantFactory(projet=autre, situation_entree=statut)
        f.EtapeFactory(parcours=f.ParcoursFactory(apprenant=a), date_debut=D(2025, 6, 1), heures_realisees=Decimal("7"))
    financements = [groupe["feader"]]
    for n in range(12):
        financements.append(
            f.FinancementFactory(
                projet=p if n % 3 else autre,
                date_debut=D(2025, 1 + n % 6, 1),
                date_fin=D(2025, 12, 31),
                statuts_exclus=[] if n % 2 else [Situation.AGENT_PUBLIC, Situation.CHEF_ENTREPRISE],
            )
        )
    f.DerogationEligibiliteFactory(financement=financements[2], apprenant=apprenants[1], eligible=False, motif="Hors territoire")
    f.DerogationEligibiliteFactory(financement=financements[3], apprenant=apprenants[0], eligible=True, motif="Auditeur libre")

    def a_la_main(fin):
        par_apprenant = {}
        for etape in Etape.objects.filter(projet=fin.projet).select_related("parcours__apprenant"):
            if etape.date_debut <= fin.date_fin and (etape.date_fin is None or etape.date_fin >= fin.date_debut):
                a = etape.parcours.apprenant
                par_apprenant.setdefault(a, Decimal(0))
                par_apprenant[a] += etape.heures_realisees
        decisions = {d.apprenant_id: d.eligible for d in fin.derogations.all()}
        eligibles = {a: h for a, h in par_apprenant.items() if decisions.get(a.pk, a.situation_entree not in fin.statuts_exclus)}
        return len(par_apprenant), len(eligibles), sum(par_apprenant.values()), sum(eligibles.values())

    with django_assert_num_queries(3):
        lues = eligibilites(financements)
    assert [(e.participants, e.eligibles, e.heures, e.heures_eligibles) for e in lues] == [a_la_main(x) for x in financements]
    assert lues[0].participants == 7 and lues[0].heures == Decimal("101.5")


def test_funding_page_shows_eligible_participants_and_hours(groupe, login):
    p = groupe["projet"]
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    html = login(coordinateur).get(reverse("financement_detail", args=[p.pk, groupe["feader"].pk])).content.decode()
    assert "Participants et heures éligibles" in html
    assert '<td class="nombre">7</td><td class="nombre">6</td><td class="nombre">98\u00a0h</td><td class="nombre">84\u00a0h</td>' in html
    assert "Auditeur libre pris en charge" in html  # the override and its reason


def test_funder_sees_eligibility_masked(groupe, login):
    p, feader = groupe["projet"], groupe["feader"]
    # 7 participants, 6 eligible: the one non-eligible would be recomputed, one of the two is hidden
    ligne = eligibilite_masquee(feader, masquer=True)
    assert ligne.participants.masque or ligne.eligibles.masque
    assert ligne.heures == Decimal("98")  # hours are not counts of people
    financeur = f.AdhesionFactory(projet=p, role="financeur", organisation=feader.financeur).user
    html = login(financeur).get(reverse("financement_detail", args=[p.pk, feader.pk])).content.decode()
    assert "Participants et heures éligibles" in html and "Statuts non éligibles à ce financement : Agent·e public." in html
    assert '<td class="nombre">7</td><td class="nombre">6</td>' not in html
    assert "Auditeur libre" not in html  # no override (names a learner) for a funder


def test_override_without_reason_is_refused(groupe, login):
    p, feader = groupe["projet"], groupe["feader"]
    apprenant = groupe["apprenants"][6]
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    with pytest.raises(ValidationError) as erreur:
        fin_services.enregistrer_derogation(
            derogation=DerogationEligibilite(apprenant=apprenant, eligible=True, motif="   "), financement=feader, by=coordinateur
        )
    assert "motif" in erreur.value.message_dict
    url = reverse("derogation_create", args=[p.pk, feader.pk])
    response = login(coordinateur).post(url, {"apprenant": apprenant.pk, "eligible": "on", "motif": ""})
    assert response.status_code == 200
    assert "Indiquez le motif de la dérogation." in response.content.decode()
    assert DerogationEligibilite.objects.count() == 1  # the fixture's only


def test_statuses_and_sex_count_every_participant(groupe):
    indicateurs, r = _repartitions(groupe["projet"])
    total = indicateurs.apprenants.accompagnes.valeur
    assert total == 8  # the 7 and the earlier participant, whose path is still open
    assert sum(li.effectif.valeur for li in r.situations) == total
    assert sum(li.effectif.valeur for li in r.sexes) == total
    par_statut = {li.cle: li.effectif.valeur for li in r.situations}
    assert (par_statut[Situation.CHEF_ENTREPRISE], par_statut[Situation.AGENT_PUBLIC], par_statut[Situation.ELU]) == (4, 2, 1)
    assert r.femmes.valeur == 3


def test_every_status_sums_to_the_total(db):
    p = f.ProjetFactory()
    for statut in Situation.values:
        f.ApprenantFactory(projet=p, situation_entree=statut)
    indicateurs, r = _repartitions(p)
    assert indicateurs.apprenants.accompagnes.valeur == len(Situation.values)
    assert [li.effectif.valeur for li in r.situations] == [1] * len(Situation.values)


@pytest.fixture
def cohorte(db):
    """A digital-skills course: learners sent by France Travail (3, 2 positive exits) and the
    Mission locale (1), one without a prescriber; obstacles by type."""
    p = f.ProjetFactory()
    ft = f.OrganisationFactory(projet=p, nom="France Travail Dax", prescripteur=True)
    ml = f.OrganisationFactory(projet=p, nom="Mission locale")
    envoyes = [f.ApprenantFactory(projet=p, prescripteur=ft) for _ in range(3)]
    f.ApprenantFactory(projet=p, prescripteur=ml)
    f.ApprenantFactory(projet=p)
    for a in envoyes[:2]:
        f.SortieFactory(parcours=f.ParcoursFactory(apprenant=a, cloture=True), date=D(2025, 6, 30))
    f.SortieFactory(parcours=f.ParcoursFactory(apprenant=envoyes[2], cloture=True), negative=True, date=D(2025, 6, 30))
    a = envoyes[0]
    f.FreinFactory(apprenant=a, type=TypeFrein.MOBILITE, identifie_le=D(2025, 2, 1), leve_=True)
    f.FreinFactory(apprenant=a, type=TypeFrein.MOBILITE, identifie_le=D(2025, 2, 1))
    f.FreinFactory(apprenant=a, type=TypeFrein.LANGUE, identifie_le=D(2025, 2, 1))
    f.FreinFactory(apprenant=a, type=TypeFrein.NUMERIQUE, identifie_le=D(2025, 2, 1), leve_=True)
    return {"projet": p, "ft": ft, "ml": ml}


def test_obstacles_by_type(cohorte):
    indicateurs, r = _repartitions(cohorte["projet"])
    par_type = {li.cle: (li.identifies.valeur, li.leves.valeur) for li in r.freins}
    assert par_type[TypeFrein.MOBILITE] == (2, 1)
    assert par_type[TypeFrein.LANGUE] == (1, 0)
    assert par_type[TypeFrein.NUMERIQUE] == (1, 1)
    assert par_type[TypeFrein.LOGEMENT] == (0, 0)
    assert sum(i for i, _ in par_type.values()) == indicateurs.freins.identifies.valeur == 4
    assert sum(le for _, le in par_type.values()) == indicateurs.freins.leves.valeur == 2


def test_prescribers_ranked_by_learners_sent_and_positive_exits(cohorte):
    _, r = _repartitions(cohorte["projet"])
    assert [(li.nom, li.envoyes.valeur, li.positives.valeur) for li in r.prescripteurs] == [
        ("France Travail Dax", 3, 2),
        ("Mission locale", 1, 0),
        ("Sans prescripteur", 1, 0),
    ]
    assert [li.nom for li in r.prescripteurs_par_sorties][0] == "France Travail Dax"


def test_breakdowns_masked_for_funders(cohorte):
    indicateurs, r = _repartitions(cohorte["projet"], masquer=True)
    assert r.masque
    ft = r.prescripteurs[0]
    assert str(ft.envoyes) == "< 5" and str(ft.positives) == "< 5"
    assert all(str(li.effectif) in ("0", "< 5", "s") for li in r.situations)
    assert {str(li.identifies) for li in r.freins} <= {"0", "< 5", "s"}


def test_funder_dashboard_shows_breakdowns_masked(cohorte, login):
    p = cohorte["projet"]
    financement = f.FinancementFactory(projet=p)
    financeur = f.AdhesionFactory(projet=p, role="financeur", organisation=financement.financeur).user
    html = login(financeur).get(reverse("tableau_de_bord", args=[p.pk]), {"debut": "2025-01-01", "fin": "2025-12-31"}).content.decode()
    assert "Freins par type" in html and "Prescripteurs" in html
    assert '<th scope="row">France Travail Dax</th><td class="nombre">&lt; 5</td>' in html


def test_prescriber_page_lists_the_learners_it_sent(cohorte, login):
    p, ft = cohorte["projet"], cohorte["ft"]
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    html = login(coordinateur).get(reverse("organisation_apprenants", args=[p.pk, ft.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "3\u00a0apprenants envoyés par France Travail Dax" in html
    assert "Aucun apprenant" not in html


def test_target_progress_on_time_late_reached(db):
    p = f.ProjetFactory()
    for _ in range(6):
        f.ApprenantFactory(projet=p, date_entree=D(2025, 3, 1))
    au = D(2025, 7, 2)  # 182 of the 364 days of the period gone: 50 %
    dix = f.ObjectifFactory(projet=p, valeur_cible=10, date_debut=D(2025, 1, 1), date_echeance=D(2025, 12, 31))
    vingt = f.ObjectifFactory(projet=p, valeur_cible=20, date_debut=D(2025, 1, 1), date_echeance=D(2025, 12, 31))
    cinq = f.ObjectifFactory(projet=p, valeur_cible=5, date_debut=D(2025, 1, 1), date_echeance=D(2025, 12, 31))
    p10 = progression(dix, au=au)
    assert (p10.realise, p10.part_atteinte, p10.part_ecoulee, p10.etat) == (Decimal(6), Decimal("60.0"), Decimal("50.0"), A_L_HEURE)
    p20 = progression(vingt, au=au)
    assert (p20.part_atteinte, p20.etat) == (Decimal("30.0"), EN_RETARD)
    assert progression(cinq, au=au).etat == ATTEINT
    assert progression(vingt, au=D(2026, 1, 15)).etat == ECHU


def test_target_of_a_rate_and_masking(db):
    p = f.ProjetFactory()
    for resultat in (ResultatSortie.EMPLOI_DURABLE, ResultatSortie.ABANDON, ResultatSortie.ALTERNANCE):
        f.SortieFactory(parcours=f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=p), cloture=True), resultat=resultat)
    taux = f.ObjectifFactory(
        projet=p, indicateur=Indicateur.TAUX_SORTIES_POSITIVES, valeur_cible=60, date_debut=D(2025, 1, 1), date_echeance=D(2025, 12, 31)
    )
    pr = progression(taux, au=D(2025, 7, 2))
    assert (pr.realise, pr.etat) == (Decimal("66.7"), ATTEINT)
    masquee = progression(taux, au=D(2025, 7, 2), masquer=True)
    assert (masquee.affiche, masquee.barre) == ("s", 0)  # 2 of 3: a funder sees neither
    recrutements = f.ObjectifFactory(projet=p, indicateur=Indicateur.RECRUTEMENTS, valeur_cible=4, date_debut=D(2025, 1, 1))
    assert progression(recrutements, au=D(2025, 7, 2)).realise == 2
    assert progression(recrutements, au=D(2025, 7, 2), masquer=True).affiche == "< 5"


def test_target_with_a_past_deadline_is_refused_at_creation(db):
    p = f.ProjetFactory()
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    objectif = Objectif(indicateur=Indicateur.ACCOMPAGNES, valeur_cible=50, date_echeance=D(2025, 1, 1))
    with pytest.raises(ValidationError) as erreur:
        fin_services.enregistrer_objectif(objectif=objectif, projet=p, by=coordinateur, aujourd_hui=D(2025, 6, 1))
    assert erreur.value.message_dict["date_echeance"] == ["L'échéance est déjà passée : choisissez une date à venir."]
    assert not Objectif.objects.exists()


def test_target_pages_create_and_funder_sees_its_fundings_targets(db, login):
    p = f.ProjetFactory()
    financement = f.FinancementFactory(projet=p)
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    client = login(coordinateur)
    response = client.post(
        reverse("objectif_create", args=[p.pk]),
        {"financement": financement.pk, "indicateur": Indicateur.FORMES, "valeur_cible": "40", "date_echeance": "2099-12-31"},
    )
    assert response.status_code == 302, response.content.decode()
    f.ObjectifFactory(projet=p, valeur_cible=12)  # the project's own target
    financeur = f.AdhesionFactory(projet=p, role="financeur", organisation=financement.financeur).user
    html = login(financeur).get(reverse("objectif_list", args=[p.pk])).content.decode()
    assert "Personnes formées" in html and "Personnes accompagnées" not in html
    html = client.get(reverse("tableau_de_bord", args=[p.pk])).content.decode()
    assert "Personnes formées" in html and "Personnes accompagnées" in html and 'data-barre="0"' in html
    html = client.get(reverse("projet_accueil", args=[p.pk])).content.decode()
    assert "data-barre=" in html


def test_age_band_at_entry(db):
    p = f.ProjetFactory()
    # 25 on entering (the day before their 26th birthday), 26 at the period's end: « Moins de 26 ans »
    f.ApprenantFactory(projet=p, date_naissance=D(1999, 3, 10), date_entree=D(2025, 3, 9))
    # 26 on the day they entered
    f.ApprenantFactory(projet=p, date_naissance=D(1999, 3, 10), date_entree=D(2025, 3, 10))
    ages = {li.cle: li.effectif.valeur for li in calculer([p], PERIODE).profil.tranches_age}
    assert (ages["moins_26"], ages["de_26_44"]) == (1, 1)


@pytest.mark.parametrize(
    ("naissance", "entree", "tranche"),
    [
        (D(1999, 12, 31), D(2025, 1, 1), "moins_26"),  # 25 the next day of their birthday year
        (D(1980, 3, 11), D(2025, 3, 10), "de_26_44"),  # 44, the day before their 45th birthday
        (D(1980, 3, 10), D(2025, 3, 10), "de_45_54"),  # 45 on the day
        (D(2000, 2, 29), D(2025, 2, 28), "moins_26"),  # born on 29 February: not 25 yet on the 28th…
        (D(1999, 2, 28), D(2025, 2, 28), "de_26_44"),
        (D(1970, 2, 28), D(2025, 3, 1), "plus_55"),
        (D(1970, 3, 2), D(2025, 3, 1), "de_45_54"),
        (None, D(2025, 3, 1), "inconnu"),  # no birth date: « Âge non renseigné »
        (D(2026, 1, 1), D(2025, 3, 1), "inconnu"),  # born after entering (a typing error): no band
    ],
)
def test_age_band_at_entry_on_its_edges(db, naissance, entree, tranche):
    p = f.ProjetFactory()
    f.ApprenantFactory(projet=p, date_naissance=naissance, date_entree=entree)
    ages = {li.cle: li.effectif.valeur for li in calculer([p], PERIODE).profil.tranches_age}
    assert ages == {cle: int(cle == tranche) for cle in ages}


def test_training_hours_counted_on_the_training_steps(db):
    p = f.ProjetFactory()
    parcours = f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=p))
    f.EtapeFactory(parcours=parcours, type=TypeEtape.REMOBILISATION, heures_realisees=Decimal("300"))
    etapes = calculer([p], PERIODE).etapes
    assert (etapes.formations.valeur, etapes.heures_realisees, etapes.heures_etapes_realisees) == (0, Decimal(0), Decimal("300"))


def test_no_follow_up_after_an_abandon(db):
    p = f.ProjetFactory()
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    abandon = f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=p))
    emploi = f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=p))
    par_services.cloturer_parcours(parcours=abandon, resultat=ResultatSortie.ABANDON, date=D(2025, 3, 1), by=coordinateur)
    par_services.cloturer_parcours(parcours=emploi, resultat=ResultatSortie.EMPLOI_DURABLE, date=D(2025, 3, 1), by=coordinateur)
    abandon.refresh_from_db()
    assert abandon.suivi_6_mois_le is None
    assert list(suivis_dus(Parcours.objects.filter(projet=p), D(2025, 9, 1))) == [emploi]


def test_copil_report_shows_targets_and_breakdowns_masked(groupe):
    from django.template.loader import render_to_string

    from pilotage.rapports import contexte_rapport

    p, feader = groupe["projet"], groupe["feader"]
    f.ObjectifFactory(projet=p, financement=feader, indicateur=Indicateur.HEURES, valeur_cible=200, date_echeance=D(2025, 12, 31))
    copil = f.CopilFactory(projet=p, periode_debut=D(2025, 1, 1), periode_fin=D(2025, 6, 30))
    contexte = contexte_rapport(copil=copil)
    assert contexte["repartitions"].masque
    (ligne,) = contexte["repartitions"].eligibilites
    assert ligne.heures_eligibles == Decimal("84")
    (objectif,) = contexte["progressions"]
    assert objectif.realise == Decimal(0)  # the steps are not training steps: no « heures de formation »
    html = render_to_string("pilotage/rapport_pdf.html", contexte)
    assert "Freins par type" in html and "Éligibilité par financement" in html and "Heures de formation réalisées" in html
    assert "dont femmes" in html and "&lt; 5" in html  # 3 women, 2 agents publics… masked


def test_funding_form_sets_the_excluded_statuses(db, login):
    from finances.models import Financement

    p = f.ProjetFactory()
    financeur = f.OrganisationFactory(projet=p, financeur=True)
    client = login(f.AdhesionFactory(projet=p, role="coordinateur").user)
    donnees = {
        "financeur": financeur.pk,
        "programme": "FEADER",
        "intitule": "LEADER",
        "montant_accorde": "18000",
        "date_debut": "2025-01-01",
        "date_fin": "2025-12-31",
    }
    refus = client.post(reverse("financement_create", args=[p.pk]), {**donnees, "statuts_exclus": ["inconnu"]})
    assert refus.status_code == 200 and "statuts_exclus" in refus.context["form"].errors
    assert not Financement.objects.exists()
    reponse = client.post(reverse("financement_create", args=[p.pk]), {**donnees, "statuts_exclus": [Situation.AGENT_PUBLIC]})
    assert reponse.status_code == 302, reponse.context["form"].errors
    assert Financement.objects.get().statuts_exclus == [Situation.AGENT_PUBLIC]


def test_learners_and_hours_per_session(db):
    p = f.ProjetFactory()
    of = f.OrganisationFactory(projet=p, of=True, nom="Greta")
    session = f.SessionFormationFactory(projet=p, organisation=of, intitule="Compétences numériques")
    for heures, statut in (("20", "en_cours"), ("15", "terminee"), ("6", "abandonnee")):
        f.EtapeFactory(
            parcours__apprenant__projet=p,
            organisation=of,
            session=session,
            heures_realisees=Decimal(heures),
            statut=statut,
            motif="Déménagement" if statut == "abandonnee" else "",
        )
    indicateurs, r = _repartitions(p)
    (ligne,) = r.sessions
    # the abandoned step's learner is not placed, nor are its hours counted
    assert (ligne.intitule, ligne.organisation, ligne.apprenants.valeur, ligne.heures) == (
        "Compétences numériques",
        "Greta",
        2,
        Decimal("35"),
    )
    assert indicateurs.sessions.apprenants_places.valeur == 2


@pytest.fixture
def sites(db):
    """Sessions in three sites: Périgueux (two sessions: 6 and 2 learners, 10 h each), Nontron (3
    learners, 7 h each) and one at a distance (1 learner, 4 h)."""
    p = f.ProjetFactory()
    of = f.OrganisationFactory(projet=p, of=True, nom="Greta")
    plan = [("Périgueux", False, 6, "10"), (" Périgueux ", False, 2, "10"), ("Nontron", False, 3, "7"), ("", True, 1, "4")]
    sessions = []
    for commune, a_distance, n, heures in plan:
        session = f.SessionFormationFactory(projet=p, organisation=of, commune=commune, a_distance=a_distance)
        for _ in range(n):
            f.EtapeFactory(parcours__apprenant__projet=p, organisation=of, session=session, heures_realisees=Decimal(heures))
        sessions.append(session)
    return {"projet": p, "sessions": sessions}


def test_learners_and_hours_per_site(sites):
    indicateurs, r = _repartitions(sites["projet"])
    assert [(li.site, li.sessions, li.apprenants.valeur, li.heures) for li in r.sites] == [
        ("Périgueux", 2, 8, Decimal("80")),
        ("Nontron", 1, 3, Decimal("21")),
        ("À distance", 1, 1, Decimal("4")),
    ]
    # the sites add up to the sessions' table and to the dashboard's placed learners
    assert sum(li.apprenants.valeur for li in r.sites) == indicateurs.sessions.apprenants_places.valeur == 12
    assert sum(li.heures for li in r.sites) == sum(li.heures for li in r.sessions)


def test_sites_masked_for_funders_so_that_no_hidden_figure_can_be_recomputed(sites):
    indicateurs, r = _repartitions(sites["projet"], masquer=True)
    par_site = {li.site: li.apprenants for li in r.sites}
    assert par_site["Nontron"].masque and par_site["À distance"].masque
    # Périgueux = its two sessions (6 + 2): the session of 2 is hidden, so Périgueux or the
    # session of 6 is hidden too, else 8 − 6 gives it back
    par_session = {s.intitule: s.apprenants for s in r.sessions}
    seances = sites["sessions"]
    assert par_session[seances[1].intitule].masque
    assert par_site["Périgueux"].masque or par_session[seances[0].intitule].masque
    # and the sites, against the placed learners shown on the dashboard: never exactly one hidden
    if not indicateurs.sessions.apprenants_places.masque:
        assert sum(e.masque for e in par_site.values()) != 1
    # hours are not counts of people: printed in clear
    assert {li.site: li.heures for li in r.sites} == {"Périgueux": Decimal("80"), "Nontron": Decimal("21"), "À distance": Decimal("4")}


def test_dashboard_pdf_and_bilan_show_the_sites(sites, login, django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string

    from pilotage.rapports import contexte_rapport
    from tests.pilotage.test_bilans import classeur, generer, lire

    p = sites["projet"]
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    ligne_nontron = '<th scope="row">Nontron</th><td class="nombre">1</td><td class="nombre">3</td><td class="nombre">21\u00a0h</td>'
    html = login(coordinateur).get(reverse("tableau_de_bord", args=[p.pk]), {"debut": "2025-01-01", "fin": "2025-12-31"}).content.decode()
    assert "Apprenants et heures par site" in html and ligne_nontron in html

    copil = f.CopilFactory(projet=p, periode_debut=D(2025, 1, 1), periode_fin=D(2025, 12, 31))
    pdf = render_to_string("pilotage/rapport_pdf.html", contexte_rapport(copil=copil))
    assert "Apprenants et heures par site" in pdf and "Périgueux" in pdf and "À distance" in pdf

    feuille = classeur(lire(generer(p, coordinateur, django_capture_on_commit_callbacks)))["Répartitions"]
    lignes = [r for r in feuille.iter_rows(values_only=True) if r[0] == "Sites des sessions (apprenants placés, heures)"]
    assert [(r[1], r[2], r[4]) for r in lignes] == [("Périgueux", 8, 80), ("Nontron", 3, 21), ("À distance", 1, 4)]


def _sorties(projet, resultats):
    """One learner leaving with each of ``resultats`` (``{resultat: nombre}``) in 2025."""
    for resultat, nombre in resultats.items():
        for _ in range(nombre):
            parcours = f.ParcoursFactory(apprenant=f.ApprenantFactory(projet=projet), cloture=True)
            f.SortieFactory(parcours=parcours, resultat=resultat, date=D(2025, 5, 15))


def test_a_recruitment_target_never_gives_back_an_exit_the_dashboard_hides(db):
    """Emploi durable 6, emploi de transition 2 (« < 5 » on the dashboard), alternance 0: a
    recruitment figure of 8, in clear because it is 5 or more, would give the 2 back."""
    p = f.ProjetFactory()
    _sorties(p, {ResultatSortie.EMPLOI_DURABLE: 6, ResultatSortie.EMPLOI_TRANSITION: 2, ResultatSortie.RECHERCHE_EMPLOI: 7})
    debut, echeance = D(2025, 1, 1), D(2025, 12, 31)
    tableau = calculer([p], Periode(debut, echeance), masquer=True)
    lignes = {li.cle: li.effectif for li in tableau.sorties.a_la_sortie}
    assert lignes[ResultatSortie.EMPLOI_TRANSITION].masque
    objectif = f.ObjectifFactory(projet=p, indicateur=Indicateur.RECRUTEMENTS, valeur_cible=10, date_debut=debut, date_echeance=echeance)
    en_clair = progression(objectif, au=D(2025, 7, 2))
    assert (en_clair.realise, en_clair.affiche) == (Decimal(8), "8")
    masquee = progression(objectif, au=D(2025, 7, 2), masquer=True)
    assert masquee.masque and masquee.affiche in ("< 5", "s") and masquee.barre == 0
    # nor does its state tell on which side of the target it is
    assert masquee.etat == NON_COMMUNIQUE and not masquee.en_retard


def test_a_rate_target_is_masked_as_the_dashboard_masks_the_same_rate(db):
    """6 positive exits of 8: both 5 or more, but the rate gives back the 2 others (« < 5 »)."""
    p = f.ProjetFactory()
    _sorties(p, {ResultatSortie.EMPLOI_DURABLE: 6, ResultatSortie.ABANDON: 2})
    debut, echeance = D(2025, 1, 1), D(2025, 12, 31)
    tableau = calculer([p], Periode(debut, echeance), masquer=True)
    objectif = f.ObjectifFactory(
        projet=p, indicateur=Indicateur.TAUX_SORTIES_POSITIVES, valeur_cible=60, date_debut=debut, date_echeance=echeance
    )
    masquee = progression(objectif, au=D(2025, 7, 2), masquer=True)
    assert masquee.masque == tableau.sorties.taux_positif_sortie.masque
    assert masquee.masque and masquee.affiche == "s"
    assert progression(objectif, au=D(2025, 7, 2)).affiche == "75,0\u00a0%"


def test_targets_of_a_roll_up_read_each_period_once(db, django_assert_max_num_queries):
    """For a funder, the dashboards over the targets' periods are read grouped by project: the
    same number of queries for 1 project or 6."""
    from pilotage.repartitions import progressions

    def requetes(n):
        objectifs = []
        for _ in range(n):
            p = f.ProjetFactory()
            _sorties(p, {ResultatSortie.EMPLOI_DURABLE: 6})
            objectifs += [
                f.ObjectifFactory(projet=p, indicateur=i, valeur_cible=10, date_debut=D(2025, 1, 1), date_echeance=D(2025, 12, 31))
                for i in (Indicateur.ACCOMPAGNES, Indicateur.RECRUTEMENTS, Indicateur.HEURES)
            ]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as c:
            resultat = progressions(objectifs, masquer=True, au=D(2025, 7, 2))
        assert len(resultat) == 3 * n
        return len(c)

    assert requetes(1) == requetes(6)


# ---------------------------------------------------------------- eligibility and targets where they are read


def test_dashboard_shows_each_funding_s_eligible_participants_and_hours(groupe, login):
    """The dashboard (coordinator, and the funder masked), as the funding's page: 7 participants,
    6 eligible (one agent public by override), 98 h and 84 h."""
    from tests.pilotage.test_cas_du_terrain import tableau

    p, feader = groupe["projet"], groupe["feader"]
    nom = f"{feader.programme} — {feader.intitule}"
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    html = login(coordinateur).get(reverse("tableau_de_bord", args=[p.pk])).content.decode()
    assert tableau(html, "eligibilite")[0] == [nom, "7", "6", "98\u00a0h", "84\u00a0h"]
    financeur = f.AdhesionFactory(projet=p, role="financeur", organisation=feader.financeur).user
    cellules = tableau(login(financeur).get(reverse("tableau_de_bord", args=[p.pk])).content.decode(), "eligibilite")[0]
    # the one non-eligible participant would be 7 − 6: one of the two is hidden (hours are no people)
    assert cellules[0] == nom and cellules[3:] == ["98\u00a0h", "84\u00a0h"]
    assert "s" in cellules[1:3] and cellules[1:3] != ["7", "6"]


def test_bilan_sheets_repartitions_and_objectifs_and_the_roll_up_bars(groupe, login, django_capture_on_commit_callbacks):
    """The bilan's *Répartitions* gives each funding's eligibility, its *Objectifs* each target and
    its progress; the roll-up draws the same target's bar."""
    from tests.pilotage.test_bilans import classeur, generer, lire

    p, feader = groupe["projet"], groupe["feader"]
    coordinateur = f.AdhesionFactory(projet=p, role="coordinateur").user
    f.ObjectifFactory(
        projet=p,
        financement=feader,
        indicateur=Indicateur.ACCOMPAGNES,
        valeur_cible=10,
        date_debut=D(2025, 1, 1),
        date_echeance=D(2025, 12, 31),
    )
    feuilles = classeur(lire(generer(p, coordinateur, django_capture_on_commit_callbacks, periode=PERIODE)))
    lignes = [r for r in feuilles["Répartitions"].iter_rows(values_only=True) if r[0] == "Éligibilité (participants, dont éligibles)"]
    assert lignes == [("Éligibilité (participants, dont éligibles)", f"{feader.programme} — {feader.intitule}", 7, 6, 98, 84)]
    (entetes, *objectifs) = [r[:10] for r in feuilles["Objectifs"].iter_rows(values_only=True) if r[0]]
    assert entetes[2:8] == ("Indicateur", "Cible", "Début", "Échéance", "Réalisé", "Part atteinte (%)")
    # the 7 participants and the earlier one, whose path is still open: 8 accompanied of 10
    (objectif,) = [o for o in objectifs if o[0] == p.nom]
    assert objectif[1] == str(feader) and objectif[2] == "Personnes accompagnées" and objectif[3] == 10
    assert (objectif[6], objectif[7], objectif[9]) == ("8", 80, ECHU)
    html = login(coordinateur).get(reverse("synthese")).content.decode()
    assert 'data-barre="80"' in html and "Personnes accompagnées" in html
