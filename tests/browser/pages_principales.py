"""The main pages of each role, on a small dataset: what the responsive and accessibility browser
tests (test_mobile.py, test_accessibilite.py) open one after the other.

``creer_donnees()`` builds one project with a member of each role (usernames ``adm``, ``coord``,
``part``, ``fin``), a learner followed by the partner's training organisation (a path, steps, a
brake, an exit), a session, a funding of the funder with its budget, expenses, payments and
volunteer hours, a récit, an activity and a COPIL. ``pages(role, donnees)`` gives the role's
pages as (name, path) pairs: each page the role may open (``conciergerie.roles.peut``).
"""

from dataclasses import dataclass
from datetime import date as D
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut
from tests import factories as f

ROLES = ("administrateur", "coordinateur", "partenaire", "financeur")
USERNAMES = {"administrateur": "adm", "coordinateur": "coord", "partenaire": "part", "financeur": "fin"}


@dataclass(frozen=True)
class Page:
    nom: str
    capacite: str | None  # None: any logged-in member
    chemin: object  # donnees -> path

    def url(self, donnees) -> str:
        return self.chemin(donnees)


def _p(nom, *args):
    return lambda d: reverse(nom, args=[d["projet"].pk, *[d[a].pk for a in args]])


PAGES = [
    Page("accueil", None, lambda d: reverse("accueil")),
    Page("accueil du projet", "projet.voir", _p("projet_accueil")),
    Page("liste des apprenants", "apprenants.voir", _p("apprenant_list")),
    Page("un apprenant", "apprenants.voir", _p("apprenant_detail", "apprenant")),
    Page("liste des organisations", "partenaires.voir", _p("organisation_list")),
    Page("une organisation", "partenaires.voir", _p("organisation_detail", "organisation")),
    Page("une convention", "partenaires.voir", _p("convention_detail", "convention")),
    Page("sessions", "apprenants.voir", _p("sessionformation_list")),
    Page("une session", "apprenants.voir", _p("sessionformation_detail", "session")),
    Page("finances", "finances.voir", _p("finances")),
    Page("un financement", "finances.voir", _p("financement_detail", "financement")),
    Page("heures bénévoles de la semaine", "finances.modifier", _p("benevolat_semaine")),
    Page("liste des récits", "recits.modifier", _p("recit_list")),
    Page("un récit", "recits.modifier", _p("recit_detail", "recit")),
    Page("activités", "tableau_de_bord.voir", _p("activite_list")),
    Page("une activité", "tableau_de_bord.voir", _p("activite_detail", "activite")),
    Page("liste des COPIL", "tableau_de_bord.voir", _p("copil_list")),
    Page("un COPIL", "tableau_de_bord.voir", _p("copil_detail", "copil")),
    Page("tableau de bord", "tableau_de_bord.voir", _p("tableau_de_bord")),
    Page("synthèse des projets", "tableau_de_bord.voir", lambda d: reverse("synthese")),
    Page("bilans", "tableau_de_bord.voir", _p("bilan_projet")),
    Page("imports", "imports.faire", _p("imports")),
    Page("membres", "membres.gerer", _p("membres")),
    Page("conservation des données", "rgpd.gerer", _p("conservation")),
    Page("journal des accès", "rgpd.gerer", _p("journal_acces")),
    Page("le projet (formulaire)", "projet.gerer", _p("projet_modifier")),
    Page("nouvel apprenant (formulaire)", "apprenants.modifier", _p("apprenant_create")),
    # issue 19's lists and search, issue 17's séances, issue 18's competences and badges
    Page("liste des parcours", "apprenants.voir", _p("parcours_list")),
    Page("liste des étapes", "apprenants.voir", _p("etape_list")),
    Page("liste des dépenses", "finances.voir", _p("depense_list")),
    Page("liste du temps bénévole", "finances.modifier", _p("benevolat_list")),
    Page("recherche globale", "partenaires.voir", lambda d: reverse("recherche", args=[d["projet"].pk]) + "?q=lea"),
    Page("calendrier des séances", "apprenants.voir", _p("calendrier")),
    Page("présences d'une séance", "etapes.modifier", _p("seance_presences", "seance")),
    Page("référentiels de compétences", "competences.voir", _p("referentiel_list")),
    Page("un référentiel", "competences.voir", _p("referentiel_detail", "referentiel")),
    Page("traçabilité AFEST d'une étape", "competences.voir", _p("etape_afest", "etape_afest")),
    Page("badges", "apprenants.modifier", _p("badgeclasse_list")),
    Page("un badge (classe)", "apprenants.modifier", _p("badgeclasse_detail", "badge_classe")),
    Page("vérifier un badge (public)", None, lambda d: reverse("badge_verifier")),
    Page("mes projets", None, lambda d: reverse("mes_projets")),
    Page("sécurité du compte", None, lambda d: reverse("compte")),
    Page("préférences", None, lambda d: reverse("preferences")),
    Page("mot de passe (formulaire)", None, lambda d: reverse("mot_de_passe_modifier")),
    Page("protection des données", None, lambda d: reverse("protection_donnees")),
]


def pages(role: str, donnees) -> list[tuple[str, str]]:
    """The role's main pages: (name, path)."""
    return [(p.nom, p.url(donnees)) for p in PAGES if p.capacite is None or peut(role, p.capacite)]


