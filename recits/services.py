"""Writes of the récits, activités and COPIL pages: plain functions with keyword arguments,
one transaction each.

Views validate with the forms (recits/forms.py) and call these; the rules are checked here
again (the learners' consent, every linked row in the same project) and a broken rule raises
``ValidationError`` before anything is written. Each first checks that ``by`` holds
``recits.modifier`` in the project (``conciergerie.scoping.exiger``, ``PermissionDenied``
otherwise). Volunteer time is written by ``finances.services`` (recits may import finances,
never the other way round).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conciergerie.formats import date_longue
from conciergerie.forms import valider_periode
from conciergerie.scoping import exiger
from conciergerie.suppression import supprimer
from finances.models import TempsBenevole
from finances.services import saisir_temps_benevole
from parcours.models import MESSAGE_RETRAIT_AVANT, PorteeConsentement

from .consentement import Detecteur, candidats
from .models import Activite, AvisRetraitConsentement, Copil, Recit

logger = logging.getLogger(__name__)

CAPACITE = "recits.modifier"
MESSAGE_PERIODE_COPIL = "La fin de la période doit suivre son début."  # the model's constraint's


def _cible(portee) -> str:
    return "dans un récit présenté au COPIL" if portee == PorteeConsentement.COPIL else "dans un récit"


def message_consentement(apprenants, portee=PorteeConsentement.INTERNE) -> str:
    """The refusal of a récit naming learners whose consent does not cover ``portee``: names
    them (a coordinator knows who they are) with what their record says."""
    noms = ", ".join(str(a) + ("" if not a.consentement_portee else f" ({a.consentement_libelle})") for a in apprenants)
    if len(apprenants) == 1:
        return (
            f"{noms} n'a pas donné son consentement à être nommé {_cible(portee)} : retirez son nom et ce qui le fait reconnaître "
            "(initiale, âge, commune), ou enregistrez d'abord son consentement sur sa fiche."
        )
    return (
        f"{noms} n'ont pas donné leur consentement à être nommés {_cible(portee)} : retirez leurs noms et ce qui les fait reconnaître "
        "(initiale, âge, commune), ou enregistrez d'abord leur consentement sur leur fiche."
    )


def portee_requise(a_presenter_copil: bool) -> str:
    """A récit kept for the team needs an internal consent; one to present at the COPIL, which
    the partners and funders read, a COPIL consent."""
    return PorteeConsentement.COPIL if a_presenter_copil else PorteeConsentement.INTERNE


def consentements_manquants(*, projet, titre, texte, date, apprenants, a_presenter_copil, detecteur=None) -> dict[str, str]:
    """Per field, the refusal of a récit whose linked learners (``apprenants``) or learners named
    in its title or text (``recits.consentement``) lack a consent covering its use; empty when
    every one consents. One query for the project's learners (none when ``detecteur`` is given)."""
    portee = portee_requise(a_presenter_copil)
    erreurs = {}
    lies = {a.pk for a in apprenants}
    manquants = [a for a in apprenants if not a.consent_a(portee)]
    if manquants:
        erreurs["apprenants"] = message_consentement(manquants, portee)
    detecteur = detecteur or Detecteur(candidats(projet))
    for champ, contenu in (("titre", titre), ("texte", texte)):
        nommes = [a for a in detecteur.nommes(contenu or "", au=date) if a.pk not in lies and not a.consent_a(portee)]
        if nommes:
            erreurs[champ] = message_consentement(nommes, portee)
    return erreurs


def _meme_projet(projet, **liens) -> None:
    """Each linked row belongs to ``projet`` (a learner of another project is refused)."""
    erreurs = {}
    for champ, (objets, message) in liens.items():
        if any(objet.projet_id != projet.pk for objet in objets):
            erreurs[champ] = message
    if erreurs:
        raise ValidationError(erreurs)


