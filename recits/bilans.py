"""Excel bilans, written in streaming mode (openpyxl write-only): memory stays flat whatever
the number of rows, rows are read from the database in chunks (``iterator``), in a constant number
of queries.

- ``ecrire_bilan_projet``: the bilan of one project for a period, nine sheets; learners are
  pseudonymised (their stable reference, no name, contact, birth date, RQTH nor free text written
  about them) unless ``donnees_personnelles`` (an administrator's request, recorded by its job row).
- ``ecrire_bilan_synthese``: the roll-up for a funder: aggregates only, one row per project,
  masked below 5 people.
- ``demander_bilan`` / ``relancer_bilan`` / ``generer_bilan``: the project bilan as a background
  job (``BilanExcel``), through the job mechanism the COPIL report uses (``recits.jobs``).

Every figure of the *Synthèse* sheet comes from ``recits.indicateurs`` (the dashboard's numbers).
Every text cell that starts with ``= + - @``, a tab or a carriage return is written as text
(type ``s``, with Excel's quote prefix), never as a formula.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from conciergerie.models import Projet
from conciergerie.roles import peut
from conciergerie.scoping import adhesion_for
from finances.models import Depense, LigneBudget, PartageValeur, TempsBenevole
from finances.selectors import Synthese as SyntheseFinanciere
from finances.selectors import valorisation
from parcours.models import RESULTATS_POSITIFS, Apprenant, Etape, SessionFormation, Sortie, TypeSortie
from partenaires.models import MembreConsortium, Organisation

from . import jobs
from .indicateurs import Effectif, Indicateurs, Periode, Taux, calculer, calculer_par_projet
from .models import BilanExcel

LOT = 2000  # rows read from the database at a time
DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
TEXTE_MAX = 32767  # Excel's limit for one cell
TYPE_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# cell kinds -> named style
TEXTE, ENTIER, NOMBRE, EUROS, POURCENT, DATE, ENTETE = "texte", "entier", "nombre", "euros", "pourcent", "date", "entete"


def _styles() -> list[NamedStyle]:
    styles = []
    for nom, format_ in (
        (TEXTE, "@"),
        (ENTIER, "#,##0"),
        (NOMBRE, "#,##0.0#"),
        (EUROS, '#,##0.00\\ "€"'),
        (POURCENT, '0.0\\ "%"'),
        (DATE, "DD/MM/YYYY"),
    ):
        style = NamedStyle(name=f"bilan_{nom}")
        style.number_format = format_
        styles.append(style)
    entete = NamedStyle(name=f"bilan_{ENTETE}")
    entete.font = Font(bold=True, color="FFFFFF")
    entete.fill = PatternFill("solid", fgColor="2F6F8F")
    entete.alignment = Alignment(wrap_text=True, vertical="top")
    styles.append(entete)
    return styles


@dataclass(frozen=True)
class Colonne:
    titre: str
    type: str = TEXTE
    largeur: int = 16


class Feuille:
    """One sheet: a header row (frozen, with filters), then typed rows."""

    def __init__(self, classeur: Workbook, titre: str, colonnes: list[Colonne]):
        self.ws = classeur.create_sheet(titre)
        self.colonnes = colonnes
        for i, colonne in enumerate(colonnes, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = colonne.largeur
        self.ws.freeze_panes = "A2"
        self.lignes = 0
        self.ws.append([self._cellule(c.titre, ENTETE) for c in colonnes])

    def _cellule(self, valeur, type_: str):
        cellule = WriteOnlyCell(self.ws, value=_valeur(valeur))
        if cellule.value is not None:
            cellule.style = f"bilan_{type_}"
        if isinstance(cellule.value, str) and cellule.value.startswith(DEBUTS_DANGEREUX):
            cellule.data_type = "s"  # text, never a formula
            cellule.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cellule

    def ajouter(self, valeurs: Iterable, types: Iterable[str] | None = None) -> None:
        """One row; ``types`` overrides the columns' cell types (a sheet of mixed figures)."""
        types = types or [c.type for c in self.colonnes]
        self.ws.append([self._cellule(v, t) for v, t in zip(valeurs, types, strict=True)])
        self.lignes += 1

    def fermer(self) -> None:
        """The filters cover the header and every row written."""
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.colonnes))}{self.lignes + 1}"


