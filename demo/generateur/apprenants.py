"""Training sessions, learners, their obstacles, paths, steps and outcomes, and the value shared with the OF."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from conciergerie.models import ActionAcces, JournalAcces
from demo import referentiel as R
from finances.models import ModePartage, PartageValeur
from parcours.models import (
    Apprenant,
    Etape,
    Frein,
    Modalite,
    Parcours,
    SessionFormation,
    Sexe,
    Situation,
    Sortie,
    StatutEtape,
    StatutParcours,
    StatutSecu,
    TypeSortie,
)

from .base import CERTIFIANTS, DUREES, FORMATIONS, HEURES, RS, SESSIONS_TYPES, TE, Plan, Tirage, _ascii, _euros, _horodatage

#: openings of a learner's file a year (the access log, conciergerie.JournalAcces)
VUES_PAR_AN = 10


#: « Autre » spread over the statuses of issue 17, without a draw (the data of a seed stay the same)
STATUTS_AUTRES = (
    Situation.AUTRE,
    Situation.SERVICE_CIVIQUE,
    Situation.BENEVOLE_ASSOCIATIF,
    Situation.CHEF_ENTREPRISE,
    Situation.INDEPENDANT,
    Situation.AGENT_PUBLIC,
    Situation.ELU,
)


def _statut(tire: str, j: int) -> str:
    return STATUTS_AUTRES[j % len(STATUTS_AUTRES)] if tire == Situation.AUTRE else tire


def _sexe(j: int, projet: int) -> str:
    """About 52 % of women, 4 % not given, without a draw."""
    rang = (j * 7 + projet) % 25
    return Sexe.NON_RENSEIGNE if rang == 0 else Sexe.FEMME if rang <= 13 else Sexe.HOMME


class ApprenantsMixin:
    """The sessions and the learners' paths (``Generateur`` mixes it in)."""

    # -- sessions ------------------------------------------------------------------------------
    def _sessions(self, plan: Plan) -> None:
        rng = self.rng
        for o in plan.ofs + plan.ofs_autres:
            for type_ in rng.sample(SESSIONS_TYPES, 2):
                jour = plan.debut + timedelta(days=rng.randint(0, 120))
                while jour <= self.au + timedelta(days=150):
                    metier, code = rng.choice(R.METIERS)
                    intitule = metier if type_ == TE.FORMATION_CERTIFIANTE else rng.choice(R.PRE_QUALIFICATIONS)
                    if type_ == TE.FORMATION_DISTRIBUEE:
                        intitule = f"{metier} (à distance)"
                    pmin = rng.randint(4, 8)
                    pmax = rng.randint(max(pmin, 12), 20)
                    lo, hi = DUREES[type_]
                    plan.sessions[(id(o), type_)].append(
                        SessionFormation(
                            projet=plan.projet,
                            organisation=o,
                            intitule=intitule,
                            code_rncp=code if type_ in CERTIFIANTS or rng.random() < 0.2 else "",
                            date_debut=jour,
                            date_fin=jour + timedelta(days=rng.randint(lo, hi)),
                            places_min=pmin,
                            places_max=pmax,
                            places_conciergerie=rng.randint(0, min(6, pmax)),
                            modalite=Modalite.DISTANCIEL
                            if type_ == TE.FORMATION_DISTRIBUEE
                            else rng.choice([Modalite.HYBRIDE, Modalite.PRESENTIEL]),
                        )
                    )
                    jour += timedelta(days=rng.randint(120, 240))

    def _session_pour(self, plan: Plan, organisation, type_, depuis: date):
        """A session of this OF and type starting around ``depuis`` (80 %), or None."""
        cle = (id(organisation), TE.FORMATION_CERTIFIANTE if type_ == TE.FORMATION_DIPLOMANTE else type_)
        for s in plan.sessions.get(cle, ()):
            if depuis <= s.date_debut <= depuis + timedelta(days=90):
                return s if self.rng.random() < 0.8 else None
        return None

    # -- learners and their paths ----------------------------------------------------------------
    def _apprenants(self, groupe: list[Plan]) -> None:
        rng, au = self.rng, self.au
        apprenants, plans_parcours, freins = [], [], []
        age = Tirage([((16, 25), 35), ((26, 44), 40), ((45, 54), 15), ((55, 64), 10)])
        niveau = Tirage([("infra3", 33), ("3", 30), ("4", 20), ("5", 8), ("6", 3), ("7", 1), ("", 5)])
        secu = Tirage([(StatutSecu.DEFINITIF, 85), (StatutSecu.PROVISOIRE, 8), (StatutSecu.AUCUN, 7)])
        situation_jeune = Tirage([(Situation.NEET, 45), (Situation.DEMANDEUR_EMPLOI, 35), (Situation.SALARIE, 5), (Situation.AUTRE, 15)])
        situation = Tirage([(Situation.DEMANDEUR_EMPLOI, 60), (Situation.RSA, 22), (Situation.SALARIE, 7), (Situation.AUTRE, 11)])
        for plan in groupe:
            n = plan.n_apprenants
            if not n:
                continue
            qpv = set(rng.sample(range(n), round(plan.taux_qpv * n)))
            hors_qpv = [j for j in range(n) if j not in qpv]
            rng.shuffle(hors_qpv)
            nb_zrr = round(plan.taux_zrr * n)
            zrr = set(hors_qpv[:nb_zrr])
            if nb_zrr > len(zrr):
                zrr |= set(rng.sample(sorted(qpv), nb_zrr - len(zrr)))
            prescripteur = Tirage(plan.prescripteurs)
            fin_entrees = min(au, plan.fin) - timedelta(days=7)
            etendue = max(0, (fin_entrees - plan.debut).days)
            for j in range(n):
                entree = plan.debut + timedelta(days=rng.randint(0, etendue))
                lo, hi = age(rng)
                naissance = entree - timedelta(days=rng.randint(lo * 365 + 1, hi * 365 + 300)) if rng.random() < 0.97 else None
                jeune = naissance is not None and (entree - naissance).days < 26 * 365
                prenom, nom = rng.choice(R.PRENOMS), rng.choice(R.NOMS)
                presc = prescripteur(rng)
                contacts = plan.contacts.get(id(presc)) if presc else None
                tirage = rng.random()
                consent = tirage < 0.3
                # the scope from the same draw (no other draw: the generated data stay those of a seed)
                portee = "" if not consent else "interne" if tirage < 0.06 else "public" if tirage >= 0.27 else "copil"
                a = Apprenant(
                    projet=plan.projet,
                    reference=f"A{plan.index:03d}-{j + 1:05d}",
                    prenom=prenom,
                    nom=nom,
                    date_naissance=naissance,
                    commune=rng.choice(plan.communes)[0],
                    email=f"{_ascii(prenom)}.{_ascii(nom)}{j}@exemple.test" if rng.random() < 0.7 else "",
                    telephone=f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    qpv=j in qpv,
                    zrr=j in zrr,
                    situation_entree=_statut((situation_jeune if jeune else situation)(rng), j),
                    sexe=_sexe(j, plan.index),
                    niveau_qualification=niveau(rng),
                    date_entree=entree,
                    prescripteur=presc,
                    prescripteur_contact=rng.choice(contacts) if contacts and rng.random() < 0.5 else None,
                    statut_secu=secu(rng),
                    rqth=rng.random() < 0.08,
                    consentement_portee=portee,
                    consentement_date=entree + timedelta(days=rng.randint(0, 14)) if consent else None,
                    cree_le=_horodatage(entree, rng),
                )
                a._history_user = plan.coord
                a._history_date = a.cree_le
                apprenants.append(a)
                if consent:
                    plan.consentants.append(a)
                plans_parcours.append((plan, a, self._plan_parcours(plan, entree)))
                for _ in range(rng.choices((0, 1, 2, 3, 4), (20, 30, 30, 15, 5))[0]):
                    identifie = min(au, entree + timedelta(days=rng.randint(0, 30)))
                    leve_le = identifie + timedelta(days=rng.randint(7, 200)) if rng.random() < 0.55 else None
                    if leve_le and leve_le > au:
                        leve_le = None
                    fr = Frein(
                        projet=plan.projet,
                        apprenant=a,
                        type=self.frein(rng),
                        commentaire=rng.choice(["", "", "Signalé par le prescripteur", "Vu lors du diagnostic"]),
                        identifie_le=identifie,
                        leve=leve_le is not None,
                        leve_le=leve_le,
                    )
                    fr._history_user, fr._history_date = plan.coord, _horodatage(leve_le or identifie, rng)
                    freins.append(fr)
        self._creer(Apprenant, apprenants, historique=True)
        for fr in freins:
            fr.apprenant_id = fr.apprenant.pk
        self._creer(Frein, freins, historique=True)

        parcours, etapes, sorties, partages = [], [], [], []
        for plan, a, liste in plans_parcours:
            for p, etapes_p, sorties_p in liste:
                p.apprenant = a
                parcours.append(p)
                etapes.extend((p, e) for e in etapes_p)
                sorties.extend((p, s) for s in sorties_p)
                for e in etapes_p:
                    if e.session is not None and e.statut != StatutEtape.ABANDONNEE and rng.random() < 0.05:
                        partages.append(self._partage_apprenant(plan, e, a))
        self._creer(Parcours, parcours, historique=True)
        for p, e in etapes:
            e.parcours = p
        for p, s in sorties:
            s.parcours = p
        self._creer(Etape, [e for _, e in etapes], historique=True)
        self._creer(Sortie, [s for _, s in sorties], historique=True)
        for plan in groupe:
            for liste in plan.sessions.values():
                for s in liste:
                    if plan.places[id(s)] and rng.random() < 0.5:
                        recu = rng.random() < 0.6 and s.date_debut <= au
                        partages.append(
                            PartageValeur(
                                projet=plan.projet,
                                organisation=s.organisation,
                                session=s,
                                mode=ModePartage.PAR_SESSION,
                                montant=_euros(rng.randint(300, 2500)),
                                recu=recu,
                                date_reception=min(au, s.date_debut + timedelta(days=rng.randint(10, 90))) if recu else None,
                            )
                        )
        for pv in partages:
            pv.apprenant_id = pv.apprenant.pk if pv.apprenant else None
        self._creer(PartageValeur, partages)
        # the collective sessions, their séances and attendance (seances.py)
        self._seances(
            groupe,
            [(plan, a, liste[-1][0], [e for _, etapes_p, _ in liste for e in etapes_p]) for plan, a, liste in plans_parcours if liste],
        )
        self._journal_acces([(plan, a) for plan, a, _ in plans_parcours])

    def _journal_acces(self, apprenants: list) -> None:
        """The access log of the last 12 months (older rows are purged): about
        ``VUES_PAR_AN`` openings of each learner's file a year, by the coordinator mostly."""
        rng, au = self.rng, self.au
        depuis = au - timedelta(days=365)
        lignes = []
        for plan, a in apprenants:
            debut = max(a.date_entree, depuis)
            if debut > au:
                continue
            jours = (au - debut).days
            for _ in range(round(VUES_PAR_AN * (jours + 1) / 365 * rng.uniform(0.5, 1.5))):
                u = plan.users["coord"] if rng.random() < 0.85 else plan.users["admin"]
                lignes.append(
                    JournalAcces(
                        projet=plan.projet,
                        user=u,
                        user_nom=f"{u.first_name} {u.last_name} ({u.username})",
                        action=ActionAcces.FICHE_APPRENANT,
                        objet_type="parcours.apprenant",
                        objet_id=a.pk,
                        objet_libelle=a.reference,
                        date=_horodatage(debut + timedelta(days=rng.randint(0, jours)), rng),
                    )
                )
        self._creer(JournalAcces, lignes)

    def _partage_apprenant(self, plan: Plan, etape: Etape, apprenant: Apprenant) -> PartageValeur:
        recu = self.rng.random() < 0.5 and etape.date_debut <= self.au
        return PartageValeur(
            projet=plan.projet,
            organisation=etape.organisation,
            session=etape.session,
            apprenant=apprenant,
            mode=ModePartage.PAR_APPRENANT,
            montant=_euros(self.rng.randint(100, 600)),
            recu=recu,
            date_reception=etape.date_debut if recu else None,
        )

    def _plan_parcours(self, plan: Plan, entree: date) -> list:
        """One to three paths of a learner: (Parcours, [Etape], [Sortie]), learner not set yet."""
        rng, au = self.rng, self.au
        resultat = []
        debut = min(au, entree + timedelta(days=rng.randint(0, 21)))
        while True:
            resultat.append(self._un_parcours(plan, debut))
            p = resultat[-1][0]
            if len(resultat) == 3 or p.statut != StatutParcours.CLOTURE or rng.random() >= 0.5:
                return resultat
            debut = p.date_fin + timedelta(days=rng.randint(30, 150))
            if debut > au - timedelta(days=10):
                return resultat

    def _un_parcours(self, plan: Plan, debut: date):
        rng, au = self.rng, self.au
        metier, code = rng.choice(R.METIERS)
        types = []
        if rng.random() < 0.95:
            types.append(TE.ACCUEIL_DIAGNOSTIC)
        for type_, proba in ((TE.REMOBILISATION, 0.45), (TE.ACCOMPAGNEMENT, 0.30), (TE.IMMERSION_PMSMP, 0.25)):
            if rng.random() < proba:
                types.append(type_)
        if rng.random() < 0.85:
            types.append(self.formation(rng))
            if rng.random() < 0.22:
                types.append(self.formation(rng))
        if rng.random() < 0.35 or not types:
            types.append(TE.ACCOMPAGNEMENT)

        # the steps, one after the other
        prevues = []
        curseur = debut
        for type_ in types:
            organisation, session = self._lieu(plan, type_, curseur)
            if session is not None:
                d, f = session.date_debut, session.date_fin
            else:
                lo, hi = DUREES[type_]
                d, f = curseur, curseur + timedelta(days=rng.randint(lo, hi))
            prevues.append((type_, organisation, session, d, f))
            curseur = f + timedelta(days=rng.randint(0, 15))
        fin_prevue = max(f for *_, f in prevues)

        tirage = rng.random()
        if fin_prevue <= au:
            statut = StatutParcours.CLOTURE if tirage < 0.88 else (StatutParcours.SUSPENDU if tirage < 0.95 else StatutParcours.EN_COURS)
        else:
            statut = StatutParcours.SUSPENDU if tirage < 0.03 else StatutParcours.EN_COURS
        date_fin = fin_prevue if statut == StatutParcours.CLOTURE else None
        parcours = Parcours(
            projet=plan.projet,
            intitule=metier,
            referent=plan.coord,
            date_debut=debut,
            date_fin=date_fin,
            statut=statut,
            suivi_6_mois_le=date_fin + relativedelta(months=6) if date_fin else None,
        )
        parcours._history_user, parcours._history_date = plan.coord, _horodatage(debut, rng)

        etapes = []
        for n, (type_, organisation, session, d, f) in enumerate(prevues):
            if f <= au:  # a long step is given up more often than a one-day diagnostic
                statut_e = StatutEtape.TERMINEE if rng.random() < (0.9 if (f - d).days > 14 else 0.98) else StatutEtape.ABANDONNEE
            elif d <= au:
                statut_e = StatutEtape.EN_COURS if rng.random() < 0.9 else StatutEtape.BLOQUEE
            else:
                statut_e = StatutEtape.PREVUE
            if statut == StatutParcours.SUSPENDU and n == len(prevues) - 1 and d <= au:
                statut_e = StatutEtape.BLOQUEE
            motif = ""
            if statut_e == StatutEtape.BLOQUEE:
                motif = rng.choice(R.MOTIFS_BLOCAGE)
            elif statut_e == StatutEtape.ABANDONNEE:
                motif = rng.choice(R.MOTIFS_ABANDON)
            lo, hi = HEURES[type_]
            prevu = Decimal(rng.randint(lo * 2, hi * 2)) / 2
            if statut_e == StatutEtape.TERMINEE:
                realise = (prevu * Decimal(rng.randint(85, 100)) / 100).quantize(Decimal("0.1"))
            elif statut_e in (StatutEtape.EN_COURS, StatutEtape.BLOQUEE, StatutEtape.ABANDONNEE):
                ecoule = min(1, (min(au, f) - d).days / max(1, (f - d).days))
                realise = (prevu * Decimal(str(round(ecoule, 2)))).quantize(Decimal("0.1"))
            else:
                realise = Decimal("0")
            if type_ == TE.FORMATION_DISTRIBUEE:
                modalite = Modalite.DISTANCIEL if rng.random() < 0.6 else Modalite.HYBRIDE
            else:
                modalite = Tirage([(Modalite.PRESENTIEL, 80), (Modalite.HYBRIDE, 15), (Modalite.DISTANCIEL, 5)])(rng)
            formation = type_ in dict(FORMATIONS)
            if session is not None:
                plan.places[id(session)] += statut_e != StatutEtape.ABANDONNEE
            e = Etape(
                projet=plan.projet,
                type=type_,
                intitule=(session.intitule if session else (metier if type_ in CERTIFIANTS else rng.choice(R.PRE_QUALIFICATIONS)))
                if formation
                else "",
                organisation=organisation,
                session=session,
                code_rncp=(session.code_rncp if session and session.code_rncp else code) if type_ in CERTIFIANTS else "",
                date_debut=d,
                date_fin=None if (type_ == TE.ACCOMPAGNEMENT and statut_e == StatutEtape.EN_COURS and rng.random() < 0.3) else f,
                heures_prevues=prevu,
                heures_realisees=realise,
                modalite=modalite,
                statut=statut_e,
                motif=motif,
                modifie_le=_horodatage(min(au, f if statut_e in (StatutEtape.TERMINEE, StatutEtape.ABANDONNEE) else d), rng),
            )
            e._history_user, e._history_date = plan.coord, _horodatage(min(au, d), rng)
            etapes.append(e)

        sorties = []
        if date_fin:
            abandon = etapes[-1].statut == StatutEtape.ABANDONNEE and rng.random() < 0.5
            s = Sortie(projet=plan.projet, type=TypeSortie.SORTIE, resultat=RS.ABANDON if abandon else self.sortie(rng), date=date_fin)
            s._history_user, s._history_date = plan.coord, _horodatage(date_fin, rng)
            sorties.append(s)
            suivi = parcours.suivi_6_mois_le
            if suivi <= au and rng.random() < 0.8:
                le = min(au, suivi + timedelta(days=rng.randint(0, 25)))
                s = Sortie(projet=plan.projet, type=TypeSortie.SUIVI_6_MOIS, resultat=self.suivi(rng), date=le)
                s._history_user, s._history_date = plan.coord, _horodatage(le, rng)
                sorties.append(s)
        return parcours, etapes, sorties

    def _lieu(self, plan: Plan, type_, depuis: date):
        """Where a step takes place (and the OF's session, for a training)."""
        rng = self.rng
        if type_ == TE.ACCUEIL_DIAGNOSTIC:
            return plan.chef, None
        if type_ in (TE.REMOBILISATION, TE.ACCOMPAGNEMENT):
            return (plan.chef if rng.random() < 0.7 else rng.choice(plan.accompagnants)), None
        if (
            type_ in (TE.IMMERSION_PMSMP, TE.ALTERNANCE, TE.AFEST)
            and plan.entreprises
            and (type_ == TE.IMMERSION_PMSMP or rng.random() < 0.5)
        ):
            return rng.choice(plan.entreprises), None
        organisme = rng.choice(plan.ofs) if not plan.ofs_autres or rng.random() < 0.75 else rng.choice(plan.ofs_autres)
        return organisme, self._session_pour(plan, organisme, type_, depuis)
