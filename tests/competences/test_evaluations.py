"""Evaluations: the rules of the service, the partner's scope, the form, the learner's radar chart
(its values are the evaluations') and the page's query budget."""

import html
import re
from datetime import date as D
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competences import selectors, services
from competences.models import ComposanteAfest, Evaluation, MomentEvaluation, NiveauEvaluation
from parcours.models import TypeEtape
from tests import factories as f
from tests.connexion import connecter


@pytest.fixture
def ref(db):
    projet = f.ProjetFactory()
    referentiel = f.ReferentielFactory(projet=projet, nom="Couture")
    b1 = f.BlocFactory(referentiel=referentiel, code="B1", libelle="Préparer", ordre=1)
    b2 = f.BlocFactory(referentiel=referentiel, code="B2", libelle="Réaliser", ordre=2)
    competences = [
        f.CompetenceFactory(bloc=b1, code="C1", ordre=1),
        f.CompetenceFactory(bloc=b1, code="C2", ordre=2),
        f.CompetenceFactory(bloc=b2, code="C3", ordre=1),
    ]
    return referentiel, competences


def _evaluer(by, apprenant, referentiel, niveaux, **kwargs):
    return services.enregistrer_evaluation(
        projet=referentiel.projet,
        by=by,
        apprenant=apprenant,
        referentiel=referentiel,
        date=kwargs.pop("date", D(2025, 3, 1)),
        moment=kwargs.pop("moment", MomentEvaluation.ENTREE),
        evaluateur_qualite=kwargs.pop("evaluateur_qualite", "coordinateur"),
        niveaux=niveaux,
        **kwargs,
    )


def test_evaluation_and_niveau_atteint(ref):
    referentiel, (c1, c2, c3) = ref
    coord = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=referentiel.projet)
    _evaluer(coord, apprenant, referentiel, {c1: (1, ""), c2: (2, "hésite")})
    _evaluer(coord, apprenant, referentiel, {c1: (3, "")}, date=D(2025, 5, 1), moment=MomentEvaluation.SORTIE)
    assert selectors.niveau_atteint(apprenant, c1) == 3  # the latest
    assert selectors.niveau_atteint(apprenant, c2) == 2  # the latest that rated it
    assert selectors.niveau_atteint(apprenant, c3) is None


def test_competence_of_another_framework_or_project_refused(ref):
    referentiel, (c1, _c2, _c3) = ref
    coord = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=referentiel.projet)
    autre = f.CompetenceFactory(bloc__referentiel__projet=referentiel.projet, code="X1")
    etrangere = f.CompetenceFactory(code="Y1")
    for competence in (autre, etrangere):
        with pytest.raises(ValidationError, match="n'appartient pas au référentiel"):
            _evaluer(coord, apprenant, referentiel, {c1: (2, ""), competence: (2, "")})
    with pytest.raises(ValidationError, match="Niveau invalide"):
        _evaluer(coord, apprenant, referentiel, {c1: (5, "")})
    with pytest.raises(ValidationError, match="futur"):
        _evaluer(coord, apprenant, referentiel, {c1: (2, "")}, date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="n'appartient pas à ce projet"):
        _evaluer(coord, f.ApprenantFactory(), referentiel, {c1: (2, "")})
    assert not Evaluation.objects.exists() and not NiveauEvaluation.objects.exists()


def test_partner_evaluates_only_on_a_step_at_its_organisation(ref):
    referentiel, (c1, c2, _c3) = ref
    partenaire = f.AdhesionFactory(projet=referentiel.projet, partenaire=True)
    chez_lui = f.EtapeFactory(parcours__apprenant__projet=referentiel.projet, organisation=partenaire.organisation, type=TypeEtape.AFEST)
    apprenant = chez_lui.parcours.apprenant
    ailleurs = f.EtapeFactory(parcours=chez_lui.parcours)
    for etape in (None, ailleurs):
        with pytest.raises(ValidationError, match="son organisation"):
            _evaluer(partenaire.user, apprenant, referentiel, {c1: (2, "")}, etape=etape, evaluateur_qualite="tuteur")
    # its AFEST analysis aims at C1 only: C2 is not the partner's to rate
    f.ComposanteAfestFactory(etape=chez_lui).competences.set([c1])
    with pytest.raises(ValidationError, match="pas visée"):
        _evaluer(partenaire.user, apprenant, referentiel, {c2: (2, "")}, etape=chez_lui, evaluateur_qualite="tuteur")
    evaluation = _evaluer(partenaire.user, apprenant, referentiel, {c1: (3, "")}, etape=chez_lui, evaluateur_qualite="tuteur")
    assert evaluation.organisation == partenaire.organisation
    # on an AFEST step, the evaluation is its « Évaluation » component too
    assert ComposanteAfest.objects.get(type="evaluation").evaluation == evaluation
    # and the partner sees it, not the others'
    coord = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True).user
    _evaluer(coord, apprenant, referentiel, {c2: (1, "")})
    assert list(Evaluation.objects.visible_to(partenaire.user)) == [evaluation]


