"""The jobs' move from ``recits`` to ``pilotage`` (migrations recits 0007, pilotage 0001) keeps every
row, the bilans' projects, their content types, and can be undone."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

AVANT = [("recits", "0006_job_demande_par_nom"), ("pilotage", None)]
APRES = [("recits", "0007_jobs_vers_pilotage"), ("pilotage", "0001_initial")]


def _migrer(cibles):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cibles)
    executor.loader.build_graph()
    noeuds = [c for c in cibles if c[1] is not None] + [
        ("contenttypes", "0002_remove_content_type_name"),
        # the core at its latest state: the historical Projet must have every column of the table
        *executor.loader.graph.leaf_nodes("conciergerie"),
    ]
    return executor.loader.project_state(noeuds).apps


@pytest.mark.django_db(transaction=True)
def test_les_jobs_passent_de_recits_a_pilotage_avec_leurs_lignes():
    try:
        anciennes = _migrer(AVANT)
        Projet = anciennes.get_model("conciergerie", "Projet")
        Copil = anciennes.get_model("recits", "Copil")
        ContentType = anciennes.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="recits", model="rapportcopil")
        ContentType.objects.get_or_create(app_label="recits", model="bilanexcel")
        p1 = Projet.objects.create(nom="Un", date_debut=date(2025, 1, 1))
        p2 = Projet.objects.create(nom="Deux", date_debut=date(2025, 1, 1))
        copil = Copil.objects.create(projet=p1, date=date(2025, 7, 1), periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30))
        rapport = anciennes.get_model("recits", "RapportCopil").objects.create(copil=copil, statut="pret", erreur="gardée")
        Bilan = anciennes.get_model("recits", "BilanExcel")
        bilan = Bilan.objects.create(projet=p1, periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30), donnees_personnelles=True)
        commun = Bilan.objects.create(projet=None, periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30))
        commun.projets.set([p1, p2])

        nouvelles = _migrer(APRES)
        Rapport = nouvelles.get_model("pilotage", "RapportCopil")
        Bilan = nouvelles.get_model("pilotage", "BilanExcel")
        assert list(Rapport.objects.values_list("pk", "copil_id", "statut", "erreur")) == [(rapport.pk, copil.pk, "pret", "gardée")]
        assert Bilan.objects.get(pk=bilan.pk).donnees_personnelles is True
        assert sorted(Bilan.objects.get(pk=commun.pk).projets.values_list("pk", flat=True)) == [p1.pk, p2.pk]
        tables = connection.introspection.table_names()
        assert "pilotage_bilanexcel_projets" in tables and "recits_rapportcopil" not in tables
        ContentType = nouvelles.get_model("contenttypes", "ContentType")
        assert set(ContentType.objects.filter(model__in=["rapportcopil", "bilanexcel"]).values_list("app_label", flat=True)) == {"pilotage"}

        # and back: the rows return to recits' tables
        anciennes = _migrer(AVANT)
        assert anciennes.get_model("recits", "RapportCopil").objects.get().erreur == "gardée"
        assert anciennes.get_model("recits", "BilanExcel").objects.count() == 2
    finally:
        _migrer(MigrationExecutor(connection).loader.graph.leaf_nodes())  # the test database as it was
