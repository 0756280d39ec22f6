"""The sheets of issue 17: *Répartitions* (statuses, sex, obstacles by type, prescribers, sessions,
sites, eligibility per funding: ``pilotage.repartitions``) and *Objectifs* (each target and its
progress). Figures only, no row per person; masked like the *Synthèse* when it is.
"""

from __future__ import annotations

from finances.models import Objectif

from ..repartitions import calculer_repartitions, progressions
from .cellules import DATE, ENTIER, NOMBRE, TEXTE, Colonne, Feuille


def _feuille_repartitions(classeur, projets, periode, indicateurs, financements) -> None:
    r = calculer_repartitions(projets, periode, indicateurs=indicateurs, masquer=indicateurs.masque, financements=list(financements))
    feuille = Feuille(
        classeur,
        "Répartitions",
        [
            Colonne("Rubrique", largeur=34),
            Colonne("Libellé", largeur=40),
            Colonne("Nombre", ENTIER, 12),
            Colonne("dont", ENTIER, 12),
            Colonne("Heures", NOMBRE, 12),
            Colonne("dont éligibles (h)", NOMBRE, 14),
        ],
    )
    for li in r.situations:
        feuille.ajouter(("Statut à l'entrée", li.libelle, li.effectif, None, None, None))
    for li in r.sexes:
        feuille.ajouter(("Sexe", li.libelle, li.effectif, None, None, None))
    for li in r.freins:
        feuille.ajouter(("Freins par type (identifiés, dont levés)", li.libelle, li.identifies, li.leves, None, None))
    for li in r.prescripteurs:
        feuille.ajouter(("Prescripteurs (envoyés, dont sorties positives)", li.nom, li.envoyes, li.positives, None, None))
    for li in r.sessions:
        feuille.ajouter(
            ("Sessions (apprenants placés, heures)", f"{li.intitule} ({li.organisation})", li.apprenants, None, li.heures, None)
        )
    for li in r.sites:
        feuille.ajouter(("Sites des sessions (apprenants placés, heures)", li.site, li.apprenants, None, li.heures, None))
    for li in r.eligibilites:
        f = li.financement
        feuille.ajouter(
            (
                "Éligibilité (participants, dont éligibles)",
                f"{f.programme} — {f.intitule}",
                li.participants,
                li.eligibles,
                li.heures,
                li.heures_eligibles,
            )
        )
    feuille.fermer()
    if r.masque:
        from .synthese import _legende

        _legende(feuille)


def _feuille_objectifs(classeur, objectifs, *, masquer: bool) -> None:
    """*Objectifs*: each target (``objectifs``, read by the caller), what is reached, on time or late."""
    feuille = Feuille(
        classeur,
        "Objectifs",
        [
            Colonne("Projet", largeur=30),
            Colonne("Financement", largeur=34),
            Colonne("Indicateur", largeur=30),
            Colonne("Cible", NOMBRE, 10),
            Colonne("Début", DATE, 12),
            Colonne("Échéance", DATE, 12),
            Colonne("Réalisé", TEXTE, 12),
            Colonne("Part atteinte (%)", NOMBRE, 12),
            Colonne("Période écoulée (%)", NOMBRE, 12),
            Colonne("État", largeur=26),
        ],
    )
    for p in progressions(objectifs, masquer=masquer):
        o = p.objectif
        feuille.ajouter(
            (
                o.projet.nom,
                str(o.financement) if o.financement_id else "",
                o.get_indicateur_display(),
                o.valeur_cible,
                o.debut,
                o.date_echeance,
                p.affiche,
                None if p.masque else p.part_atteinte,
                p.part_ecoulee,
                p.etat,
            )
        )
    feuille.fermer()


def objectifs_des(projets, *, financements=None):
    """The targets a bilan shows: every target of ``projets``, or (a funder's roll-up,
    ``financements`` given) those of these fundings only."""
    qs = Objectif.objects.of_projet(list(projets)).select_related("projet", "financement").order_by("projet__nom", "date_echeance", "pk")
    if financements is not None:
        qs = qs.filter(financement__in=list(financements))
    return qs
