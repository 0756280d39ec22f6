"""Writes of the parcours app: plain functions with keyword arguments, one transaction each.

Views validate with the forms (parcours/forms.py) and call these; a refused form never
reaches them, and a rule broken here raises ``ValidationError`` before anything is written.
Each first checks that ``by`` holds the capability in the row's project
(``conciergerie.scoping.exiger``, ``PermissionDenied`` otherwise): ``apprenants.modifier``,
``etapes.modifier`` for editing a step or its status (a partner's, at its organisation).
"""

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction

from conciergerie.scoping import exiger
from conciergerie.suppression import Refus, supprimer

from .models import (
    STATUTS_AVEC_MOTIF,
    Apprenant,
    Etape,
    Frein,
    Parcours,
    SessionFormation,
    Sortie,
    StatutParcours,
    TypeSortie,
    date_suivi_6_mois,
)

MODIFIER = "apprenants.modifier"
MODIFIER_ETAPES = "etapes.modifier"


def _save(instance, by):
    if by is not None:
        instance._history_user = by
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def enregistrer_apprenant(*, apprenant: Apprenant, projet, by) -> Apprenant:
    exiger(by, projet, MODIFIER)
    apprenant.projet = projet
    return _save(apprenant, by)


@transaction.atomic
def enregistrer_session(*, session: SessionFormation, projet, by) -> SessionFormation:
    """Create or edit a training session of the project."""
    exiger(by, projet, MODIFIER)
    session.projet = projet
    return _save(session, by)


@transaction.atomic
def enregistrer_parcours(*, parcours: Parcours, apprenant: Apprenant, by) -> Parcours:
    exiger(by, apprenant.projet_id, MODIFIER)
    parcours.apprenant = apprenant
    parcours.projet_id = apprenant.projet_id
    return _save(parcours, by)


@transaction.atomic
def enregistrer_etape(*, etape: Etape, parcours: Parcours, by) -> Etape:
    """Create a step (``apprenants.modifier``) or edit one (``etapes.modifier``)."""
    exiger(by, parcours.projet_id, MODIFIER_ETAPES if etape.pk else MODIFIER)
    etape.parcours = parcours
    etape.projet_id = parcours.projet_id
    if etape.statut not in STATUTS_AVEC_MOTIF:
        etape.motif = ""
    return _save(etape, by)


@transaction.atomic
def changer_statut_etape(*, etape: Etape, statut: str, motif: str = "", by) -> Etape:
    exiger(by, etape.projet_id, MODIFIER_ETAPES)
    motif = (motif or "").strip()
    if statut in STATUTS_AVEC_MOTIF and not motif:
        raise ValidationError({"motif": "Indiquez le motif du blocage ou de l'abandon."})
    etape.statut = statut
    etape.motif = motif if statut in STATUTS_AVEC_MOTIF else ""
    return _save(etape, by)


MESSAGE_FREIN_SANS_DATE = "Indiquez quand le frein a été levé."
MESSAGE_FREIN_LEVE_AVANT = "Le frein ne peut pas être levé avant d'avoir été identifié."


@transaction.atomic
def enregistrer_frein(*, frein: Frein, apprenant: Apprenant, by) -> Frein:
    """Create or edit an obstacle: a lifted one has its date, never before it was identified."""
    exiger(by, apprenant.projet_id, MODIFIER)
    frein.apprenant = apprenant
    frein.projet_id = apprenant.projet_id
    if not frein.leve:
        frein.leve_le = None
    elif frein.leve_le is None:
        raise ValidationError({"leve_le": MESSAGE_FREIN_SANS_DATE})
    elif frein.identifie_le and frein.leve_le < frein.identifie_le:
        raise ValidationError({"leve_le": MESSAGE_FREIN_LEVE_AVANT})
    return _save(frein, by)


@transaction.atomic
def lever_frein(*, frein: Frein, date: Date, by) -> Frein:
    exiger(by, frein.projet_id, MODIFIER)
    frein.leve = True
    frein.leve_le = date
    return _save(frein, by)


