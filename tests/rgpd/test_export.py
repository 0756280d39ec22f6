"""Access and portability: one click gives a ZIP of everything held on a learner.

``test_every_model_that_leads_to_a_learner_is_exported`` walks ``apps.get_models()`` by itself:
a model added later with a foreign key or many-to-many to ``Apprenant`` (or to ``Parcours``,
``Etape``…) that the export does not cover makes it fail."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse

from conciergerie.models import ActionAcces, JournalAcces
from finances.models import ModePartage
from parcours.models import Apprenant, Etape, Parcours
from rgpd import export, liens
from tests import factories as f
from tests.rgpd.outils import EMAIL, NOM, PRENOM, apprenant_partout

pytestmark = pytest.mark.django_db


@pytest.fixture
def projet_admin(login):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dpo")
    return adhesion.projet, adhesion.user, login(adhesion.user)


def _archive(reponse) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(reponse.content)) as archive:
        assert sorted(archive.namelist()) == ["donnees.html", "donnees.json"]
        return json.loads(archive.read("donnees.json")), archive.read("donnees.html").decode()


def _cibles_personnelles() -> set:
    """Models with a direct foreign key / one-to-one / many-to-many to a learner, a path or a
    step, historical tables included: what the export must hold."""
    cibles = {Apprenant, Parcours, Etape}
    trouves = set()
    for model in apps.get_models():
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model in cibles:
                trouves.add(model)
    return trouves


def test_every_model_that_leads_to_a_learner_is_exported(projet_admin):
    projet, _, client = projet_admin
    apprenant = apprenant_partout(projet)
    donnees, _ = _archive(client.get(reverse("apprenant_export", args=[projet.pk, apprenant.pk])))
    attendus = {m._meta.label_lower for m in _cibles_personnelles()} | {"parcours.apprenant", "parcours.historicalapprenant"}
    assert attendus - set(donnees["tables"]) == set(), "modèles liés à un apprenant absents de l'export"
    assert {
        "parcours.parcours",
        "parcours.etape",
        "parcours.frein",
        "parcours.sortie",
        "recits.recit",
        "finances.partagevaleur",
    } <= attendus


def test_the_export_holds_every_row_of_the_person(projet_admin):
    projet, admin, client = projet_admin
    apprenant = apprenant_partout(projet)
    autre = f.ApprenantFactory(projet=projet, prenom="Autre", nom="Personne")
    f.ParcoursFactory(apprenant=autre)
    partage = f.PartageValeurFactory(projet=projet, mode=ModePartage.PAR_APPRENANT, session=None, apprenant=apprenant)
    client.get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk]))

    reponse = client.get(reverse("apprenant_export", args=[projet.pk, apprenant.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/zip"
    assert f"donnees-{apprenant.reference}-" in reponse["Content-Disposition"]
    donnees, html = _archive(reponse)
    tables = donnees["tables"]
    [identite] = tables["parcours.apprenant"]["lignes"]
    assert (identite["prenom"], identite["nom"], identite["email"], identite["date_naissance"]) == (PRENOM, NOM, EMAIL, "1997-03-14")
    assert identite["situation_entree_libelle"] == "Demandeur d'emploi"
    assert len(tables["parcours.parcours"]["lignes"]) == 1  # not the other learner's
    assert len(tables["parcours.etape"]["lignes"]) == 2  # one of them an AFEST
    assert len(tables["parcours.frein"]["lignes"]) == 1
    # the competences, found by introspection: the evaluation, its level, the AFEST's two traces
    assert [
        len(tables[t]["lignes"]) for t in ("competences.evaluation", "competences.niveauevaluation", "competences.composanteafest")
    ] == [1, 1, 2]
    assert len(tables["parcours.sortie"]["lignes"]) == 1
    assert [r["montant"] for r in tables["finances.partagevaleur"]["lignes"]] == [str(partage.montant)]
    # the récit linked and the récit naming them without the link
    assert sorted(r["titre"] for r in tables["recits.recit"]["lignes"]) == ["Atelier", f"Le parcours de {PRENOM}"]
    assert len(tables["parcours.historicalapprenant"]["lignes"]) == 2
    assert tables["parcours.historicalparcours"]["lignes"]
    assert [r["action"] for r in tables["conciergerie.journalacces"]["lignes"]] == [ActionAcces.FICHE_APPRENANT]
    assert "password" not in json.dumps(donnees)
    assert f"{PRENOM} {NOM}" in html
    assert "Demandeur d&#x27;emploi" in html
    # downloading the export is logged
    assert JournalAcces.objects.filter(action=ActionAcces.EXPORT_ACCES, objet_id=apprenant.pk, user=admin).count() == 1


def test_paths_deleted_since_are_in_the_history_part(projet_admin):
    projet, _, _ = projet_admin
    apprenant = f.ApprenantFactory(projet=projet)
    parcours = f.ParcoursFactory(apprenant=apprenant)
    f.EtapeFactory(parcours=parcours)
    parcours.delete()
    historiques = {m._meta.label_lower: qs.count() for m, qs in liens.historiques(apprenant).items()}
    assert historiques["parcours.historicalparcours"] == 2  # created, deleted
    assert historiques["parcours.historicaletape"] == 2


def test_the_export_is_refused_to_a_coordinator(projet_admin, login):
    projet, _, _ = projet_admin
    coordinateur = f.AdhesionFactory(projet=projet, coordinateur=True).user
    apprenant = f.ApprenantFactory(projet=projet)
    assert login(coordinateur).get(reverse("apprenant_export", args=[projet.pk, apprenant.pk])).status_code == 403
    with pytest.raises(Exception, match="rôle"):
        export.exporter_apprenant(apprenant=apprenant, by=coordinateur)
    assert not JournalAcces.objects.filter(action=ActionAcces.EXPORT_ACCES).exists()
