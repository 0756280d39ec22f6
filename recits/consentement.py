"""Who a récit names: the learners of its project that its title and text let a reader recognise.

A learner is named (``Detecteur.nommes``) when the text holds, accents and case aside:
- the full name, first name and name in either order (« Samuel Tessier », « TESSIER Samuel »);
- the first name and the name's initial (« Samuel T. »), or the first name's initial and the name
  (« S. Tessier »), the initial in capitals;
- a civility and the name (« M. Tessier », « Madame Tessier »);
- the first name and the learner's age, within a few words (« Samuel, 19 ans », « à 19 ans,
  Samuel »): the age of the learner at the récit's date, give or take a year (a learner whose birth
  date is unknown matches any age);
- the first name and the learner's commune within a sentence or so (« Samuel … de Mugron »).

A first name alone, or a name alone, is no match (« Rose », « Martin », « Petit » are words too):
a learner the récit is about is linked to it, and a linked learner needs consent whatever the
text says. The project's learners are read once (``candidats``, one query) and indexed by the
first word of their first name and of their name: a text is read once, whatever the number of
learners (a few thousand in a project).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from parcours.models import Apprenant

#: words around a first name where an age (« 19 ans ») makes the person recognisable
FENETRE_AGE = 6
#: words around a first name where the commune makes the person recognisable (about a sentence)
FENETRE_COMMUNE = 20
CIVILITES = {"monsieur", "madame", "mademoiselle", "mme", "mlle", "mr", "m"}
#: civilities that are also ordinary words once lower-cased (« m'a ») count only in capitals
CIVILITES_MAJUSCULES = {"m"}
_AGE = re.compile(r"^(\d{1,2})(ans?)?$")
_MOT = re.compile(r"[0-9A-Za-z]+")

#: the rule, shown above the récit form and on the learner's page
REGLE_CONSENTEMENT = (
    "Une personne liée au récit, ou que son titre ou son texte permet de reconnaître (prénom et nom, prénom et initiale, "
    "prénom et âge, prénom et commune, civilité et nom), doit avoir donné son consentement, enregistré sur sa fiche : "
    "interne pour un récit gardé par l'équipe, COPIL (ou public) pour un récit présenté au COPIL. "
    "Un consentement retiré écarte le récit de tout rapport."
)

CHAMPS_CANDIDATS = ("prenom", "nom", "commune", "date_naissance", "consentement_portee", "consentement_date", "consentement_retire_le")


def sans_accents(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte or "")
    return "".join(c for c in texte if not unicodedata.combining(c))


def mots(texte: str) -> list[str]:
    """The words of a name or a commune, lower case and without accents (« Jean-Pierre » →
    ``["jean", "pierre"]``)."""
    return _MOT.findall(sans_accents(texte).casefold())


@dataclass(frozen=True)
class Mot:
    bas: str  # lower case, no accents
    brut: str  # as typed, without accents
    suivi: str  # the character that follows it ("" at the end)


def _decouper(texte: str) -> list[Mot]:
    texte = sans_accents(texte)
    return [Mot(m.group().casefold(), m.group(), texte[m.end() : m.end() + 1]) for m in _MOT.finditer(texte)]


def _initiale(mot: Mot, lettre: str) -> bool:
    """``mot`` is the capital initial ``lettre`` (« T. », « T » but not « t » nor « T' »)."""
    return len(mot.brut) == 1 and mot.brut.isupper() and mot.bas == lettre and mot.suivi not in ("'", "’")


def candidats(projet) -> list[Apprenant]:
    """The learners of ``projet`` that a récit may name, with what the detection and the consent
    check read (one query)."""
    return list(Apprenant.objects.filter(projet=projet).only(*CHAMPS_CANDIDATS).order_by("nom", "prenom", "pk"))


class Detecteur:
    """The learners of one project, indexed for ``nommes``."""

    def __init__(self, apprenants):
        self.par_prenom: dict[str, list[tuple[tuple, tuple, Apprenant]]] = {}
        self.par_nom: dict[str, list[tuple[tuple, tuple, Apprenant]]] = {}
        for apprenant in apprenants:
            prenom, nom = tuple(mots(apprenant.prenom)), tuple(mots(apprenant.nom))
            if not prenom or not nom:
                continue
            self.par_prenom.setdefault(prenom[0], []).append((prenom, nom, apprenant))
            self.par_nom.setdefault(nom[0], []).append((prenom, nom, apprenant))
        self._communes: dict[int, tuple] = {}

    def _commune(self, apprenant) -> tuple:
        if apprenant.pk not in self._communes:
            self._communes[apprenant.pk] = tuple(mots(apprenant.commune))
        return self._communes[apprenant.pk]

    def nommes(self, *textes: str, au: date | None = None) -> list[Apprenant]:
        """The learners that one of ``textes`` names (rules in the module's docstring), in the
        index's order; ``au`` is the date at which an age is read (the récit's date)."""
        trouves: dict[int, Apprenant] = {}
        for texte in textes:
            for apprenant in self._dans(_decouper(texte), au):
                trouves.setdefault(apprenant.pk, apprenant)
        return sorted(trouves.values(), key=lambda a: (a.nom.casefold(), a.prenom.casefold(), a.pk))

    def _dans(self, texte: list[Mot], au):
        bas = [m.bas for m in texte]
        n = len(bas)
        for i, mot in enumerate(bas):
            voisinage: dict[int, tuple] = {}  # per end of the first name: ages and word groups around it
            for prenom, nom, apprenant in self.par_prenom.get(mot, ()):
                fin = i + len(prenom)
                if tuple(bas[i:fin]) != prenom:
                    continue
                if (
                    tuple(bas[fin : fin + len(nom)]) == nom  # Samuel Tessier
                    or (i >= len(nom) and tuple(bas[i - len(nom) : i]) == nom)  # Tessier Samuel
                    or (fin < n and _initiale(texte[fin], nom[0][0]))  # Samuel T.
                ):
                    yield apprenant
                    continue
                if fin not in voisinage:
                    voisinage[fin] = (_ages(bas, i, fin), _groupes(bas, i, fin))
                ages, groupes = voisinage[fin]
                if (ages and _age_correspond(ages, apprenant, au)) or self._commune(apprenant) in groupes:
                    yield apprenant  # Samuel, 19 ans / Samuel … de Mugron
            for prenom, nom, apprenant in self.par_nom.get(mot, ()):
                if tuple(bas[i : i + len(nom)]) != nom or i == 0:
                    continue
                avant = texte[i - 1]
                if _initiale(avant, prenom[0][0]) or (  # S. Tessier
                    avant.bas in CIVILITES and (avant.bas not in CIVILITES_MAJUSCULES or avant.brut.isupper())  # M. Tessier
                ):
                    yield apprenant


#: the longest commune name looked for, in words (« Saint-Martin-de-Seignanx » has 4)
MOTS_COMMUNE = 6


def _ages(bas, debut, fin) -> list[int]:
    """The ages (« 19 ans », « 19ans ») within ``FENETRE_AGE`` words of a first name."""
    autour = bas[max(0, debut - FENETRE_AGE) : debut] + bas[fin : fin + FENETRE_AGE]
    ages = []
    for k, mot in enumerate(autour):
        trouve = _AGE.match(mot)
        if trouve and (trouve.group(2) or (k + 1 < len(autour) and autour[k + 1] in ("ans", "an"))):
            ages.append(int(trouve.group(1)))
    return ages


def _age_correspond(ages, apprenant, au) -> bool:
    if apprenant.date_naissance is None:
        return True
    age = relativedelta(au or timezone.localdate(), apprenant.date_naissance).years
    return any(abs(a - age) <= 1 for a in ages)


def _groupes(bas, debut, fin) -> set[tuple]:
    """Every group of 1 to ``MOTS_COMMUNE`` consecutive words within ``FENETRE_COMMUNE`` words of a
    first name (a commune's name is one of them when it is near)."""
    groupes: set[tuple] = set()
    for morceau in (bas[max(0, debut - FENETRE_COMMUNE) : debut], bas[fin : fin + FENETRE_COMMUNE]):
        for k in range(len(morceau)):
            for longueur in range(1, MOTS_COMMUNE + 1):
                if k + longueur <= len(morceau):
                    groupes.add(tuple(morceau[k : k + longueur]))
    return groupes


def apprenants_nommes(projet, *textes: str, au: date | None = None) -> list[Apprenant]:
    """The learners of ``projet`` named in ``textes`` (one query)."""
    return Detecteur(candidats(projet)).nommes(*textes, au=au)
