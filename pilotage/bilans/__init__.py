"""Excel bilans, written in streaming mode (openpyxl write-only): memory stays flat whatever
the number of rows, rows are read from the database in chunks (``iterator``), in a constant number
of queries.

- ``ecrire_bilan``: the bilan of one project or of several for a period, thirteen sheets (among
  them *Séances et présences*, *Compétences*, *Répartitions* and *Objectifs*); learners
  are pseudonymised (their stable reference, no name, contact, birth date, RQTH nor free text
  written about them) unless ``donnees_personnelles`` (an administrator's request for one project,
  recorded by its job row; never for several). With several projects, the row sheets start with a
  "Projet" column and *Synthèse* holds their sum; the rows are read in the same number of queries
  whatever the number of projects (``of_projet`` with a list). ``ecrire_bilan_projet``: one project.
- ``ecrire_bilan_synthese``: the roll-up for a funder: aggregates only, one row per project,
  masked below 5 people.
- ``demander_bilan`` / ``demander_bilan_projets`` / ``relancer_bilan`` / ``generer_bilan``: the
  bilan as a background job (``BilanExcel``: one project, or several for a user who administers
  each of them), through the job mechanism the COPIL report uses (``pilotage.jobs``).

Every figure of the *Synthèse* sheet comes from ``pilotage.indicateurs`` (the dashboard's numbers).
Every text cell that starts with ``= + - @``, a tab or a carriage return is written as text
(type ``s``, with Excel's quote prefix), never as a formula.

The package's modules, in the order a bilan is written:

- ``cellules``: the cell kinds and their styles, formula escaping, ``Colonne``, ``Feuille`` (one
  streamed sheet) and the write-only workbook;
- ``perimetre``: the projects a bilan spans (``Perimetre``) and the reading of rows in chunks;
- ``synthese``: the sheets of figures, the bilan's *Synthèse* and the funder's roll-up sheets;
- ``feuilles_apprenants``: *Apprenants*, *Parcours et étapes*, *Sorties et suivis à 6 mois*;
- ``feuilles_partenaires``: *Partenaires*, *Sessions et partage de valeur*;
- ``feuilles_finances``: *Financements et budget*, *Dépenses*, *Bénévolat*;
- ``feuilles_seances``: *Séances et présences* (one row per séance × participant);
- ``services``: the bilan as a job (who may ask for it, the requests, the retry, the job's run).

The writers (``ecrire_bilan``, ``ecrire_bilan_projet``, ``ecrire_bilan_synthese``) are defined
here: they put the sheets together in their order, calling them through this package's names (a
test replaces one to watch the progress, or to make a bilan fail). Everything other modules use is
re-exported here: import from ``pilotage.bilans``.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import memo
from ..indicateurs import Periode, calculer, calculer_par_projet
from .cellules import (
    DATE,
    DEBUTS_DANGEREUX,
    ENTETE,
    ENTIER,
    EUROS,
    HEURES,
    NOMBRE,
    POURCENT,
    TEXTE,
    TEXTE_MAX,
    TYPE_MIME,
    Colonne,
    Feuille,
    _abandonner,
    _classeur,
)
from .feuilles_apprenants import _feuille_apprenants, _feuille_etapes, _feuille_sorties
from .feuilles_competences import _feuille_competences
from .feuilles_finances import _feuille_benevolat, _feuille_depenses, _feuille_financements
from .feuilles_partenaires import _feuille_partenaires, _feuille_sessions
from .feuilles_repartitions import _feuille_objectifs, _feuille_repartitions, objectifs_des
from .feuilles_seances import _feuille_seances
from .perimetre import LOT, Perimetre
from .services import (
    CAPACITE_PROJETS,
    MESSAGE_DONNEES_PERSONNELLES,
    MESSAGE_PERIODE,
    MESSAGE_PROJETS,
    MESSAGE_ROLE,
    PREFIXE_ERREUR,
    demander_bilan,
    demander_bilan_projets,
    en_vol,
    generer_bilan,
    nom_fichier,
    peut_generer,
    projets_administres,
    relancer_bilan,
)
from .synthese import _feuille_synthese, _feuilles_synthese

__all__ = [
    # cellules
    "DATE",
    "DEBUTS_DANGEREUX",
    "ENTETE",
    "ENTIER",
    "EUROS",
    "HEURES",
    "NOMBRE",
    "POURCENT",
    "TEXTE",
    "TEXTE_MAX",
    "TYPE_MIME",
    "Colonne",
    "Feuille",
    # perimetre
    "LOT",
    "Perimetre",
    # services
    "CAPACITE_PROJETS",
    "MESSAGE_DONNEES_PERSONNELLES",
    "MESSAGE_PERIODE",
    "MESSAGE_PROJETS",
    "MESSAGE_ROLE",
    "PREFIXE_ERREUR",
    "demander_bilan",
    "demander_bilan_projets",
    "en_vol",
    "generer_bilan",
    "nom_fichier",
    "peut_generer",
    "projets_administres",
    "relancer_bilan",
    # the writers, defined here
    "MESSAGE_PLUSIEURS_NOMINATIF",
    "ecrire_bilan",
    "ecrire_bilan_projet",
    "ecrire_bilan_synthese",
]


# ------------------------------------------------------------------ the bilan of one project or several


MESSAGE_PLUSIEURS_NOMINATIF = "Le bilan de plusieurs projets est toujours pseudonymisé : pas de données personnelles."


def ecrire_bilan(
    *, projets, periode: Periode, fichier, donnees_personnelles: bool = False, financements=None, progression: Callable | None = None
):
    """Write the bilan of ``projets`` (Projet objects, one or more) to ``fichier`` (a path or a
    binary file object); returns the indicators of its *Synthèse* (``calculer``: their sum).

    The queries do not grow with the number of projects nor of rows. With several projects the
    row sheets start with a "Projet" column and the learners are always pseudonymised
    (``ValueError`` if ``donnees_personnelles``). ``financements``: the fundings shown, read
    through ``visible_to`` by the caller (None: all the projects'). ``progression(pourcent)`` is
    called after each sheet, from 10 to 90 (the job's progress bar).
    """
    projets = tuple({p.pk: p for p in projets}.values())
    if not projets:
        raise ValueError("Aucun projet : pas de bilan à écrire.")
    perimetre = Perimetre(projets)
    if perimetre.plusieurs and donnees_personnelles:
        raise ValueError(MESSAGE_PLUSIEURS_NOMINATIF)
    avancer = progression or (lambda _pourcent: None)
    # the projects' revisions read once for every figure of the workbook (pilotage.memo)
    with memo.lecture([p.pk for p in projets]):
        indicateurs = calculer(projets, periode, financements=financements)
        syntheses = indicateurs.finances.financements
        if perimetre.plusieurs:
            ordre = {p.pk: (p.nom, p.pk) for p in projets}
            syntheses = sorted(syntheses, key=lambda s: ordre.get(s.financement.projet_id, ("", 0)))
        classeur = _classeur()
        etapes: list[Callable] = [
            lambda: _feuille_synthese(classeur, indicateurs),
            lambda: _feuille_apprenants(classeur, perimetre, periode, donnees_personnelles),
            lambda: _feuille_etapes(classeur, perimetre, periode, donnees_personnelles),
            lambda: _feuille_sorties(classeur, perimetre, periode),
            lambda: _feuille_partenaires(classeur, perimetre),
            lambda: _feuille_financements(classeur, perimetre, syntheses),
            lambda: _feuille_depenses(classeur, perimetre, [s.financement for s in syntheses]),
            lambda: _feuille_benevolat(classeur, perimetre, periode, syntheses, donnees_personnelles),
            lambda: _feuille_sessions(classeur, perimetre, periode),
            lambda: _feuille_seances(classeur, perimetre, periode, donnees_personnelles),
            lambda: _feuille_competences(classeur, projets, periode),
            # issue 17: the breakdowns and the targets
            lambda: _feuille_repartitions(classeur, projets, periode, indicateurs, [s.financement for s in syntheses]),
            lambda: _feuille_objectifs(classeur, objectifs_des(projets), masquer=False),
        ]
        try:
            for n, etape in enumerate(etapes, start=1):
                etape()
                avancer(10 + n * 80 // len(etapes))
            classeur.save(fichier)
        except BaseException:
            _abandonner(classeur)
            raise
        return indicateurs


def ecrire_bilan_projet(
    *, projet, periode: Periode, fichier, donnees_personnelles: bool = False, financements=None, progression: Callable | None = None
):
    """The bilan of one project (``ecrire_bilan``)."""
    return ecrire_bilan(
        projets=[projet],
        periode=periode,
        fichier=fichier,
        donnees_personnelles=donnees_personnelles,
        financements=financements,
        progression=progression,
    )


# ------------------------------------------------------------------ the funder's roll-up


def ecrire_bilan_synthese(*, projets, periode: Periode, fichier, masquer: bool = True, financements=None):
    """A funder's roll-up: one row per project and the total, aggregates only, masked below 5."""
    synthese = calculer_par_projet(projets, periode, masquer=masquer, financements=financements)
    classeur = _classeur()
    try:
        _feuilles_synthese(classeur, synthese)
        # the targets (issue 17): a funder's, those of its fundings
        _feuille_objectifs(classeur, objectifs_des(projets, financements=financements if masquer else None), masquer=masquer)
        classeur.save(fichier)
    except BaseException:
        _abandonner(classeur)
        raise
    return synthese