def _enregistrer(instance, projet):
    instance.projet = projet
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def enregistrer_recit(*, recit: Recit, projet, by, apprenants=(), organisations=(), activites=()) -> Recit:
    """Save a récit and its links. Naming a learner (linked, or recognisable in the title or the
    text) requires that learner's consent in force: internal for a récit kept by the team, COPIL
    for one to present at the COPIL."""
    exiger(by, projet, CAPACITE)
    apprenants, organisations, activites = list(apprenants), list(organisations), list(activites)
    _meme_projet(
        projet,
        apprenants=(apprenants, "Un des apprenants choisis n'appartient pas à ce projet."),
        organisations=(organisations, "Une des organisations choisies n'appartient pas à ce projet."),
        activites=(activites, "Une des activités choisies n'appartient pas à ce projet."),
    )
    # the linked learners and those the title or the text names (recits.consentement)
    erreurs = consentements_manquants(
        projet=projet,
        titre=recit.titre,
        texte=recit.texte,
        date=recit.date,
        apprenants=apprenants,
        a_presenter_copil=recit.a_presenter_copil,
    )
    if erreurs:
        raise ValidationError(erreurs)
    if recit.pk is None and recit.auteur_id is None:
        recit.auteur = by
    _enregistrer(recit, projet)
    recit.apprenants.set(apprenants)
    recit.organisations.set(organisations)
    recit.activites.set(activites)
    return recit


@transaction.atomic
def enregistrer_activite(*, activite: Activite, projet, by, organisations=()) -> Activite:
    exiger(by, projet, CAPACITE)
    organisations = list(organisations)
    _meme_projet(projet, organisations=(organisations, "Une des organisations choisies n'appartient pas à ce projet."))
    _enregistrer(activite, projet)
    activite.organisations.set(organisations)
    return activite


@transaction.atomic
def saisir_temps_activite(*, activite: Activite, projet, by, **champs) -> TempsBenevole:
    """One line of volunteer time logged against an activity (through finances.services)."""
    exiger(by, projet, CAPACITE)
    if activite.projet_id != projet.pk:
        raise ValidationError("Cette activité n'appartient pas à ce projet.")
    organisation, financement = champs.get("organisation"), champs.get("financement")
    if organisation is not None and organisation.projet_id != projet.pk:
        raise ValidationError({"organisation": "Cette organisation n'appartient pas à ce projet."})
    if financement is not None and financement.projet_id != projet.pk:
        raise ValidationError({"financement": "Ce financement n'appartient pas à ce projet."})
    champs.setdefault("activite", activite.intitule[: TempsBenevole._meta.get_field("activite").max_length])
    temps = saisir_temps_benevole(projet=projet, by=by, **champs)
    activite.temps_benevoles.add(temps)
    return temps


@transaction.atomic
def enregistrer_copil(*, copil: Copil, projet, by, participants=()) -> Copil:
    exiger(by, projet, CAPACITE)
    participants = list(participants)
    if any(contact.organisation.projet_id != projet.pk for contact in participants):
        raise ValidationError({"participants": "Un des participants choisis n'est pas un contact de ce projet."})
    valider_periode(copil.periode_debut, copil.periode_fin, champ_fin="periode_fin", message=MESSAGE_PERIODE_COPIL)
    _enregistrer(copil, projet)
    copil.participants.set(participants)
    return copil


# ---------------------------------------------------------------- withdrawal of a consent

MESSAGE_PAS_DE_CONSENTEMENT = "Cet apprenant n'a pas de consentement en cours : il n'y a rien à retirer."


def recits_concernes(*, apprenant, recits) -> list[Recit]:
    """Among ``recits`` (a query set), those linked to ``apprenant`` or whose title or text names
    them (``recits.consentement``). Two queries."""
    recits = list(recits)
    lies = set(Recit.apprenants.through.objects.filter(apprenant=apprenant, recit__in=recits).values_list("recit_id", flat=True))
    detecteur = Detecteur([apprenant])
    return [r for r in recits if r.pk in lies or detecteur.nommes(r.titre, r.texte, au=r.date)]


