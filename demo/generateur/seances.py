"""Collective sessions, their séances and attendance (issue 17), at the programme's size.

Every learner takes part in 1 to 3 collective sessions of their project (a promotion of
remobilisation, an atelier, a collective formation-développement: one slot each), of 10 to 40
séances (half days of 3,5 h or full days of 7 h, two a week); the OF sessions already placed
(``apprenants.py``) get séances too. Learners are grouped in cohorts of 8 to 20 by the start
of their last path; each one's step in the session is created as ``ajouter_participants``
would (type from the session's nature, dates and planned hours from the session), and its
``heures_realisees`` is the sum of its attendance (as ``synchroniser_heures`` keeps it).
Attendance of past séances: 82 % present (one in eight of them part of the séance), 11 %
absent, 7 % excused; a future séance has none. A few million ``Presence`` rows for 60 000
learners, written by COPY on PostgreSQL (``_creer``).
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from parcours.models import Etape, NatureSession, Presence, Seance, SessionFormation, StatutEtape, TypeEtape
from parcours.models_seances import StatutPresence

from .base import Plan, Tirage, _horodatage

NATURES = (NatureSession.PROMOTION, NatureSession.ATELIER, NatureSession.FORMATION_DEVELOPPEMENT)
INTITULES = {
    NatureSession.PROMOTION: "Promotion remobilisation",
    NatureSession.ATELIER: "Ateliers numériques",
    NatureSession.FORMATION_DEVELOPPEMENT: "Formation-développement collective",
}
TYPES = {
    NatureSession.PROMOTION: TypeEtape.REMOBILISATION,
    NatureSession.ATELIER: TypeEtape.ACCOMPAGNEMENT,
    NatureSession.FORMATION_DEVELOPPEMENT: TypeEtape.FORMATION_COLLECTIVE,
}
PRESENCE = Tirage([(StatutPresence.PRESENT, 82), (StatutPresence.ABSENT, 11), (StatutPresence.EXCUSE, 7)])
DEMI_JOURNEE, JOURNEE = Decimal("3.5"), Decimal("7")


class SeancesMixin:
    """Séances and attendance (``Generateur`` mixes it in); ``_seances(groupe, participations)``
    runs after the learners' steps are written."""

    def _seances(self, groupe: list[Plan], participations: list) -> None:
        """``participations``: (plan, learner, last path, [its steps]) of the group's learners."""
        rng, au = self.rng, self.au
        sessions, etapes, seances = [], [], []
        inscrits: dict[int, list] = {}  # id(session) -> [(learner, step)]
        par_plan: dict[int, list] = {}
        for plan, apprenant, parcours, etapes_p in participations:
            par_plan.setdefault(id(plan), []).append((plan, apprenant, parcours, etapes_p))
        for lignes in par_plan.values():
            plan = lignes[0][0]
            # the OF sessions already placed: their participants are the steps in them
            for _, apprenant, _, etapes_p in lignes:
                for e in etapes_p:
                    if e.session is not None and e.session.pk is not None:
                        inscrits.setdefault(id(e.session), [e.session]).append((apprenant, e))
            # 1 to 3 collective sessions per learner: slot k for the learners who take k+1 or more
            nombres = [rng.choice((1, 1, 2, 2, 3)) for _ in lignes]
            for k, nature in enumerate(NATURES):
                cohorte = sorted((ligne for ligne, n in zip(lignes, nombres, strict=True) if n > k), key=lambda ligne: ligne[2].date_debut)
                i = 0
                while i < len(cohorte):
                    taille = rng.randint(8, 20)
                    membres, i = cohorte[i : i + taille], i + taille
                    debut = max(m[2].date_debut for m in membres) + timedelta(days=rng.randint(3, 21))
                    n_seances = rng.randint(10, 40)
                    duree = DEMI_JOURNEE if rng.random() < 0.6 else JOURNEE
                    fin = debut + timedelta(days=(n_seances - 1) * 7 // 2 + rng.randint(0, 3))
                    organisation = rng.choice(plan.ofs + plan.ofs_autres) if (plan.ofs or plan.ofs_autres) else plan.chef
                    session = SessionFormation(
                        projet=plan.projet,
                        organisation=organisation,
                        intitule=f"{INTITULES[nature]} {debut:%m/%Y}",
                        date_debut=debut,
                        date_fin=fin,
                        places_min=min(len(membres), 6),
                        places_max=max(len(membres), 20),
                        nature=nature,
                        heures=duree * n_seances,
                        commune=organisation.commune,
                        a_distance=rng.random() < 0.1,
                    )
                    sessions.append(session)
                    liste = inscrits.setdefault(id(session), [session])
                    for _, apprenant, parcours, _ in membres:
                        statut = StatutEtape.TERMINEE if fin <= au else StatutEtape.EN_COURS if debut <= au else StatutEtape.PREVUE
                        e = Etape(
                            projet=plan.projet,
                            parcours=parcours,
                            type=TYPES[nature],
                            intitule=session.intitule,
                            organisation=organisation,
                            session=session,
                            date_debut=debut,
                            date_fin=fin,
                            heures_prevues=session.heures,
                            statut=statut,
                            modifie_le=_horodatage(min(au, debut), rng),
                        )
                        e._history_user, e._history_date = plan.coord, e.modifie_le
                        etapes.append(e)
                        liste.append((apprenant, e))
                    session._n_seances, session._duree = n_seances, duree
        self._creer(SessionFormation, sessions)
        for e in etapes:
            e.session_id = e.session.pk
        # the séances of every session with participants
        par_session = []
        for session, *membres in inscrits.values():
            n_seances = getattr(session, "_n_seances", None) or rng.randint(10, 40)
            duree = getattr(session, "_duree", None) or (DEMI_JOURNEE if rng.random() < 0.6 else JOURNEE)
            jours = max(1, (session.date_fin - session.date_debut).days + 1)
            n_seances = min(n_seances, jours)
            pas = jours / n_seances
            liste = []
            for j in range(n_seances):
                jour = session.date_debut + timedelta(days=int(j * pas))
                debut = time(9) if duree == JOURNEE or rng.random() < 0.6 else time(14)
                fin = time(17) if duree == JOURNEE else time(debut.hour + 3, 30)
                s = Seance(projet_id=session.projet_id, session=session, date=jour, heure_debut=debut, heure_fin=fin, duree=duree)
                liste.append(s)
            seances.extend(liste)
            par_session.append((liste, membres))
        for s in seances:
            s.session_id = s.session.pk
        self._creer(Seance, seances)
        # attendance of the past séances, and the participants' hours from it
        presences = []
        for liste, membres in par_session:
            for apprenant, etape in membres:
                if etape.statut == StatutEtape.ABANDONNEE:
                    continue
                total = Decimal(0)
                for s in liste:
                    if s.date > au:
                        break
                    statut = PRESENCE(rng)
                    heures = Decimal(0)
                    if statut == StatutPresence.PRESENT:
                        heures = s.duree if rng.random() >= 0.125 else (s.duree / 2).quantize(Decimal("0.1"))
                    presences.append(
                        Presence(projet_id=s.projet_id, seance_id=s.pk, apprenant_id=apprenant.pk, statut=statut, heures=heures)
                    )
                    total += heures
                etape.heures_realisees = total.quantize(Decimal("0.1"))
        self._creer(Etape, etapes, historique=True)
        # the OF steps already written: their hours from attendance too (one UPDATE per batch)
        nouvelles = {id(e) for e in etapes}
        deja = [e for _, membres in par_session for _, e in membres if id(e) not in nouvelles and e.statut != StatutEtape.ABANDONNEE]
        if deja:
            Etape.objects.bulk_update(deja, ["heures_realisees"], batch_size=self.lot)
        self._creer(Presence, presences)
