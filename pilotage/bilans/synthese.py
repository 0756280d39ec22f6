"""The sheets of figures, without a row per person: the bilan's *Synthèse* (the dashboard's
figures, in its order, from ``pilotage.indicateurs``), and the funder's roll-up (*Projets*: one
row per project and the total, its *Synthèse*, *Moyennes*).
"""

from __future__ import annotations

from ..indicateurs import Indicateurs
from ..masquage import LEGENDE
from .cellules import DATE, ENTETE, ENTIER, EUROS, HEURES, NOMBRE, POURCENT, TEXTE, Colonne, Feuille


def _lignes_synthese(i: Indicateurs) -> list[tuple[str, str, object, str]]:
    """(rubrique, indicateur, valeur, type): the dashboard's figures, in its order."""
    a, p, e, s = i.apprenants, i.profil, i.etapes, i.sorties
    t = i.finances.totaux
    lignes = [
        ("Période", "Début", i.periode.debut, DATE),
        ("Période", "Fin", i.periode.fin, DATE),
        *([("Périmètre", "Projets", i.nb_projets, ENTIER)] if i.nb_projets > 1 else []),
        ("Apprenants", "Accompagnés", a.accompagnes, ENTIER),
        ("Apprenants", "Nouveaux", a.nouveaux, ENTIER),
        ("Apprenants", "En parcours", a.actifs, ENTIER),
        ("Apprenants", "Sortis", a.sortis, ENTIER),
        ("Profil à l'entrée", "QPV", p.qpv, ENTIER),
        ("Profil à l'entrée", "Part en QPV (%)", p.part_qpv, POURCENT),
        ("Profil à l'entrée", "ZRR", p.zrr, ENTIER),
        ("Profil à l'entrée", "Part en ZRR (%)", p.part_zrr, POURCENT),
        ("Profil à l'entrée", "Jeunes NEET", p.neet, ENTIER),
        ("Profil à l'entrée", "Part de jeunes NEET (%)", p.part_neet, POURCENT),
        ("Profil à l'entrée", "Demandeurs d'emploi", p.demandeurs_emploi, ENTIER),
        ("Profil à l'entrée", "Part de demandeurs d'emploi (%)", p.part_demandeurs_emploi, POURCENT),
        ("Profil à l'entrée", "Bénéficiaires du RSA", p.rsa, ENTIER),
        ("Profil à l'entrée", "RQTH", p.rqth, ENTIER),
        ("Profil à l'entrée", "Part RQTH (%)", p.part_rqth, POURCENT),
    ]
    lignes += [("Âge à l'entrée", li.libelle, li.effectif, ENTIER) for li in p.tranches_age]
    lignes += [("Étapes par type", li.libelle, li.effectif, ENTIER) for li in e.par_type]
    lignes += [
        ("Étapes et formations", "Étapes", e.total, ENTIER),
        ("Étapes et formations", "Formations", e.formations, ENTIER),
        ("Étapes et formations", "Part certifiante ou diplômante (%)", e.part_certifiante, POURCENT),
        ("Étapes et formations", "Part pré-qualifiante (%)", e.part_pre_qualifiante, POURCENT),
        ("Étapes et formations", "Heures prévues", e.heures_prevues, HEURES),
        ("Étapes et formations", "Heures réalisées", e.heures_realisees, HEURES),
        ("Étapes et formations", "Heures prévues, toutes étapes", e.heures_etapes_prevues, HEURES),
        ("Étapes et formations", "Heures réalisées, toutes étapes", e.heures_etapes_realisees, HEURES),
        ("Freins", "Identifiés", i.freins.identifies, ENTIER),
        ("Freins", "Levés", i.freins.leves, ENTIER),
        ("Freins", "Part levée (%)", i.freins.part_leves, POURCENT),
        ("Sorties", "Sorties sur la période", s.total_sortie, ENTIER),
        ("Sorties", "Sorties positives", s.positives_sortie, ENTIER),
        ("Sorties", "Taux de sorties positives (%)", s.taux_positif_sortie, POURCENT),
        ("Sorties", "Suivis à 6 mois", s.total_6_mois, ENTIER),
        ("Sorties", "Positives à 6 mois", s.positives_6_mois, ENTIER),
        ("Sorties", "Taux positif à 6 mois (%)", s.taux_positif_6_mois, POURCENT),
    ]
    lignes += [("Résultats à la sortie", li.libelle, li.effectif, ENTIER) for li in s.a_la_sortie]
    lignes += [("Résultats à 6 mois", li.libelle, li.effectif, ENTIER) for li in s.a_6_mois]
    lignes += [
        ("Sessions", "Sessions d'organismes de formation", i.sessions.total, ENTIER),
        ("Sessions", "Ouvertes grâce à la conciergerie", i.sessions.atteintes_grace_conciergerie, ENTIER),
        ("Sessions", "Apprenants placés en session", i.sessions.apprenants_places, ENTIER),
        ("Partenaires", "Membres du consortium", i.partenaires.membres_consortium, ENTIER),
        ("Partenaires", "Organisations", i.partenaires.organisations, ENTIER),
    ]
    lignes += [("Partenaires par type", li.libelle, li.effectif, ENTIER) for li in i.partenaires.par_type]
    lignes += [
        ("Finances", "Accordé", t.accorde, EUROS),
        ("Finances", "Prévu", t.prevu, EUROS),
        ("Finances", "Dépensé", t.depense, EUROS),
        ("Finances", "Reçu", t.recu, EUROS),
        ("Finances", "Reste à demander", t.a_demander, EUROS),
        ("Finances", "Bénévolat valorisé", t.valorise, EUROS),
        ("Finances", "Bénévolat compté", t.compte, EUROS),
        ("Finances", "Au-delà des plafonds", t.au_dela, EUROS),
        ("Bénévolat", "Heures valorisées", i.benevolat.heures_valorisees, HEURES),
        ("Bénévolat", "Heures données en plus", i.benevolat.heures_donnees, HEURES),
        ("Récits", "Récits", i.recits, ENTIER),
        ("Activités", "Activités", i.activites, ENTIER),
    ]
    return lignes