def _valeur(valeur):
    """Python values as Excel wants them: masked figures as text, rates and counts as numbers."""
    if isinstance(valeur, Effectif):
        return str(valeur) if valeur.masque else valeur.valeur
    if isinstance(valeur, Taux):
        return str(valeur) if valeur.masque else (float(valeur.valeur) if valeur.valeur is not None else None)
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return valeur.replace(tzinfo=None)
    if isinstance(valeur, Promise):
        valeur = str(valeur)
    if isinstance(valeur, str):
        # characters XML forbids would make the file unreadable; an empty text is an empty cell
        valeur = ILLEGAL_CHARACTERS_RE.sub("", valeur)[:TEXTE_MAX]
        return valeur or None
    return valeur


def _classeur() -> Workbook:
    classeur = Workbook(write_only=True)
    for style in _styles():
        classeur.add_named_style(style)
    return classeur


def _abandonner(classeur: Workbook) -> None:
    """After a failure: close each streamed sheet and delete its temporary file now (openpyxl
    would only delete them when the process exits, and they may hold personal data)."""
    for ws in classeur.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        for fermer in (getattr(ws._rows, "close", None), writer.close, writer.cleanup):
            if fermer is None:
                continue
            with contextlib.suppress(OSError, ValueError, RuntimeError, StopIteration):  # already closed or removed
                fermer()


# ------------------------------------------------------------------ the Synthèse sheet


