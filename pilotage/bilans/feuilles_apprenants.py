"""The row sheets about the learners: *Apprenants*, *Parcours et étapes*, *Sorties et suivis à 6
mois*. A learner is shown by its stable reference; its name, contact, birth date, RQTH and the
free text written about it (a step's motive) are written, and read, only with ``personnelles``.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from parcours.models import RESULTATS_POSITIFS, Apprenant, Etape, Sortie, TypeSortie

from ..indicateurs import Periode
from .cellules import DATE, ENTIER, HEURES, Colonne, Feuille
from .perimetre import Perimetre


def _age(naissance: date | None, au: date) -> int | None:
    if naissance is None:
        return None
    return au.year - naissance.year - ((au.month, au.day) < (naissance.month, naissance.day))


def _feuille_apprenants(classeur, perimetre: Perimetre, periode: Periode, personnelles: bool) -> None:
    colonnes = [*perimetre.colonnes(), Colonne("Référence", largeur=14)]
    champs = ["reference"]
    if personnelles:
        colonnes += [
            Colonne("Prénom"),
            Colonne("Nom"),
            Colonne("Date de naissance", DATE, 14),
            Colonne("Commune"),
            Colonne("E-mail", largeur=26),
            Colonne("Téléphone", largeur=14),
            Colonne("RQTH", largeur=8),
        ]
        champs += ["prenom", "nom", "date_naissance", "commune", "email", "telephone", "rqth"]
    colonnes += [
        Colonne("Âge à l'entrée", ENTIER, 10),
        Colonne("QPV", largeur=8),
        Colonne("ZRR", largeur=8),
        Colonne("Situation à l'entrée", largeur=24),
        Colonne("Niveau de qualification", largeur=22),
        Colonne("Prescripteur", largeur=24),
        Colonne("Entrée", DATE, 12),
        Colonne("N° de sécurité sociale (statut)", largeur=18),
    ]
    feuille = Feuille(classeur, "Apprenants", colonnes)
    situations = dict(Apprenant._meta.get_field("situation_entree").choices)
    niveaux = dict(Apprenant._meta.get_field("niveau_qualification").choices)
    secu = dict(Apprenant._meta.get_field("statut_secu").choices)
    lignes = perimetre.lignes(
        Apprenant.objects.filter(date_entree__lte=periode.fin),
        [
            *champs,
            "date_naissance",
            "qpv",
            "zrr",
            "situation_entree",
            "niveau_qualification",
            "prescripteur__nom",
            "date_entree",
            "statut_secu",
        ],
        ["reference"],
    )
    n = len(champs) + perimetre.plusieurs
    for row in lignes:
        naissance, qpv, zrr, situation, niveau, prescripteur, entree, statut = row[n:]
        feuille.ajouter(
            (
                *row[:n],
                _age(naissance, entree),
                qpv,
                zrr,
                situations.get(situation, ""),
                niveaux.get(niveau, ""),
                prescripteur,
                entree,
                secu.get(statut),
            )
        )
    feuille.fermer()


def _feuille_etapes(classeur, perimetre: Perimetre, periode: Periode, personnelles: bool) -> None:
    colonnes = [
        *perimetre.colonnes(),
        Colonne("Apprenant (référence)", largeur=14),
        Colonne("Objectif du parcours", largeur=30),
        Colonne("Statut du parcours", largeur=14),
        Colonne("Type d'étape", largeur=24),
        Colonne("Intitulé", largeur=30),
        Colonne("Organisation", largeur=26),
        Colonne("Code RNCP/RS", largeur=12),
        Colonne("Début", DATE, 12),
        Colonne("Fin", DATE, 12),
        Colonne("Heures prévues", HEURES, 10),
        Colonne("Heures réalisées", HEURES, 10),
        Colonne("Modalité", largeur=12),
        Colonne("Statut", largeur=12),
    ]
    champs = [
        "parcours__apprenant__reference",
        "parcours__intitule",
        "parcours__statut",
        "type",
        "intitule",
        "organisation__nom",
        "code_rncp",
        "date_debut",
        "date_fin",
        "heures_prevues",
        "heures_realisees",
        "modalite",
        "statut",
    ]
    if personnelles:  # free text written about the person (why a step is blocked or abandoned)
        colonnes.append(Colonne("Motif", largeur=30))
        champs.append("motif")
    feuille = Feuille(classeur, "Parcours et étapes", colonnes)
    choix = {nom: dict(Etape._meta.get_field(nom).choices) for nom in ("type", "modalite", "statut")}
    types, modalites, statuts = choix["type"], choix["modalite"], choix["statut"]
    statuts_parcours = dict(Etape._meta.get_field("parcours").related_model._meta.get_field("statut").choices)
    lignes = perimetre.lignes(
        Etape.objects.filter(Q(date_debut__lte=periode.fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=periode.debut))),
        champs,
        ["parcours__apprenant__reference", "parcours_id", "date_debut", "pk"],
    )
    k = int(perimetre.plusieurs)
    for row in lignes:
        ref, parcours, statut_parcours, type_, intitule, org, code, debut, fin, hp, hr, modalite, statut = row[k : k + 13]
        feuille.ajouter(
            (
                *row[:k],
                ref,
                parcours,
                statuts_parcours.get(statut_parcours),
                types.get(type_),
                intitule,
                org,
                code,
                debut,
                fin,
                hp,
                hr,
                modalites.get(modalite),
                statuts.get(statut),
                *row[k + 13 :],
            )
        )
    feuille.fermer()


def _feuille_sorties(classeur, perimetre: Perimetre, periode: Periode) -> None:
    feuille = Feuille(
        classeur,
        "Sorties et suivis à 6 mois",
        [
            *perimetre.colonnes(),
            Colonne("Apprenant (référence)", largeur=14),
            Colonne("Objectif du parcours", largeur=30),
            Colonne("Moment", largeur=14),
            Colonne("Résultat", largeur=24),
            Colonne("Positive", largeur=9),
            Colonne("Date", DATE, 12),
            Colonne("Suivi à 6 mois prévu le", DATE, 14),
        ],
    )
    moments = dict(Sortie._meta.get_field("type").choices)
    resultats = dict(Sortie._meta.get_field("resultat").choices)
    lignes = perimetre.lignes(
        Sortie.objects.filter(date__range=(periode.debut, periode.fin)),
        ["parcours__apprenant__reference", "parcours__intitule", "type", "resultat", "date", "parcours__suivi_6_mois_le"],
        ["date", "pk"],
    )
    k = int(perimetre.plusieurs)
    for row in lignes:
        ref, parcours, moment, resultat, le, suivi = row[k:]
        prevu = suivi if moment == TypeSortie.SORTIE else None
        feuille.ajouter((*row[:k], ref, parcours, moments.get(moment), resultats.get(resultat), resultat in RESULTATS_POSITIFS, le, prevu))
    feuille.fermer()
