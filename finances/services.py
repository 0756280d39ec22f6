"""Writes of the finances app (keyword-only functions). Reads and money rules: selectors.py."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from .models import Depense, TempsBenevole
from .validators import valider_justificatif


def saisir_temps_benevole(*, projet, by, **champs) -> TempsBenevole:
    """One line of volunteer time (the quick entry). The rate defaults to the project's."""
    champs.setdefault("taux_horaire", projet.taux_horaire_benevolat)
    temps = TempsBenevole(projet=projet, **champs)
    temps.full_clean()
    temps.save()
    return temps


@transaction.atomic
def saisir_semaine(
    *, projet, by, lundi: date, activite: str, taux_horaire: Decimal, valorise: bool, financement=None, lignes: list[dict]
) -> list[TempsBenevole]:
    """The week grid: ``lignes`` = [{"personne", "organisation", "heures": [(jour 0–6, heures)]}].

    All or nothing: one transaction; the form has already checked every cell.
    """
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


def enregistrer_depense(*, depense: Depense, by, nouveau_justificatif=None) -> Depense:
    """Save an expense; a new receipt is checked again here (type by content, size)."""
    if nouveau_justificatif is not None:
        valider_justificatif(nouveau_justificatif)
    depense.full_clean()
    depense.save()
    return depense
