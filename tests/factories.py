"""factory_boy factories for every model, with traits for the usual variants.

A factory that needs a project takes it from its parent (``projet=factory.SelfAttribute(...)``)
so that a whole graph stays inside one tenant.
"""

from datetime import date as D
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from competences import models as comp
from conciergerie.models import Adhesion, Preferences, Projet, ResumeEnvoye
from conciergerie.roles import Role
from finances import models as fin
from parcours import models as par
from partenaires import models as part
from pilotage import models as pil
from recits import models as rec

TODAY = timezone.localdate()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # not Faker's names: the header shows the user's name, and tests check that a learner's or a
    # volunteer's (Faker) name is absent from a page — a random clash would make them flaky
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Membre{n}")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class PreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preferences

    user = factory.SubFactory(UserFactory)
    resume_quotidien = True

    class Params:
        sans_resume = factory.Trait(resume_quotidien=False)


class ResumeEnvoyeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResumeEnvoye

    user = factory.SubFactory(UserFactory)
    jour = TODAY

    class Params:
        hier = factory.Trait(jour=TODAY - timedelta(days=1))


class ProjetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Projet

    nom = factory.Sequence(lambda n: f"Projet {n}")
    territoire = "Landes"
    date_debut = D(2024, 9, 1)
    taux_horaire_benevolat = Decimal("15.00")

    class Params:
        termine = factory.Trait(date_debut=D(2021, 9, 1), date_fin=D(2024, 8, 31))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = part.Organisation

    projet = factory.SubFactory(ProjetFactory)
    nom = factory.Sequence(lambda n: f"Organisation {n}")
    type = part.TypeOrganisation.ASSOCIATION
    commune = "Hagetmau"

    class Params:
        of = factory.Trait(
            type=part.TypeOrganisation.ORGANISME_FORMATION,
            qualiopi_statut=part.StatutQualiopi.CERTIFIE,
            qualiopi_expiration=TODAY + timedelta(days=365),
        )
        tiers_lieu = factory.Trait(type=part.TypeOrganisation.TIERS_LIEU)
        financeur = factory.Trait(type=part.TypeOrganisation.FINANCEUR_PUBLIC)
        prescripteur = factory.Trait(type=part.TypeOrganisation.FRANCE_TRAVAIL)


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adhesion

    user = factory.SubFactory(UserFactory)
    projet = factory.SubFactory(ProjetFactory)
    role = Role.COORDINATEUR
    organisation = None

    class Params:
        administrateur = factory.Trait(role=Role.ADMINISTRATEUR)
        coordinateur = factory.Trait(role=Role.COORDINATEUR)
        partenaire = factory.Trait(
            role=Role.PARTENAIRE,
            organisation=factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"), of=True),
        )
        financeur = factory.Trait(
            role=Role.FINANCEUR,
            organisation=factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"), financeur=True),
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = part.Contact

    organisation = factory.SubFactory(OrganisationFactory)
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    email = factory.Faker("email", locale="fr_FR")

    class Params:
        referent = factory.Trait(est_referent=True)


class MembreConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = part.MembreConsortium

    projet = factory.SubFactory(ProjetFactory)
    organisation = factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"))
    role = part.RoleConsortium.MEMBRE
    date_entree = D(2024, 9, 1)

    class Params:
        chef_de_file = factory.Trait(role=part.RoleConsortium.CHEF_DE_FILE)
        associe = factory.Trait(role=part.RoleConsortium.ASSOCIE)


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = part.Convention
        skip_postgeneration_save = True

    projet = factory.SubFactory(ProjetFactory)
    type = part.TypeConvention.PARTENARIAT
    intitule = factory.Sequence(lambda n: f"Convention {n}")
    date_debut = D(2024, 9, 1)

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.parties.set(extracted)

    class Params:
        financement = factory.Trait(type=part.TypeConvention.FINANCEMENT, montant=Decimal("50000.00"))
        expire_bientot = factory.Trait(date_fin=TODAY + timedelta(days=30))


class ApprenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Apprenant

    projet = factory.SubFactory(ProjetFactory)
    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    date_naissance = D(1998, 5, 17)
    commune = "Mugron"
    situation_entree = par.Situation.DEMANDEUR_EMPLOI
    date_entree = D(2025, 1, 15)

    class Params:
        qpv_ = factory.Trait(qpv=True)
        zrr_ = factory.Trait(zrr=True)
        neet = factory.Trait(situation_entree=par.Situation.NEET, date_naissance=D(2006, 3, 3))
        rqth_ = factory.Trait(rqth=True)
        consentant = factory.Trait(consentement_portee=par.PorteeConsentement.COPIL, consentement_date=D(2025, 1, 15))
        consentant_interne = factory.Trait(consentement_portee=par.PorteeConsentement.INTERNE, consentement_date=D(2025, 1, 15))
        consentant_public = factory.Trait(consentement_portee=par.PorteeConsentement.PUBLIC, consentement_date=D(2025, 1, 15))
        secu_provisoire = factory.Trait(statut_secu=par.StatutSecu.PROVISOIRE)


class ParcoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Parcours

    apprenant = factory.SubFactory(ApprenantFactory)
    projet = factory.SelfAttribute("apprenant.projet")
    intitule = "Parcours vers l'emploi"
    date_debut = D(2025, 1, 20)

    class Params:
        cloture = factory.Trait(statut=par.StatutParcours.CLOTURE, date_fin=D(2025, 6, 30), suivi_6_mois_le=D(2025, 12, 30))


class SessionFormationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.SessionFormation

    projet = factory.SubFactory(ProjetFactory)
    organisation = factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"), of=True)
    intitule = factory.Sequence(lambda n: f"Session {n}")
    date_debut = D(2025, 3, 1)
    date_fin = D(2025, 6, 30)
    places_min = 8
    places_max = 12

    class Params:
        distancielle = factory.Trait(modalite=par.Modalite.DISTANCIEL)
        engagee = factory.Trait(places_conciergerie=4)

    places_conciergerie = 3


class EtapeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Etape

    parcours = factory.SubFactory(ParcoursFactory)
    projet = factory.SelfAttribute("parcours.projet")
    type = par.TypeEtape.ACCOMPAGNEMENT
    date_debut = D(2025, 2, 1)
    heures_prevues = Decimal("35")
    organisation = factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"))

    class Params:
        certifiante = factory.Trait(type=par.TypeEtape.FORMATION_CERTIFIANTE, code_rncp="RNCP37873")
        pre_qualification = factory.Trait(type=par.TypeEtape.PRE_QUALIFICATION)
        bloquee = factory.Trait(statut=par.StatutEtape.BLOQUEE, motif="Numéro de sécurité sociale provisoire")
        terminee = factory.Trait(statut=par.StatutEtape.TERMINEE, date_fin=D(2025, 3, 1), heures_realisees=Decimal("35"))


class FreinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Frein

    apprenant = factory.SubFactory(ApprenantFactory)
    projet = factory.SelfAttribute("apprenant.projet")
    type = par.TypeFrein.MOBILITE

    class Params:
        leve_ = factory.Trait(leve=True, leve_le=D(2025, 3, 1))


class SortieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Sortie

    parcours = factory.SubFactory(ParcoursFactory, cloture=True)
    projet = factory.SelfAttribute("parcours.projet")
    type = par.TypeSortie.SORTIE
    resultat = par.ResultatSortie.EMPLOI_DURABLE
    date = D(2025, 6, 30)

    class Params:
        suivi = factory.Trait(type=par.TypeSortie.SUIVI_6_MOIS, date=D(2025, 12, 30))
        negative = factory.Trait(resultat=par.ResultatSortie.RECHERCHE_EMPLOI)


class FinancementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.Financement

    projet = factory.SubFactory(ProjetFactory)
    financeur = factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"), financeur=True)
    programme = "Région"
    intitule = factory.Sequence(lambda n: f"Financement {n}")
    montant_accorde = Decimal("100000.00")
    date_debut = D(2024, 9, 1)
    date_fin = D(2027, 8, 31)

    class Params:
        plafonne = factory.Trait(plafond_benevolat=Decimal("30"), plafond_ingenierie=Decimal("20"))


class LigneBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.LigneBudget

    financement = factory.SubFactory(FinancementFactory)
    categorie = fin.CategorieBudget.PERSONNEL
    libelle = "Coordination"
    montant_prevu = Decimal("50000.00")

    class Params:
        ingenierie = factory.Trait(categorie=fin.CategorieBudget.INGENIERIE, libelle="Ingénierie")


class DepenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.Depense

    ligne = factory.SubFactory(LigneBudgetFactory)
    date = D(2025, 3, 1)
    libelle = "Dépense"
    montant = Decimal("1000.00")

    class Params:
        avec_justificatif = factory.Trait(justificatif=factory.django.FileField(filename="facture.pdf", data=b"%PDF-1.4 facture"))


class VersementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.Versement

    financement = factory.SubFactory(FinancementFactory)
    type = fin.TypeVersement.ACOMPTE
    montant = Decimal("30000.00")
    date_limite_demande = TODAY + timedelta(days=30)

    class Params:
        recu = factory.Trait(date_demande=D(2025, 1, 10), date_reception=D(2025, 2, 10))


class TempsBenevoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.TempsBenevole

    projet = factory.SubFactory(ProjetFactory)
    date = D(2025, 3, 1)
    personne = "Bénévole"
    activite = "Accueil"
    heures = Decimal("3.00")
    taux_horaire = Decimal("15.00")

    class Params:
        donne_en_plus = factory.Trait(valorise=False)


class PartageValeurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.PartageValeur

    projet = factory.SubFactory(ProjetFactory)
    organisation = factory.SubFactory(OrganisationFactory, projet=factory.SelfAttribute("..projet"), of=True)
    # per session by default: the mode requires its session (the organisation's own, in the project)
    session = factory.SubFactory(
        SessionFormationFactory, projet=factory.SelfAttribute("..projet"), organisation=factory.SelfAttribute("..organisation")
    )
    mode = fin.ModePartage.PAR_SESSION
    montant = Decimal("300.00")

    class Params:
        recu_ = factory.Trait(recu=True, date_reception=D(2025, 5, 1))


class ActiviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rec.Activite

    projet = factory.SubFactory(ProjetFactory)
    type = rec.TypeActivite.ATELIER
    intitule = factory.Sequence(lambda n: f"Atelier {n}")
    date = D(2025, 4, 1)
    nb_participants = 8

    class Params:
        comite = factory.Trait(type=rec.TypeActivite.COMITE, intitule=factory.Sequence(lambda n: f"CLE {n}"))
        information_collective = factory.Trait(type=rec.TypeActivite.INFORMATION_COLLECTIVE)


class RecitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rec.Recit

    projet = factory.SubFactory(ProjetFactory)
    titre = factory.Sequence(lambda n: f"Récit {n}")
    type = rec.TypeRecit.TEMOIGNAGE
    texte = "Un **beau** moment."
    date = D(2025, 4, 2)

    class Params:
        copil = factory.Trait(a_presenter_copil=True)


class AvisRetraitConsentementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rec.AvisRetraitConsentement

    recit = factory.SubFactory(RecitFactory)
    projet = factory.SelfAttribute("recit.projet")
    destinataire = factory.SubFactory(UserFactory)
    retire_le = D(2025, 5, 2)


class CopilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rec.Copil

    projet = factory.SubFactory(ProjetFactory)
    date = D(2025, 7, 22)
    periode_debut = D(2024, 9, 1)
    periode_fin = D(2025, 6, 30)

    class Params:
        a_venir = factory.Trait(date=TODAY + timedelta(days=14), periode_debut=D(2025, 7, 1), periode_fin=TODAY)


class RapportCopilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pil.RapportCopil

    copil = factory.SubFactory(CopilFactory)

    class Params:
        pret = factory.Trait(statut=pil.StatutRapport.PRET, progression=100)
        pret_avec_fichier = factory.Trait(
            statut=pil.StatutRapport.PRET, progression=100, fichier=factory.django.FileField(filename="rapport.pdf", data=b"%PDF-1.7")
        )
        echec = factory.Trait(statut=pil.StatutRapport.ECHEC, erreur="Erreur de rendu")


class BilanExcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pil.BilanExcel

    projet = factory.SubFactory(ProjetFactory)
    periode_debut = D(2025, 1, 1)
    periode_fin = D(2025, 6, 30)

    class Params:
        pret = factory.Trait(
            statut=pil.StatutJob.PRET, progression=100, fichier=factory.django.FileField(filename="bilan.xlsx", data=b"PK\x03\x04")
        )
        echec = factory.Trait(statut=pil.StatutJob.ECHEC, erreur="Échec de la génération du bilan : test")
        nominatif = factory.Trait(donnees_personnelles=True)


# ---------------------------------------------------------------- séances and attendance (issue 17)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Phase

    session = factory.SubFactory(SessionFormationFactory)
    projet = factory.SelfAttribute("session.projet")
    nom = factory.Sequence(lambda n: f"Phase {n}")
    ordre = 1


class SeanceFactory(factory.django.DjangoModelFactory):
    """A séance of 3,5 h (9:00–12:30) on the session's first day."""

    class Meta:
        model = par.Seance

    session = factory.SubFactory(SessionFormationFactory)
    projet = factory.SelfAttribute("session.projet")
    date = factory.SelfAttribute("session.date_debut")
    heure_debut = factory.LazyFunction(lambda: timezone.datetime(2000, 1, 1, 9, 0).time())
    heure_fin = factory.LazyFunction(lambda: timezone.datetime(2000, 1, 1, 12, 30).time())
    duree = Decimal("3.5")

    class Params:
        avec_feuille = factory.Trait(feuille_signee=factory.django.FileField(filename="emargement.pdf", data=b"%PDF-1.7 feuille"))


class PresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = par.Presence

    seance = factory.SubFactory(SeanceFactory)
    projet = factory.SelfAttribute("seance.projet")
    apprenant = factory.SubFactory(ApprenantFactory, projet=factory.SelfAttribute("..projet"))
    statut = par.StatutPresence.PRESENT
    heures = factory.SelfAttribute("seance.duree")


# ---------------------------------------------------------------- competences


class ReferentielFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.Referentiel

    projet = factory.SubFactory(ProjetFactory)
    nom = factory.Sequence(lambda n: f"Référentiel {n}")


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.Bloc

    referentiel = factory.SubFactory(ReferentielFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    libelle = factory.Sequence(lambda n: f"Bloc {n}")
    ordre = factory.Sequence(int)


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.Competence

    bloc = factory.SubFactory(BlocFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    libelle = factory.Sequence(lambda n: f"Compétence {n}")
    criteres = "Réalise le geste\nExplique ce qu'il fait"
    ordre = factory.Sequence(int)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.Evaluation

    apprenant = factory.SubFactory(ApprenantFactory)
    projet = factory.SelfAttribute("apprenant.projet")
    referentiel = factory.SubFactory(ReferentielFactory, projet=factory.SelfAttribute("..projet"))
    date = D(2025, 3, 1)
    moment = comp.MomentEvaluation.ENTREE
    evaluateur_qualite = comp.QualiteEvaluateur.COORDINATEUR

    class Params:
        sortie = factory.Trait(moment=comp.MomentEvaluation.SORTIE, date=D(2025, 6, 1))


class NiveauEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.NiveauEvaluation

    evaluation = factory.SubFactory(EvaluationFactory)
    competence = factory.SubFactory(CompetenceFactory, bloc__referentiel=factory.SelfAttribute("...evaluation.referentiel"))
    niveau = comp.Niveau.EN_COURS


class ComposanteAfestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = comp.ComposanteAfest

    etape = factory.SubFactory(EtapeFactory, type=par.TypeEtape.AFEST)
    projet = factory.SelfAttribute("etape.projet")
    type = comp.TypeComposante.ANALYSE
    date = D(2025, 2, 3)
    intervenant = "Tuteur"
    contenu = "Situation de travail retenue"


# ---------------------------------------------------------------- badges


class BadgeClasseFactory(factory.django.DjangoModelFactory):
    """A badge class; ``competences=[(competence, niveau), …]`` adds the required competences."""

    class Meta:
        model = "badges.BadgeClasse"
        skip_postgeneration_save = True

    projet = factory.SubFactory(ProjetFactory)
    nom = factory.Sequence(lambda n: f"Badge {n}")
    description = "Coudre une assise de fauteuil en atelier."
    criteres = "Avoir réalisé une assise complète sous le regard du tuteur."

    @factory.post_generation
    def competences(self, create, extracted, **kwargs):
        from badges.models import CompetenceRequise

        for competence, niveau in extracted or ():
            CompetenceRequise.objects.create(badge_classe=self, competence=competence, niveau=niveau)


class BadgeFactory(factory.django.DjangoModelFactory):
    """A proposed badge (``services.delivrer_badge`` issues it: the signature is the app's)."""

    class Meta:
        model = "badges.Badge"

    classe = factory.SubFactory(BadgeClasseFactory)
    projet = factory.SelfAttribute("classe.projet")
    apprenant = factory.SubFactory(ApprenantFactory, projet=factory.SelfAttribute("..projet"), email="apprenant@example.org")


class DerogationEligibiliteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.DerogationEligibilite

    financement = factory.SubFactory(FinancementFactory)
    projet = factory.SelfAttribute("financement.projet")
    apprenant = factory.SubFactory(ApprenantFactory, projet=factory.SelfAttribute("..projet"))
    eligible = True
    motif = "Participe au titre de son entreprise"


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = fin.Objectif

    projet = factory.SubFactory(ProjetFactory)
    indicateur = fin.Indicateur.ACCOMPAGNES
    valeur_cible = Decimal("100")
    date_echeance = D(2027, 8, 31)
