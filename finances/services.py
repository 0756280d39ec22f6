"""Writes of the finances app (keyword-only functions). Reads and money rules: selectors.py.

Every create and edit of the finance pages goes through here, one transaction each: each
function first checks that ``by`` holds ``finances.modifier`` in the project
(``conciergerie.scoping.exiger``, ``PermissionDenied`` otherwise), then validates the row
(``full_clean``: the model's rules, with French messages next to the field) and saves it. A
broken rule raises ``ValidationError`` and nothing is written.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conciergerie.scoping import exiger
from conciergerie.suppression import supprimer

from .models import (
    MESSAGE_ECHEANCE_PASSEE,
    Depense,
    DerogationEligibilite,
    Financement,
    LigneBudget,
    Objectif,
    PartageValeur,
    TempsBenevole,
    Versement,
)
from .validators import valider_justificatif, valider_logo

CAPACITE = "finances.modifier"


def _enregistrer(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def enregistrer_financement(*, financement: Financement, projet, by, nouveau_logo=None) -> Financement:
    """Create or edit a funding of ``projet`` (its funder an organisation of the project). A new
    logo is checked again here (PNG or JPEG by content, 1 MB); the one it replaces is deleted
    once the change is committed."""
    exiger(by, projet, CAPACITE)
    if nouveau_logo is not None:
        try:
            valider_logo(nouveau_logo)
        except ValidationError as erreur:
            raise ValidationError({"logo": erreur.messages}) from erreur
    financement.projet = projet
    ancien = Financement.objects.filter(pk=financement.pk).values_list("logo", flat=True).first() if financement.pk else ""
    _enregistrer(financement)
    if ancien and ancien != financement.logo.name:
        stockage = financement.logo.storage
        transaction.on_commit(lambda: stockage.delete(ancien))
    return financement


@transaction.atomic
def enregistrer_ligne_budget(*, ligne: LigneBudget, financement: Financement, by) -> LigneBudget:
    """Create or edit a budget line of ``financement``."""
    exiger(by, financement.projet_id, CAPACITE)
    ligne.financement = financement
    return _enregistrer(ligne)


@transaction.atomic
def enregistrer_depense(*, depense: Depense, by, financement: Financement | None = None, nouveau_justificatif=None) -> Depense:
    """Create or edit an expense; a new receipt is checked again here (type by content, size).

    ``financement``: the funding of the expense's line, when the caller has read it already
    (``visible_to``); the line must belong to it."""
    financement = financement or depense.ligne.financement
    exiger(by, financement.projet_id, CAPACITE)
    if depense.ligne.financement_id != financement.pk:
        raise ValidationError({"ligne": "Cette ligne de budget n'appartient pas à ce financement."})
    if nouveau_justificatif is not None:
        valider_justificatif(nouveau_justificatif)
    return _enregistrer(depense)


@transaction.atomic
def enregistrer_versement(*, versement: Versement, financement: Financement, by) -> Versement:
    """Create or edit a payment of ``financement``."""
    exiger(by, financement.projet_id, CAPACITE)
    versement.financement = financement
    return _enregistrer(versement)


@transaction.atomic
def saisir_temps_benevole(*, projet, by, **champs) -> TempsBenevole:
    """One line of volunteer time (the quick entry). The rate defaults to the project's."""
    exiger(by, projet, CAPACITE)
    champs.setdefault("taux_horaire", projet.taux_horaire_benevolat)
    return _enregistrer(TempsBenevole(projet=projet, **champs))


@transaction.atomic
def enregistrer_temps_benevole(*, temps: TempsBenevole, projet, by) -> TempsBenevole:
    """Edit a line of volunteer time of ``projet``."""
    exiger(by, projet, CAPACITE)
    temps.projet = projet
    return _enregistrer(temps)


@transaction.atomic
def saisir_semaine(
    *, projet, by, lundi: date, activite: str, taux_horaire: Decimal, valorise: bool, financement=None, lignes: list[dict]
) -> list[TempsBenevole]:
    """The week grid: ``lignes`` = [{"personne", "organisation", "heures": [(jour 0–6, heures)]}].

    All or nothing: one transaction; the form has already checked every cell.
    """
    exiger(by, projet, CAPACITE)
    crees = []
    for ligne in lignes:
        for jour, heures in ligne["heures"]:
            crees.append(
                TempsBenevole(
                    projet=projet,
                    financement=financement,
                    date=lundi + timedelta(days=jour),
                    personne=ligne["personne"],
                    organisation=ligne.get("organisation"),
                    activite=activite,
                    heures=heures,
                    taux_horaire=taux_horaire,
                    valorise=valorise,
                )
            )
    for temps in crees:
        temps.full_clean()
    return TempsBenevole.objects.bulk_create(crees)


@transaction.atomic
def enregistrer_partage(*, partage: PartageValeur, projet, by) -> PartageValeur:
    """Create or edit a value sharing of ``projet`` (its organisation, session and learner in
    the project: ``PartageValeur.clean``)."""
    exiger(by, projet, CAPACITE)
    partage.projet = projet
    return _enregistrer(partage)


# ---------------------------------------------------------------- deletions (conciergerie.suppression)


def supprimer_depense(*, depense: Depense, by) -> None:
    exiger(by, depense.ligne.financement.projet_id, CAPACITE)
    supprimer(depense, by=by)


def supprimer_versement(*, versement: Versement, by) -> None:
    exiger(by, versement.financement.projet_id, CAPACITE)
    supprimer(versement, by=by)


def supprimer_temps_benevole(*, temps: TempsBenevole, by) -> None:
    exiger(by, temps.projet_id, CAPACITE)
    supprimer(temps, by=by)


# ------------------------------------------------------------------ eligibility and targets (issue 17)


@transaction.atomic
def enregistrer_derogation(*, derogation: DerogationEligibilite, financement: Financement, by) -> DerogationEligibilite:
    """Create or edit a coordinator's override of a funding's eligibility for one participant;
    refused without a reason (``motif``), or for a learner of another project."""
    exiger(by, financement.projet_id, CAPACITE)
    derogation.financement = financement
    derogation.projet_id = financement.projet_id
    derogation.motif = (derogation.motif or "").strip()
    autre = DerogationEligibilite.objects.filter(financement=financement, apprenant_id=derogation.apprenant_id).exclude(pk=derogation.pk)
    if derogation.apprenant_id and autre.exists():
        raise ValidationError({"apprenant": "Ce participant a déjà une dérogation pour ce financement : modifiez-la."})
    return _enregistrer(derogation)


def supprimer_derogation(*, derogation: DerogationEligibilite, by) -> None:
    exiger(by, derogation.projet_id, CAPACITE)
    supprimer(derogation, by=by)


@transaction.atomic
def enregistrer_objectif(*, objectif: Objectif, projet, by, aujourd_hui: date | None = None) -> Objectif:
    """Create or edit a target of ``projet`` (or of one of its fundings). A new target whose
    deadline is already past is refused (an edit may keep a past deadline: the target's record)."""
    exiger(by, projet, CAPACITE)
    objectif.projet = projet
    aujourd_hui = aujourd_hui or timezone.localdate()
    if objectif.pk is None and objectif.date_echeance and objectif.date_echeance < aujourd_hui:
        raise ValidationError({"date_echeance": MESSAGE_ECHEANCE_PASSEE})
    return _enregistrer(objectif)


def supprimer_objectif(*, objectif: Objectif, by) -> None:
    exiger(by, objectif.projet_id, CAPACITE)
    supprimer(objectif, by=by)
