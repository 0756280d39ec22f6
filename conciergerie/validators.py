"""Validators shared by the apps, with French messages."""

import re

from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits passing the Luhn check (La Poste's establishments: digit sum % 5)."""
    compact = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{14}", compact):
        raise ValidationError("Un SIRET compte 14 chiffres.", code="siret_format")
    if compact.startswith(LA_POSTE_SIREN) and sum(int(c) for c in compact) % 5 == 0:
        return  # La Poste's establishments share one SIREN: their SIRET follow a digit-sum rule
    if not luhn_ok(compact):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).", code="siret_cle")


RNCP_RE = re.compile(r"^(RNCP|RS)\d{2,6}$")


def validate_code_rncp(value: str) -> None:
    """France Compétences codes: RNCP12345 or RS1234."""
    if value and not RNCP_RE.fullmatch(value):
        raise ValidationError(
            "Code mal formé : attendu RNCP suivi de chiffres (ex. RNCP37873) ou RS suivi de chiffres (ex. RS5659).",
            code="rncp_format",
        )


def validate_nda(value: str) -> None:
    """Numéro de déclaration d'activité of a training organisation: 11 digits."""
    if value and not re.fullmatch(r"\d{11}", re.sub(r"\s", "", value)):
        raise ValidationError("Le numéro de déclaration d'activité compte 11 chiffres.", code="nda_format")


def validate_telephone(value: str) -> None:
    if value and not re.fullmatch(r"\+?[\d .\-()]{6,20}", value):
        raise ValidationError("Numéro de téléphone invalide.", code="telephone_format")
