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

from .models import (
    STATUTS_AVEC_MOTIF,
    Apprenant,
    CompteurReference,
    Etape,
    Frein,
    Parcours,
    SessionFormation,
    Sortie,
    StatutParcours,
    TypeSortie,
    date_suivi_6_mois,
    prefixe_du_projet,
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
def prendre_references(*, projet, nombre: int = 1) -> list[str]:
    """The next ``nombre`` generated references of the project (``FN-0001``, ``FN-0002``…):
    the project's prefix (its name's initials, ``prefixe_du_projet``) and a sequence kept in
    its ``CompteurReference`` row. The row is locked (``select_for_update``) until the caller's
    transaction ends, so that two coordinators creating a learner at once wait for each other
    instead of taking the same number; a number already typed by hand for another learner is
    passed over. Call it inside the transaction that saves the learners."""
    CompteurReference.objects.get_or_create(projet_id=projet.pk, defaults={"prefixe": prefixe_du_projet(projet.nom)})
    compteur = CompteurReference.objects.select_for_update().get(projet_id=projet.pk)
    references, numero = [], compteur.dernier
    while len(references) < nombre:
        candidats = [f"{compteur.prefixe}-{n:04d}" for n in range(numero + 1, numero + 1 + nombre - len(references))]
        prises = set(Apprenant.objects.filter(projet_id=projet.pk, reference__in=candidats).values_list("reference", flat=True))
        references += [c for c in candidats if c not in prises]
        numero += len(candidats)
    compteur.dernier = numero
    compteur.save(update_fields=["dernier"])
    return references


@transaction.atomic
def enregistrer_apprenant(*, apprenant: Apprenant, projet, by) -> Apprenant:
    """Create or edit a learner; one created (or saved) without a reference gets the project's
    next generated one (``prendre_references``)."""
    exiger(by, projet, MODIFIER)
    apprenant.projet = projet
    apprenant.reference = (apprenant.reference or "").strip()
    if not apprenant.reference:
        apprenant.reference = prendre_references(projet=projet)[0]
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
