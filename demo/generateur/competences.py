"""Competences at the programme's size (issue 18): per project one co-built framework (3 blocs, 8
competences); a third of the learners evaluated twice (entry, then intermediate or exit) on the 8
competences, their levels rising on average; AFEST steps with their components, about 60 %
complete. A random source of its own (from the seed): the rest of the dataset stays that of the seed."""

from __future__ import annotations

import random
from datetime import timedelta

from competences.models import (
    Bloc,
    Competence,
    ComposanteAfest,
    Evaluation,
    MomentEvaluation,
    NiveauEvaluation,
    QualiteEvaluateur,
    Referentiel,
    TypeComposante,
)
from parcours.models import Apprenant, Etape, TypeEtape

from .base import Plan, _a_neuf_heures

BLOCS = [
    (
        "B1",
        "Communiquer en situation professionnelle",
        ["S'exprimer à l'oral avec un client", "Rendre compte de son travail", "Lire une consigne écrite"],
    ),
    (
        "B2",
        "Organiser son activité",
        ["Respecter les horaires et les délais", "Appliquer les règles de sécurité", "Ranger et entretenir son poste"],
    ),
    ("B3", "Réaliser les gestes du métier", ["Utiliser les outils du métier", "Contrôler la qualité de son travail"]),
]
COMPOSANTES = [TypeComposante.ANALYSE, TypeComposante.MISE_EN_SITUATION, TypeComposante.PHASE_REFLEXIVE]


class CompetencesMixin:
    """Frameworks, evaluations and AFEST traces (``Generateur`` mixes it in)."""

    def _competences(self, groupe: list[Plan]) -> None:
        rng = random.Random(f"{self.taille.graine}-competences-{groupe[0].index}")
        au = self.au
        referentiels, blocs, competences = [], [], []
        par_projet = {}
        for plan in groupe:
            r = Referentiel(
                projet=plan.projet,
                nom="Compétences transversales et métier",
                description="Co-construit avec les employeurs du consortium.",
                cree_le=_a_neuf_heures(plan.debut),
            )
            referentiels.append(r)
            par_projet[plan.projet.pk] = (r, [])
        self._creer(Referentiel, referentiels)
        for r in referentiels:
            for ordre, (code, libelle, _libelles) in enumerate(BLOCS, start=1):
                blocs.append(Bloc(referentiel_id=r.pk, code=code, libelle=libelle, ordre=ordre))
        self._creer(Bloc, blocs)
        for i, b in enumerate(blocs):
            r = referentiels[i // len(BLOCS)]
            for ordre, libelle in enumerate(BLOCS[i % len(BLOCS)][2], start=1):
                c = Competence(
                    bloc_id=b.pk, code=f"{b.code}.{ordre}", libelle=libelle, criteres="Réalise seul\nExplique ce qu'il fait", ordre=ordre
                )
                competences.append(c)
                par_projet[r.projet_id][1].append(c)
        self._creer(Competence, competences)

        projets = [plan.projet.pk for plan in groupe]
        evaluations, niveaux = [], []
        apprenants = Apprenant.objects.filter(projet_id__in=projets).order_by("pk").values_list("pk", "projet_id", "date_entree")
        for pk, projet_id, entree in apprenants:
            if entree > au - timedelta(days=30) or rng.random() >= 1 / 3:
                continue
            r, comps = par_projet[projet_id]
            depart = [rng.randint(1, 3) for _ in comps]
            premiere = entree + timedelta(days=rng.randint(0, 14))
            seconde = min(au, premiere + timedelta(days=rng.randint(30, 240)))
            sortie = seconde < au - timedelta(days=30)
            for date_, moment, gain in (
                (premiere, MomentEvaluation.ENTREE, 0),
                (seconde, MomentEvaluation.SORTIE if sortie else MomentEvaluation.INTERMEDIAIRE, 1),
            ):
                e = Evaluation(
                    projet_id=projet_id,
                    apprenant_id=pk,
                    referentiel=r,
                    date=date_,
                    moment=moment,
                    evaluateur_qualite=QualiteEvaluateur.COORDINATEUR if not gain else rng.choice(QualiteEvaluateur.values),
                )
                evaluations.append(e)
                niveaux.append((e, [(c, min(4, d + gain * rng.choice((0, 1, 1, 2)))) for c, d in zip(comps, depart, strict=True)]))
        for e in evaluations:
            e.referentiel_id = e.referentiel.pk
        self._creer(Evaluation, evaluations)
        self._creer(
            NiveauEvaluation,
            [NiveauEvaluation(evaluation_id=e.pk, competence_id=c.pk, niveau=n) for e, liste in niveaux for c, n in liste],
        )

        composantes = []
        for etape_id, projet_id, debut, fin in (
            Etape.objects.filter(projet_id__in=projets, type=TypeEtape.AFEST, date_debut__lte=au)
            .order_by("pk")
            .values_list("pk", "projet_id", "date_debut", "date_fin")
        ):
            fin = min(au, fin or au)
            nombre = 3 if rng.random() < 0.6 else rng.randint(0, 2)
            for type_ in COMPOSANTES[:nombre]:
                jour = debut + timedelta(days=rng.randint(0, max(0, (fin - debut).days)))
                composantes.append(
                    ComposanteAfest(
                        projet_id=projet_id,
                        etape_id=etape_id,
                        type=type_,
                        date=jour,
                        cree_le=_a_neuf_heures(jour),
                        intervenant="Tuteur de l'entreprise" if type_ != TypeComposante.PHASE_REFLEXIVE else "Formateur",
                        contenu="Trace de l'AFEST." if type_ != TypeComposante.MISE_EN_SITUATION else "",
                    )
                )
        self._creer(ComposanteAfest, composantes)
