"""Load the demo consortium (Icifornie, from the COPIL minutes) and a second project.

Learners are invented; no real person's name. Dates are placed relative to today so the home
to-do always has something to show. Running it twice changes nothing: the data is loaded in
one transaction only when the Icifornie project does not exist yet.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conciergerie.models import Adhesion, Projet
from conciergerie.roles import Role
from finances.models import (
    CategorieBudget,
    Depense,
    Financement,
    LigneBudget,
    ModePartage,
    PartageValeur,
    TempsBenevole,
    TypeVersement,
    Versement,
)
from parcours.models import (
    Apprenant,
    Etape,
    Frein,
    Modalite,
    NiveauQualification,
    Parcours,
    ResultatSortie,
    SessionFormation,
    Situation,
    Sortie,
    StatutEtape,
    StatutParcours,
    StatutSecu,
    TypeEtape,
    TypeFrein,
    TypeSortie,
    date_suivi_6_mois,
)
from partenaires.models import (
    Contact,
    Convention,
    MembreConsortium,
    Organisation,
    RoleConsortium,
    StatutQualiopi,
    TypeConvention,
    TypeOrganisation,
)
from recits.models import Activite, Copil, Recit, TypeActivite, TypeRecit

NOM_PROJET = "Icifornie"
NOM_PROJET_2 = "Tiers-lieu des Coteaux"
MOT_DE_PASSE = "demo"


def save(obj):
    obj.full_clean()
    obj.save()
    return obj


class Demo:
    def __init__(self, today: date):
        self.today = today
        self.ago = lambda days: today - timedelta(days=days)
        self.later = lambda days: today + timedelta(days=days)
        self.users = {}
        self.n = 0

    # -- helpers -------------------------------------------------------------------------
    def org(self, projet, nom, type_, commune, role_consortium=None, **extra):
        organisation = save(Organisation(projet=projet, nom=nom, type=type_, commune=commune, **extra))
        if role_consortium:
            save(MembreConsortium(projet=projet, organisation=organisation, role=role_consortium, date_entree=projet.date_debut))
        return organisation

    def apprenant(self, projet, prenom, nom, **fields):
        self.n += 1
        fields.setdefault("situation_entree", Situation.DEMANDEUR_EMPLOI)
        if fields.get("consentement_recit"):
            fields.setdefault("consentement_date", fields.get("date_entree", self.today))
        return save(Apprenant(projet=projet, reference=f"APP-{self.n:05d}", prenom=prenom, nom=nom, **fields))

    def parcours(self, apprenant, intitule, debut, **fields):
        return save(
            Parcours(
                projet=apprenant.projet,
                apprenant=apprenant,
                intitule=intitule,
                date_debut=debut,
                referent=self.users.get("coordinatrice"),
                **fields,
            )
        )

    def etape(self, parcours, type_, debut, **fields):
        return save(Etape(projet=parcours.projet, parcours=parcours, type=type_, date_debut=debut, **fields))

    def cloturer(self, parcours, resultat, le):
        parcours.statut = StatutParcours.CLOTURE
        parcours.date_fin = le
        parcours.suivi_6_mois_le = date_suivi_6_mois(le)
        save(parcours)
        return save(Sortie(projet=parcours.projet, parcours=parcours, type=TypeSortie.SORTIE, resultat=resultat, date=le))

    # -- users -----------------------------------------------------------------------------
    def create_users(self):
        User = get_user_model()
        noms = {
            "admin": ("Alex", "Administrateur"),
            "coordinatrice": ("Camille", "Coordinatrice"),
            "partenaire": ("Paul", "Partenaire"),
            "financeur": ("Fanny", "Financeur"),
            "programme": ("Pascal", "Programme"),
        }
        for username, (first, last) in noms.items():
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
            if created:
                user.set_password(MOT_DE_PASSE)
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            self.users[username] = user

    # -- Icifornie -------------------------------------------------------------------------
    def icifornie(self):
        p = save(
            Projet(
                nom=NOM_PROJET,
                territoire="Chalosse et Est Landes (Nouvelle-Aquitaine)",
                date_debut=date(2024, 9, 1),
                date_fin=date(2027, 8, 31),
                taux_horaire_benevolat=Decimal("15.00"),
            )
        )
        TO = TypeOrganisation
        klhub = self.org(p, "Kl'hub", TO.TIERS_LIEU, "Hagetmau", RoleConsortium.CHEF_DE_FILE, code_postal="40700")
        afept = self.org(
            p,
            "AFEPT",
            TO.ORGANISME_FORMATION,
            "Bordeaux",
            RoleConsortium.MEMBRE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(45),
            nda="72330000001",
        )
        ft = self.org(p, "France Travail — agence de Saint-Sever", TO.FRANCE_TRAVAIL, "Saint-Sever", RoleConsortium.ASSOCIE)
        ml = self.org(p, "Mission Locale des Landes", TO.MISSION_LOCALE, "Mont-de-Marsan", RoleConsortium.ASSOCIE)
        region = self.org(p, "Région Nouvelle-Aquitaine", TO.FINANCEUR_PUBLIC, "Bordeaux")
        fondation = self.org(p, "Fondation Entreprendre", TO.FONDATION, "Paris")
        afpa = self.org(
            p,
            "AFPA Mont-de-Marsan",
            TO.ORGANISME_FORMATION,
            "Mont-de-Marsan",
            RoleConsortium.ASSOCIE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(400),
        )
        cfppa = self.org(
            p,
            "CFPPA des Landes",
            TO.ORGANISME_FORMATION,
            "Oeyreluy",
            RoleConsortium.ASSOCIE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(300),
        )
        morcenx = self.org(
            p,
            "Centre de formation du bois de Morcenx",
            TO.ORGANISME_FORMATION,
            "Morcenx",
            RoleConsortium.ASSOCIE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(200),
        )
        pau = self.org(
            p,
            "CFA du bâtiment de Pau",
            TO.ORGANISME_FORMATION,
            "Pau",
            RoleConsortium.ASSOCIE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(500),
        )
        smalah = self.org(p, "La Smalah", TO.ASSOCIATION, "Saint-Julien-en-Born", RoleConsortium.MEMBRE)
        self.org(p, "ALPI — Agence landaise pour l'informatique", TO.COLLECTIVITE, "Mont-de-Marsan", RoleConsortium.ASSOCIE)
        casmau = self.org(p, "Collectif d'artisans CASMAU", TO.ENTREPRISE, "Hagetmau", RoleConsortium.ASSOCIE)
        campus = self.org(p, "Campus connecté de Mont-de-Marsan", TO.UNIVERSITE, "Mont-de-Marsan", RoleConsortium.ASSOCIE)
        ehpad = self.org(p, "EHPAD Les Tilleuls", TO.ENTREPRISE, "Hagetmau")

        contacts = {
            "klhub": save(
                Contact(
                    organisation=klhub,
                    prenom="Gaël",
                    nom="Dufau",
                    fonction="Coordinateur de la conciergerie",
                    est_referent=True,
                    email="conciergerie@klhub.example",
                )
            ),
            "afept": save(
                Contact(
                    organisation=afept,
                    prenom="Yann",
                    nom="Lacoste",
                    fonction="Responsable pédagogique",
                    est_referent=True,
                    email="ylacoste@afept.example",
                )
            ),
            "ft": save(Contact(organisation=ft, prenom="Nadia", nom="Berthet", fonction="Conseillère référente", est_referent=True)),
            "ml": save(Contact(organisation=ml, prenom="Hugo", nom="Ferrand", fonction="Conseiller insertion", est_referent=True)),
            "region": save(Contact(organisation=region, prenom="Estelle", nom="Garrigue", fonction="Chargée de mission tiers-lieux")),
            "region2": save(Contact(organisation=region, prenom="Damien", nom="Roussel", fonction="Chef de service formation")),
        }

        save(
            Convention(
                projet=p,
                type=TypeConvention.PARTENARIAT,
                intitule="Convention de consortium Icifornie",
                date_signature=date(2024, 9, 15),
                date_debut=date(2024, 9, 1),
                date_fin=date(2027, 8, 31),
            )
        ).parties.set([klhub, afept, smalah])
        save(
            Convention(
                projet=p,
                type=TypeConvention.SOUS_TRAITANCE,
                intitule="Formation distribuée AFEPT — accueil des regroupements",
                date_debut=self.ago(200),
                date_fin=self.later(40),
                montant=Decimal("4200.00"),
            )
        ).parties.set([klhub, afept])
        save(
            Convention(
                projet=p,
                type=TypeConvention.FINANCEMENT,
                intitule="Convention Région — Icifornie",
                date_signature=date(2024, 8, 30),
                date_debut=date(2024, 9, 1),
                date_fin=date(2027, 8, 31),
                montant=Decimal("120000.00"),
            )
        ).parties.set([klhub, region])

        # sessions (formation distribuée, AFEST)
        s_distrib = save(
            SessionFormation(
                projet=p,
                organisation=afept,
                intitule="Titre professionnel — formation distribuée (5 × 2 jours de regroupement à Bordeaux)",
                code_rncp="RNCP37873",
                date_debut=self.ago(60),
                date_fin=self.later(10),
                places_min=8,
                places_max=12,
                places_conciergerie=2,
                modalite=Modalite.HYBRIDE,
            )
        )
        s_afest = save(
            SessionFormation(
                projet=p,
                organisation=afept,
                intitule="AFEST couture d'ameublement — CASMAU",
                date_debut=self.ago(30),
                date_fin=self.later(150),
                places_min=4,
                places_max=6,
                places_conciergerie=6,
                modalite=Modalite.HYBRIDE,
            )
        )
        s_bprea = save(
            SessionFormation(
                projet=p,
                organisation=cfppa,
                intitule="BPREA en reconversion (20 % à distance)",
                code_rncp="RNCP29265",
                date_debut=self.ago(90),
                date_fin=self.later(240),
                places_min=10,
                places_max=16,
                places_conciergerie=2,
                modalite=Modalite.HYBRIDE,
            )
        )

        # users and memberships
        u = self.users
        if u:
            save(Adhesion(user=u["admin"], projet=p, role=Role.ADMINISTRATEUR))
            save(Adhesion(user=u["coordinatrice"], projet=p, role=Role.COORDINATEUR))
            save(Adhesion(user=u["partenaire"], projet=p, role=Role.PARTENAIRE, organisation=afept))
            save(Adhesion(user=u["financeur"], projet=p, role=Role.FINANCEUR, organisation=region))

        E, S = TypeEtape, StatutEtape
        # 1. the apprentice in formation distribuée
        lea = self.apprenant(
            p,
            "Léa",
            "Marchand",
            date_naissance=date(2003, 4, 12),
            commune="Hagetmau",
            zrr=True,
            situation_entree=Situation.NEET,
            niveau_qualification=NiveauQualification.NIVEAU_4,
            date_entree=self.ago(120),
            statut_secu=StatutSecu.DEFINITIF,
            prescripteur=ml,
            prescripteur_contact=contacts["ml"],
            consentement_recit=True,
        )
        pa = self.parcours(lea, "Apprentissage en formation distribuée", self.ago(118))
        self.etape(
            pa,
            E.ACCUEIL_DIAGNOSTIC,
            self.ago(118),
            date_fin=self.ago(118),
            organisation=klhub,
            heures_prevues=2,
            heures_realisees=2,
            statut=S.TERMINEE,
        )
        self.etape(pa, E.ALTERNANCE, self.ago(90), intitule="Contrat d'apprentissage au Kl'hub", organisation=klhub, statut=S.EN_COURS)
        self.etape(
            pa,
            E.FORMATION_DISTRIBUEE,
            self.ago(60),
            date_fin=self.later(10),
            intitule="10 semaines : 5 × 2 jours de regroupement, le reste à distance",
            organisation=afept,
            session=s_distrib,
            heures_prevues=350,
            heures_realisees=260,
            modalite=Modalite.HYBRIDE,
            statut=S.EN_COURS,
        )

        # 2-4. Palette des possibles: three young people from Mugron
        palette = []
        for prenom, nom, naissance in [
            ("Amadou", "Sissoko", date(2005, 2, 3)),
            ("Idriss", "Kamara", date(2004, 9, 21)),
            ("Samuel", "Tesfaye", date(2006, 1, 30)),
        ]:
            a = self.apprenant(
                p,
                prenom,
                nom,
                date_naissance=naissance,
                commune="Mugron",
                zrr=True,
                situation_entree=Situation.NEET,
                niveau_qualification=NiveauQualification.INFRA_3,
                date_entree=self.ago(240),
                prescripteur=ml,
                consentement_recit=prenom != "Samuel",
                statut_secu=StatutSecu.DEFINITIF,
            )
            save(Frein(projet=p, apprenant=a, type=TypeFrein.LANGUE, identifie_le=self.ago(240), commentaire="Français langue étrangère"))
            pc = self.parcours(a, "Projet professionnel dans le bâtiment", self.ago(238))
            self.etape(
                pc,
                E.REMOBILISATION,
                self.ago(238),
                date_fin=self.ago(208),
                intitule="Palette des possibles : meubles et lampes en palettes recyclées",
                organisation=klhub,
                heures_prevues=120,
                heures_realisees=120,
                statut=S.TERMINEE,
            )
            palette.append((a, pc))
        (amadou, pc1), (idriss, pc2), (samuel, pc3) = palette
        self.etape(
            pc1,
            E.FORMATION_CERTIFIANTE,
            self.ago(150),
            intitule="Installateur thermique et sanitaire",
            code_rncp="RNCP35880",
            organisation=afpa,
            heures_prevues=700,
            heures_realisees=480,
            statut=S.EN_COURS,
        )
        self.etape(
            pc2,
            E.FORMATION_DIPLOMANTE,
            self.ago(150),
            intitule="CAP menuiserie",
            code_rncp="RNCP37800",
            organisation=morcenx,
            heures_prevues=800,
            heures_realisees=400,
            statut=S.EN_COURS,
        )
        samuel.statut_secu = StatutSecu.PROVISOIRE
        save(samuel)
        self.etape(
            pc3,
            E.FORMATION_DIPLOMANTE,
            self.ago(150),
            intitule="CAP plomberie",
            code_rncp="RNCP37801",
            organisation=pau,
            heures_prevues=800,
            statut=S.BLOQUEE,
            motif="Inscription impossible : numéro de sécurité sociale provisoire",
        )
        save(
            Frein(
                projet=p,
                apprenant=samuel,
                type=TypeFrein.ADMINISTRATIF,
                identifie_le=self.ago(150),
                commentaire="N° de sécurité sociale provisoire",
            )
        )
        save(
            Frein(
                projet=p,
                apprenant=amadou,
                type=TypeFrein.MOBILITE,
                identifie_le=self.ago(150),
                leve=True,
                leve_le=self.ago(140),
                commentaire="Covoiturage vers Mont-de-Marsan",
            )
        )

        # 5-6. AFEST CASMAU
        for prenom, nom in [("Hélène", "Castagnet"), ("Maryse", "Labarthe")]:
            a = self.apprenant(
                p,
                prenom,
                nom,
                date_naissance=date(1978, 6, 2) if prenom == "Hélène" else date(1985, 11, 19),
                commune="Hagetmau",
                situation_entree=Situation.DEMANDEUR_EMPLOI,
                niveau_qualification=NiveauQualification.NIVEAU_3,
                date_entree=self.ago(45),
                prescripteur=ft,
                prescripteur_contact=contacts["ft"],
                statut_secu=StatutSecu.DEFINITIF,
            )
            pc = self.parcours(a, "Couturière d'ameublement (AFEST CASMAU, objectif 6 recrutements)", self.ago(40))
            self.etape(
                pc,
                E.ACCUEIL_DIAGNOSTIC,
                self.ago(40),
                date_fin=self.ago(40),
                organisation=klhub,
                heures_prevues=2,
                heures_realisees=2,
                statut=S.TERMINEE,
            )
            self.etape(
                pc,
                E.AFEST,
                self.ago(30),
                intitule="Couture d'ameublement en situation de travail, consolidation le vendredi au Kl'hub",
                organisation=afept,
                session=s_afest,
                heures_prevues=400,
                heures_realisees=90,
                modalite=Modalite.HYBRIDE,
                statut=S.EN_COURS,
            )

        # 7. numérique pour commerçants (ALPI), RSA, QPV
        nathalie = self.apprenant(
            p,
            "Nathalie",
            "Dupouy",
            date_naissance=date(1972, 3, 8),
            commune="Mont-de-Marsan",
            qpv=True,
            situation_entree=Situation.RSA,
            niveau_qualification=NiveauQualification.NIVEAU_4,
            date_entree=self.ago(75),
            prescripteur=ft,
            statut_secu=StatutSecu.DEFINITIF,
            rqth=True,
        )
        pc = self.parcours(nathalie, "Numérique pour commerçants et artisans", self.ago(70))
        self.etape(
            pc,
            E.PRE_QUALIFICATION,
            self.ago(60),
            intitule="Outils numériques pour commerçants et artisans (marché ALPI)",
            organisation=klhub,
            heures_prevues=105,
            heures_realisees=70,
            statut=S.EN_COURS,
        )
        save(Frein(projet=p, apprenant=nathalie, type=TypeFrein.NUMERIQUE, identifie_le=self.ago(75)))

        # 8. médiateur numérique, fablab mobile (La Smalah)
        karim = self.apprenant(
            p,
            "Karim",
            "Bensaïd",
            date_naissance=date(1990, 7, 14),
            commune="Saint-Sever",
            zrr=True,
            situation_entree=Situation.SALARIE,
            niveau_qualification=NiveauQualification.NIVEAU_5,
            date_entree=self.ago(50),
            statut_secu=StatutSecu.DEFINITIF,
        )
        pc = self.parcours(karim, "Médiateur numérique — volet fablab", self.ago(48))
        self.etape(
            pc,
            E.FORMATION_CERTIFIANTE,
            self.ago(40),
            intitule="Fabrication numérique (fablab mobile)",
            code_rncp="RS5659",
            organisation=smalah,
            heures_prevues=70,
            heures_realisees=35,
            modalite=Modalite.HYBRIDE,
            statut=S.EN_COURS,
        )

        # 9. immersion then employment: the 6-month follow-up is due soon
        sophie = self.apprenant(
            p,
            "Sophie",
            "Larrieu",
            date_naissance=date(1969, 12, 1),
            commune="Hagetmau",
            zrr=True,
            situation_entree=Situation.DEMANDEUR_EMPLOI,
            niveau_qualification=NiveauQualification.NIVEAU_3,
            date_entree=self.ago(260),
            prescripteur=ft,
            statut_secu=StatutSecu.DEFINITIF,
            consentement_recit=True,
        )
        pc = self.parcours(sophie, "Retour à l'emploi dans le médico-social", self.ago(255))
        self.etape(
            pc,
            E.ACCUEIL_DIAGNOSTIC,
            self.ago(255),
            date_fin=self.ago(255),
            organisation=klhub,
            heures_prevues=2,
            heures_realisees=2,
            statut=S.TERMINEE,
        )
        self.etape(
            pc,
            E.IMMERSION_PMSMP,
            self.ago(220),
            date_fin=self.ago(200),
            intitule="Agent de service hospitalier",
            organisation=ehpad,
            heures_prevues=70,
            heures_realisees=70,
            statut=S.TERMINEE,
        )
        self.cloturer(pc, ResultatSortie.EMPLOI_DURABLE, self.ago(160))

        # 10. parent solo, reconversion agricole (BPREA)
        thomas = self.apprenant(
            p,
            "Thomas",
            "Laborde",
            date_naissance=date(1986, 5, 5),
            commune="Aire-sur-l'Adour",
            zrr=True,
            situation_entree=Situation.DEMANDEUR_EMPLOI,
            niveau_qualification=NiveauQualification.NIVEAU_4,
            date_entree=self.ago(110),
            prescripteur=ft,
            statut_secu=StatutSecu.DEFINITIF,
        )
        save(
            Frein(
                projet=p,
                apprenant=thomas,
                type=TypeFrein.GARDE_ENFANTS,
                identifie_le=self.ago(110),
                leve=True,
                leve_le=self.ago(95),
                commentaire="Place en crèche trouvée",
            )
        )
        pc = self.parcours(thomas, "Installation en maraîchage", self.ago(105))
        self.etape(
            pc,
            E.ACCOMPAGNEMENT,
            self.ago(105),
            date_fin=self.ago(92),
            organisation=klhub,
            heures_prevues=10,
            heures_realisees=10,
            statut=S.TERMINEE,
        )
        self.etape(
            pc,
            E.FORMATION_DIPLOMANTE,
            self.ago(90),
            intitule="BPREA",
            code_rncp="RNCP29265",
            organisation=cfppa,
            session=s_bprea,
            heures_prevues=1200,
            heures_realisees=300,
            modalite=Modalite.HYBRIDE,
            statut=S.EN_COURS,
        )

        # 11. DU Fabmanager, planned
        julie = self.apprenant(
            p,
            "Julie",
            "Cazenave",
            date_naissance=date(1995, 8, 22),
            commune="Hagetmau",
            zrr=True,
            situation_entree=Situation.SALARIE,
            niveau_qualification=NiveauQualification.NIVEAU_6,
            date_entree=self.ago(20),
            statut_secu=StatutSecu.DEFINITIF,
        )
        pc = self.parcours(julie, "DU Fabmanager distribué", self.ago(18))
        self.etape(
            pc,
            E.FORMATION_DIPLOMANTE,
            self.later(70),
            intitule="DU Fabmanager (session de février)",
            code_rncp="RNCP36210",
            organisation=campus,
            heures_prevues=400,
            modalite=Modalite.DISTANCIEL,
            statut=S.PREVUE,
        )

        # 12. a man over 50 living alone: a path without news for more than 60 days
        marc = self.apprenant(
            p,
            "Marc",
            "Darrigade",
            date_naissance=date(1968, 2, 17),
            commune="Samadet",
            zrr=True,
            situation_entree=Situation.DEMANDEUR_EMPLOI,
            niveau_qualification=NiveauQualification.INFRA_3,
            date_entree=self.ago(130),
            prescripteur=ft,
            statut_secu=StatutSecu.DEFINITIF,
        )
        save(Frein(projet=p, apprenant=marc, type=TypeFrein.MOBILITE, identifie_le=self.ago(130), commentaire="Pas de permis"))
        pc = self.parcours(marc, "Remobilisation (Ma réussite pro Chalosse)", self.ago(125))
        self.etape(
            pc,
            E.ACCUEIL_DIAGNOSTIC,
            self.ago(125),
            date_fin=self.ago(125),
            organisation=klhub,
            heures_prevues=2,
            heures_realisees=2,
            statut=S.TERMINEE,
        )
        old = timezone.make_aware(datetime.combine(self.ago(125), time(10)))
        Etape.objects.filter(parcours=pc).update(modifie_le=old)

        # money: Région funding with the 30 % volunteer cap, Fondation Entreprendre for Palette
        f_region = save(
            Financement(
                projet=p,
                financeur=region,
                programme="Région Nouvelle-Aquitaine",
                intitule="Icifornie — phase opérationnelle",
                montant_accorde=Decimal("120000.00"),
                date_debut=date(2024, 9, 1),
                date_fin=date(2027, 8, 31),
                plafond_benevolat=Decimal("30"),
                plafond_ingenierie=Decimal("20"),
            )
        )
        f_fondation = save(
            Financement(
                projet=p,
                financeur=fondation,
                programme="Fondation",
                intitule="Palette des possibles",
                montant_accorde=Decimal("15000.00"),
                date_debut=date(2025, 1, 1),
                date_fin=date(2025, 12, 31),
            )
        )
        lignes = {}
        for categorie, montant in [
            (CategorieBudget.PERSONNEL, "60000"),
            (CategorieBudget.FRAIS_MISSION, "10000"),
            (CategorieBudget.PRESTATIONS, "20000"),
            (CategorieBudget.INGENIERIE, "20000"),
            (CategorieBudget.FONCTIONNEMENT, "10000"),
        ]:
            lignes[categorie] = save(
                LigneBudget(
                    financement=f_region, categorie=categorie, libelle=CategorieBudget(categorie).label, montant_prevu=Decimal(montant)
                )
            )
        l_palette = save(
            LigneBudget(
                financement=f_fondation,
                categorie=CategorieBudget.PRESTATIONS,
                libelle="Animation de l'atelier Palette",
                montant_prevu=Decimal("15000"),
            )
        )
        for ligne, jours, libelle, montant in [
            (lignes[CategorieBudget.PERSONNEL], 200, "Coordination de la conciergerie (mi-temps) — 1er semestre", "14250.00"),
            (lignes[CategorieBudget.PERSONNEL], 30, "Coordination de la conciergerie (mi-temps) — 2e semestre", "14250.00"),
            (lignes[CategorieBudget.FRAIS_MISSION], 150, "Déplacements vers les OF (Bordeaux, Pau, Mont-de-Marsan)", "1320.40"),
            (lignes[CategorieBudget.PRESTATIONS], 100, "Prestation AFEPT — ingénierie de la formation distribuée", "6000.00"),
            (lignes[CategorieBudget.INGENIERIE], 90, "Conception du référentiel AFEST CASMAU", "4800.00"),
            (lignes[CategorieBudget.FONCTIONNEMENT], 60, "Connexion et matériel de visioconférence", "1890.25"),
            (l_palette, 210, "Animation Palette des possibles (4 semaines)", "9800.00"),
        ]:
            save(Depense(ligne=ligne, date=self.ago(jours), libelle=libelle, montant=Decimal(montant)))
        save(
            Versement(
                financement=f_region,
                type=TypeVersement.ACOMPTE,
                montant=Decimal("36000.00"),
                date_limite_demande=date(2024, 11, 15),
                date_demande=date(2024, 10, 2),
                date_reception=date(2024, 12, 10),
            )
        )
        save(Versement(financement=f_region, type=TypeVersement.ACOMPTE, montant=Decimal("36000.00"), date_limite_demande=self.later(25)))
        save(Versement(financement=f_region, type=TypeVersement.SOLDE, montant=Decimal("48000.00"), date_limite_demande=date(2027, 11, 15)))
        save(
            Versement(
                financement=f_fondation,
                type=TypeVersement.SOLDE,
                montant=Decimal("15000.00"),
                date_limite_demande=date(2025, 3, 1),
                date_demande=date(2025, 2, 1),
                date_reception=date(2025, 3, 12),
            )
        )
        benevoles = [("Gaël Dufau", klhub), ("Bénévole du fablab", klhub), ("Artisan du CASMAU", casmau)]
        for i in range(24):
            personne, organisation = benevoles[i % 3]
            save(
                TempsBenevole(
                    projet=p,
                    financement=f_region,
                    date=self.ago(10 + i * 9),
                    personne=personne,
                    organisation=organisation,
                    activite=["Accueil et diagnostic", "Atelier fablab", "Tutorat AFEST"][i % 3],
                    heures=Decimal("3.5") + (i % 4),
                    taux_horaire=p.taux_horaire_benevolat,
                    valorise=True,
                )
            )
        # what the COPIL feared ("on déborderait largement les 30 %"): a weekly day of tutoring and
        # fablab mentoring (142 days of 7 h and a half day: 997,5 h, 14 962,50 €) brings the Région
        # funding to 16 762,50 € valorised for a limit of 18 218,85 € (30/70 of the 42 510,65 € spent):
        # 92,01 % of its cap, an orange gauge and "Plafond de bénévolat atteint à 92 %" in the to-do
        tuteurs = [
            ("Artisan du CASMAU", casmau, "Tutorat AFEST couture d'ameublement"),
            ("Couturière bénévole du CASMAU", casmau, "Tutorat AFEST couture d'ameublement"),
            ("Bénévole du fablab", klhub, "Atelier fablab"),
            ("Gaël Dufau", klhub, "Accueil et diagnostic"),
        ]
        for k in range(143):
            personne, organisation, activite = tuteurs[k % len(tuteurs)]
            save(
                TempsBenevole(
                    projet=p,
                    financement=f_region,
                    date=self.ago(3 + (k // len(tuteurs)) * 7 + k % len(tuteurs)),
                    personne=personne,
                    organisation=organisation,
                    activite=activite,
                    heures=Decimal("7") if k < 142 else Decimal("3.5"),
                    taux_horaire=p.taux_horaire_benevolat,
                    valorise=True,
                )
            )
        for i in range(6):
            save(
                TempsBenevole(
                    projet=p,
                    date=self.ago(15 + i * 20),
                    personne="Gaël Dufau",
                    organisation=klhub,
                    activite="Task Force Entreprises Est Landes et CLE",
                    heures=Decimal("3"),
                    taux_horaire=p.taux_horaire_benevolat,
                    valorise=False,
                )
            )
        save(
            PartageValeur(
                projet=p, organisation=afept, session=s_distrib, apprenant=lea, mode=ModePartage.PAR_APPRENANT, montant=Decimal("350.00")
            )
        )
        save(
            PartageValeur(
                projet=p,
                organisation=cfppa,
                session=s_bprea,
                apprenant=thomas,
                mode=ModePartage.PAR_APPRENANT,
                montant=Decimal("250.00"),
                recu=True,
                date_reception=self.ago(20),
            )
        )

        # memory: activities, a récit, the COPIL of July 2025
        atelier = save(
            Activite(
                projet=p,
                type=TypeActivite.ATELIER,
                intitule="Atelier Palette des possibles",
                date=self.ago(220),
                lieu="Mugron",
                nb_participants=3,
                description="Fabrication de meubles et de lampes en palettes recyclées.",
            )
        )
        atelier.organisations.set([klhub, fondation])
        comite = save(
            Activite(
                projet=p,
                type=TypeActivite.COMITE,
                intitule="Task Force Entreprises Est Landes",
                date=self.ago(35),
                lieu="Saint-Sever",
                nb_participants=14,
            )
        )
        comite.organisations.set([klhub, ft])
        save(
            Activite(
                projet=p,
                type=TypeActivite.INFORMATION_COLLECTIVE,
                intitule="Information collective — parents solos",
                date=self.ago(12),
                lieu="Kl'hub, Hagetmau",
                nb_participants=9,
            )
        ).organisations.set([klhub, ft])
        recit = save(
            Recit(
                projet=p,
                titre="Palette des possibles : « ils se sont éclatés »",
                type=TypeRecit.MOMENT_CLE,
                date=self.ago(205),
                texte=(
                    "Trois jeunes venus de Mugron ont fabriqué **meubles et lampes** à partir de palettes recyclées.\n\n"
                    "Amadou et Idriss ont ensuite rejoint une formation qualifiante ; un troisième parcours attend "
                    "un numéro de sécurité sociale définitif.\n\n> On a voulu tester chez nous, pour montrer que ça fonctionne."
                ),
                auteur=u.get("coordinatrice"),
                a_presenter_copil=True,
            )
        )
        recit.apprenants.set([amadou, idriss])
        recit.organisations.set([klhub, fondation])
        recit.activites.set([atelier])
        copil = save(
            Copil(
                projet=p,
                date=date(2025, 7, 22),
                lieu="Visioconférence",
                periode_debut=date(2024, 9, 1),
                periode_fin=date(2025, 6, 30),
                ordre_du_jour="Bilan qualitatif et financier de la saison d'exploration ; premiers parcours ; perspectives.",
                decisions="Prochain COPIL en fin d'année, en présentiel, enrichi de témoignages et de parcours concrets.",
                besoins="Trésorerie : acompte de la Région à demander avant le 15 novembre. Financements complémentaires (Novapec).",
                prochaines_etapes="Deux ou trois recrutements à temps partiel ; antenne du Campus connecté ; AFEST CASMAU (6 recrutements visés).",
            )
        )
        copil.participants.set([contacts["klhub"], contacts["afept"], contacts["region"], contacts["region2"]])
        # the next one, "à caler en fin d'année", covers the operational phase up to today
        prochain = save(
            Copil(
                projet=p,
                date=self.later(14),
                lieu="Kl'hub, Mugron (en présentiel)",
                periode_debut=date(2025, 7, 1),
                periode_fin=self.today,
                ordre_du_jour="Démarrage opérationnel : parcours concrets, témoignages, finances et plafond du bénévolat.",
                besoins="Acompte de la Région avant la date limite ; partage de la chaîne de valeur avec les organismes de formation.",
                prochaines_etapes="Essaimage auprès d'autres tiers-lieux ; DU Fabmanager distribué (session de février).",
            )
        )
        prochain.participants.set([contacts["klhub"], contacts["afept"], contacts["region"]])
        return p

    # -- a second consortium, to see isolation -------------------------------------------------
    def coteaux(self):
        p = save(
            Projet(
                nom=NOM_PROJET_2,
                territoire="Coteaux du Gers (projet fictif)",
                date_debut=date(2025, 1, 1),
                taux_horaire_benevolat=Decimal("14.00"),
            )
        )
        TO = TypeOrganisation
        grange = self.org(p, "La Grange numérique", TO.TIERS_LIEU, "Lectoure", RoleConsortium.CHEF_DE_FILE)
        of = self.org(
            p,
            "Formations du Val",
            TO.ORGANISME_FORMATION,
            "Auch",
            RoleConsortium.MEMBRE,
            qualiopi_statut=StatutQualiopi.CERTIFIE,
            qualiopi_expiration=self.later(20),
        )
        region = self.org(p, "Région Occitanie", TO.FINANCEUR_PUBLIC, "Toulouse")
        u = self.users
        if u:
            save(Adhesion(user=u["coordinatrice"], projet=p, role=Role.COORDINATEUR))
        save(
            Financement(
                projet=p,
                financeur=region,
                programme="Région",
                intitule="Tiers-lieu apprenant",
                montant_accorde=Decimal("60000.00"),
                date_debut=date(2025, 1, 1),
                date_fin=date(2026, 12, 31),
                plafond_benevolat=Decimal("20"),
            )
        )
        for prenom, nom, type_ in [
            ("Inès", "Fourcade", TypeEtape.REMOBILISATION),
            ("Bastien", "Moulié", TypeEtape.PRE_QUALIFICATION),
            ("Clara", "Sentenac", TypeEtape.IMMERSION_PMSMP),
            ("Lucas", "Abadie", TypeEtape.ACCOMPAGNEMENT),
        ]:
            a = self.apprenant(p, prenom, nom, commune="Lectoure", zrr=True, date_entree=self.ago(60))
            pc = self.parcours(a, "Parcours d'insertion", self.ago(55))
            self.etape(
                pc,
                type_,
                self.ago(50),
                organisation=of if type_ == TypeEtape.PRE_QUALIFICATION else grange,
                heures_prevues=35,
                statut=StatutEtape.EN_COURS,
            )
        return p

    # -- the national programme, funder of both projects: its roll-up puts them side by side ------
    def programme(self, projets):
        for projet, montant in zip(projets, (Decimal("50000.00"), Decimal("40000.00")), strict=True):
            organisation = self.org(projet, "Programme Deffinov", TypeOrganisation.FINANCEUR_PUBLIC, "Paris")
            save(
                Financement(
                    projet=projet,
                    financeur=organisation,
                    programme="Deffinov",
                    intitule=f"{projet.nom} — ingénierie de la conciergerie",
                    montant_accorde=montant,
                    date_debut=projet.date_debut,
                    date_fin=projet.date_fin or date(2027, 12, 31),
                    plafond_benevolat=Decimal("30"),
                )
            )
            if self.users:
                save(Adhesion(user=self.users["programme"], projet=projet, role=Role.FINANCEUR, organisation=organisation))


class Command(BaseCommand):
    help = "Charge les données de démonstration (consortium Icifornie et un second projet fictif)."

    def add_arguments(self, parser):
        parser.add_argument("--si-vide", action="store_true", help="Ne rien faire si la base contient déjà un projet.")

    def handle(self, *args, si_vide=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les données de démonstration et leurs comptes (mot de passe « demo ») ne se chargent qu'avec DEBUG activé."
            )
        if si_vide and Projet.objects.exists():
            self.stdout.write("La base contient déjà des projets : rien à charger.")
            return
        if Projet.objects.filter(nom=NOM_PROJET).exists():
            self.stdout.write("Les données de démonstration sont déjà chargées.")
            return
        with transaction.atomic():
            demo = Demo(date.today())
            demo.create_users()
            demo.programme([demo.icifornie(), demo.coteaux()])
        self.stdout.write(
            self.style.SUCCESS(
                "Données de démonstration chargées. Comptes (mot de passe « demo ») : admin, coordinatrice, partenaire, financeur, programme."
            )
        )
