"""The bilan's sheet *Séances et présences* (issue 17): one row per séance of the period and
participant whose attendance was taken — session, site, phase, date, times, duration, the
learner (their reference; their name too in a bilan with personal data), présent / absent /
excusé and the hours. The bilan is the coordinators' and administrators' (``peut_generer``);
funders never get it (their roll-up, ``ecrire_bilan_synthese``, holds aggregates only). Rows
are read in chunks, in one query whatever their number."""

from __future__ import annotations

from parcours.models_seances import Presence, StatutPresence

from ..indicateurs import Periode
from .cellules import DATE, NOMBRE, Colonne, Feuille
from .perimetre import Perimetre

TITRE = "Séances et présences"


def _feuille_seances(classeur, perimetre: Perimetre, periode: Periode, personnelles: bool) -> None:
    colonnes = [
        *perimetre.colonnes(),
        Colonne("Session", largeur=30),
        Colonne("Organisme", largeur=26),
        Colonne("Lieu", largeur=24),
        Colonne("Phase", largeur=18),
        Colonne("Date", DATE, 12),
        Colonne("Début", largeur=8),
        Colonne("Fin", largeur=8),
        Colonne("Durée (h)", NOMBRE, 10),
        Colonne("Apprenant (référence)", largeur=14),
    ]
    champs = [
        "seance__session__intitule",
        "seance__session__organisation__nom",
        "seance__session__commune",
        "seance__session__a_distance",
        "seance__phase__nom",
        "seance__date",
        "seance__heure_debut",
        "seance__heure_fin",
        "seance__duree",
        "apprenant__reference",
    ]
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
    for row in lignes:
        session, organisme, commune, a_distance, phase, jour, debut, fin, duree, reference, *reste = row[k:]
        lieu = ", ".join(p for p in (commune, "à distance" if a_distance else "") if p)
        *personne, statut, heures = reste
        feuille.ajouter(
            (
                *row[:k],
                session,
                organisme,
                lieu,
                phase or "",
                jour,
                f"{debut:%H:%M}" if debut else "",
                f"{fin:%H:%M}" if fin else "",
                duree,
                reference,
                *personne,
                statuts.get(statut, statut),
                heures,
            )
        )
    feuille.fermer()