def creer_donnees() -> dict:
    today = timezone.localdate()
    adm = f.AdhesionFactory(administrateur=True, user__username="adm", user__first_name="Alex", user__last_name="Martin")
    projet = adm.projet
    projet.nom = "Icifornie"
    projet.save()
    coord = f.AdhesionFactory(projet=projet, coordinateur=True, user__username="coord", user__first_name="Camille")
    part = f.AdhesionFactory(projet=projet, partenaire=True, user__username="part", organisation__nom="Greta des Landes")
    fin = f.AdhesionFactory(projet=projet, financeur=True, user__username="fin", organisation__nom="Région Nouvelle-Aquitaine")
    of = part.organisation
    tiers_lieu = f.OrganisationFactory(projet=projet, nom="La Smalah", tiers_lieu=True)
    f.MembreConsortiumFactory(projet=projet, organisation=tiers_lieu, chef_de_file=True)
    f.MembreConsortiumFactory(projet=projet, organisation=of)
    # long words, as real data has them: they wrap, the page does not widen
    f.ContactFactory(organisation=of, referent=True, email="secretariat.formation-continue@greta-des-landes-sud-aquitaine.fr")
    f.OrganisationFactory(projet=projet, nom="Association départementale d'accompagnement socioprofessionnel des Landes (ADASPL)")
    convention = f.ConventionFactory(projet=projet, parties=[of, tiers_lieu], financement=True)

    apprenant = f.ApprenantFactory(projet=projet, prenom="Léa", nom="Marchand", qpv_=True, consentant=True)
    parcours = f.ParcoursFactory(apprenant=apprenant, intitule="Auxiliaire de vie", date_debut=today - timedelta(days=200))
    f.EtapeFactory(parcours=parcours, organisation=tiers_lieu, terminee=True)
    f.EtapeFactory(parcours=parcours, organisation=of, certifiante=True, date_debut=today - timedelta(days=120))
    f.EtapeFactory(parcours=parcours, organisation=of, bloquee=True, date_debut=today - timedelta(days=30))
    f.FreinFactory(apprenant=apprenant)
    for i in range(5):
        autre = f.ApprenantFactory(projet=projet, reference=f"ICI-{i:03d}")
        etape = f.EtapeFactory(parcours__apprenant=autre, organisation=of if i % 2 else tiers_lieu, terminee=i < 3)
        if i < 3:
            f.SortieFactory(parcours=f.ParcoursFactory(apprenant=autre, cloture=True), negative=i == 2)
        del etape
    session = f.SessionFormationFactory(projet=projet, organisation=of, intitule="Titre pro ADVF", engagee=True)

    financement = f.FinancementFactory(projet=projet, financeur=fin.organisation, intitule="Fonds régional", plafonne=True)
    ligne = f.LigneBudgetFactory(financement=financement)
    f.LigneBudgetFactory(financement=financement, ingenierie=True, montant_prevu=Decimal("20000.00"))
    f.DepenseFactory(ligne=ligne, montant=Decimal("12500.00"))
    f.VersementFactory(financement=financement, recu=True)
    f.VersementFactory(financement=financement, type=f.fin.TypeVersement.SOLDE)
    # a second funding (another funder): two summaries on the finances page, their sections named apart
    f.DepenseFactory(ligne__financement=f.FinancementFactory(projet=projet, programme="FSE+", intitule="Inclusion"))
    for jour in range(3):
        f.TempsBenevoleFactory(projet=projet, organisation=tiers_lieu, date=today - timedelta(days=jour))
    f.PartageValeurFactory(projet=projet, organisation=of, session=session)

    # a collective session with a séance and its attendance (issue 17)
    seance = f.SeanceFactory(session=session, date=session.date_debut)
    f.PresenceFactory(seance=seance, apprenant=apprenant)
    # a framework, the learner evaluated at entry and exit (the radar chart), an AFEST step at the
    # partner's organisation with two of its four components, a badge class (issue 18)
    competence = f.CompetenceFactory(bloc__referentiel__projet=projet, bloc__libelle="Accompagner", libelle="Aider à la toilette")
    referentiel = competence.bloc.referentiel
    for moment, niveau in (("entree", 1), ("sortie", 3)):
        evaluation = f.EvaluationFactory(apprenant=apprenant, referentiel=referentiel, moment=moment)
        f.NiveauEvaluationFactory(evaluation=evaluation, competence=competence, niveau=niveau)
    etape_afest = f.EtapeFactory(parcours=parcours, organisation=of, type=f.par.TypeEtape.AFEST, date_debut=today - timedelta(days=20))
    f.ComposanteAfestFactory(etape=etape_afest)
    badge_classe = f.BadgeClasseFactory(projet=projet, nom="Aide à la toilette", competences=[(competence, 3)])

    recit = f.RecitFactory(projet=projet, titre="Louise, notre bêta-testeuse", copil=True, date=D(2025, 3, 10))
    activite = f.ActiviteFactory(projet=projet, intitule="Atelier numérique")
    f.ActiviteFactory(projet=projet, comite=True)
    copil = f.CopilFactory(projet=projet, lieu="Mugron")
    f.RapportCopilFactory(copil=copil, pret=True)
    return {
        "projet": projet,
        "adhesions": {"administrateur": adm, "coordinateur": coord, "partenaire": part, "financeur": fin},
        "apprenant": apprenant,
        "organisation": of,
        "convention": convention,
        "activite": activite,
        "session": session,
        "financement": financement,
        "recit": recit,
        "copil": copil,
        "seance": seance,
        "referentiel": referentiel,
        "etape_afest": etape_afest,
        "badge_classe": badge_classe,
    }
