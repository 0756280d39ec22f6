"""Form helpers shared by every app: French decimal input and messages, periods.

``DecimauxFrMixin`` makes every ``DecimalField`` of a form French: it accepts "2,5" as well as
"2.5" (a localized text input with the decimal keyboard on tablets, rendered "2,5"), and checks
its bounds with a message that prints a decimal comma ("Saisissez un nombre supérieur ou égal à
0,01.") where Django's default prints "0.01".

``PeriodeFormMixin`` (and ``valider_periode`` for the services) is the one "end ≥ start" check.

``TexteLibreFormMixin`` is the free-text guard: every free-text field of the form refuses a
social-security number (``conciergerie.validators.validate_sans_nir``). Every form of the apps that
has a free-text field uses it (tests/conciergerie/test_texte_libre.py fails for one that does not).
"""

import re
from contextlib import suppress
from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from .validators import validate_sans_nir

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


#: form fields that hold text but not free text: structured values checked by their own field
#: (a CharField's subclasses that are not typed as prose)
CHAMPS_STRUCTURES = (
    forms.EmailField,
    forms.URLField,
    forms.SlugField,
    forms.UUIDField,
    forms.JSONField,
    forms.GenericIPAddressField,
)


def est_texte_libre(champ: forms.Field) -> bool:
    """A field where the user types whatever text: a ``CharField`` (a model's ``CharField`` or
    ``TextField`` without choices) that is neither a structured value (e-mail, URL…) nor hidden
    nor a password. Choices are ``ChoiceField``s, not ``CharField``s. A reference, a phone number
    or a SIRET are typed text and stay guarded: a valid phone or SIRET never looks like a NIR
    (too short), while a NIR used as a learner's reference is the likeliest way one would get in."""
    return (
        isinstance(champ, forms.CharField)
        and not isinstance(champ, CHAMPS_STRUCTURES)
        and not isinstance(champ.widget, forms.HiddenInput | forms.PasswordInput)
    )


def proteger_textes_libres(form: forms.BaseForm) -> None:
    """Add the free-text guard to every free-text field of ``form`` (its own copy of the fields)."""
    for champ in form.fields.values():
        if est_texte_libre(champ) and validate_sans_nir not in champ.validators:
            champ.validators.append(validate_sans_nir)


class TexteLibreFormMixin:
    """No social-security number in the form's free texts (``proteger_textes_libres``): a NIR
    typed in a comment, a motive or a récit is refused next to its field with
    ``conciergerie.validators.MESSAGE_NIR``. Fields that ``__init__`` of a subclass adds are
    guarded too (the guard runs after the whole ``__init__``, through ``full_clean``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        proteger_textes_libres(self)

    def full_clean(self):
        proteger_textes_libres(self)  # fields added by a subclass's __init__ after ours
        super().full_clean()
