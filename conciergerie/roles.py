"""Roles of a project member and what each may do.

One table, read by the views (``peut``), by the permission-matrix test and rendered in
docs/architecture.md. A capability missing from a role's set means 403 for a member.
"""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Administrateur"
    COORDINATEUR = "coordinateur", "Coordinateur"
    PARTENAIRE = "partenaire", "Partenaire"
    FINANCEUR = "financeur", "Financeur"


A, C, P, F = Role.ADMINISTRATEUR, Role.COORDINATEUR, Role.PARTENAIRE, Role.FINANCEUR


class Accord(models.TextChoices):
    """How the UI names a person's role (``Preferences.accord``): a woman is a « Coordinatrice »;
    not said, the role reads as a function (« Coordination »), never a masculine by default."""

    FEMININ = "feminin", "Au féminin (coordinatrice, administratrice)"
    MASCULIN = "masculin", "Au masculin (coordinateur, administrateur)"
    NON_PRECISE = "", "Non précisé (coordination, administration)"


# role -> accord -> label
LIBELLES_ROLE: dict[str, dict[str, str]] = {
    A: {Accord.FEMININ: "Administratrice", Accord.MASCULIN: "Administrateur", Accord.NON_PRECISE: "Administration"},
    C: {Accord.FEMININ: "Coordinatrice", Accord.MASCULIN: "Coordinateur", Accord.NON_PRECISE: "Coordination"},
    P: {Accord.FEMININ: "Partenaire", Accord.MASCULIN: "Partenaire", Accord.NON_PRECISE: "Partenaire"},
    F: {Accord.FEMININ: "Financeuse", Accord.MASCULIN: "Financeur", Accord.NON_PRECISE: "Financeur·euse"},
}


def libelle_role(role: str, accord: str | None = "") -> str:
    """``libelle_role("coordinateur", "feminin")`` → « Coordinatrice »; an unknown accord reads
    as not said."""
    libelles = LIBELLES_ROLE.get(role)
    if libelles is None:
        return str(role)
    return libelles.get(accord or "", libelles[Accord.NON_PRECISE])


# capability -> (French description, roles allowed)
CAPACITES: dict[str, tuple[str, frozenset[str]]] = {
    "projet.voir": ("Ouvrir l'accueil du projet", frozenset({A, C, P, F})),
    "apprenants.voir": ("Voir les apprenants (partenaire : ceux de son organisation)", frozenset({A, C, P})),
    "apprenants.modifier": ("Créer et modifier apprenants, parcours, freins, sorties", frozenset({A, C})),
    "etapes.modifier": ("Modifier les étapes (partenaire : celles de son organisation)", frozenset({A, C, P})),
    "rqth.voir": ("Voir la RQTH (donnée sensible)", frozenset({A, C})),
    "partenaires.voir": ("Voir les organisations du consortium", frozenset({A, C, P})),
    "partenaires.modifier": ("Créer et modifier organisations, contacts, conventions", frozenset({A, C})),
    "finances.voir": ("Voir les finances (financeur : ses financements)", frozenset({A, C, F})),
    "finances.modifier": ("Saisir budget, dépenses, versements, bénévolat", frozenset({A, C})),
    "tableau_de_bord.voir": ("Voir les indicateurs et rapports COPIL agrégés", frozenset({A, C, F})),
    "recits.modifier": ("Écrire récits, activités et COPIL", frozenset({A, C})),
    "membres.gerer": ("Gérer les membres du projet : inviter, changer un rôle, retirer", frozenset({A})),
    "projet.gerer": ("Modifier le projet, le clore et le rouvrir", frozenset({A})),
    "imports.faire": ("Importer des fichiers (apprenants et leurs parcours, organisations, bénévolat)", frozenset({A, C})),
    "exports.donnees_personnelles": ("Exporter avec données personnelles", frozenset({A})),
    "rgpd.gerer": ("Droits des personnes : export, anonymisation, journal des accès, conservation", frozenset({A})),
    "competences.voir": (
        "Voir les référentiels de compétences et les évaluations (partenaire : celles de son organisation)",
        frozenset({A, C, P}),
    ),
    "referentiels.modifier": ("Créer, modifier, importer les référentiels de compétences", frozenset({A, C})),
    "evaluations.saisir": ("Évaluer les compétences, tracer l'AFEST (partenaire : étapes de son organisation)", frozenset({A, C, P})),
}


#: the capabilities that write the project's data: refused to everyone once the project is closed
#: (``Projet.cloture_le``; ``scoping.exiger``). Still open on a closed project: reading, the
#: members (an administrator removes who no longer needs access), the project itself (reopening
#: it) and the data-protection rights (a person's export or anonymisation cannot wait).
ECRITURES = frozenset(
    {
        "apprenants.modifier",
        "etapes.modifier",
        "partenaires.modifier",
        "finances.modifier",
        "recits.modifier",
        "imports.faire",
        "referentiels.modifier",
        "evaluations.saisir",
    }
)

MESSAGE_CLOS = "Ce projet est clos : il se consulte mais ne se modifie plus. Un administrateur du projet peut le rouvrir."


def peut(role: str | None, capacite: str, clos: bool = False) -> bool:
    """True if ``role`` holds ``capacite`` (``clos``: in a closed project, where no write is
    allowed). Unknown capabilities are a programming error."""
    if capacite not in CAPACITES:
        raise KeyError(f"Capacité inconnue : {capacite}")
    if clos and capacite in ECRITURES:
        return False
    return role is not None and role in CAPACITES[capacite][1]
