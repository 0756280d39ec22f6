"""Generated learner references: the project's initials and a sequence (``FN-0001``), unique per
project; the learner form's reference is optional at creation; the import keeps requiring one
(it is the import's key: a generated reference could not be found again by a re-import)."""

import pytest
from django.urls import reverse

from parcours import services
from parcours.models import Apprenant, CompteurReference, prefixe_du_projet
from tests import factories as f

pytestmark = pytest.mark.django_db

NOUVEL = {"prenom": "Léa", "nom": "Marchand", "situation_entree": "demandeur_emploi", "date_entree": "2025-02-03", "statut_secu": "aucun"}


@pytest.mark.parametrize(
    ("nom", "prefixe"),
    [
        ("Formation du Nord", "FN"),
        ("Conciergerie de l'Île-de-France", "CIF"),
        ("Élan des Landes solidaires et rurales", "ELSR"),
        ("les de la", "LDL"),
        ("— ", "APP"),
    ],
)
def test_prefix_is_the_initials_of_the_project_name(nom, prefixe):
    assert prefixe_du_projet(nom) == prefixe


def test_learners_created_without_reference_get_the_sequence(cabinet):
    projet = cabinet["projet"]
    projet.nom = "Formation du Nord"
    projet.save()
    url = reverse("apprenant_create", args=[projet.pk])
    for _ in range(3):
        response = cabinet["client"].post(url, {**NOUVEL, "reference": ""})
        assert response.status_code == 302
    assert sorted(Apprenant.objects.filter(projet=projet).values_list("reference", flat=True)) == ["FN-0001", "FN-0002", "FN-0003"]
    assert CompteurReference.objects.get(projet=projet).dernier == 3


def test_a_typed_reference_is_kept_and_a_generated_one_skips_it(cabinet):
    projet = cabinet["projet"]
    projet.nom = "Formation du Nord"
    projet.save()
    url = reverse("apprenant_create", args=[projet.pk])
    cabinet["client"].post(url, {**NOUVEL, "reference": "FN-0001"})  # typed by hand
    cabinet["client"].post(url, {**NOUVEL, "reference": "  "})
    assert sorted(Apprenant.objects.filter(projet=projet).values_list("reference", flat=True)) == ["FN-0001", "FN-0002"]


def test_sequences_are_per_project():
    coord = f.AdhesionFactory(coordinateur=True, projet__nom="Formation du Nord").user
    autre = f.AdhesionFactory(user=coord, coordinateur=True, projet__nom="Fabrique Numérique").projet
    projet = coord.adhesions.exclude(projet=autre).get().projet
    a = services.enregistrer_apprenant(apprenant=f.ApprenantFactory.build(reference=""), projet=projet, by=coord)
    b = services.enregistrer_apprenant(apprenant=f.ApprenantFactory.build(reference=""), projet=autre, by=coord)
    assert a.reference == b.reference == "FN-0001"  # same initials, two projects: each its own sequence
    assert services.prendre_references(projet=projet, nombre=3) == ["FN-0002", "FN-0003", "FN-0004"]


def test_the_form_says_the_reference_is_generated_when_empty(cabinet):
    response = cabinet["client"].get(reverse("apprenant_create", args=[cabinet["projet"].pk]))
    assert "générée" in response.content.decode()
    assert not response.context["form"].fields["reference"].required


def test_editing_a_learner_still_needs_a_reference(cabinet):
    projet = cabinet["projet"]
    apprenant = f.ApprenantFactory(projet=projet, reference="X-1")
    response = cabinet["client"].get(reverse("apprenant_update", args=[projet.pk, apprenant.pk]))
    assert response.context["form"].fields["reference"].required
