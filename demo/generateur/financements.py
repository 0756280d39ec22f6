"""Fundings, their budget lines and payments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from demo import referentiel as R
from finances.models import Financement, Indicateur, LigneBudget, Objectif, TypeVersement, Versement

from .base import Plan, _euros, _repartir


class FinancementsMixin:
    """The fundings of a project (``Generateur`` mixes it in)."""

    # -- finances ------------------------------------------------------------------------------
    def _finances(self, plan: Plan) -> None:
        rng, p = self.rng, plan.projet
        f = plan.financements
        f["deffinov"] = Financement(
            projet=p,
            financeur=plan.financeurs["deffinov"],
            programme="Deffinov",
            intitule="Deffinov — conciergerie de formation",
            montant_accorde=_euros(rng.randint(120, 350) * 1000),
            date_debut=plan.debut,
            date_fin=plan.fin,
            plafond_benevolat=Decimal("30.00"),
            plafond_ingenierie=Decimal("20.00"),
        )
        debut_region = plan.debut + timedelta(days=rng.randint(0, 180))
        f["region"] = Financement(
            projet=p,
            financeur=plan.financeurs["region"],
            programme="Région",
            intitule=f"Région {plan.region} — parcours vers l'emploi",
            montant_accorde=_euros(rng.randint(30, 120) * 1000),
            date_debut=debut_region,
            date_fin=debut_region + relativedelta(years=2),
            plafond_benevolat=Decimal("30.00") if rng.random() < 0.7 else None,
        )
        if "fondation" in plan.financeurs:
            debut_f = plan.debut + timedelta(days=rng.randint(60, 400))
            f["fondation"] = Financement(
                projet=p,
                financeur=plan.financeurs["fondation"],
                programme="Fondation",
                intitule=f"{plan.financeurs['fondation'].nom} — ingénierie",
                montant_accorde=_euros(rng.randint(20, 110) * 1000),
                date_debut=debut_f,
                date_fin=debut_f + relativedelta(years=rng.randint(1, 3)),
            )
        if rng.random() < 0.3:
            f["fse"] = Financement(
                projet=p,
                financeur=plan.financeurs["region"],
                programme="FSE+",
                intitule="FSE+ — inclusion",
                montant_accorde=_euros(rng.randint(50, 200) * 1000),
                date_debut=plan.debut + timedelta(days=90),
                date_fin=plan.fin,
                plafond_ingenierie=Decimal("15.00"),
            )

    def _objectifs(self, groupe: list[Plan]) -> list[Objectif]:
        """A target per project and per funding (issue 17), without a draw (the data of a seed
        stay the same): the programme's targets share one period, so that a roll-up reads their
        progress in one query per indicator (``pilotage.repartitions.progressions``)."""
        debut = self.au.replace(month=1, day=1) - relativedelta(years=2)
        echeance = debut + relativedelta(years=4)
        objectifs = []
        for plan in groupe:
            n = max(plan.n_apprenants, 1)
            cibles = {None: (Indicateur.ACCOMPAGNES, n)}
            par_financement = {
                "deffinov": (Indicateur.TAUX_SORTIES_POSITIVES, 60),
                "region": (Indicateur.FORMES, max(n // 2, 1)),
                "fondation": (Indicateur.RECRUTEMENTS, max(n // 10, 1)),
                "fse": (Indicateur.HEURES, n * 40),
            }
            for cle, financement in plan.financements.items():
                cibles[financement] = par_financement.get(cle, (Indicateur.ACCOMPAGNES, n))
            for financement, (indicateur, cible) in cibles.items():
                objectifs.append(
                    Objectif(
                        projet=plan.projet,
                        financement=financement,
                        indicateur=indicateur,
                        valeur_cible=Decimal(cible),
                        date_debut=debut,
                        date_echeance=echeance,
                    )
                )
        return objectifs

    def _lignes_et_versements(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        lignes, versements = [], []
        for plan in groupe:
            for cle, fin in plan.financements.items():
                categories = ["personnel"] + [
                    c
                    for c, p in (("frais_mission", 0.6), ("prestations", 0.6), ("fonctionnement", 0.7), ("investissement", 0.3))
                    if rng.random() < p
                ]
                if cle in ("deffinov", "fondation") or rng.random() < 0.3:
                    categories.append("ingenierie")
                poids = [rng.uniform(4, 6) if c == "personnel" else rng.uniform(0.5, 1.5) for c in categories]
                if "ingenierie" in categories:  # planned at or below the 20 % cap
                    poids[categories.index("ingenierie")] = sum(poids) * rng.uniform(0.1, 0.25)
                total = float(fin.montant_accorde)
                for categorie, part in zip(categories, _repartir(int(total), poids), strict=True):
                    ligne = LigneBudget(
                        financement=fin, categorie=categorie, libelle=rng.choice(R.LIGNES[categorie]), montant_prevu=_euros(part)
                    )
                    lignes.append(ligne)
                    plan.lignes.append(ligne)
                # payments: a first advance, sometimes a second, the balance after the end
                montant = fin.montant_accorde
                jalons = [(TypeVersement.ACOMPTE, Decimal("0.5"), fin.date_debut + timedelta(days=90))]
                if rng.random() < 0.4:
                    jalons.append((TypeVersement.ACOMPTE, Decimal("0.3"), fin.date_debut + (fin.date_fin - fin.date_debut) / 2))
                jalons.append((TypeVersement.SOLDE, 1 - sum(j[1] for j in jalons), fin.date_fin + timedelta(days=90)))
                for type_, part, limite in jalons:
                    demande = limite - timedelta(days=rng.randint(5, 60))
                    if demande > au or rng.random() < 0.1:
                        demande = None
                    recu = demande + timedelta(days=rng.randint(15, 75)) if demande else None
                    if recu and recu > au:
                        recu = None
                    versements.append(
                        Versement(
                            financement=fin,
                            type=type_,
                            montant=(montant * part).quantize(Decimal("0.01")),
                            date_limite_demande=limite,
                            date_demande=demande,
                            date_reception=recu,
                        )
                    )
        self._creer(LigneBudget, lignes)
        self._creer(Versement, versements)
