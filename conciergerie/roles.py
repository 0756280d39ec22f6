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
    "membres.gerer": ("Gérer les membres du projet", frozenset({A})),
    "imports.faire": ("Importer des fichiers", frozenset({A})),
    "exports.donnees_personnelles": ("Exporter avec données personnelles", frozenset({A})),
    "rgpd.gerer": ("Droits des personnes : export, anonymisation, journal des accès, conservation", frozenset({A})),
}


def peut(role: str | None, capacite: str) -> bool:
    """True if ``role`` holds ``capacite``. Unknown capabilities are a programming error."""
    if capacite not in CAPACITES:
        raise KeyError(f"Capacité inconnue : {capacite}")
    return role is not None and role in CAPACITES[capacite][1]
