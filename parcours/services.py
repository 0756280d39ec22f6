"""Writes of the parcours app: plain functions with keyword arguments, one transaction each.

Views validate with the forms (parcours/forms.py) and call these; a refused form never
reaches them, and a rule broken here raises ``ValidationError`` before anything is written.
Each first checks that ``by`` holds the capability in the row's project
(``conciergerie.scoping.exiger``, ``PermissionDenied`` otherwise): ``apprenants.modifier``,
``etapes.modifier`` for editing a step or its status (a partner's, at its organisation).
"""

from copy import copy
from dataclasses import dataclass, field
from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from conciergerie.formats import date_longue
from conciergerie.scoping import exiger
from conciergerie.suppression import Refus, supprimer

from .models import (
    STATUTS_AVEC_MOTIF,
    Apprenant,
    CompteurReference,
    Etape,
    Frein,
    Parcours,
    ResultatSortie,
    Seance,
    SessionFormation,
    Sortie,
    StatutEtape,
    StatutParcours,
    TypeSortie,
    date_suivi_6_mois,
    prefixe_du_projet,
)
from .services_seances import etapes_participants, synchroniser_heures

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
    """Create or edit a session of the project. Its participants' steps follow its dates and
    hours (``reporter_sur_etapes``); dates that would leave a séance outside are refused."""
    exiger(by, projet, MODIFIER)
    session.projet = projet
    if session.pk and session.date_debut and session.date_fin:
        hors = Seance.objects.filter(session_id=session.pk).filter(Q(date__lt=session.date_debut) | Q(date__gt=session.date_fin))
        premiere = hors.order_by("date").first()
        if premiere is not None:
            champ = "date_debut" if premiere.date < session.date_debut else "date_fin"
            raise ValidationError(
                {champ: f"La séance du {date_longue(premiere.date)} serait hors des nouvelles dates : déplacez-la ou supprimez-la d'abord."}
            )
    _save(session, by)
    reporter_sur_etapes(session=session, by=by)
    return session


def reporter_sur_etapes(*, session: SessionFormation, by) -> int:
    """The session's dates and planned hours copied on its participants' steps (those not
    abandoned: a participant who left keeps the dates of their stay). One bulk update."""
    etapes = [
        e
        for e in etapes_participants(session)
        if (e.date_debut, e.date_fin, e.heures_prevues) != (session.date_debut, session.date_fin, session.heures)
    ]
    for etape in etapes:
        etape.date_debut, etape.date_fin, etape.heures_prevues = session.date_debut, session.date_fin, session.heures
    if etapes:
        bulk_update_with_history(etapes, Etape, ["date_debut", "date_fin", "heures_prevues"], default_user=by)
    return len(etapes)


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
    _save(etape, by)
    if etape.session_id:
        # a step of a session with séances: its hours come from attendance
        synchroniser_heures(session=etape.session_id, apprenant_ids=[parcours.apprenant_id], by=by)
        etape.refresh_from_db(fields=["heures_realisees"])
    return etape


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
    parcours.suivi_6_mois_le = date_suivi_6_mois(date, resultat)
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
            raise ValidationError({"date": f"La sortie ne peut pas suivre le suivi à 6 mois (enregistré le {date_longue(suivi.date)})."})
    elif parcours.date_fin and date < parcours.date_fin:
        raise ValidationError({"date": "Le suivi ne peut pas précéder la sortie du parcours."})
    sortie.resultat = resultat
    sortie.date = date
    sortie.commentaire = commentaire
    _save(sortie, by)
    if sortie.type == TypeSortie.SORTIE and (parcours.date_fin != date or parcours.suivi_6_mois_le != date_suivi_6_mois(date, resultat)):
        parcours.date_fin = date
        parcours.suivi_6_mois_le = date_suivi_6_mois(date, resultat)
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


# ---------------------------------------------------------------- group actions (learners list)
#
# The same step, closure or session for each of the selected learners, in a constant number of
# queries (``bulk_create_with_history``: one history entry per learner, with its author). Each
# acts on the learner's *open path*: its latest path « en cours » (``parcours_ouverts``); a
# learner without one is refused (shown in the preview with the reason), no path is created.
# Bad input (no learner, a learner of another project or not visible) refuses the whole action.

