"""The bilan's sheet *Séances et présences* (issue 17): one row per séance of the period and
participant whose attendance was taken — session, site, phase, date, times, duration, the
learner (their reference; their name too in a bilan with personal data), présent / absent /
excusé and the hours. The bilan is the coordinators' and administrators' (``peut_generer``);
funders never get it (their roll-up, ``ecrire_bilan_synthese``, holds aggregates only). Rows
are read in chunks, in one query whatever their number.

A bilan of several projects (an administrator of each) has one row per séance instead, with its
counts of présents, absents and excusés and the hours of presence: the programme's 2,6 million
attendance rows would make a sheet nobody reads (and two Excel sheets' worth), while its 300 000
séances say what such a reader asks — which séances were held, and how well attended."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from parcours.models_seances import Presence, Seance, StatutPresence

from ..indicateurs import Periode
from .cellules import DATE, ENTIER, NOMBRE, Colonne, Feuille
from .perimetre import Perimetre

TITRE = "Séances et présences"

#: the séance's columns, and the fields they are read from (from a séance: without « seance__ »)
COLONNES_SEANCE = [
    Colonne("Session", largeur=30),
    Colonne("Organisme", largeur=26),
    Colonne("Lieu", largeur=24),
    Colonne("Phase", largeur=18),
    Colonne("Date", DATE, 12),
    Colonne("Début", largeur=8),
    Colonne("Fin", largeur=8),
    Colonne("Durée (h)", NOMBRE, 10),
]
CHAMPS_SEANCE = [
    "session__intitule",
    "session__organisation__nom",
    "session__commune",
    "session__a_distance",
    "phase__nom",
    "date",
    "heure_debut",
    "heure_fin",
    "duree",
]


def _seance(valeurs) -> tuple:
    """The séance's cells, from the values of ``CHAMPS_SEANCE``."""
    session, organisme, commune, a_distance, phase, jour, debut, fin, duree = valeurs
    lieu = ", ".join(p for p in (commune, "à distance" if a_distance else "") if p)
    return (
        session,
        organisme,
        lieu,
        phase or "",
        jour,
        f"{debut:%H:%M}" if debut else "",
        f"{fin:%H:%M}" if fin else "",
        duree,
    )


def _feuille_seances(classeur, perimetre: Perimetre, periode: Periode, personnelles: bool) -> None:
    if perimetre.plusieurs:
        _feuille_seances_resumees(classeur, perimetre, periode)
        return
    colonnes = [*perimetre.colonnes(), *COLONNES_SEANCE, Colonne("Apprenant (référence)", largeur=14)]
    champs = [*(f"seance__{c}" for c in CHAMPS_SEANCE), "apprenant__reference"]
    if personnelles:
        colonnes += [Colonne("Nom", largeur=18), Colonne("Prénom", largeur=16)]
        champs += ["apprenant__nom", "apprenant__prenom"]
    colonnes += [Colonne("Présence", largeur=10), Colonne("Heures", NOMBRE, 10)]
    champs += ["statut", "heures"]
    feuille = Feuille(classeur, TITRE, colonnes)
    statuts = dict(StatutPresence.choices)
    lignes = perimetre.lignes(
        Presence.objects.filter(seance__date__range=(periode.debut, periode.fin)),
        champs,
        ["seance__date", "seance__heure_debut", "seance_id", "apprenant__reference", "pk"],
    )
    k = int(perimetre.plusieurs)
    n = k + len(CHAMPS_SEANCE)
    for row in lignes:
        *personne, statut, heures = row[n:]
        feuille.ajouter((*row[:k], *_seance(row[k:n]), *personne, statuts.get(statut, statut), heures))
    feuille.fermer()


def _feuille_seances_resumees(classeur, perimetre: Perimetre, periode: Periode) -> None:
    """Several projects: one row per séance of the period, its attendance counted."""
    colonnes = [
        *perimetre.colonnes(),
        *COLONNES_SEANCE,
        Colonne("Présents", ENTIER, 10),
        Colonne("Absents", ENTIER, 10),
        Colonne("Excusés", ENTIER, 10),
        Colonne("Heures de présence", NOMBRE, 12),
    ]
    feuille = Feuille(classeur, TITRE, colonnes)
    seances = Seance.objects.filter(date__range=(periode.debut, periode.fin)).annotate(
        presents=Count("presences", filter=Q(presences__statut=StatutPresence.PRESENT)),
        absents=Count("presences", filter=Q(presences__statut=StatutPresence.ABSENT)),
        excuses=Count("presences", filter=Q(presences__statut=StatutPresence.EXCUSE)),
        heures_presence=Coalesce(Sum("presences__heures"), Decimal(0)),
    )
    champs = [*CHAMPS_SEANCE, "presents", "absents", "excuses", "heures_presence"]
    n = 1 + len(CHAMPS_SEANCE)  # after the project's name
    for row in perimetre.lignes(seances, champs, ["date", "heure_debut", "pk"]):
        feuille.ajouter((row[0], *_seance(row[1:n]), *row[n:]))
    feuille.fermer()
