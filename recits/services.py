"""Writes of the récits, activités and COPIL pages: plain functions with keyword arguments,
one transaction each.

Views validate with the forms (recits/forms.py) and call these; the rules are checked here
again (the learners' consent, every linked row in the same project) and a broken rule raises
``ValidationError`` before anything is written. Each first checks that ``by`` holds
``recits.modifier`` in the project (``conciergerie.scoping.exiger``, ``PermissionDenied``
otherwise). Volunteer time is written by ``finances.services`` (recits may import finances,
never the other way round).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from conciergerie.forms import valider_periode
from conciergerie.imports import normaliser
from conciergerie.scoping import exiger
from finances.models import TempsBenevole
from finances.services import saisir_temps_benevole
from parcours.models import Apprenant

from .models import Activite, Copil, Recit

CAPACITE = "recits.modifier"
MESSAGE_PERIODE_COPIL = "La fin de la période doit suivre son début."  # the model's constraint's


def message_consentement(apprenants) -> str:
    """The refusal of a récit naming learners whose consent is not recorded (names them)."""
    noms = ", ".join(str(a) for a in apprenants)
    if len(apprenants) == 1:
        return f"{noms} n'a pas donné son consentement à figurer dans les récits : retirez ce nom ou enregistrez d'abord son consentement."
    return (
        f"{noms} n'ont pas donné leur consentement à figurer dans les récits : retirez ces noms ou enregistrez d'abord leur consentement."
    )


def _mots(texte: str) -> str:
    """The text's words as ``normaliser`` compares them (lower case, no accents), padded."""
    return f" {normaliser(texte)} "


def nommes_sans_consentement(projet, **textes: str) -> dict[str, list]:
    """For each text given by name (``titre=…, texte=…``), the project's learners without recorded
    consent whose full name (first name and name, in either order) appears in it; texts naming
    nobody are left out. One query, whatever the number of texts."""
    contenus = {champ: _mots(texte) for champ, texte in textes.items()}
    nommes: dict[str, list] = {}
    for apprenant in Apprenant.objects.filter(projet=projet, consentement_recit=False).only("prenom", "nom").order_by("nom", "prenom"):
        prenom, nom = normaliser(apprenant.prenom), normaliser(apprenant.nom)
        if not (prenom and nom):
            continue
        for champ, contenu in contenus.items():
            if f" {prenom} {nom} " in contenu or f" {nom} {prenom} " in contenu:
                nommes.setdefault(champ, []).append(apprenant)
    return {champ: nommes[champ] for champ in textes if champ in nommes}


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
    """Save a récit and its links. Naming a learner requires that learner's recorded consent."""
    exiger(by, projet, CAPACITE)
    apprenants, organisations, activites = list(apprenants), list(organisations), list(activites)
    _meme_projet(
        projet,
        apprenants=(apprenants, "Un des apprenants choisis n'appartient pas à ce projet."),
        organisations=(organisations, "Une des organisations choisies n'appartient pas à ce projet."),
        activites=(activites, "Une des activités choisies n'appartient pas à ce projet."),
    )
    sans_consentement = [a for a in apprenants if not a.consentement_recit]
    if sans_consentement:
        raise ValidationError({"apprenants": message_consentement(sans_consentement)})
    # a learner may also be named in the title or the text without being linked
    nommes = nommes_sans_consentement(projet, titre=recit.titre, texte=recit.texte)
    if nommes:
        champ, apprenants_nommes = next(iter(nommes.items()))  # the title first, as the form reads
        raise ValidationError({champ: message_consentement(apprenants_nommes)})
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