def _feuille_synthese(classeur, indicateurs: Indicateurs) -> None:
    feuille = Feuille(
        classeur, "Synthèse", [Colonne("Rubrique", largeur=28), Colonne("Indicateur", largeur=40), Colonne("Valeur", largeur=18)]
    )
    for rubrique, libelle, valeur, type_ in _lignes_synthese(indicateurs):
        feuille.ajouter((rubrique, libelle, valeur), types=(TEXTE, TEXTE, type_))
    feuille.fermer()
    if indicateurs.masque:
        _legende(feuille)


def _legende(feuille: Feuille) -> None:
    """The marks' legend, under the table (after the filtered rows), on every sheet that masks."""
    feuille.ws.append([])
    feuille.ws.append([feuille._cellule(f"Légende : {LEGENDE}", TEXTE)])


def _feuilles_synthese(classeur, synthese) -> None:
    colonnes = [
        Colonne("Projet", largeur=30),
        Colonne("Accompagnés", ENTIER, 12),
        Colonne("Nouveaux", ENTIER, 10),
        Colonne("Sortis", ENTIER, 10),
        Colonne("Part en QPV (%)", POURCENT, 10),
        Colonne("Part en ZRR (%)", POURCENT, 10),
        Colonne("Part certifiante (%)", POURCENT, 10),
        Colonne("Sorties positives (%)", POURCENT, 10),
        Colonne("Membres du consortium", ENTIER, 10),
        Colonne("Accordé", EUROS, 14),
        Colonne("Dépensé", EUROS, 14),
        Colonne("Bénévolat compté", EUROS, 14),
        Colonne("Au-delà des plafonds", EUROS, 14),
    ]
    feuille = Feuille(classeur, "Projets", colonnes)

    def ligne(nom, i: Indicateurs):
        t = i.finances.totaux
        return (
            nom,
            i.apprenants.accompagnes,
            i.apprenants.nouveaux,
            i.apprenants.sortis,
            i.profil.part_qpv,
            i.profil.part_zrr,
            i.etapes.part_certifiante,
            i.sorties.taux_positif_sortie,
            i.partenaires.membres_consortium,
            t.accorde,
            t.depense,
            t.compte,
            t.au_dela,
        )

    for projet, i in synthese.par_projet:
        feuille.ajouter(ligne(projet.nom, i))
    feuille.fermer()
    feuille.ws.append([])
    feuille.ws.append(
        [
            feuille._cellule(v, ENTETE if n == 0 else c.type)
            for n, (v, c) in enumerate(zip(ligne("Total", synthese.total), colonnes, strict=True))
        ]
    )
    if synthese.total.masque:
        _legende(feuille)
    _feuille_synthese(classeur, synthese.total)
    m = synthese.moyennes
    moyennes = Feuille(classeur, "Moyennes", [Colonne("Indicateur", largeur=34), Colonne("Valeur", NOMBRE, 14)])
    for libelle, valeur in (
        ("Apprenants par projet", m.apprenants_par_projet),
        ("Membres par consortium", m.membres_par_consortium),
        ("Part en QPV (%)", m.part_qpv),
        ("Part en ZRR (%)", m.part_zrr),
        ("Part certifiante ou diplômante (%)", m.part_certifiante),
    ):
        moyennes.ajouter((libelle, valeur))
    moyennes.fermer()
    if synthese.total.masque:
        _legende(moyennes)
