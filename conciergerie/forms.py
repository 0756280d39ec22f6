"""Form helpers shared by every app: French decimal input and messages, periods.

``saisie_souple`` (applied by both mixins below) makes every number field of a form lenient
(``DecimalFrField``/``EntierFrField``: "1 234,50 €", "85.000,00", "2,5", "2.5", rules in
conciergerie/saisie.py; a localized text input with the decimal keyboard on tablets, rendered
"2,5"), and normalises the identifiers (SIRET, NDA, RNCP/RS code) before their one validator.
tests/conciergerie/test_saisie.py fails for an app form with a number field that has neither
mixin. ``DecimauxFrMixin`` also checks
its bounds with a message that prints a decimal comma ("Saisissez un nombre supérieur ou égal à
0,01.") where Django's default prints "0.01".

``PeriodeFormMixin`` (and ``valider_periode`` for the services) is the one "end ≥ start" check.

``TexteLibreFormMixin`` is the free-text guard: every free-text field of the form refuses a
social-security number (``conciergerie.validators.validate_sans_nir``). Every form of the apps that
has a free-text field uses it (tests/conciergerie/test_texte_libre.py fails for one that does not).
"""

from contextlib import suppress
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from .formats import CHOIX_VIDE, NON_RENSEIGNE
from .saisie import MESSAGE_ENTIER, MESSAGE_NOMBRE, lire_entier, lire_nombre, normaliser_code_rncp, normaliser_nda, normaliser_siret
from .validators import validate_code_rncp, validate_nda, validate_sans_nir, validate_siret


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
        saisie_souple(self)
        for nom, champ in self.fields.items():
            if not isinstance(champ, forms.DecimalField):
                continue
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


class DecimalFrField(forms.DecimalField):
    """A ``DecimalField`` that reads what people type (``conciergerie.saisie.lire_nombre``:
    "1 234,50 €", "85.000,00", "3,5", "3.5") and says so in French when it cannot. Money stays
    ``Decimal``."""

    default_error_messages = {"invalid": MESSAGE_NOMBRE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            try:
                return lire_nombre(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class EntierFrField(forms.IntegerField):
    """An ``IntegerField`` that reads "1 200", "1.200" or "12,0" (``conciergerie.saisie.lire_entier``)."""

    default_error_messages = {"invalid": MESSAGE_ENTIER}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            try:
                return lire_entier(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class IdentifiantField(forms.CharField):
    """A typed identifier (SIRET, NDA, RNCP/RS code): normalised (``normaliser``) before its one
    validator, which alone speaks — the length is the validator's business, so that a 12-digit
    NDA gets one French message, not the validator's and Django's « au plus 11 caractères »."""

    normaliser = staticmethod(lambda valeur: valeur)

    def to_python(self, value):
        return self.normaliser(super().to_python(value))

    def run_validators(self, value):
        """The first failing validator speaks alone: the identifier's own comes first (a 15-digit
        SIRET is "Un SIRET compte 14 chiffres.", not that and the free-text guard's NIR warning —
        a NIR never passes an identifier's validator, so it is never stored either)."""
        if value in self.empty_values:
            return
        for validateur in self.validators:
            validateur(value)


#: model validator → how its field is normalised before it
IDENTIFIANTS = {validate_siret: normaliser_siret, validate_nda: normaliser_nda, validate_code_rncp: normaliser_code_rncp}
_CLASSES_IDENTIFIANT: dict = {}


def _champ_identifiant(champ: forms.CharField, validateur) -> None:
    normaliser = IDENTIFIANTS[validateur]
    if normaliser not in _CLASSES_IDENTIFIANT:
        nom = f"Identifiant{validateur.__name__.removeprefix('validate_').title().replace('_', '')}Field"
        _CLASSES_IDENTIFIANT[normaliser] = type(nom, (IdentifiantField,), {"normaliser": staticmethod(normaliser)})
    champ.__class__ = _CLASSES_IDENTIFIANT[normaliser]
    champ.max_length = None
    champ.widget.attrs.pop("maxlength", None)
    champ.validators = [v for v in champ.validators if not isinstance(v, MaxLengthValidator)]
    champ.validators = [validateur, *(v for v in champ.validators if v is not validateur)]


def saisie_souple(form: forms.BaseForm) -> None:
    """Lenient input on ``form`` (its own copy of the fields): every ``DecimalField`` becomes a
    ``DecimalFrField`` (text input with the decimal keyboard, rendered "2,5"), every
    ``IntegerField`` an ``EntierFrField``, and every field of a ModelForm whose model field is
    a SIRET, an NDA or a RNCP/RS code an identifier field (normalised, one message)."""
    modele = getattr(getattr(form, "_meta", None), "model", None)
    for nom, champ in form.fields.items():
        choix_vide_fr(champ)
        if type(champ) is forms.DecimalField:
            champ.__class__ = DecimalFrField
            champ.error_messages = {**champ.error_messages, "invalid": MESSAGE_NOMBRE}
            _saisie_francaise(champ)
        elif type(champ) is forms.IntegerField:
            champ.__class__ = EntierFrField
            champ.error_messages = {**champ.error_messages, "invalid": MESSAGE_ENTIER}
        elif type(champ) is forms.CharField and modele is not None:
            with suppress(FieldDoesNotExist):
                for validateur in modele._meta.get_field(nom).validators:
                    if callable(validateur) and any(validateur is v for v in IDENTIFIANTS):
                        _champ_identifiant(champ, validateur)


VIDE_DJANGO = "---------"


def libelle_vide(champ: forms.Field) -> str:
    """The empty choice of a drop-down list: « Choisir… » when a value is required, « Non
    renseigné » when the field may stay empty (never Django's "---------")."""
    return CHOIX_VIDE if champ.required else NON_RENSEIGNE


def choix_vide_fr(champ: forms.Field) -> None:
    """Django's "---------" empty choice (a ``ModelChoiceField``'s ``empty_label``, a model
    field's blank choice) in French."""
    if isinstance(champ, forms.ModelChoiceField):
        if champ.empty_label == VIDE_DJANGO:
            champ.empty_label = libelle_vide(champ)
    elif isinstance(champ, forms.ChoiceField) and not isinstance(champ, forms.MultipleChoiceField):
        choix = list(champ.choices)
        if any(valeur == "" and libelle == VIDE_DJANGO for valeur, libelle in choix):
            champ.choices = [(v, libelle_vide(champ) if v == "" and li == VIDE_DJANGO else li) for v, li in choix]


class ConnexionForm(AuthenticationForm):
    """The login form: its label and its error say the same word (« Identifiant »)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Identifiant ou mot de passe incorrect. Les majuscules et les minuscules comptent.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["username"].error_messages["required"] = "Saisissez votre identifiant."
        self.fields["password"].error_messages["required"] = "Saisissez votre mot de passe."


def _saisie_francaise(champ: forms.DecimalField) -> None:
    """Accept and show a decimal comma: a localized field renders "2,5"; a number input would
    refuse the comma in some browsers, so a text input with the decimal keyboard (``inputmode``)
    takes its place."""
    champ.localize = True
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
    guarded too (the guard runs after the whole ``__init__``, through ``full_clean``). The same
    place gives every form lenient input (``saisie_souple``): numbers typed "1 234,50 €",
    identifiers typed with spaces."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saisie_souple(self)
        proteger_textes_libres(self)

    def full_clean(self):
        saisie_souple(self)  # fields added by a subclass's __init__ after ours
        proteger_textes_libres(self)
        super().full_clean()
