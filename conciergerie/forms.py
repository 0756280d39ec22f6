"""Form helpers shared by every app: French decimal input and messages, periods.

``DecimauxFrMixin`` makes every ``DecimalField`` of a form French: it accepts "2,5" as well as
"2.5" (a localized text input with the decimal keyboard on tablets, rendered "2,5"), and checks
its bounds with a message that prints a decimal comma ("Saisissez un nombre supérieur ou égal à
0,01.") where Django's default prints "0.01".

``PeriodeFormMixin`` (and ``valider_periode`` for the services) is the one "end ≥ start" check.
"""

import re
from contextlib import suppress
from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

ESPACES = re.compile(r"[\s\u00a0\u202f]")


def nombre_fr(valeur) -> str:
    """``Decimal("0.01")`` → ``0,01``, ``Decimal("24.00")`` → ``24`` (for messages)."""
    texte = format(Decimal(valeur).normalize(), "f")
    return texte.replace(".", ",")


def minimum_fr(limite, message=None):
    return MinValueValidator(limite, message or f"Saisissez un nombre supérieur ou égal à {nombre_fr(limite)}.")


def maximum_fr(limite, message=None):
    return MaxValueValidator(limite, message or f"Saisissez un nombre inférieur ou égal à {nombre_fr(limite)}.")


class DecimauxFrMixin:
    """Every decimal field of the form takes French input (see ``_saisie_francaise``) and checks its bounds itself, with a French message
    and a decimal comma ("Saisissez un nombre supérieur ou égal à 0,01."), where Django's default
    message would print "0.01". The bounds are the form field's and, for a ModelForm, the model
    field's validators (a failing form field is not validated again by the model). A bound with
    a message of its own (e.g. "Au plus 24 h par jour.") keeps it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        modele = getattr(getattr(self, "_meta", None), "model", None)
        for nom, champ in self.fields.items():
            if not isinstance(champ, forms.DecimalField):
                continue
            _saisie_francaise(champ)
            bornes = list(champ.validators)
            if modele is not None:
                with suppress(FieldDoesNotExist):
                    bornes += modele._meta.get_field(nom).validators
            champ.validators = [v for v in champ.validators if not isinstance(v, (MinValueValidator, MaxValueValidator))]
            for classe, fabrique, plus_stricte in ((MinValueValidator, minimum_fr, max), (MaxValueValidator, maximum_fr, min)):
                candidats = [v for v in bornes if isinstance(v, classe)]
                if not candidats:
                    continue
                limite = plus_stricte(v.limit_value for v in candidats)
                propres = [v for v in candidats if v.limit_value == limite and v.message is not classe.message]
                champ.validators.append(propres[0] if propres else fabrique(limite))


def _saisie_francaise(champ: forms.DecimalField) -> None:
    """Accept and show a decimal comma: a localized field parses "2,5" (and still "2.5") and
    renders "2,5"; a number input would refuse the comma in some browsers, so a text input with
    the decimal keyboard (``inputmode``) takes its place."""
    champ.localize = True
    lire = champ.to_python
    # "1 234,50" as the app displays it (spaces, no-break spaces) is accepted too
    champ.to_python = lambda valeur: lire(ESPACES.sub("", valeur) if isinstance(valeur, str) else valeur)
    attrs = {k: v for k, v in champ.widget.attrs.items() if k not in ("step", "min", "max")}
    champ.widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal", "autocomplete": "off"})
    champ.widget.is_localized = True


MESSAGE_PERIODE = "La fin doit suivre le début."


def valider_periode(debut, fin, *, champ_fin: str = "date_fin", message: str = MESSAGE_PERIODE) -> None:
    """The end of a period may not precede its start (the same day is allowed): otherwise
    ``ValidationError`` on ``champ_fin``. A missing date is not checked here."""
    if debut and fin and fin < debut:
        raise ValidationError({champ_fin: message})


class PeriodeFormMixin:
    """A form with a period (``periode``: its start and end fields): an end before the start is
    refused next to the end field. ``message_periode``: ``MESSAGE_PERIODE``, or the wording of
    the model's database constraint when it has its own (« La fin du financement doit suivre
    son début. »), so that the form and the database say the same."""

    periode = ("date_debut", "date_fin")
    message_periode = MESSAGE_PERIODE

    def clean(self):
        data = super().clean()
        debut, fin = self.periode
        try:
            valider_periode(data.get(debut), data.get(fin), champ_fin=fin, message=self.message_periode)
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return data
