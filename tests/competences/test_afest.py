"""AFEST traceability: the four components, their rules, the completeness shown on the step's page,
and the learner's AFEST file (PDF)."""

from datetime import date as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competences import selectors, services
from competences.models import ComposanteAfest, TypeComposante
from conciergerie.models import JournalAcces
from parcours.models import TypeEtape
from tests import factories as f
from tests.connexion import connecter


@pytest.fixture
def afest(db):
    etape = f.EtapeFactory(type=TypeEtape.AFEST, intitule="Garnissage d'un fauteuil")
    coord = f.AdhesionFactory(projet=etape.projet, coordinateur=True).user
    competence = f.CompetenceFactory(bloc__referentiel__projet=etape.projet, code="C1")
    return etape, coord, competence


def _tracer(etape, by, type, **kwargs):
    return services.ajouter_composante_afest(etape=etape, by=by, type=type, date=kwargs.pop("date", D(2025, 2, 3)), **kwargs)


def test_each_component_has_its_rules_nothing_written(afest):
    etape, coord, competence = afest
    with pytest.raises(ValidationError) as e:
        _tracer(etape, coord, TypeComposante.ANALYSE)
    assert set(e.value.message_dict) == {"contenu", "competences"}
    with pytest.raises(ValidationError, match="Nommez le tuteur"):
        _tracer(etape, coord, TypeComposante.MISE_EN_SITUATION)
    with pytest.raises(ValidationError, match="mis en mots"):
        _tracer(etape, coord, TypeComposante.PHASE_REFLEXIVE)
    with pytest.raises(ValidationError, match="Choisissez l'évaluation"):
        _tracer(etape, coord, TypeComposante.EVALUATION)
    autre = f.EvaluationFactory(apprenant__projet=etape.projet)
    with pytest.raises(ValidationError, match="pas celle de l'apprenant"):
        _tracer(etape, coord, TypeComposante.EVALUATION, evaluation=autre)
    with pytest.raises(ValidationError, match="n'appartient pas à ce projet"):
        _tracer(etape, coord, TypeComposante.ANALYSE, contenu="x", competences=[f.CompetenceFactory()])
    with pytest.raises(ValidationError, match="pas une AFEST"):
        _tracer(f.EtapeFactory(parcours=etape.parcours), coord, TypeComposante.PHASE_REFLEXIVE, contenu="x")
    assert not ComposanteAfest.objects.exists()


def test_partner_traces_the_afest_at_its_organisation_only(afest):
    etape, _coord, _competence = afest
    partenaire = f.AdhesionFactory(projet=etape.projet, partenaire=True)
    with pytest.raises(ValidationError, match="son organisation"):
        _tracer(etape, partenaire.user, TypeComposante.PHASE_REFLEXIVE, contenu="x")
    chez_lui = f.EtapeFactory(parcours=etape.parcours, organisation=partenaire.organisation, type=TypeEtape.AFEST)
    assert _tracer(chez_lui, partenaire.user, TypeComposante.PHASE_REFLEXIVE, contenu="x").saisie_par == partenaire.user


def test_completeness_and_the_step_page(afest, client):
    etape, coord, competence = afest
    connecter(coord, client)
    url = reverse("etape_afest", args=[etape.projet.pk, etape.pk])
    page = client.get(url).content.decode()
    assert "Composantes manquantes : Analyse de la situation de travail, Mise en situation de travail, Phase réflexive, Évaluation." in page
    _tracer(etape, coord, TypeComposante.ANALYSE, contenu="Pose de sangles", competences=[competence])
    _tracer(etape, coord, TypeComposante.MISE_EN_SITUATION, intervenant="M. Rivière, tapissier", date_fin=D(2025, 2, 7))
    _tracer(etape, coord, TypeComposante.PHASE_REFLEXIVE, contenu="J'ai compris pourquoi on croise les sangles.")
    (completude,) = selectors.completude_afest([etape], selectors.composantes_de([etape]))
    assert completude.manquantes == ["Évaluation"] and not completude.complete
    services.enregistrer_evaluation(
        projet=etape.projet,
        by=coord,
        apprenant=etape.parcours.apprenant,
        referentiel=competence.bloc.referentiel,
        etape=etape,
        date=D(2025, 2, 10),
        moment="sortie",
        evaluateur_qualite="tuteur",
        niveaux={competence: (3, "")},
    )
    (completude,) = selectors.completude_afest([etape], selectors.composantes_de([etape]))
    assert completude.complete
    page = client.get(url).content.decode()
    assert "Les quatre composantes sont tracées." in page
    # the AFEST file's link, a section of pilotage's (afest_actions)
    assert reverse("afest_pdf", args=[etape.projet.pk, etape.parcours.apprenant.pk]) in page
    assert "M. Rivière, tapissier" in page and "Le 3 février 2025 au 7 février 2025" in page


def test_component_form(afest, client):
    etape, coord, competence = afest
    connecter(coord, client)
    url = reverse("composante_afest_create", args=[etape.projet.pk, etape.pk, "analyse"])
    page = client.get(url).content.decode()
    jeton = page.split('name="_jeton" value="')[1].split('"')[0]
    reponse = client.post(url, {"_jeton": jeton, "date": "2025-02-03", "contenu": "", "intervenant": ""})
    assert "Décrivez les situations de travail retenues." in reponse.content.decode()
    reponse = client.post(
        url, {"_jeton": jeton, "date": "2025-02-03", "contenu": "Sangler", "intervenant": "", "competences": [competence.pk]}
    )
    assert reponse.status_code == 302
    assert list(ComposanteAfest.objects.get().competences.all()) == [competence]


def test_afest_pdf(afest, client):
    etape, coord, competence = afest
    _tracer(etape, coord, TypeComposante.PHASE_REFLEXIVE, contenu="Mise en mots")
    f.NiveauEvaluationFactory(
        evaluation__apprenant=etape.parcours.apprenant, evaluation__referentiel=competence.bloc.referentiel, competence=competence
    )
    connecter(coord, client)
    reponse = client.get(reverse("afest_pdf", args=[etape.projet.pk, etape.parcours.apprenant.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf" and reponse.content.startswith(b"%PDF")
    assert JournalAcces.objects.filter(projet=etape.projet, objet_id=etape.parcours.apprenant.pk).exists()
    from django.template.loader import render_to_string

    from pilotage.views_afest import contexte_afest

    html = render_to_string("pilotage/afest_pdf.html", contexte_afest(user=coord, projet=etape.projet, apprenant=etape.parcours.apprenant))
    assert "Composantes manquantes : Analyse de la situation de travail, Mise en situation de travail, Évaluation." in html
    assert '<svg class="radar"' in html and "Mise en mots" in html
