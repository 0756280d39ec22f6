"""Load the demo's data files (``demo/donnees/*.json``): the accounts, then one file per project.

A project's file is a JSON object: each key a model's label (``"partenaires.Organisation"``), in
the order they are loaded, each value its list of records. A record holds the model's fields by
name, and:

- ``"@"``: the key by which the file's other records name it. The value of a foreign key or of a
  many-to-many field is such a key, or a list of keys (``"organisation": "klhub"``,
  ``"participants": ["dufau", "lacoste"]``); a user is named by its username;
- a reverse relation's name (``"contacts"`` of an organisation, ``"etapes"`` of a path): the list
  of its records, created right after it and pointing at it;
- ``"puis"``: fields changed after the creation, saved again (the history keeps both versions);
- ``"cloture"`` (a path): ``{"resultat", "date"}``, closed as a coordinator closes it
  (``parcours.services.cloturer_parcours``: its exit and its 6-month follow-up date);
- ``"ajouter_participants"`` (a session): the learners' keys, added as a coordinator adds them
  (``parcours.services.ajouter_participants``: one step each), before its phases and séances;
- ``"emargement"`` (a séance): ``{learner key: "present" | "absent" | "excuse" | hours}``, taken
  as on the attendance grid (``parcours.services_seances.enregistrer_presences``: the steps'
  hours follow);
- ``"#"``: a comment.

A label may be followed by a space and a comment (``"parcours.SessionFormation (collectives)"``):
the same model loaded again later in the file, once the records it names exist.

The ``projet`` of every record that has one is the file's project (its ``conciergerie.Projet``).
A date is ``AAAA-MM-JJ``, or counted from the day of loading: ``J`` (that day), ``J-118``,
``J+10``; a date-time adds `` HH:MM`` (local time). A field Django sets from the clock
(``modifie_le``) is written after the save. Every record goes through ``full_clean()``.
"""

import json
import re
from base64 import b32decode
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from badges.demo import delivrer_badge_demo
from conciergerie.models import Preferences, Projet
from parcours.models import Apprenant
from parcours.services import ajouter_participants, cloturer_parcours
from parcours.services_seances import enregistrer_presences

DONNEES = Path(__file__).resolve().parent / "donnees"
COMPTES = DONNEES / "comptes.json"
PROJETS = (DONNEES / "icifornie.json", DONNEES / "coteaux.json")
JOUR_RELATIF = re.compile(r"J([+-]\d+)?")


def lire(chemin: Path) -> dict:
    return json.loads(chemin.read_text(encoding="utf-8"))


def nom_du_projet(chemin: Path) -> str:
    return lire(chemin)["conciergerie.Projet"][0]["nom"]


def save(objet):
    objet.full_clean()
    objet.save()
    return objet


def charger_comptes(chemin: Path, mot_de_passe: str) -> dict:
    """The accounts by username; an account that exists already is taken as it is. An account's
    ``"totp"`` (a base32 key, public as the password is) gives it a confirmed TOTP device: the
    demo's administrator must give a code after the password, as any administrator does
    (``code_totp_demo`` prints the current one). ``"accord"``: how the UI names the account's
    role (``Preferences.accord``)."""
    comptes = {}
    for champs in lire(chemin)["comptes"]:
        champs = dict(champs)
        username = champs.pop("username")
        cle_totp = champs.pop("totp", None)
        accord = champs.pop("accord", None)
        user, cree = get_user_model().objects.get_or_create(username=username, defaults=champs)
        if cree:
            user.set_password(mot_de_passe)
            user.save()
            if accord is not None:
                Preferences.objects.create(user=user, accord=accord)
            if cle_totp:
                TOTPDevice.objects.create(
                    user=user, name="Application d'authentification (démo)", key=b32decode(cle_totp).hex(), confirmed=True
                )
        comptes[username] = user
    return comptes


