"""The row sheets about the money: *Financements et budget* (each funding shown, by budget
category), *Dépenses* (the expenses of those fundings) and *Bénévolat* (the volunteer time of
the period, then each funding's cap: valued, counted, beyond). The volunteer's name is written,
and read, only with ``personnelles``.
"""

from __future__ import annotations

from finances.models import Depense, LigneBudget, TempsBenevole
from finances.selectors import Synthese as SyntheseFinanciere
from finances.selectors import valorisation

from ..indicateurs import Periode
from .cellules import DATE, ENTETE, EUROS, HEURES, POURCENT, TEXTE, Colonne, Feuille
from .perimetre import Perimetre, _par_lots


def _feuille_financements(classeur, perimetre: Perimetre, syntheses: list[SyntheseFinanciere]) -> None:
    feuille = Feuille(
        classeur,
        "Financements et budget",
        [
            *perimetre.colonnes(),
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
    noms = perimetre.noms
    for s in syntheses:
        f = s.financement
        tete = (noms.get(f.projet_id),) if perimetre.plusieurs else ()
        for c in s.categories:
            feuille.ajouter(
                (*tete, f.intitule, f.financeur.nom, f.programme, f.montant_accorde, c.libelle, c.prevu, c.depense, c.ecart, c.taux)
            )
        if not s.categories:  # no budget line nor expense yet: the funding still has its row
            feuille.ajouter(
                (*tete, f.intitule, f.financeur.nom, f.programme, f.montant_accorde, "aucune ligne de budget", None, None, None, None)
            )
    feuille.fermer()


def _feuille_depenses(classeur, perimetre: Perimetre, financements: list) -> None:
    feuille = Feuille(
        classeur,
        "Dépenses",
        [
            *perimetre.colonnes(),
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
    lignes = Depense.objects.filter(ligne__financement__in=financements)
    champs = ("date", "ligne__financement__intitule", "ligne__categorie", "ligne__libelle", "libelle", "montant", "justificatif")
    if perimetre.plusieurs:
        chemin = "ligne__financement__projet"
        lignes = lignes.order_by(f"{chemin}__nom", chemin, "date", "pk").values_list(f"{chemin}__nom", *champs)
    else:
        lignes = lignes.order_by("date", "pk").values_list(*champs)
    k = int(perimetre.plusieurs)
    for row in _par_lots(lignes):
        le, financement, categorie, ligne, libelle, montant, justificatif = row[k:]
        feuille.ajouter((*row[:k], le, financement, categories.get(categorie), ligne, libelle, montant, bool(justificatif)))
    feuille.fermer()


def _feuille_benevolat(classeur, perimetre: Perimetre, periode: Periode, syntheses: list[SyntheseFinanciere], personnelles: bool) -> None:
    colonnes = [*perimetre.colonnes(), Colonne("Date", DATE, 12)]
    if personnelles:
        colonnes.append(Colonne("Bénévole", largeur=22))
    colonnes += [
        Colonne("Organisation", largeur=24),
        Colonne("Activité", largeur=28),
        Colonne("Financement", largeur=28),
        Colonne("Heures", HEURES, 9),
        Colonne("Taux horaire", EUROS, 11),
        Colonne("Valorisation", EUROS, 13),
        Colonne("Valorisé", largeur=9),
    ]
    feuille = Feuille(classeur, "Bénévolat", colonnes)
    champs = ["date", "personne", "organisation__nom", "activite", "financement__intitule", "heures", "taux_horaire", "valorise"]
    if not personnelles:
        champs.remove("personne")  # not even read
    lignes = perimetre.lignes(TempsBenevole.objects.filter(date__range=(periode.debut, periode.fin)), champs, ["date", "pk"])
    n = len(champs) - 3 + perimetre.plusieurs
    for row in lignes:
        heures, taux, valorise = row[n:]
        feuille.ajouter((*row[:n], heures, taux, valorisation(heures, taux), valorise))
    feuille.fermer()
    # below the table (outside its filters): the cap of each funding, counted and beyond
    ws = feuille.ws
    ws.append([])
    titres = ("Plafond par financement", "Plafond (%)", "Valorisé", "Compté", "Au-delà du plafond")
    if perimetre.plusieurs:
        titres = ("Projet", *titres)
    ws.append([feuille._cellule(t, ENTETE) for t in titres])
    noms = perimetre.noms
    for s in syntheses:
        p = s.plafond
        tete = [feuille._cellule(noms.get(s.financement.projet_id), TEXTE)] if perimetre.plusieurs else []
        ws.append(
            [
                *tete,
                feuille._cellule(s.financement.intitule, TEXTE),
                feuille._cellule(p.plafond, POURCENT),
                feuille._cellule(p.valorise, EUROS),
                feuille._cellule(p.compte, EUROS),
                feuille._cellule(p.au_dela, EUROS),
            ]
        )
