"""Projects, users and partners: organisations, contacts, consortium members, memberships, conventions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from conciergerie.models import Adhesion, Projet
from conciergerie.roles import Role
from demo import referentiel as R
from partenaires.models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium, StatutQualiopi, TypeConvention
from partenaires.models import TypeOrganisation as TO

from .base import Plan, Tirage, _ascii, _euros, _horodatage, _luhn_cle, _repartir


class ProjetsMixin:
    """The projects, their users and their partners (``Generateur`` mixes it in)."""

    # -- projects and users --------------------------------------------------------------------
    def _projets(self) -> list[Plan]:
        rng, au, n = self.rng, self.au, self.taille.projets
        region = Tirage([(r, w) for r, w, _ in R.REGIONS])
        communes = {r: c for r, _, c in R.REGIONS}
        plans, poids = [], []
        for i in range(1, n + 1):
            nom_region = region(rng)
            debut = (au - timedelta(days=rng.randint(365, 3 * 365))).replace(day=1)
            fin = debut + relativedelta(years=3) - timedelta(days=1)
            choix = rng.sample(communes[nom_region], k=min(3, len(communes[nom_region])))
            plans.append(Plan(index=i, region=nom_region, communes=choix, debut=debut, fin=fin, n_apprenants=0))
            poids.append((min(au, fin) - debut).days * rng.lognormvariate(0, 0.45))
        for plan, nb in zip(plans, _repartir(self.taille.apprenants, poids), strict=True):
            plan.n_apprenants = nb
        # QPV / ZRR: an urban-rural mix per project, rescaled to the national shares
        ruralite = [rng.random() for _ in plans]
        bruts_q = [0.1 + 0.8 * (1 - r) for r in ruralite]
        bruts_z = [0.1 + 0.8 * r for r in ruralite]
        total = sum(p.n_apprenants for p in plans) or 1
        moy_q = sum(q * p.n_apprenants for q, p in zip(bruts_q, plans, strict=True)) / total or 1
        moy_z = sum(z * p.n_apprenants for z, p in zip(bruts_z, plans, strict=True)) / total or 1
        for plan, q, z in zip(plans, bruts_q, bruts_z, strict=True):
            plan.taux_qpv = min(0.97, q * 0.47 / moy_q)
            plan.taux_zrr = min(0.97, z * 0.46 / moy_z)
        projets = []
        for plan in plans:
            commune = plan.communes[0][0]
            plan.projet = Projet(
                nom=f"Conciergerie {plan.index:03d} — {commune}",
                territoire=f"{commune} ({plan.region})",
                date_debut=plan.debut,
                date_fin=plan.fin,
                taux_horaire_benevolat=Decimal(rng.choice(["15.00", "15.00", "15.00", "12.00", "18.00", "20.00"])),
                cree_le=_horodatage(plan.debut, rng),
            )
            projets.append(plan.projet)
        self._creer(Projet, projets)
        return plans

    def _utilisateurs(self, plans: list[Plan]) -> None:
        User = get_user_model()
        mot_de_passe = make_password(self.mot_de_passe)  # hashed once: one hash for every account
        users = []

        def user(username, prenom, nom, depuis):
            u = User(
                username=username,
                first_name=prenom,
                last_name=nom,
                password=mot_de_passe,
                email=f"{username}@exemple.test",
                date_joined=_horodatage(depuis, self.rng),
            )
            users.append(u)
            return u

        for plan in plans:
            i = plan.index
            plan.users = {
                "admin": user(f"admin-{i:03d}", self.rng.choice(R.PRENOMS), "Administrateur", plan.debut),
                "coord": user(f"coord-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
                "partenaire": user(f"partenaire-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
                "financeur": user(f"financeur-{i:03d}", self.rng.choice(R.PRENOMS), self.rng.choice(R.NOMS), plan.debut),
            }
        premier = min(p.debut for p in plans)
        self.regions = {}
        for nom in sorted({p.region for p in plans}):
            self.regions[nom] = user(f"region-{_ascii(nom)}", "Service formation", f"Région {nom}", premier)
        self.national = user("national", "Programme", "Deffinov", premier)
        self._creer(User, users)

    # -- partners -----------------------------------------------------------------------------
    def _partenaires(self, plan: Plan) -> None:
        rng, p = self.rng, plan.projet
        noms_pris: set = set()
        sirets: set = set()
        commune_principale = plan.communes[0]

        def org(nom, type_, lieu=None, *, siret=True, **extra):
            commune, cp = lieu or rng.choice(plan.communes)
            base, k = nom, 2
            while (nom, commune) in noms_pris:
                nom, k = f"{base} {k}", k + 1
            noms_pris.add((nom, commune))
            numero = ""
            if siret and rng.random() < 0.85:
                while not numero or numero in sirets or numero.startswith("356000000"):
                    corps = f"{rng.randint(1, 9)}{rng.randrange(10**12):012d}"
                    # a real SIRET: its SIREN (9 digits) has a Luhn key too (stdnum.fr.siret)
                    siren = corps[:8] + _luhn_cle(corps[:8])
                    numero = siren + corps[9:] + _luhn_cle(siren + corps[9:])
                sirets.add(numero)
            o = Organisation(projet=p, nom=nom, type=type_, siret=numero, commune=commune, code_postal=cp, **extra)
            plan.orgs.append(o)
            return o

        def of(nom):
            statut = Tirage([(StatutQualiopi.CERTIFIE, 80), (StatutQualiopi.EN_COURS, 10), (StatutQualiopi.NON_CERTIFIE, 10)])(rng)
            expiration = self.au + timedelta(days=rng.randint(-30, 900)) if statut == StatutQualiopi.CERTIFIE else None
            return org(
                nom,
                TO.ORGANISME_FORMATION,
                qualiopi_statut=statut,
                qualiopi_expiration=expiration,
                nda=f"{rng.randrange(10**11):011d}" if rng.random() < 0.9 else "",
            )

        tiers_lieux = rng.sample(R.NOMS_TIERS_LIEUX, 2)
        plan.chef = org(tiers_lieux[0], TO.TIERS_LIEU, commune_principale)
        membres = [(plan.chef, RoleConsortium.CHEF_DE_FILE)]
        if rng.random() < 0.02:
            membres.append((org(tiers_lieux[1], TO.TIERS_LIEU), RoleConsortium.MEMBRE))
        nb_of = Tirage([(1, 45), (2, 40), (3, 15)])(rng)
        plan.ofs = [of(f"{nom} {plan.region}") for nom in rng.sample(R.OF_GENERIQUES, nb_of)]
        membres += [(o, RoleConsortium.MEMBRE) for o in plan.ofs]
        plan.ofs_autres = [of(nom) for nom in rng.sample(R.OF_GENERIQUES, rng.randint(0, 2))]
        region_nom = plan.region
        ft = org(f"France Travail — agence de {commune_principale[0]}", TO.FRANCE_TRAVAIL, commune_principale)
        ml = org(f"Mission Locale de {commune_principale[0]}", TO.MISSION_LOCALE, commune_principale)
        cap = org(f"Cap emploi {region_nom}", TO.CAP_EMPLOI) if rng.random() < 0.7 else None
        associations = [org(nom, TO.ASSOCIATION) for nom in rng.sample(R.ASSOCIATIONS, rng.randint(1, 2))]
        collectivite = org(f"Communauté de communes de {commune_principale[0]}", TO.COLLECTIVITE, commune_principale)
        plan.entreprises = [org(nom, TO.ENTREPRISE) for nom in rng.sample(R.ENTREPRISES, rng.randint(2, 5))]
        autres = [org(rng.choice(R.UNIVERSITES), TO.UNIVERSITE)] if rng.random() < 0.3 else []
        if rng.random() < 0.4:
            autres.append(org(rng.choice(R.CHAMBRES), TO.CHAMBRE_CONSULAIRE))
        plan.financeurs = {
            "region": org(f"Région {region_nom}", TO.FINANCEUR_PUBLIC, siret=False),
            "deffinov": org(f"DREETS {region_nom} — programme Deffinov", TO.FINANCEUR_PUBLIC, siret=False),
        }
        if rng.random() < 0.6:
            plan.financeurs["fondation"] = org(rng.choice(R.FONDATIONS), TO.FONDATION, siret=False)
        # ≈ 5 members per consortium: the lead, its OF, and associates
        candidats = [ft, ml, *associations, collectivite, *plan.entreprises, *autres] + ([cap] if cap else [])
        nb = min(len(candidats), Tirage([(0, 12), (1, 24), (2, 26), (3, 19), (4, 10), (5, 5), (8, 3), (12, 1)])(rng))
        membres += [(o, RoleConsortium.ASSOCIE if o.type != TO.ASSOCIATION else RoleConsortium.MEMBRE) for o in rng.sample(candidats, nb)]
        plan.membres = membres
        plan.prescripteurs = [(ft, 40), (ml, 22), *([(cap, 5)] if cap else []), *[(a, 4) for a in associations], (None, 25)]
        plan.accompagnants = [plan.chef, *associations]
        for o in plan.orgs:
            for k in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
                prenom, nom = rng.choice(R.PRENOMS), rng.choice(R.NOMS)
                plan.contacts[id(o)].append(
                    Contact(
                        organisation=o,
                        prenom=prenom,
                        nom=nom,
                        fonction=rng.choice(["Directrice", "Directeur", "Chargée de mission", "Conseiller", "Référente formation"]),
                        email=f"{_ascii(prenom)}.{_ascii(nom)}@{_ascii(o.nom)[:20] or 'org'}.exemple.test",
                        telephone=f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                        est_referent=k == 0,
                    )
                )

    def _liens_partenaires(self, groupe: list[Plan]) -> None:
        rng = self.rng
        contacts, membres, adhesions, conventions, parties = [], [], [], [], []
        for plan in groupe:
            p = plan.projet
            for liste in plan.contacts.values():
                contacts.extend(liste)
            for o, role in plan.membres:
                entree = plan.debut if rng.random() < 0.85 else min(self.au, plan.debut + timedelta(days=rng.randint(30, 300)))
                sortie = None
                if role != RoleConsortium.CHEF_DE_FILE and rng.random() < 0.05 and entree < self.au:
                    sortie = entree + timedelta(days=rng.randint(0, (self.au - entree).days))
                membres.append(MembreConsortium(projet=p, organisation=o, role=role, date_entree=entree, date_sortie=sortie))
            u = plan.users
            quand = _horodatage(plan.debut, rng)
            fondation = plan.financeurs.get("fondation") or plan.financeurs["region"]
            adhesions += [
                Adhesion(user=u["admin"], projet=p, role=Role.ADMINISTRATEUR, cree_le=quand),
                Adhesion(user=u["coord"], projet=p, role=Role.COORDINATEUR, cree_le=quand),
                Adhesion(user=u["partenaire"], projet=p, role=Role.PARTENAIRE, organisation=plan.ofs[0], cree_le=quand),
                Adhesion(user=u["financeur"], projet=p, role=Role.FINANCEUR, organisation=fondation, cree_le=quand),
                Adhesion(
                    user=self.regions[plan.region], projet=p, role=Role.FINANCEUR, organisation=plan.financeurs["region"], cree_le=quand
                ),
                Adhesion(user=self.national, projet=p, role=Role.FINANCEUR, organisation=plan.financeurs["deffinov"], cree_le=quand),
            ]
            # conventions: one per funder, one partnership per OF, sometimes a subcontracting
            for cle, financeur in plan.financeurs.items():
                c = Convention(
                    projet=p,
                    type=TypeConvention.FINANCEMENT,
                    intitule=f"Convention de financement — {financeur.nom}",
                    date_signature=plan.debut - timedelta(days=rng.randint(5, 60)),
                    date_debut=plan.debut,
                    date_fin=plan.fin,
                    montant=_euros(rng.randint(30, 300) * 1000) if cle != "fondation" else None,
                )
                conventions.append(c)
                parties.append((c, [financeur, plan.chef]))
            for o in plan.ofs:
                c = Convention(
                    projet=p,
                    type=TypeConvention.PARTENARIAT,
                    intitule=f"Partenariat {plan.chef.nom} — {o.nom}",
                    date_signature=plan.debut,
                    date_debut=plan.debut,
                    date_fin=min(plan.fin, self.au + timedelta(days=rng.randint(10, 400))),
                )
                conventions.append(c)
                parties.append((c, [plan.chef, o]))
            if rng.random() < 0.5 and plan.entreprises:
                o = rng.choice(plan.entreprises)
                c = Convention(
                    projet=p,
                    type=TypeConvention.SOUS_TRAITANCE,
                    intitule=f"Sous-traitance — {o.nom}",
                    date_debut=plan.debut + timedelta(days=rng.randint(0, 200)),
                    montant=_euros(rng.randint(2, 30) * 1000),
                )
                conventions.append(c)
                parties.append((c, [plan.chef, o]))
        self._creer(Contact, contacts)
        self._creer(MembreConsortium, membres)
        self._creer(Adhesion, adhesions)
        self._creer(Convention, conventions)
        self._liens(Convention.parties, [(c.pk, o.pk) for c, orgs in parties for o in orgs], ("convention_id", "organisation_id"))