MESSAGE_AUCUN = "Aucun apprenant sélectionné : cochez des lignes ou choisissez toute la sélection filtrée."
MESSAGE_SANS_PARCOURS = "Aucun parcours en cours (créez-en un sur sa fiche)."
MESSAGE_CHANGEMENT = "La situation a changé depuis l'aperçu (un autre utilisateur a modifié ces apprenants) : vérifiez le nouvel aperçu."


@dataclass
class LigneGroupee:
    """One selected learner: the open path the action writes to, or why it is refused."""

    apprenant: Apprenant
    parcours: Parcours | None = None
    refus: str = ""


@dataclass
class BilanGroupe:
    lignes: list[LigneGroupee] = field(default_factory=list)
    ecrits: list = field(default_factory=list)

    @property
    def retenues(self) -> list[LigneGroupee]:
        return [ligne for ligne in self.lignes if not ligne.refus]

    @property
    def refusees(self) -> list[LigneGroupee]:
        return [ligne for ligne in self.lignes if ligne.refus]


def _lignes(*, projet, apprenant_ids, by, verrouiller: bool) -> list[LigneGroupee]:
    """The selected learners (visible to ``by`` in ``projet``) with their open path; the whole
    action is refused when one of them is not found there (another project's, or unknown)."""
    exiger(by, projet, MODIFIER)
    ids = {int(pk) for pk in apprenant_ids}
    if not ids:
        raise ValidationError(MESSAGE_AUCUN)
    # ``by=None``: a write by the system (a command, the demo), which sees the whole project
    lisibles = Apprenant.objects.filter(projet=projet) if by is None else Apprenant.objects.visible_to(by, projet=projet)
    apprenants = list(lisibles.filter(pk__in=ids).order_by("nom", "prenom", "pk"))
    if len(apprenants) != len(ids):
        manquants = len(ids) - len(apprenants)
        raise ValidationError(
            f"{manquants} apprenant{'s' if manquants > 1 else ''} sélectionné{'s' if manquants > 1 else ''} "
            "n'appartien{} pas à ce projet : action refusée, rien n'a été enregistré.".format("nent" if manquants > 1 else "t")
        )
    parcours = Parcours.objects.filter(projet=projet, apprenant_id__in=ids, statut=StatutParcours.EN_COURS).order_by(
        "apprenant_id", "-date_debut", "-pk"
    )
    if verrouiller:
        parcours = parcours.select_for_update()
    ouverts = {}
    for p in parcours:
        ouverts.setdefault(p.apprenant_id, p)
    return [LigneGroupee(a, ouverts.get(a.pk), "" if a.pk in ouverts else MESSAGE_SANS_PARCOURS) for a in apprenants]


def _ecrire(bilan: BilanGroupe, *, apercu: bool, attendus) -> bool:
    """Whether to write: not for a preview; refused when nothing is retained, or when the
    retained learners are not those the preview showed (``attendus``)."""
    if apercu:
        return False
    retenus = {ligne.apprenant.pk for ligne in bilan.retenues}
    if attendus is not None and retenus != {int(pk) for pk in attendus}:
        raise ValidationError(MESSAGE_CHANGEMENT)
    if not retenus:
        raise ValidationError("Aucun des apprenants sélectionnés ne peut recevoir cette action : rien n'a été enregistré.")
    return True


@transaction.atomic
def ajouter_etape_en_groupe(*, projet, apprenant_ids, etape: Etape, by, apercu: bool = False, attendus=None) -> BilanGroupe:
    """The same step (``etape``, unsaved: type, organisation, dates, hours, status…) added to the
    open path of each selected learner."""
    bilan = BilanGroupe(_lignes(projet=projet, apprenant_ids=apprenant_ids, by=by, verrouiller=not apercu))
    etape.projet_id = projet.pk
    if etape.statut not in STATUTS_AVEC_MOTIF:
        etape.motif = ""
    for ligne in bilan.retenues:
        if etape.date_debut < ligne.parcours.date_debut:
            ligne.refus = f"L'étape commencerait avant le parcours (début le {date_longue(ligne.parcours.date_debut)})."
    if bilan.retenues:
        # the rules of a step, checked once: every copy differs only by its path
        etape.parcours = bilan.retenues[0].parcours
        etape.full_clean()
    if not _ecrire(bilan, apercu=apercu, attendus=attendus):
        return bilan
    copies = []
    for ligne in bilan.retenues:
        copie = copy(etape)
        copie.pk = copie.id = None
        copie.parcours = ligne.parcours
        copies.append(copie)
    bilan.ecrits = bulk_create_with_history(copies, Etape, default_user=by)
    return bilan