class Chargeur:
    """Loads project files one after the other; their users are the accounts given."""

    def __init__(self, aujourd_hui: date, comptes: dict):
        self.aujourd_hui = aujourd_hui
        self.comptes = comptes

    def charger(self, chemin: Path) -> Projet:
        self.cles = {get_user_model(): self.comptes}  # model -> key -> object, one file at a time
        self.projet = None
        for label, enregistrements in lire(chemin).items():
            for n, enregistrement in enumerate(enregistrements if label != "#" else (), start=1):
                try:
                    self.creer(apps.get_model(label.split(" ", 1)[0]), enregistrement)
                except Exception as exc:
                    exc.add_note(f"{chemin.name}, {label} n° {n} {enregistrement.get('@', '')}".rstrip())
                    raise
        return self.projet

    def creer(self, modele, enregistrement: dict, **parent):
        """One record and what it holds (its children, its links, what happened to it next)."""
        champs, horloge, m2m, enfants = dict(parent), {}, {}, []
        for nom, valeur in enregistrement.items():
            if nom in ("#", "@", "puis", "cloture", "ajouter_participants", "emargement"):
                continue
            champ = modele._meta.get_field(nom)
            if champ.one_to_many:
                enfants.append((champ, valeur))
            elif champ.many_to_many:
                m2m[nom] = [self.objet(champ.related_model, cle) for cle in valeur]
            elif getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False):
                horloge[nom] = self.valeur(champ, valeur)
            else:
                champs[nom] = self.valeur(champ, valeur)
        if self.projet and "projet" not in champs and any(f.name == "projet" for f in modele._meta.concrete_fields):
            champs["projet"] = self.projet
        objet = save(modele(**champs))
        if modele is Projet:
            self.projet = objet
        if "@" in enregistrement:
            self.cles.setdefault(modele, {})[enregistrement["@"]] = objet
        for nom, objets in m2m.items():
            getattr(objet, nom).set(objets)
        if horloge:
            modele._base_manager.filter(pk=objet.pk).update(**horloge)
        if "ajouter_participants" in enregistrement:
            ids = [self.objet(Apprenant, cle).pk for cle in enregistrement["ajouter_participants"]]
            ajouter_participants(session=objet, apprenant_ids=ids, by=None)
        if "emargement" in enregistrement:
            lignes = []
            for cle, valeur in enregistrement["emargement"].items():
                heures = Decimal(str(valeur)) if isinstance(valeur, (int, float)) else None
                lignes.append((self.objet(Apprenant, cle).pk, "present" if heures is not None else valeur, heures))
            enregistrer_presences(seance=objet, lignes=lignes, by=None)
        for relation, liste in enfants:
            for enfant in liste:
                self.creer(relation.related_model, enfant, **{relation.field.name: objet})
        if "puis" in enregistrement:
            for nom, valeur in enregistrement["puis"].items():
                if nom != "#":
                    setattr(objet, nom, self.valeur(modele._meta.get_field(nom), valeur))
            save(objet)
        if "cloture" in enregistrement:
            sortie = enregistrement["cloture"]
            cloturer_parcours(parcours=objet, resultat=sortie["resultat"], date=self.jour(sortie["date"]), by=None)
        return objet

    def valeur(self, champ, valeur):
        if valeur is None:
            return None
        if champ.is_relation:
            return self.objet(champ.related_model, valeur)
        if isinstance(champ, models.DateTimeField):
            jour, _, heure = valeur.partition(" ")
            return timezone.make_aware(datetime.combine(self.jour(jour), time.fromisoformat(heure or "00:00")))
        if isinstance(champ, models.DateField):
            return self.jour(valeur)
        return valeur

    def jour(self, texte: str) -> date:
        relatif = JOUR_RELATIF.fullmatch(texte)
        return self.aujourd_hui + timedelta(days=int(relatif[1] or 0)) if relatif else date.fromisoformat(texte)

    def objet(self, modele, cle: str):
        try:
            return self.cles[modele][cle]
        except KeyError:
            raise ValueError(f"{modele._meta.label} « {cle} » : aucun enregistrement de ce fichier n'a cette clé (« @ »).") from None


def charger(aujourd_hui: date, mot_de_passe: str) -> dict:
    """Every file, in one go (the caller's transaction): the accounts, by username."""
    comptes = charger_comptes(COMPTES, mot_de_passe)
    chargeur = Chargeur(aujourd_hui, comptes)
    for chemin in PROJETS:
        projet = chargeur.charger(chemin)
        # issue 18: one Open Badge, signed with the project's key, over the competences a learner
        # reached in their evaluations (nothing for a project without evaluations)
        delivrer_badge_demo(projet=projet)
    return comptes
