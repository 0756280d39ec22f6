"""The global search (header of every project page): learners, organisations, contacts and
training sessions of the current project, as far as the user's role sees them.

- Every kind is read through ``visible_to(user, projet)`` and only when the role holds the
  capability of its own list (``apprenants.voir`` for learners and sessions,
  ``partenaires.voir`` for organisations and contacts): a partner finds its learners (those with
  a step at its organisation) and its sessions, the consortium's directory; a funder has no
  search (the view's capability is ``partenaires.voir``: no person, no directory page).
- Matching: every word of the query in one of the kind's fields, accents and case ignored
  (``conciergerie.recherche.contient``, the same on SQLite and PostgreSQL).
- One query per kind: the first ``LIMITE`` rows and, on each, the total matched (a window
  ``COUNT(*) OVER ()``, computed before the LIMIT). The page's queries do not grow with the
  number of rows found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Window
from django.urls import reverse

from conciergerie.formats import date_courte
from conciergerie.recherche import contient
from conciergerie.roles import peut
from partenaires.models import Contact, Organisation

from .models import Apprenant, SessionFormation

LIMITE = 10
MINIMUM = 2
MAXIMUM = 100


@dataclass(frozen=True)
class Resultat:
    libelle: str
    url: str
    detail: str = ""


@dataclass
class Groupe:
    cle: str
    titre: str
    total: int = 0
    resultats: list[Resultat] = field(default_factory=list)
    voir_tout: str = ""


@dataclass(frozen=True)
class Genre:
    """One kind of result: its capability, fields searched, order, and how a row reads."""

    cle: str
    titre: str
    capacite: str
    champs: tuple[str, ...]
    ordre: tuple[str, ...]

    def lignes(self, user, projet):
        raise NotImplementedError

    def resultat(self, objet, projet) -> Resultat:
        raise NotImplementedError

    def voir_tout(self, projet, texte: str) -> str:
        """The full list of this kind filtered by the same text (its own list page)."""
        return f"{reverse('recherche', args=[projet.pk])}?{urlencode({'q': texte, 'type': self.cle})}"


class _Apprenants(Genre):
    def lignes(self, user, projet):
        return Apprenant.objects.visible_to(user, projet=projet)

    def resultat(self, a, projet):
        detail = " · ".join(x for x in (a.reference, a.commune) if x)
        return Resultat(f"{a.prenom} {a.nom}", reverse("apprenant_detail", args=[projet.pk, a.pk]), detail)

    def voir_tout(self, projet, texte):
        return f"{reverse('apprenant_list', args=[projet.pk])}?{urlencode({'q': texte})}"


class _Organisations(Genre):
    def lignes(self, user, projet):
        return Organisation.objects.visible_to(user, projet=projet)

    def resultat(self, o, projet):
        detail = " · ".join(x for x in (o.get_type_display(), o.commune) if x)
        return Resultat(o.nom, reverse("organisation_detail", args=[projet.pk, o.pk]), detail)

    def voir_tout(self, projet, texte):
        return f"{reverse('organisation_list', args=[projet.pk])}?{urlencode({'q': texte})}"


class _Contacts(Genre):
    def lignes(self, user, projet):
        return Contact.objects.visible_to(user, projet=projet).select_related("organisation")

    def resultat(self, c, projet):
        detail = " · ".join(x for x in (c.fonction, c.organisation.nom) if x)
        return Resultat(f"{c.prenom} {c.nom}", reverse("organisation_detail", args=[projet.pk, c.organisation_id]), detail)


class _Sessions(Genre):
    def lignes(self, user, projet):
        return SessionFormation.objects.visible_to(user, projet=projet).select_related("organisation")

    def resultat(self, s, projet):
        detail = " · ".join(x for x in (s.organisation.nom, s.code_rncp, date_courte(s.date_debut)) if x)
        return Resultat(s.intitule, reverse("sessionformation_detail", args=[projet.pk, s.pk]), detail)

    def voir_tout(self, projet, texte):
        return f"{reverse('sessionformation_list', args=[projet.pk])}?{urlencode({'q': texte})}"


GENRES: tuple[Genre, ...] = (
    # the stored search texts (``texte_recherche``: name, first name, reference… without accents)
    _Apprenants("apprenants", "Apprenants", "apprenants.voir", ("texte_recherche",), ("nom", "prenom", "pk")),
    _Organisations("organisations", "Organisations", "partenaires.voir", ("texte_recherche",), ("nom", "pk")),
    _Contacts("contacts", "Contacts", "partenaires.voir", ("texte_recherche", "organisation__texte_recherche"), ("nom", "prenom", "pk")),
    _Sessions("sessions", "Sessions", "apprenants.voir", ("texte_recherche", "organisation__texte_recherche"), ("-date_debut", "pk")),
)
PAR_CLE = {g.cle: g for g in GENRES}


def genres_de(role: str) -> list[Genre]:
    """The kinds a role may search."""
    return [g for g in GENRES if peut(role, g.capacite)]


def correspondances(genre: Genre, user, projet, texte: str):
    """The rows of ``genre`` that match ``texte``, in the kind's order."""
    return genre.lignes(user, projet).filter(contient(genre.champs, texte)).order_by(*genre.ordre)


def rechercher(user, projet, role: str, texte: str, limite: int = LIMITE) -> list[Groupe]:
    """One group per kind the role may search: the first ``limite`` rows and the total (one
    query per kind)."""
    groupes = []
    for genre in genres_de(role):
        lignes = list(correspondances(genre, user, projet, texte).annotate(total_recherche=Window(Count("pk")))[:limite])
        groupe = Groupe(genre.cle, genre.titre, total=lignes[0].total_recherche if lignes else 0)
        groupe.resultats = [genre.resultat(o, projet) for o in lignes]
        if groupe.total > len(lignes):
            groupe.voir_tout = genre.voir_tout(projet, texte)
        groupes.append(groupe)
    return groupes