@transaction.atomic
def cloturer_parcours(*, parcours: Parcours, resultat: str, date: Date, by, commentaire: str = "") -> Sortie:
    """Record the exit outcome, close the path and schedule its 6-month follow-up."""
    exiger(by, parcours.projet_id, MODIFIER)
    if parcours.statut == StatutParcours.CLOTURE or parcours.sorties.filter(type=TypeSortie.SORTIE).exists():
        raise ValidationError("Ce parcours est déjà clôturé.")
    if date < parcours.date_debut:
        raise ValidationError({"date": "La date de sortie précède le début du parcours."})
    sortie = _save(
        Sortie(
            projet_id=parcours.projet_id, parcours=parcours, type=TypeSortie.SORTIE, resultat=resultat, date=date, commentaire=commentaire
        ),
        by,
    )
    parcours.statut = StatutParcours.CLOTURE
    parcours.date_fin = date
    parcours.suivi_6_mois_le = date_suivi_6_mois(date)
    _save(parcours, by)
    return sortie


@transaction.atomic
def enregistrer_suivi(*, parcours: Parcours, resultat: str, date: Date, by, commentaire: str = "") -> Sortie:
    """Record the 6-month follow-up of a closed path."""
    exiger(by, parcours.projet_id, MODIFIER)
    if parcours.statut != StatutParcours.CLOTURE or not parcours.date_fin:
        raise ValidationError("Clôturez le parcours avant d'enregistrer son suivi à 6 mois.")
    if parcours.sorties.filter(type=TypeSortie.SUIVI_6_MOIS).exists():
        raise ValidationError("Le suivi à 6 mois de ce parcours est déjà enregistré.")
    if date < parcours.date_fin:
        raise ValidationError({"date": "Le suivi ne peut pas précéder la sortie du parcours."})
    return _save(
        Sortie(
            projet_id=parcours.projet_id,
            parcours=parcours,
            type=TypeSortie.SUIVI_6_MOIS,
            resultat=resultat,
            date=date,
            commentaire=commentaire,
        ),
        by,
    )


@transaction.atomic
def modifier_sortie(*, sortie: Sortie, resultat: str, date: Date, by, commentaire: str = "") -> Sortie:
    """Edit an outcome. Moving the exit date moves the path's end and its planned 6-month
    follow-up with it; a follow-up never precedes the exit."""
    exiger(by, sortie.projet_id, MODIFIER)
    parcours = sortie.parcours
    if sortie.type == TypeSortie.SORTIE:
        if date < parcours.date_debut:
            raise ValidationError({"date": "La date de sortie précède le début du parcours."})
        suivi = parcours.sorties.filter(type=TypeSortie.SUIVI_6_MOIS).first()
        if suivi is not None and suivi.date < date:
            raise ValidationError({"date": f"La sortie ne peut pas suivre le suivi à 6 mois (enregistré le {suivi.date:%d/%m/%Y})."})
    elif parcours.date_fin and date < parcours.date_fin:
        raise ValidationError({"date": "Le suivi ne peut pas précéder la sortie du parcours."})
    sortie.resultat = resultat
    sortie.date = date
    sortie.commentaire = commentaire
    _save(sortie, by)
    if sortie.type == TypeSortie.SORTIE and (parcours.date_fin != date or parcours.suivi_6_mois_le != date_suivi_6_mois(date)):
        parcours.date_fin = date
        parcours.suivi_6_mois_le = date_suivi_6_mois(date)
        _save(parcours, by)
    return sortie


# ---------------------------------------------------------------- deletions (conciergerie.suppression)


def supprimer_etape(*, etape: Etape, by) -> None:
    """Delete a step (a mistaken one): its history keeps a « - » row."""
    exiger(by, etape.projet_id, MODIFIER)
    supprimer(etape, by=by)


def supprimer_frein(*, frein: Frein, by) -> None:
    exiger(by, frein.projet_id, MODIFIER)
    supprimer(frein, by=by)


def apprenants_session(session: SessionFormation) -> int:
    return session.etapes.values("parcours__apprenant_id").distinct().count()


@transaction.atomic
def supprimer_session(*, session: SessionFormation, by) -> None:
    """Delete a session with no learner (its steps would lose their session silently)."""
    exiger(by, session.projet_id, MODIFIER)
    nombre = apprenants_session(session)
    if nombre:
        raise Refus(
            f"« {session} » ne peut pas être supprimée : {nombre} apprenant{'s y sont inscrits' if nombre > 1 else ' y est inscrit'}. "
            "Retirez d'abord leurs étapes de la session."
        )
    supprimer(session, by=by)