@transaction.atomic
def retirer_consentement(*, apprenant, by, le=None) -> list[Recit]:
    """Record that ``apprenant`` withdrew their consent (on ``le``, today by default).

    Every récit of the project that is linked to them or names them and was « à présenter au
    COPIL » is no longer (it stays, for the team's memory; ``selectors.recits_publiables`` leaves
    it out of every report in any case); each such récit's author gets a notice on the project's
    home page (``AvisRetraitConsentement``) and an e-mail once the transaction is committed. A
    coordinator or an administrator of the learner's project only (``apprenants.modifier``).
    Returns the récits taken out of the reports."""
    exiger(by, apprenant.projet_id, "apprenants.modifier")
    # the consent as it is now, the row locked (two withdrawals at once make one)
    portee, date_consentement, retrait = (
        type(apprenant)
        .objects.select_for_update()
        .filter(pk=apprenant.pk)
        .values_list("consentement_portee", "consentement_date", "consentement_retire_le")
        .get()
    )
    apprenant.consentement_portee, apprenant.consentement_date, apprenant.consentement_retire_le = portee, date_consentement, retrait
    le = le or timezone.localdate()
    if not apprenant.consentement_portee or apprenant.consentement_retire:
        raise ValidationError(MESSAGE_PAS_DE_CONSENTEMENT)
    if le < apprenant.consentement_date:
        raise ValidationError(MESSAGE_RETRAIT_AVANT)
    if le > timezone.localdate():
        raise ValidationError("La date du retrait est dans le futur.")
    apprenant.consentement_retire_le = le
    apprenant._history_user = by
    apprenant.save(update_fields=["consentement_retire_le"])
    recits = recits_concernes(
        apprenant=apprenant, recits=Recit.objects.of_projet(apprenant.projet_id).filter(a_presenter_copil=True).select_related("auteur")
    )
    if not recits:
        return []
    Recit.objects.filter(pk__in=[r.pk for r in recits]).update(a_presenter_copil=False)
    avis = [
        AvisRetraitConsentement(projet_id=apprenant.projet_id, recit=r, destinataire=r.auteur, retire_le=le) for r in recits if r.auteur_id
    ]
    AvisRetraitConsentement.objects.bulk_create(avis)
    transaction.on_commit(lambda: prevenir_auteurs(avis=avis))
    for recit in recits:
        recit.a_presenter_copil = False
    return recits


def prevenir_auteurs(*, avis) -> int:
    """E-mail each author the récits of ``avis`` taken out of the reports (neither a learner's name
    nor a title, which may name them: a date and a link to the récit). A failed sending is
    logged: the home page's notice stays. Returns the number of e-mails sent."""
    par_auteur: dict = {}
    for a in avis:
        if a.destinataire.email:
            par_auteur.setdefault(a.destinataire, []).append(a)
    envoyes = 0
    for auteur, liste in par_auteur.items():
        lignes = "\n".join(
            f"- récit du {date_longue(a.recit.date)} : {settings.SITE_URL}{reverse('recit_detail', args=[a.projet_id, a.recit_id])}"
            for a in liste
        )
        corps = (
            f"Bonjour,\n\nUne personne nommée dans {'ces récits' if len(liste) > 1 else 'ce récit'} a retiré son consentement "
            f"le {date_longue(liste[0].retire_le)}. {'Ils ne sont plus présentés' if len(liste) > 1 else 'Il n’est plus présenté'} "
            f"au COPIL ni repris dans aucun rapport :\n\n{lignes}\n\n"
            "Ouvrez le récit pour retirer ce nom (et ce qui fait reconnaître la personne) si vous souhaitez le présenter à nouveau.\n"
        )
        try:
            send_mail("Conciergerie — récit retiré des rapports (consentement retiré)", corps, None, [auteur.email])
        except Exception:
            logger.exception("Avis de retrait de consentement non envoyé à l'utilisateur %s", auteur.pk)
            continue
        envoyes += 1
    return envoyes


# ---------------------------------------------------------------- deletions (conciergerie.suppression)


def supprimer_recit(*, recit: Recit, by) -> None:
    exiger(by, recit.projet_id, CAPACITE)
    supprimer(recit, by=by)


def supprimer_activite(*, activite: Activite, by) -> None:
    exiger(by, activite.projet_id, CAPACITE)
    supprimer(activite, by=by)
