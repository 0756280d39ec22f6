"""The row sheets about the partner organisations: *Partenaires* (each organisation, its role in
the consortium, Qualiopi) and *Sessions et partage de valeur* (the training organisations'
sessions overlapping the period, the learners placed, the value shared with them, received and
expected, and the value shared per learner outside any session).
"""

from __future__ import annotations

from decimal import Decimal

from finances.models import PartageValeur
from parcours.models import SessionFormation
from partenaires.models import MembreConsortium, Organisation

from ..indicateurs import Periode
from .cellules import DATE, ENTIER, EUROS, Colonne, Feuille
from .perimetre import Perimetre


def _feuille_partenaires(classeur, perimetre: Perimetre) -> None:
    feuille = Feuille(
        classeur,
        "Partenaires",
        [
            *perimetre.colonnes(),
            Colonne("Organisation", largeur=30),
            Colonne("Type", largeur=22),
            Colonne("Commune", largeur=18),
            Colonne("SIRET", largeur=16),
            Colonne("Rôle dans le consortium", largeur=18),
            Colonne("Qualiopi", largeur=18),
            Colonne("Expiration Qualiopi", DATE, 14),
            Colonne("NDA", largeur=14),
        ],
    )
    types = dict(Organisation._meta.get_field("type").choices)
    qualiopi = dict(Organisation._meta.get_field("qualiopi_statut").choices)
    roles = dict(MembreConsortium._meta.get_field("role").choices)
    membres = dict(MembreConsortium.objects.of_projet(perimetre.cible).values_list("organisation_id", "role"))
    lignes = perimetre.lignes(
        Organisation.objects.all(),
        ["pk", "nom", "type", "commune", "siret", "qualiopi_statut", "qualiopi_expiration", "nda"],
        ["nom", "pk"],
    )
    k = int(perimetre.plusieurs)
    for row in lignes:
        pk, nom, type_, commune, siret, statut, expiration, nda = row[k:]
        role = roles.get(membres[pk]) if pk in membres else "hors consortium"
        feuille.ajouter((*row[:k], nom, types.get(type_), commune, siret, role, qualiopi.get(statut, ""), expiration, nda))
    feuille.fermer()


def _feuille_sessions(classeur, perimetre: Perimetre, periode: Periode) -> None:
    feuille = Feuille(
        classeur,
        "Sessions et partage de valeur",
        [
            *perimetre.colonnes(),
            Colonne("Organisme de formation", largeur=26),
            Colonne("Session", largeur=30),
            Colonne("Début", DATE, 12),
            Colonne("Fin", DATE, 12),
            Colonne("Places minimum", ENTIER, 10),
            Colonne("Places maximum", ENTIER, 10),
            Colonne("Apprenants placés", ENTIER, 10),
            Colonne("Minimum atteint grâce à la conciergerie", largeur=16),
            Colonne("Partage de valeur reçu", EUROS, 14),
            Colonne("Partage de valeur attendu", EUROS, 14),
        ],
    )
    partages: dict = {}  # session id, or ("hors session", project id): (received, expected)
    for projet_id, session_id, montant, recu in PartageValeur.objects.of_projet(perimetre.cible).values_list(
        "projet_id", "session_id", "montant", "recu"
    ):
        cle = session_id if session_id is not None else ("hors session", projet_id)
        recu_, attendu = partages.get(cle, (Decimal(0), Decimal(0)))
        partages[cle] = (recu_ + montant, attendu) if recu else (recu_, attendu + montant)
    sessions = perimetre.lignes(
        SessionFormation.objects.filter(date_debut__lte=periode.fin, date_fin__gte=periode.debut).avec_placees(),
        ["pk", "organisation__nom", "intitule", "date_debut", "date_fin", "places_min", "places_max", "nb_placees"],
        ["date_debut", "pk"],
    )
    k = int(perimetre.plusieurs)
    for row in sessions:
        pk, organisation, intitule, debut, fin, pmin, pmax, placees = row[k:]
        recu, attendu = partages.pop(pk, (Decimal(0), Decimal(0)))
        feuille.ajouter(
            (*row[:k], organisation, intitule, debut, fin, pmin, pmax, placees, bool(placees) and placees >= pmin, recu, attendu)
        )
    # value shared per learner, outside any session: one row per project
    noms = perimetre.noms
    for projet in sorted(perimetre.projets, key=lambda p: (p.nom, p.pk)):
        if ("hors session", projet.pk) in partages:
            recu, attendu = partages[("hors session", projet.pk)]
            tete = (noms[projet.pk],) if perimetre.plusieurs else ()
            feuille.ajouter((*tete, "", "Hors session (par apprenant)", None, None, None, None, None, None, recu, attendu))
    feuille.fermer()
