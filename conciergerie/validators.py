"""Validators shared by the apps, with French messages."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from .saisie import normaliser_nda, normaliser_siret


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
    """A SIRET is 14 digits passing its check (``stdnum.fr.siret``: the Luhn key, and La Poste's
    establishments, which share one SIREN, a digit sum multiple of 5). Spaces and dots are
    ignored (the forms store it without them: ``conciergerie.saisie.normaliser_siret``)."""
    from stdnum.exceptions import InvalidChecksum
    from stdnum.exceptions import ValidationError as ErreurStdnum
    from stdnum.fr import siret

    compact = normaliser_siret(value)
    if not re.fullmatch(r"\d{14}", compact):
        raise ValidationError("Un SIRET compte 14 chiffres.", code="siret_format")
    try:
        siret.validate(compact)
    except (InvalidChecksum, ErreurStdnum):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle).", code="siret_cle") from None


RNCP_RE = re.compile(r"^(RNCP|RS)\d{2,6}$")


def validate_code_rncp(value: str) -> None:
    """France Compétences codes: RNCP12345 or RS1234 (the forms normalise "rs 6962" to "RS6962"
    before: ``conciergerie.saisie.normaliser_code_rncp``)."""
    if value and not RNCP_RE.fullmatch(value):
        raise ValidationError(
            "Code mal formé : attendu RNCP suivi de chiffres (ex. RNCP37873) ou RS suivi de chiffres (ex. RS5659).",
            code="rncp_format",
        )


def validate_nda(value: str) -> None:
    """Numéro de déclaration d'activité of a training organisation: 11 digits."""
    if value and not re.fullmatch(r"\d{11}", normaliser_nda(value)):
        raise ValidationError("Le numéro de déclaration d'activité compte 11 chiffres.", code="nda_format")


def validate_telephone(value: str) -> None:
    if value and not re.fullmatch(r"\+?[\d .\-()]{6,20}", value):
        raise ValidationError("Numéro de téléphone invalide.", code="telephone_format")


# -- the free-text guard: no social-security number (NIR) in any text ---------------------------
#
# A conciergerie may not process the NIR: only its status is kept (``Apprenant.statut_secu``).
# Whatever a user types in a free text (a comment, a motive, a récit…) is searched for one: a run
# of digit groups split by spaces, dots or dashes ("1 85 05 78 006 084 36", "1.85.05…",
# "185057800608436"), and in it every sequence of consecutive groups that makes 15 characters —
# sex (1, 2, or 3, 4, 7, 8 for a temporary number), year, month, department (2A/2B for Corsica),
# commune, order, then the 2-digit key. python-stdnum's French NIR check (``stdnum.fr.nir``)
# reads it: a sequence it accepts (the key is 97 minus the first 13 digits modulo 97) is refused;
# so is one it rejects for its key alone when the rest has a NIR's shape (a possible sex digit, a
# month 01–12, 20–42 or 50–99, a key 01–97): a mistyped key still leaves the 13 digits that
# identify the person (the issue's own example, 1 85 05 78 006 084 36, has a wrong key). The 13
# digits without their key are refused when a word names them (« NIR », « n° SS », « sécu »,
# « sécurité sociale », « INSEE ») in the few characters before. Length keeps phone numbers (10
# digits, 11 with +33) and SIRET (14) out: no sequence of their groups makes 15.

_BLANC = "[ \t\u00a0\u202f]"
_GROUPE = r"\d+(?:[ABab]\d*)?"  # digits, with Corsica's 2A/2B inside
_SEPARATEUR = rf"(?:{_BLANC}*[.\-]{_BLANC}*|{_BLANC}+)"
_SUITE_DE_CHIFFRES = re.compile(rf"(?<!\d)(?:{_GROUPE})(?:{_SEPARATEUR}(?:{_GROUPE}))*")
_GROUPES = re.compile(_GROUPE)
_SEXE = "123478"
_MOIS = re.compile(r"0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d")
#: words naming a social-security number, looked for (accents and case ignored) just before a number
_MOT_NIR = re.compile(r"\b(nir|nss|n\W{0,3}ss|ss|secu|securite sociale|insee)\b")
_AVANT = 30  # characters before the number where such a word counts

MESSAGE_NIR = "Ce texte semble contenir un numéro de sécurité sociale : ne le saisissez jamais ici (seul le statut du numéro est conservé)."


def _forme_de_nir(candidat: str) -> bool:
    """A NIR's shape, its key aside: sex digit, month, digits (2A/2B for the department)."""
    return (
        candidat[0] in _SEXE
        and bool(_MOIS.fullmatch(candidat[3:5]))
        and candidat[:5].isdigit()
        and (candidat[5:7].isdigit() or candidat[5:7] in ("2A", "2B"))
        and candidat[7:].isdigit()
    )


def _nomme_un_nir(texte: str, position: int) -> bool:
    avant = unicodedata.normalize("NFKD", texte[max(0, position - _AVANT) : position])
    avant = "".join(c for c in avant if not unicodedata.combining(c)).casefold()
    return bool(_MOT_NIR.search(avant))


def contient_un_nir(texte) -> bool:
    """Whether ``texte`` holds a French social-security number (see above), written with or
    without spaces, dots or dashes between its groups of digits."""
    from stdnum.exceptions import InvalidChecksum
    from stdnum.fr import nir

    if not texte or not isinstance(texte, str):
        return False
    for suite in _SUITE_DE_CHIFFRES.finditer(texte):
        groupes = [g.upper() for g in _GROUPES.findall(suite.group())]
        nomme = None
        for debut in range(len(groupes)):
            candidat = ""
            for groupe in groupes[debut:]:
                candidat += groupe
                if len(candidat) == 13 and _forme_de_nir(candidat + "00"):
                    if nomme is None:
                        nomme = _nomme_un_nir(texte, suite.start())
                    if nomme:
                        return True
                if len(candidat) >= 15:
                    break
            if len(candidat) != 15:
                continue
            try:
                nir.validate(candidat)
                return True
            except InvalidChecksum:
                if _forme_de_nir(candidat) and 1 <= int(candidat[13:]) <= 97:
                    return True
            except ValueError:
                pass
    return False


def validate_sans_nir(value) -> None:
    """The free-text guard (every free-text field of every form, and the imports' text cells)."""
    if contient_un_nir(value):
        raise ValidationError(MESSAGE_NIR, code="nir")
