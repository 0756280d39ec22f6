"""Helpers of the data-protection tests: a learner whose identity is everywhere, a frozen clock."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from conciergerie.models import TraitementImport
from parcours.models import Apprenant, StatutEtape
from tests import factories as f

PRENOM, NOM = "Zéphyrine", "Quenouille"
EMAIL = "zephyrine.quenouille@exemple.fr"
TELEPHONE = "06 12 34 56 78"
NAISSANCE = date(1997, 3, 14)
#: what must be nowhere once the learner is anonymised (text forms of each datum)
TRACES = [PRENOM, NOM, EMAIL, TELEPHONE, "0612345678", "1997-03-14", "14/03/1997"]


@contextmanager
def horloge(jour: date, heure: time = time(12)):
    """The clock frozen at ``jour`` (noon, Paris): ``timezone.now`` and ``localdate`` read it,
    so do ``auto_now`` fields and django-simple-history's dates."""
    instant = timezone.make_aware(datetime.combine(jour, heure))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def apprenant_partout(projet, *, admin=None) -> Apprenant:
    """A learner whose name, contacts and birth date are in their row, its history, step and
    obstacle and outcome comments, a path's objective, récits (linked and not), the admin's log."""
    apprenant = f.ApprenantFactory(projet=projet, prenom=PRENOM, nom=NOM, email=EMAIL, telephone=TELEPHONE, date_naissance=NAISSANCE)
    apprenant.commune = "Mugron"
    apprenant.save()  # a second history row
    parcours = f.ParcoursFactory(apprenant=apprenant, intitule=f"Projet pro de {PRENOM}")
    f.EtapeFactory(parcours=parcours, statut=StatutEtape.BLOQUEE, motif=f"{PRENOM} attend son titre de séjour")
    f.FreinFactory(apprenant=apprenant, commentaire=f"{NOM} n'a pas de voiture, joindre au {TELEPHONE}")
    f.SortieFactory(parcours=parcours, commentaire=f"CDI — écrire à {EMAIL}")
    lie = f.RecitFactory(projet=projet, titre=f"Le parcours de {PRENOM}", texte=f"{PRENOM} est arrivée en 2024. {PRENOM} {NOM} a trouvé.")
    lie.apprenants.add(apprenant)
    f.RecitFactory(projet=projet, titre="Atelier", texte=f"Avec {PRENOM} {NOM} et d'autres.")
    # competences: an evaluation's comments, the AFEST's traces (what the learner said)
    niveau = f.NiveauEvaluationFactory(
        evaluation__apprenant=apprenant, evaluation__commentaire=f"{PRENOM} progresse", commentaire=f"{NOM} hésite encore"
    )
    afest = f.EtapeFactory(parcours=parcours, type="afest")
    f.ComposanteAfestFactory(etape=afest, type="phase_reflexive", contenu="« J'ai compris pourquoi on croise les sangles. »")
    f.ComposanteAfestFactory(etape=afest, type="analyse", contenu=f"Situation choisie pour {PRENOM} : la bergère")
    assert niveau.evaluation.apprenant == apprenant
    if admin is not None:
        # an import job's result: its first lines, as named in the file (conciergerie.imports.travail)
        TraitementImport.objects.create(
            projet=projet,
            demande_par=admin,
            type="apprenants",
            depot="x.csv",
            resultat={"lignes": [{"libelle": f"{PRENOM} {NOM}", "erreurs": []}, {"libelle": "Autre Personne", "erreurs": []}]},
        )
        LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(Apprenant),
            object_id=str(apprenant.pk),
            object_repr=str(apprenant),
            action_flag=CHANGE,
            change_message=f"Changé e-mail en {EMAIL}",
        )
    return apprenant