def test_radar_values_equal_the_evaluations(ref):
    referentiel, (c1, c2, c3) = ref
    coord = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=referentiel.projet)
    _evaluer(coord, apprenant, referentiel, {c1: (1, ""), c2: (2, ""), c3: (1, "")})
    _evaluer(coord, apprenant, referentiel, {c1: (2, ""), c2: (3, "")}, date=D(2025, 4, 1), moment=MomentEvaluation.INTERMEDIAIRE)
    _evaluer(coord, apprenant, referentiel, {c1: (4, ""), c2: (3, ""), c3: (3, "")}, date=D(2025, 6, 1), moment=MomentEvaluation.SORTIE)
    (suivi,) = selectors.suivis_apprenant(coord, referentiel.projet, apprenant)
    lus = {(int(s), c): n for s, c, n in re.findall(r'<circle data-serie="(\d)" data-competence="([^"]+)" data-niveau="(\d*)"', suivi.svg)}
    assert lus == {(0, "C1"): "1", (0, "C2"): "2", (0, "C3"): "1", (1, "C1"): "4", (1, "C2"): "3", (1, "C3"): "3"}
    assert "Positionnement d'entrée du 01/03/2025" in html.unescape(suivi.svg)
    assert "Évaluation de sortie du 01/06/2025" in suivi.svg
    # progression per bloc: means of the entry and of the latest
    assert [(p.bloc.code, p.entree, p.derniere, p.ecart) for p in suivi.blocs] == [("B1", 1.5, 3.5, 2.0), ("B2", 1.0, 3.0, 2.0)]


def test_evaluation_form(ref, client):
    referentiel, (c1, c2, _c3) = ref
    coord = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=referentiel.projet)
    connecter(coord, client)
    url = reverse("evaluation_create", args=[referentiel.projet.pk, apprenant.pk])
    assert "Couture" in client.get(url).content.decode()  # the frameworks to choose from
    page = client.get(url, {"referentiel": referentiel.pk})
    jeton = re.search(r'name="_jeton" value="([^"]+)"', page.content.decode()).group(1)
    donnees = {
        "_jeton": jeton,
        "date": "2025-03-01",
        "moment": "entree",
        "evaluateur_qualite": "formateur",
        f"niveau_{c1.pk}": "2",
        f"niveau_{c2.pk}": "",
    }
    reponse = client.post(f"{url}?referentiel={referentiel.pk}", donnees)
    assert reponse.status_code == 302
    assert list(NiveauEvaluation.objects.values_list("competence__code", "niveau")) == [("C1", 2)]
    # nothing rated: refused in French, nothing written
    donnees[f"niveau_{c1.pk}"] = ""
    donnees["_jeton"] = "autre-jeton-0123456789"
    reponse = client.post(f"{url}?referentiel={referentiel.pk}", donnees)
    assert "Évaluez au moins une compétence." in reponse.content.decode()
    assert Evaluation.objects.count() == 1


def test_learner_page_shows_the_radar_with_constant_queries(ref, client, django_assert_num_queries):
    referentiel, competences = ref
    adhesion = f.AdhesionFactory(projet=referentiel.projet, coordinateur=True)
    apprenant = f.ApprenantFactory(projet=referentiel.projet)
    f.EtapeFactory(parcours__apprenant=apprenant, type=TypeEtape.AFEST)
    connecter(adhesion.user, client)
    url = reverse("apprenant_detail", args=[referentiel.projet.pk, apprenant.pk])

    def ajouter(n):
        for i in range(n):
            evaluation = f.EvaluationFactory(apprenant=apprenant, referentiel=referentiel, date=D(2024, 1, 1) + timedelta(days=i))
            for c in competences:
                f.NiveauEvaluationFactory(evaluation=evaluation, competence=c, niveau=1 + (i + c.pk) % 4)

    ajouter(2)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as deux:
        page = client.get(url)
    assert '<svg class="radar"' in page.content.decode()
    assert "Traçabilité AFEST" in page.content.decode()
    ajouter(48)
    with django_assert_num_queries(len(deux)):
        page = client.get(url)
    assert page.content.decode().count('<li id="evaluation-') == 50


def test_a_partner_evaluates_through_the_form_on_its_step(ref, client):
    referentiel, (c1, _c2, _c3) = ref
    partenaire = f.AdhesionFactory(projet=referentiel.projet, partenaire=True)
    etape = f.EtapeFactory(parcours__apprenant__projet=referentiel.projet, organisation=partenaire.organisation)
    ailleurs = f.EtapeFactory(parcours=etape.parcours)
    apprenant = etape.parcours.apprenant
    connecter(partenaire.user, client)
    url = reverse("evaluation_create", args=[referentiel.projet.pk, apprenant.pk]) + f"?referentiel={referentiel.pk}"
    page = client.get(url)
    # only the steps at its organisation are offered
    assert list(page.context["form"].fields["etape"].queryset) == [etape]
    donnees = {"_jeton": re.search(r'name="_jeton" value="([^"]+)"', page.content.decode()).group(1)}
    donnees.update({"date": "2025-03-01", "moment": "entree", "evaluateur_qualite": "formateur", f"niveau_{c1.pk}": "3"})
    # a step elsewhere: refused next to the field
    reponse = client.post(url, {**donnees, "etape": ailleurs.pk})
    assert "n'est pas une étape de cet apprenant que vous pouvez voir" in html.unescape(reponse.content.decode())
    reponse = client.post(url, {**donnees, "etape": ""})
    assert reponse.status_code == 200 and not Evaluation.objects.exists()
    reponse = client.post(url, {**donnees, "etape": etape.pk})
    assert reponse.status_code == 302
    assert Evaluation.objects.get().organisation == partenaire.organisation