def _lignes_synthese(i: Indicateurs) -> list[tuple[str, str, object, str]]:
    """(rubrique, indicateur, valeur, type): the dashboard's figures, in its order."""
    a, p, e, s = i.apprenants, i.profil, i.etapes, i.sorties
    t = i.finances.totaux
    lignes = [
        ("Période", "Début", i.periode.debut, DATE),
        ("Période", "Fin", i.periode.fin, DATE),
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
    lignes += [("Âge à la fin de la période", li.libelle, li.effectif, ENTIER) for li in p.tranches_age]
    lignes += [("Étapes par type", li.libelle, li.effectif, ENTIER) for li in e.par_type]
    lignes += [
        ("Étapes et formations", "Étapes", e.total, ENTIER),
        ("Étapes et formations", "Formations", e.formations, ENTIER),
        ("Étapes et formations", "Part certifiante ou diplômante (%)", e.part_certifiante, POURCENT),
        ("Étapes et formations", "Part pré-qualifiante (%)", e.part_pre_qualifiante, POURCENT),
        ("Étapes et formations", "Heures prévues", e.heures_prevues, NOMBRE),
        ("Étapes et formations", "Heures réalisées", e.heures_realisees, NOMBRE),
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
        ("Bénévolat", "Heures valorisées", i.benevolat.heures_valorisees, NOMBRE),
        ("Bénévolat", "Heures données en plus", i.benevolat.heures_donnees, NOMBRE),
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


# ------------------------------------------------------------------ the project bilan


def _par_lots(queryset) -> Iterable:
    return queryset.iterator(chunk_size=LOT)


def _age(naissance: date | None, au: date) -> int | None:
    if naissance is None:
        return None
    return au.year - naissance.year - ((au.month, au.day) < (naissance.month, naissance.day))


def _feuille_apprenants(classeur, projet, periode: Periode, personnelles: bool) -> None:
    colonnes = [Colonne("Référence", largeur=14)]
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
    lignes = (
        Apprenant.objects.of_projet(projet)
        .filter(date_entree__lte=periode.fin)
        .order_by("reference")
        .values_list(
            *champs,
            "date_naissance",
            "qpv",
            "zrr",
            "situation_entree",
            "niveau_qualification",
            "prescripteur__nom",
            "date_entree",
            "statut_secu",
        )
    )
    for row in _par_lots(lignes):
        propres = list(row[: len(champs)])
        naissance, qpv, zrr, situation, niveau, prescripteur, entree, statut = row[len(champs) :]
        feuille.ajouter(
            [
                *propres,
                _age(naissance, entree),
                qpv,
                zrr,
                situations.get(situation, ""),
                niveaux.get(niveau, ""),
                prescripteur,
                entree,
                secu.get(statut),
            ]
        )
    feuille.fermer()


def _feuille_etapes(classeur, projet, periode: Periode, personnelles: bool) -> None:
    colonnes = [
        Colonne("Apprenant (référence)", largeur=14),
        Colonne("Objectif du parcours", largeur=30),
        Colonne("Statut du parcours", largeur=14),
        Colonne("Type d'étape", largeur=24),
        Colonne("Intitulé", largeur=30),
        Colonne("Organisation", largeur=26),
        Colonne("Code RNCP/RS", largeur=12),
        Colonne("Début", DATE, 12),
        Colonne("Fin", DATE, 12),
        Colonne("Heures prévues", NOMBRE, 10),
        Colonne("Heures réalisées", NOMBRE, 10),
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
    statuts_parcours = dict(Etape._meta.get_field("parcours").related_model._meta.get_field("statut").choices)
    lignes = (
        Etape.objects.of_projet(projet)
        .filter(Q(date_debut__lte=periode.fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=periode.debut)))
        .order_by("parcours__apprenant__reference", "parcours_id", "date_debut", "pk")
        .values_list(*champs)
    )
    for ref, parcours, statut_parcours, type_, intitule, org, code, debut, fin, hp, hr, modalite, statut, *motif in _par_lots(lignes):
        feuille.ajouter(
            (
                ref,
                parcours,
                statuts_parcours.get(statut_parcours),
                choix["type"].get(type_),
                intitule,
                org,
                code,
                debut,
                fin,
                hp,
                hr,
                choix["modalite"].get(modalite),
                choix["statut"].get(statut),
                *motif,
            )
        )
    feuille.fermer()


def _feuille_sorties(classeur, projet, periode: Periode) -> None:
    feuille = Feuille(
        classeur,
        "Sorties et suivis à 6 mois",
        [
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
    lignes = (
        Sortie.objects.of_projet(projet)
        .filter(date__range=(periode.debut, periode.fin))
        .order_by("date", "pk")
        .values_list("parcours__apprenant__reference", "parcours__intitule", "type", "resultat", "date", "parcours__suivi_6_mois_le")
    )
    for ref, parcours, moment, resultat, le, suivi in _par_lots(lignes):
        prevu = suivi if moment == TypeSortie.SORTIE else None
        feuille.ajouter((ref, parcours, moments.get(moment), resultats.get(resultat), resultat in RESULTATS_POSITIFS, le, prevu))
    feuille.fermer()


def _feuille_partenaires(classeur, projet) -> None:
    feuille = Feuille(
        classeur,
        "Partenaires",
        [
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
    membres = dict(MembreConsortium.objects.of_projet(projet).values_list("organisation_id", "role"))
    lignes = (
        Organisation.objects.of_projet(projet)
        .order_by("nom", "pk")
        .values_list("pk", "nom", "type", "commune", "siret", "qualiopi_statut", "qualiopi_expiration", "nda")
    )
    for pk, nom, type_, commune, siret, statut, expiration, nda in _par_lots(lignes):
        role = roles.get(membres[pk]) if pk in membres else "hors consortium"
        feuille.ajouter((nom, types.get(type_), commune, siret, role, qualiopi.get(statut, ""), expiration, nda))
    feuille.fermer()


def _feuille_financements(classeur, syntheses: list[SyntheseFinanciere]) -> None:
    feuille = Feuille(
        classeur,
        "Financements et budget",
        [
            Colonne("Financement", largeur=30),
            Colonne("Financeur", largeur=26),
            Colonne("Programme", largeur=14),
            Colonne("Accordé", EUROS, 14),
            Colonne("Catégorie", largeur=18),
            Colonne("Prévu", EUROS, 14),
            Colonne("Dépensé", EUROS, 14),
            Colonne("Reste", EUROS, 14),
            Colonne("Consommé (%)", POURCENT, 12),
        ],
    )
    for s in syntheses:
        f = s.financement
        for c in s.categories:
            feuille.ajouter((f.intitule, f.financeur.nom, f.programme, f.montant_accorde, c.libelle, c.prevu, c.depense, c.ecart, c.taux))
    feuille.fermer()


def _feuille_depenses(classeur, financements: list) -> None:
    feuille = Feuille(
        classeur,
        "Dépenses",
        [
            Colonne("Date", DATE, 12),
            Colonne("Financement", largeur=30),
            Colonne("Catégorie", largeur=18),
            Colonne("Ligne de budget", largeur=24),
            Colonne("Libellé", largeur=34),
            Colonne("Montant", EUROS, 14),
            Colonne("Justificatif", largeur=10),
        ],
    )
    categories = dict(LigneBudget._meta.get_field("categorie").choices)
    lignes = (
        Depense.objects.filter(ligne__financement__in=financements)
        .order_by("date", "pk")
        .values_list("date", "ligne__financement__intitule", "ligne__categorie", "ligne__libelle", "libelle", "montant", "justificatif")
    )
    for le, financement, categorie, ligne, libelle, montant, justificatif in _par_lots(lignes):
        feuille.ajouter((le, financement, categories.get(categorie), ligne, libelle, montant, bool(justificatif)))
    feuille.fermer()


def _feuille_benevolat(classeur, projet, periode: Periode, syntheses: list[SyntheseFinanciere], personnelles: bool) -> None:
    colonnes = [Colonne("Date", DATE, 12)]
    if personnelles:
        colonnes.append(Colonne("Bénévole", largeur=22))
    colonnes += [
        Colonne("Organisation", largeur=24),
        Colonne("Activité", largeur=28),
        Colonne("Financement", largeur=28),
        Colonne("Heures", NOMBRE, 9),
        Colonne("Taux horaire", EUROS, 11),
        Colonne("Valorisation", EUROS, 13),
        Colonne("Valorisé", largeur=9),
    ]
    feuille = Feuille(classeur, "Bénévolat", colonnes)
    lignes = (
        TempsBenevole.objects.of_projet(projet)
        .filter(date__range=(periode.debut, periode.fin))
        .order_by("date", "pk")
        .values_list("date", "personne", "organisation__nom", "activite", "financement__intitule", "heures", "taux_horaire", "valorise")
    )
    for le, personne, organisation, activite, financement, heures, taux, valorise in _par_lots(lignes):
        debut = [le, personne] if personnelles else [le]
        feuille.ajouter((*debut, organisation, activite, financement, heures, taux, valorisation(heures, taux), valorise))
    feuille.fermer()
    # below the table (outside its filters): the cap of each funding, counted and beyond
    ws = feuille.ws
    ws.append([])
    ws.append([feuille._cellule(t, ENTETE) for t in ("Plafond par financement", "Plafond (%)", "Valorisé", "Compté", "Au-delà du plafond")])
    for s in syntheses:
        p = s.plafond
        ws.append(
            [
                feuille._cellule(s.financement.intitule, TEXTE),
                feuille._cellule(p.plafond, POURCENT),
                feuille._cellule(p.valorise, EUROS),
                feuille._cellule(p.compte, EUROS),
                feuille._cellule(p.au_dela, EUROS),
            ]
        )


def _feuille_sessions(classeur, projet, periode: Periode) -> None:
    feuille = Feuille(
        classeur,
        "Sessions et partage de valeur",
        [
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
    partages: dict = {}
    for session_id, montant, recu in PartageValeur.objects.of_projet(projet).values_list("session_id", "montant", "recu"):
        recu_, attendu = partages.get(session_id, (Decimal(0), Decimal(0)))
        partages[session_id] = (recu_ + montant, attendu) if recu else (recu_, attendu + montant)
    sessions = (
        SessionFormation.objects.of_projet(projet)
        .filter(date_debut__lte=periode.fin, date_fin__gte=periode.debut)
        .avec_placees()
        .order_by("date_debut", "pk")
        .values_list("pk", "organisation__nom", "intitule", "date_debut", "date_fin", "places_min", "places_max", "nb_placees")
    )
    for pk, organisation, intitule, debut, fin, pmin, pmax, placees in sessions:
        recu, attendu = partages.pop(pk, (Decimal(0), Decimal(0)))
        feuille.ajouter((organisation, intitule, debut, fin, pmin, pmax, placees, bool(placees) and placees >= pmin, recu, attendu))
    if None in partages:  # value shared per learner, outside any session
        recu, attendu = partages[None]
        feuille.ajouter(("", "Hors session (par apprenant)", None, None, None, None, None, None, recu, attendu))
    feuille.fermer()


def ecrire_bilan_projet(
    *, projet, periode: Periode, fichier, donnees_personnelles: bool = False, financements=None, progression: Callable | None = None
):
    """Write the project's bilan to ``fichier`` (a path or a binary file object).

    ``financements``: the fundings shown, read through ``visible_to`` by the caller (None: all
    the project's). ``progression(pourcent)`` is called after each sheet, from 10 to 90 (the
    job's progress bar).
    """
    avancer = progression or (lambda _pourcent: None)
    indicateurs = calculer([projet], periode, financements=financements)
    syntheses = indicateurs.finances.financements
    classeur = _classeur()
    etapes: list[Callable] = [
        lambda: _feuille_synthese(classeur, indicateurs),
        lambda: _feuille_apprenants(classeur, projet, periode, donnees_personnelles),
        lambda: _feuille_etapes(classeur, projet, periode, donnees_personnelles),
        lambda: _feuille_sorties(classeur, projet, periode),
        lambda: _feuille_partenaires(classeur, projet),
        lambda: _feuille_financements(classeur, syntheses),
        lambda: _feuille_depenses(classeur, [s.financement for s in syntheses]),
        lambda: _feuille_benevolat(classeur, projet, periode, syntheses, donnees_personnelles),
        lambda: _feuille_sessions(classeur, projet, periode),
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


# ------------------------------------------------------------------ the funder's roll-up


def ecrire_bilan_synthese(*, projets, periode: Periode, fichier, masquer: bool = True, financements=None):
    """A funder's roll-up: one row per project and the total, aggregates only, masked below 5."""
    synthese = calculer_par_projet(projets, periode, masquer=masquer, financements=financements)
    classeur = _classeur()
    try:
        _feuilles_synthese(classeur, synthese)
        classeur.save(fichier)
    except BaseException:
        _abandonner(classeur)
        raise
    return synthese


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


# ------------------------------------------------------------------ the project bilan as a job

PREFIXE_ERREUR = "Échec de la génération du bilan : "
MESSAGE_DONNEES_PERSONNELLES = "Seul un administrateur du projet peut exporter les données personnelles des apprenants."
MESSAGE_ROLE = "Votre rôle ne permet pas de générer le bilan de ce projet."


def peut_generer(role: str | None) -> bool:
    """A project bilan has one row per learner (pseudonymised): it needs the dashboard *and* the
    learners (administrateur, coordinateur)."""
    return peut(role, "tableau_de_bord.voir") and peut(role, "apprenants.voir")


def _mettre_en_file(bilan: BilanExcel) -> None:
    from .tasks import generer_bilan_excel  # the task module imports this one

    generer_bilan_excel.delay_on_commit(bilan.pk)


def demander_bilan(*, projet, periode: Periode, donnees_personnelles: bool = False, by) -> BilanExcel:
    """Create a bilan job and enqueue it after commit. The row is the record of the export (who,
    when, which period, with or without personal data). Refused (``PermissionDenied``, nothing
    created) unless ``by`` may generate it; personal data needs ``exports.donnees_personnelles``.
    The same request by the same person while the first is still waiting or running returns it."""
    adhesion = adhesion_for(by, projet)
    role = getattr(adhesion, "role", None)
    if not peut_generer(role):
        raise PermissionDenied(MESSAGE_ROLE)
    if donnees_personnelles and not peut(role, "exports.donnees_personnelles"):
        raise PermissionDenied(MESSAGE_DONNEES_PERSONNELLES)
    if periode.fin < periode.debut:
        raise ValidationError("La fin de la période doit suivre son début.")
    with transaction.atomic():
        # serialise two requests for the same project (a double click)
        Projet.objects.select_for_update().filter(pk=projet.pk).values_list("pk", flat=True).first()
        existant = (
            BilanExcel.objects.filter(
                projet=projet,
                periode_debut=periode.debut,
                periode_fin=periode.fin,
                donnees_personnelles=donnees_personnelles,
                demande_par=by,
                statut__in=jobs.EN_VOL,
            )
            .order_by("cree_le", "pk")
            .first()
        )
        if existant is not None:
            return existant
        bilan = BilanExcel.objects.create(
            projet=projet, periode_debut=periode.debut, periode_fin=periode.fin, donnees_personnelles=donnees_personnelles, demande_par=by
        )
        _mettre_en_file(bilan)
    return bilan


def relancer_bilan(*, bilan: BilanExcel, by) -> BilanExcel:
    """Put a failed (or lost) bilan back in the queue, on the same row. The row keeps who asked
    for it and when: it is the record of the export request."""
    role = getattr(adhesion_for(by, bilan.projet_id), "role", None)
    if not peut_generer(role):
        raise PermissionDenied(MESSAGE_ROLE)
    if bilan.donnees_personnelles and not peut(role, "exports.donnees_personnelles"):
        raise PermissionDenied(MESSAGE_DONNEES_PERSONNELLES)
    demandeur = bilan.demande_par
    return jobs.remettre_en_file(job=bilan, by=demandeur, mettre_en_file=_mettre_en_file)


def nom_fichier(bilan: BilanExcel) -> str:
    nom = slugify(bilan.projet.nom)[:40] or "projet"
    nominatif = "-nominatif" if bilan.donnees_personnelles else ""
    return f"bilan-{nom}-{bilan.periode_debut:%Y%m%d}-{bilan.periode_fin:%Y%m%d}{nominatif}-{bilan.pk}.xlsx"


def _produire(bilan: BilanExcel, avancer: jobs.Avancer) -> File:
    """The workbook, streamed to a temporary file on disk (deleted once stored or on failure)."""
    projet = Projet.objects.get(pk=bilan.projet_id)
    tampon = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (handed to the runner, which closes it)
    try:
        ecrire_bilan_projet(
            projet=projet,
            periode=Periode(bilan.periode_debut, bilan.periode_fin),
            fichier=tampon,
            donnees_personnelles=bilan.donnees_personnelles,
            progression=avancer,
        )
    except BaseException:
        tampon.close()
        raise
    return File(tampon, name="bilan.xlsx")


def generer_bilan(*, bilan_id: int) -> BilanExcel | None:
    """Generate the workbook of job ``bilan_id`` (``recits.jobs.executer``). Idempotent."""
    return jobs.executer(modele=BilanExcel, job_id=bilan_id, produire=_produire, nom_fichier=nom_fichier, prefixe_erreur=PREFIXE_ERREUR)