@transaction.atomic
def cloturer_en_groupe(
    *, projet, apprenant_ids, resultat: str, date: Date, by, commentaire: str = "", apercu: bool = False, attendus=None
) -> BilanGroupe:
    """Close the open path of each selected learner with the same outcome and date: the rules
    and writes of ``cloturer_parcours`` (exit outcome, end date, 6-month follow-up), in bulk."""
    bilan = BilanGroupe(_lignes(projet=projet, apprenant_ids=apprenant_ids, by=by, verrouiller=not apercu))
    deja = set(
        Sortie.objects.filter(parcours__in=[ligne.parcours for ligne in bilan.retenues], type=TypeSortie.SORTIE).values_list(
            "parcours_id", flat=True
        )
    )
    for ligne in bilan.retenues:
        if ligne.parcours.pk in deja:
            ligne.refus = "Ce parcours est déjà clôturé."
        elif date < ligne.parcours.date_debut:
            ligne.refus = f"La date de sortie précède le début du parcours ({date_longue(ligne.parcours.date_debut)})."
    if resultat not in ResultatSortie.values:
        raise ValidationError({"resultat": "Choisissez un résultat de la liste."})
    if not _ecrire(bilan, apercu=apercu, attendus=attendus):
        return bilan
    sorties, parcours = [], []
    for ligne in bilan.retenues:
        p = ligne.parcours
        sorties.append(
            Sortie(projet_id=projet.pk, parcours=p, type=TypeSortie.SORTIE, resultat=resultat, date=date, commentaire=commentaire)
        )
        p.statut, p.date_fin, p.suivi_6_mois_le = StatutParcours.CLOTURE, date, date_suivi_6_mois(date, resultat)
        parcours.append(p)
    bilan.ecrits = bulk_create_with_history(sorties, Sortie, default_user=by)
    bulk_update_with_history(parcours, Parcours, ["statut", "date_fin", "suivi_6_mois_le"], default_user=by)
    return bilan


@transaction.atomic
def inscrire_en_session(*, projet, apprenant_ids, session: SessionFormation, by, apercu: bool = False, attendus=None) -> BilanGroupe:
    """Add the selected learners to a training session: a step « formation distribuée » at the
    session's organisation and dates, in each open path; a learner already placed in the
    session (a step in it that was not abandoned) is refused."""
    if session.projet_id != projet.pk:
        raise ValidationError({"session": "Cette session n'appartient pas à ce projet."})
    bilan = BilanGroupe(_lignes(projet=projet, apprenant_ids=apprenant_ids, by=by, verrouiller=not apercu))
    places = set(
        Etape.objects.filter(session=session, parcours__apprenant_id__in=[ligne.apprenant.pk for ligne in bilan.lignes])
        .exclude(statut=StatutEtape.ABANDONNEE)
        .values_list("parcours__apprenant_id", flat=True)
    )
    for ligne in bilan.retenues:
        if ligne.apprenant.pk in places:
            ligne.refus = "Déjà placé dans cette session."
        elif session.date_debut < ligne.parcours.date_debut:
            ligne.refus = f"La session commence avant le parcours (début le {date_longue(ligne.parcours.date_debut)})."
    if not _ecrire(bilan, apercu=apercu, attendus=attendus):
        return bilan
    etapes = [etape_de_session(session, ligne.parcours) for ligne in bilan.retenues]
    bilan.ecrits = bulk_create_with_history(etapes, Etape, default_user=by)
    return bilan


def etape_de_session(session: SessionFormation, parcours: Parcours) -> Etape:
    """A participant's step in a session (unsaved): its type from the session's nature
    (``TYPE_ETAPE_PAR_NATURE``), its organisation, dates and planned hours from the session."""
    return Etape(
        projet_id=session.projet_id,
        parcours=parcours,
        type=session.type_etape,
        intitule=session.intitule,
        organisation_id=session.organisation_id,
        session=session,
        code_rncp=session.code_rncp,
        date_debut=session.date_debut,
        date_fin=session.date_fin,
        heures_prevues=session.heures,
        modalite=session.modalite,
        statut=StatutEtape.PREVUE,
    )


