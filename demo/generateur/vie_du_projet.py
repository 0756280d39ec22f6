"""The project's life: expenses, volunteer time, activities, récits, COPIL; and the marker of a run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model

from demo import referentiel as R
from finances.models import Depense, TempsBenevole
from parcours.models import PorteeConsentement
from recits.models import Activite, Copil, Recit, TypeActivite, TypeRecit

from .base import MARQUEUR, Plan, Tirage, _horodatage, _repartir


class VieDuProjetMixin:
    """What a project does besides its paths (``Generateur`` mixes it in)."""

    # -- the project's life: volunteering, expenses, activities, récits, COPIL ------------------
    def _vie_du_projet(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        temps, depenses, activites, recits, copils = [], [], [], [], []
        liens_act_org, liens_act_temps, liens_recit = [], [], []
        for plan in groupe:
            p = plan.projet
            jours = max(1, (min(au, plan.fin) - plan.debut).days)
            mois = jours / 30.4

            # expenses against the budget lines
            for ligne in plan.lignes:
                fin = ligne.financement
                if fin.date_debut > au:
                    continue
                ecoule = min(1.0, ((min(au, fin.date_fin) - fin.date_debut).days + 1) / ((fin.date_fin - fin.date_debut).days + 1))
                consomme = float(ligne.montant_prevu) * ecoule * rng.uniform(0.6, 1.15 if ligne.categorie != "ingenierie" else 1.4)
                nombre = max(1, round(ecoule * rng.randint(15, 45)))
                poids = [rng.uniform(0.5, 1.5) for _ in range(nombre)]
                montants = _repartir(round(consomme * 100), poids)
                fin_dep = min(au, fin.date_fin)
                for centimes in montants:
                    depenses.append(
                        Depense(
                            ligne=ligne,
                            date=fin.date_debut + timedelta(days=rng.randint(0, max(0, (fin_dep - fin.date_debut).days))),
                            libelle=f"{ligne.libelle} — {rng.choice(['facture', 'note de frais', 'salaire', 'bon de commande'])} n° {rng.randint(100, 9999)}",
                            montant=Decimal(centimes) / 100,
                        )
                    )

            # volunteer time: 2.5 entries per learner
            benevoles = [f"{rng.choice(R.PRENOMS)} {rng.choice(R.NOMS)}" for _ in range(rng.randint(15, 60))]
            membres = [o for o, _ in plan.membres]
            financements = [(plan.financements["deffinov"], 60), (plan.financements["region"], 25), (None, 15)]
            vers = Tirage(financements)
            intensite = min(6.0, max(0.3, rng.lognormvariate(0, 0.8)))  # a few projects far above the cap
            heures = [Decimal(h) for h in ("1", "1.5", "2", "2", "3", "3.5", "4", "4", "6", "7")]
            temps_p = []
            for _ in range(round(plan.n_apprenants * 2.5)):
                t = TempsBenevole(
                    projet=p,
                    financement=vers(rng),
                    date=plan.debut + timedelta(days=rng.randint(0, jours)),
                    personne=rng.choice(benevoles),
                    organisation=rng.choice(membres) if rng.random() < 0.7 else None,
                    activite=rng.choice(R.BENEVOLAT),
                    heures=(rng.choice(heures) * Decimal(str(round(intensite, 1)))).quantize(Decimal("0.01")),
                    taux_horaire=p.taux_horaire_benevolat if rng.random() < 0.9 else Decimal("20.00"),
                    valorise=rng.random() < 0.85,
                )
                temps_p.append(t)
            temps.extend(temps_p)

            # activities (≈ 1.5 a month), some with volunteer time logged against them
            activites_p = []
            type_act = Tirage(
                [
                    (TypeActivite.ATELIER, 45),
                    (TypeActivite.INFORMATION_COLLECTIVE, 20),
                    (TypeActivite.REUNION_PARTENAIRES, 15),
                    (TypeActivite.COMITE, 10),
                    (TypeActivite.EVENEMENT, 10),
                ]
            )
            for _ in range(max(1, round(mois * 1.5))):
                jour = plan.debut + timedelta(days=rng.randint(0, jours))
                a = Activite(
                    projet=p,
                    type=type_act(rng),
                    intitule=rng.choice(R.ACTIVITES),
                    date=jour,
                    lieu=f"{plan.chef.nom}, {plan.chef.commune}",
                    nb_participants=rng.randint(3, 40),
                    description="Animé par l'équipe de la conciergerie et ses partenaires." if rng.random() < 0.5 else "",
                )
                activites_p.append(a)
                liens_act_org.append((a, rng.sample(plan.orgs, k=min(len(plan.orgs), rng.randint(1, 3)))))
                liens_act_temps.append((a, [t for t in rng.sample(temps_p, k=min(len(temps_p), rng.randint(0, 4)))]))
            activites.extend(activites_p)

            # récits (≈ 0.8 a month), naming only learners who consented before
            type_recit = Tirage(
                [
                    (TypeRecit.TEMOIGNAGE, 30),
                    (TypeRecit.PORTRAIT, 20),
                    (TypeRecit.MOMENT_CLE, 20),
                    (TypeRecit.CARNET_DE_BORD, 20),
                    (TypeRecit.COMPTE_RENDU, 10),
                ]
            )
            for _ in range(max(1, round(mois * 0.8))):
                jour = plan.debut + timedelta(days=rng.randint(0, jours))
                quand = _horodatage(jour, rng)
                r = Recit(
                    projet=p,
                    titre=rng.choice(
                        ["Un parcours", "Une rencontre", "Le premier jour", "Un déclic", "Retour d'atelier", "Une session ouverte"]
                    ),
                    type=type_recit(rng),
                    texte="\n\n".join(rng.sample(R.TEXTES_RECITS, 3)),
                    date=jour,
                    auteur=plan.coord,
                    a_presenter_copil=rng.random() < 0.3,
                    cree_le=quand,
                    modifie_le=quand,
                )
                recits.append(r)
                # a récit to present at the COPIL names only learners whose consent covers the COPIL
                portee = PorteeConsentement.COPIL if r.a_presenter_copil else PorteeConsentement.INTERNE
                nommes = [
                    a
                    for a in rng.sample(plan.consentants, k=min(len(plan.consentants), 6))
                    if a.consentement_date <= jour and a.consent_a(portee)
                ][: rng.randint(0, 2)]
                avant = [a for a in activites_p if a.date <= jour]
                liens_recit.append(
                    (r, nommes, rng.sample(plan.orgs, k=rng.randint(0, 2)), [rng.choice(avant)] if avant and rng.random() < 0.4 else [])
                )

            # a COPIL every four months
            contacts = [c for liste in plan.contacts.values() for c in liste]
            precedent = plan.debut
            jour = plan.debut + relativedelta(months=4)
            while jour <= au + timedelta(days=60):
                c = Copil(
                    projet=p,
                    date=jour,
                    lieu=f"{plan.chef.nom}, {plan.chef.commune}",
                    periode_debut=precedent,
                    periode_fin=jour - timedelta(days=1),
                    ordre_du_jour="1. Bilan des parcours\n2. Finances et bénévolat\n3. Récits\n4. Prochaines étapes",
                    decisions="Poursuivre les ateliers ; relancer les organismes de formation." if jour <= au else "",
                    besoins="Solution de mobilité pour les apprenants éloignés." if rng.random() < 0.5 else "",
                    prochaines_etapes="Préparer la prochaine session." if jour <= au else "",
                )
                copils.append((c, rng.sample(contacts, k=min(len(contacts), rng.randint(3, 8)))))
                precedent, jour = jour, jour + relativedelta(months=4)

        self._creer(Depense, depenses)
        self._creer(TempsBenevole, temps)
        self._creer(Activite, activites)
        self._liens(Activite.organisations, [(a.pk, o.pk) for a, orgs in liens_act_org for o in orgs], ("activite_id", "organisation_id"))
        self._liens(Activite.temps_benevoles, [(a.pk, t.pk) for a, ts in liens_act_temps for t in ts], ("activite_id", "tempsbenevole_id"))
        self._creer(Recit, recits)
        self._liens(Recit.apprenants, [(r.pk, a.pk) for r, apps, _, _ in liens_recit for a in apps], ("recit_id", "apprenant_id"))
        self._liens(Recit.organisations, [(r.pk, o.pk) for r, _, orgs, _ in liens_recit for o in orgs], ("recit_id", "organisation_id"))
        self._liens(Recit.activites, [(r.pk, a.pk) for r, _, _, acts in liens_recit for a in acts], ("recit_id", "activite_id"))
        self._creer(Copil, [c for c, _ in copils])
        self._liens(Copil.participants, [(c.pk, ct.pk) for c, cts in copils for ct in cts], ("copil_id", "contact_id"))

    # -- the marker ----------------------------------------------------------------------------
    def _marqueur(self) -> None:
        User = get_user_model()
        user = User(
            username=MARQUEUR,
            first_name="Données générées",
            last_name=f"{self.taille.signature()};au={self.au.isoformat()}",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
