"""The *Compétences* sheet (issue 18): the competence figures of the period (``pilotage.indicateurs
.competences``, the dashboard's and the COPIL report's), then the progression per bloc."""

from __future__ import annotations

from ..indicateurs import Periode, competences
from ..masquage import LEGENDE
from .cellules import ENTIER, NOMBRE, TEXTE, Colonne, Feuille


def _feuille_competences(classeur, projets, periode: Periode, *, masquer: bool = False) -> None:
    c = competences(projets, periode, masquer=masquer)
    feuille = Feuille(
        classeur,
        "Compétences",
        [
            Colonne("Référentiel", largeur=30),
            Colonne("Indicateur ou bloc", largeur=44),
            Colonne("Apprenants", ENTIER, 12),
            Colonne("Entrée", NOMBRE, 10),
            Colonne("Dernière", NOMBRE, 10),
            Colonne("Écart", NOMBRE, 10),
        ],
    )
    vide = (None, None, None)
    for libelle, valeur in (
        ("Évaluations de compétences", c.evaluations),
        ("Apprenants évalués", c.apprenants_evalues),
        ("Compétences évaluées", c.competences_evaluees),
        ("AFEST", c.afest_total),
        ("AFEST complètes (4 composantes tracées)", c.afest_completes),
        ("AFEST incomplètes", c.afest_incompletes),
        ("Open Badges délivrés", c.badges_delivres),
        ("dont révoqués depuis", c.badges_revoques),
    ):
        feuille.ajouter(("", libelle, valeur, *vide), types=(TEXTE, TEXTE, ENTIER, NOMBRE, NOMBRE, NOMBRE))
    for p in c.progression_blocs:
        feuille.ajouter((p.referentiel, p.bloc, p.apprenants, p.entree, p.derniere, p.ecart))
    feuille.fermer()
    if masquer:
        feuille.ws.append([])
        feuille.ws.append([feuille._cellule(f"Légende : {LEGENDE}", TEXTE)])