# ---------------------------------------------------------------- a session's participants (issue 17)

MESSAGE_DEJA_PARTICIPANT = "{noms} : déjà participant·e{s} de cette session."
MESSAGE_MOTIF_DEPART = "Indiquez le motif du départ du participant."


@transaction.atomic
def ajouter_participants(*, session: SessionFormation, apprenant_ids, by) -> list[Etape]:
    """The collective step, entered once: each learner becomes a participant of ``session``
    through a step in their open path — an existing open step of the same type at the session's
    organisation, without a session, is linked (its dates and hours aligned on the session),
    otherwise a step is created (``etape_de_session``). A learner without a path in progress gets
    one, named after the session and starting with it (the members of a collective
    formation-développement are rarely followed one by one). All or nothing: a learner already a
    participant (a step in the session that was not abandoned), of another project or not
    visible refuses the whole addition, with the names."""
    projet = session.projet
    lignes = _lignes(projet=projet, apprenant_ids=apprenant_ids, by=by, verrouiller=True)
    deja = set(
        etapes_participants(session)
        .filter(parcours__apprenant_id__in=[ligne.apprenant.pk for ligne in lignes])
        .values_list("parcours__apprenant_id", flat=True)
    )
    if deja:
        noms = [str(ligne.apprenant) for ligne in lignes if ligne.apprenant.pk in deja]
        raise ValidationError({"apprenants": MESSAGE_DEJA_PARTICIPANT.format(noms=", ".join(noms), s="s" if len(noms) > 1 else "")})
    nouveaux_parcours = [
        Parcours(
            projet_id=projet.pk, apprenant=ligne.apprenant, intitule=session.intitule[:200], date_debut=session.date_debut, referent=None
        )
        for ligne in lignes
        if ligne.parcours is None
    ]
    if nouveaux_parcours:
        for parcours, ligne in zip(nouveaux_parcours, [ligne for ligne in lignes if ligne.parcours is None], strict=True):
            ligne.parcours = _save(parcours, by)
    parcours_ids = [ligne.parcours.pk for ligne in lignes]
    liables = {}
    for etape in Etape.objects.filter(
        parcours_id__in=parcours_ids,
        session__isnull=True,
        organisation_id=session.organisation_id,
        type=session.type_etape,
        statut__in=[StatutEtape.PREVUE, StatutEtape.EN_COURS],
    ).order_by("-date_debut", "-pk"):
        liables.setdefault(etape.parcours_id, etape)
    crees, liees = [], []
    for ligne in lignes:
        etape = liables.get(ligne.parcours.pk)
        if etape is None:
            crees.append(etape_de_session(session, ligne.parcours))
        else:
            etape.session = session
            etape.date_debut, etape.date_fin, etape.heures_prevues = session.date_debut, session.date_fin, session.heures
            liees.append(etape)
    ecrites = bulk_create_with_history(crees, Etape, default_user=by)
    if liees:
        bulk_update_with_history(liees, Etape, ["session", "date_debut", "date_fin", "heures_prevues"], default_user=by)
    synchroniser_heures(session=session, apprenant_ids=[ligne.apprenant.pk for ligne in lignes], by=by)
    return list(ecrites) + liees


@transaction.atomic
def retirer_participant(*, session: SessionFormation, apprenant: Apprenant, motif: str, by, date: Date | None = None) -> Etape:
    """A participant leaves the group: their step in it is closed (abandoned, with the reason
    and the day), nothing else changes — the other participants' steps, the séances and the
    attendance already taken stay."""
    exiger(by, session.projet_id, MODIFIER)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": MESSAGE_MOTIF_DEPART})
    etape = etapes_participants(session).filter(parcours__apprenant=apprenant).order_by("-pk").first()
    if etape is None:
        raise ValidationError({"apprenant": f"{apprenant} n'est pas participant·e de cette session."})
    date = date or timezone.localdate()
    if date < etape.date_debut:
        raise ValidationError({"date": f"Le départ ne peut pas précéder le début de l'étape ({date_longue(etape.date_debut)})."})
    etape.statut, etape.motif, etape.date_fin = StatutEtape.ABANDONNEE, motif[:300], date
    return _save(etape, by)
