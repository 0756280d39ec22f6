"""Writes of the séances and attendance (parcours/models_seances.py): plain functions with
keyword arguments, one transaction each, that check the capability first (``exiger``) and raise
``ValidationError`` — a French message keyed by the field — before writing anything.

Sessions and séances are the coordinators' (``apprenants.modifier``); attendance may also be
taken by the partner whose organisation runs the session (``etapes.modifier``, the séance read
through ``visible_to``).

**Hours from attendance.** When a session has séances, each participant's step in it takes its
``heures_realisees`` from attendance: the sum of the participant's ``Presence.heures`` over the
session's séances (``synchroniser_heures``, called by every write below that changes them). A
learner with two steps in the session (left, then added again) has the sum on the latest one.
Without séances, the hours are those typed on the step.
"""

import os
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from simple_history.utils import bulk_update_with_history

from conciergerie.scoping import exiger

from .models import Apprenant, Etape, SessionFormation, StatutEtape
from .models_seances import MESSAGE_HEURES_AU_DELA, Phase, Presence, Seance, StatutPresence, heures_fr

MODIFIER = "apprenants.modifier"
EMARGER = "etapes.modifier"

#: the signed attendance sheet: a scan or a photo, at most 10 MB
EXTENSIONS_FEUILLE = {".pdf": b"%PDF-", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
TAILLE_MAX_FEUILLE = 10 * 1024 * 1024


def _save(instance, by):
    if by is not None:
        instance._history_user = by
    instance.full_clean()
    instance.save()
    return instance


# ---------------------------------------------------------------- participants


def etapes_participants(session, *, au=None):
    """The steps of the session's participants: not abandoned, or (``au``: a séance's date)
    abandoned on or after that day (a participant who left still signed the séances before)."""
    etapes = Etape.objects.filter(session=session)
    if au is None:
        return etapes.exclude(statut=StatutEtape.ABANDONNEE)
    return etapes.filter(~Q(statut=StatutEtape.ABANDONNEE) | Q(date_fin__gte=au))


def participants_de_seance(seance) -> list[Apprenant]:
    """The learners expected at a séance, by name (one query)."""
    ids = etapes_participants(seance.session_id, au=seance.date).values("parcours__apprenant_id")
    return list(Apprenant.objects.filter(pk__in=ids).order_by("nom", "prenom", "pk"))


def synchroniser_heures(*, session, apprenant_ids=None, by=None) -> int:
    """Set each participant's step ``heures_realisees`` to the sum of their attendance hours in
    the session (a session without séances keeps the hours typed on its steps). Returns the
    number of steps changed. Two queries and one bulk update, whatever the number of rows."""
    session_id = getattr(session, "pk", session)
    if not Seance.objects.filter(session_id=session_id).exists():
        return 0
    presences = Presence.objects.filter(seance__session_id=session_id)
    etapes = Etape.objects.filter(session_id=session_id).select_related("parcours")
    if apprenant_ids is not None:
        presences = presences.filter(apprenant_id__in=apprenant_ids)
        etapes = etapes.filter(parcours__apprenant_id__in=apprenant_ids)
    sommes = dict(presences.order_by().values("apprenant_id").annotate(total=Sum("heures")).values_list("apprenant_id", "total"))
    derniere = {}
    for etape in sorted(etapes, key=lambda e: e.pk):
        derniere[etape.parcours.apprenant_id] = etape.pk
    changees = []
    for etape in etapes:
        apprenant_id = etape.parcours.apprenant_id
        heures = (sommes.get(apprenant_id) or Decimal(0)) if derniere[apprenant_id] == etape.pk else Decimal(0)
        heures = Decimal(heures).quantize(Decimal("0.1"))
        if etape.heures_realisees != heures:
            etape.heures_realisees = heures
            changees.append(etape)
    if changees:
        bulk_update_with_history(changees, Etape, ["heures_realisees"], default_user=by)
    return len(changees)


def session_a_des_seances(session) -> bool:
    return Seance.objects.filter(session_id=getattr(session, "pk", session)).exists()


# ---------------------------------------------------------------- phases and séances


@transaction.atomic
def enregistrer_phase(*, phase: Phase, session: SessionFormation, by) -> Phase:
    exiger(by, session.projet_id, MODIFIER)
    phase.session = session
    phase.projet_id = session.projet_id
    return _save(phase, by)


@transaction.atomic
def enregistrer_seance(*, seance: Seance, session: SessionFormation, by) -> Seance:
    """Create or edit a séance. A new duration moves the hours of those attended in full (the
    default) with it; hours already typed above the new duration refuse the change."""
    exiger(by, session.projet_id, MODIFIER)
    seance.session = session
    seance.projet_id = session.projet_id
    ancienne = Seance.objects.filter(pk=seance.pk).values_list("duree", flat=True).first() if seance.pk else None
    seance.full_clean()  # derives the duration from the times
    if ancienne is not None and seance.duree != ancienne:
        presences = Presence.objects.filter(seance=seance)
        trop = presences.filter(heures__gt=seance.duree).exclude(heures=ancienne).select_related("apprenant").first()
        if trop is not None:
            raise ValidationError(
                {
                    "duree": f"{trop.apprenant} a {heures_fr(trop.heures)} h de présence saisies, au-delà de la nouvelle durée "
                    f"({heures_fr(seance.duree)} h) : corrigez d'abord ses heures sur la feuille de présence."
                }
            )
    _save(seance, by)
    if ancienne is not None and seance.duree != ancienne:
        Presence.objects.filter(seance=seance, statut=StatutPresence.PRESENT, heures=ancienne).update(heures=seance.duree)
        synchroniser_heures(session=session, by=by)
    return seance


@transaction.atomic
def supprimer_phase(*, phase: Phase, by) -> None:
    """Delete a phase; its séances stay, without a phase (their attendance and hours unchanged)."""
    exiger(by, phase.projet_id, MODIFIER)
    if by is not None:
        phase._history_user = by
    phase.delete()


@transaction.atomic
def supprimer_seance(*, seance: Seance, by) -> None:
    """Delete a séance and its attendance; the participants' hours follow."""
    exiger(by, seance.projet_id, MODIFIER)
    session_id = seance.session_id
    seance.delete()
    synchroniser_heures(session=session_id, by=by)


# ---------------------------------------------------------------- attendance


@transaction.atomic
def enregistrer_presences(*, seance: Seance, lignes, by) -> list[Presence]:
    """The attendance of a whole séance, all or nothing: ``lignes`` is a list of
    ``(apprenant_id, statut, heures)``, one per participant (``heures`` ``None``: the séance's
    duration for a present participant). Absent and excused participants have 0 h. Hours above
    the séance's duration, a learner who is not a participant or a participant given twice
    refuse the whole sheet (French messages keyed ``heures_<id>`` / ``statut_<id>``)."""
    exiger(by, seance.projet_id, EMARGER)
    participants = {a.pk: a for a in participants_de_seance(seance)}
    errors, vus, valeurs = {}, set(), {}
    for apprenant_id, statut, heures in lignes:
        apprenant_id = int(apprenant_id)
        if apprenant_id not in participants:
            errors.setdefault("__all__", []).append("Un des apprenants de la feuille n'est pas participant de cette session.")
            continue
        if apprenant_id in vus:
            errors[f"statut_{apprenant_id}"] = f"{participants[apprenant_id]} apparaît deux fois sur la feuille."
            continue
        vus.add(apprenant_id)
        if statut not in StatutPresence.values:
            errors[f"statut_{apprenant_id}"] = f"{participants[apprenant_id]} : choisissez présent, absent ou excusé."
            continue
        if statut != StatutPresence.PRESENT:
            heures = Decimal(0)
        elif heures is None:
            heures = seance.duree
        heures = Decimal(heures)
        if heures < 0:
            errors[f"heures_{apprenant_id}"] = f"{participants[apprenant_id]} : les heures ne peuvent pas être négatives."
        elif heures > seance.duree:
            errors[f"heures_{apprenant_id}"] = MESSAGE_HEURES_AU_DELA.format(
                nom=participants[apprenant_id], heures=heures_fr(heures), duree=heures_fr(seance.duree)
            )
        valeurs[apprenant_id] = (statut, heures)
    if errors:
        raise ValidationError(errors)
    existantes = {p.apprenant_id: p for p in Presence.objects.filter(seance=seance, apprenant_id__in=valeurs)}
    nouvelles, changees = [], []
    for apprenant_id, (statut, heures) in valeurs.items():
        presence = existantes.get(apprenant_id)
        if presence is None:
            nouvelles.append(Presence(projet_id=seance.projet_id, seance=seance, apprenant_id=apprenant_id, statut=statut, heures=heures))
        elif (presence.statut, presence.heures) != (statut, heures):
            presence.statut, presence.heures = statut, heures
            changees.append(presence)
    Presence.objects.bulk_create(nouvelles)
    Presence.objects.bulk_update(changees, ["statut", "heures"])
    synchroniser_heures(session=seance.session_id, apprenant_ids=list(valeurs), by=by)
    return nouvelles + changees


def valider_feuille(fichier) -> None:
    """A signed sheet: PDF, JPEG or PNG by its extension *and* its first bytes, 10 MB at most."""
    extension = os.path.splitext(fichier.name or "")[1].lower()
    if extension not in EXTENSIONS_FEUILLE:
        raise ValidationError({"feuille_signee": "La feuille signée doit être un PDF, un JPEG ou un PNG."})
    if fichier.size > TAILLE_MAX_FEUILLE:
        raise ValidationError({"feuille_signee": f"Le fichier pèse {fichier.size / (1024 * 1024):.1f} Mo : la limite est de 10 Mo."})
    signature = EXTENSIONS_FEUILLE[extension]
    fichier.seek(0)
    debut = fichier.read(len(signature))
    fichier.seek(0)
    if debut != signature:
        raise ValidationError({"feuille_signee": "Ce fichier n'est pas ce que son extension annonce (contenu illisible)."})


@transaction.atomic
def deposer_feuille(*, seance: Seance, fichier, by) -> Seance:
    """Store the signed attendance sheet of a séance (replacing an earlier one)."""
    exiger(by, seance.projet_id, EMARGER)
    valider_feuille(fichier)
    ancien = seance.feuille_signee.name if seance.feuille_signee else ""
    seance.feuille_signee.save(f"seance-{seance.pk}-emargement{os.path.splitext(fichier.name)[1].lower()}", fichier, save=False)
    seance.save(update_fields=["feuille_signee"])
    if ancien and ancien != seance.feuille_signee.name:
        transaction.on_commit(lambda: seance.feuille_signee.storage.delete(ancien))
    return seance
