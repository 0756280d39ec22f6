"""Lenient input (issue 19): numbers typed "1 234,50 €" or "85.000,00", identifiers typed with
spaces, one French message each (conciergerie/saisie.py, conciergerie/forms.py)."""

from decimal import Decimal

import pytest
from django import forms

from conciergerie.forms import DecimalFrField, DecimauxFrMixin, EntierFrField, IdentifiantField, TexteLibreFormMixin
from conciergerie.imports import DecimalFrWidget
from conciergerie.saisie import MESSAGE_ENTIER, MESSAGE_NOMBRE, lire_entier, lire_nombre
from finances.forms import DepenseForm, TempsBenevoleForm
from parcours.forms import EtapeForm
from partenaires.forms import OrganisationForm
from partenaires.models import Organisation
from tests import factories as f
from tests.conciergerie.test_texte_libre import _formulaires_des_apps

NBSP, NNBSP = "\u00a0", "\u202f"

ACCEPTES = [
    ("85 000 €", Decimal("85000")),
    ("85.000,00", Decimal("85000")),
    (f"85{NBSP}000,00{NBSP}€", Decimal("85000")),
    (f"1{NNBSP}234,50", Decimal("1234.50")),
    ("1 234,50 €", Decimal("1234.50")),
    ("€ 12", Decimal("12")),
    ("3,50", Decimal("3.5")),
    ("3.5", Decimal("3.5")),
    ("7,5", Decimal("7.5")),
    ("0,01", Decimal("0.01")),
    # one dot followed by exactly three digits groups thousands (the French reading)…
    ("85.000", Decimal("85000")),
    ("1.250", Decimal("1250")),
    # …unless what comes before is 0: a number does not start with a thousands group of 0
    ("0.500", Decimal("0.5")),
    ("1.25", Decimal("1.25")),
    ("1.2345", Decimal("1.2345")),
    ("1.234.567", Decimal("1234567")),
    ("1.234.567,89", Decimal("1234567.89")),
    ("1,234.50", Decimal("1234.50")),  # both marks: the last one is the decimal one
    ("1,234,567", Decimal("1234567")),
    ("-3,5", Decimal("-3.5")),
    ("+3,5", Decimal("3.5")),
    ("  42  ", Decimal("42")),
]

REFUSES = [
    "deux",
    "€",
    "3,5 h",
    "1,2,3",  # a repeated mark groups thousands by three
    "1.2.3",
    "1.23,50",  # a thousands group of 2
    "12.3456,5",
    "1,5.000,5",  # a decimal mark twice
    ",5",
    "5,",
    "5.",
    "--3",
    "3-",
    "1e3",
    "NaN",
    "Infinity",
]


@pytest.mark.parametrize(("saisie", "valeur"), ACCEPTES)
def test_the_parser_reads_what_people_type(saisie, valeur):
    assert lire_nombre(saisie) == valeur
    assert isinstance(lire_nombre(saisie), Decimal)


@pytest.mark.parametrize("saisie", REFUSES)
def test_the_parser_refuses_with_a_french_message(saisie):
    with pytest.raises(ValueError, match=r"^Saisissez un nombre, par exemple 1 234,50 ou 7,5\.$"):
        lire_nombre(saisie)


@pytest.mark.parametrize(("saisie", "valeur"), [("1 200", 1200), ("1.200", 1200), ("12,0", 12), (f"3{NBSP}000", 3000)])
def test_integers(saisie, valeur):
    assert lire_entier(saisie) == valeur


@pytest.mark.parametrize("saisie", ["12,5", "douze", "1.23,0"])
def test_integers_refused(saisie):
    with pytest.raises(ValueError) as refus:
        lire_entier(saisie)
    assert str(refus.value) == MESSAGE_ENTIER


@pytest.mark.parametrize(("saisie", "valeur"), ACCEPTES)
def test_the_imports_read_the_same_numbers(saisie, valeur):
    if valeur < 0:
        valeur = -valeur
        saisie = saisie.replace("-", "")
    assert DecimalFrWidget().clean(saisie) == valeur


@pytest.mark.parametrize("saisie", REFUSES)
def test_the_imports_refuse_the_same_numbers(saisie):
    with pytest.raises(ValueError, match="^Nombre invalide"):
        DecimalFrWidget().clean(saisie)


# ------------------------------------------------------------------ through the app's forms


@pytest.fixture
def financement(db):
    return f.FinancementFactory()


def test_an_expense_amount_with_spaces_and_the_euro_sign(financement):
    ligne = f.LigneBudgetFactory(financement=financement)
    form = DepenseForm(
        {"ligne": ligne.pk, "date": "2026-03-02", "libelle": "Transport", "montant": "1 234,50 €"},
        financement=financement,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["montant"] == Decimal("1234.50")


def test_an_expense_amount_that_is_not_a_number_gets_one_french_message(financement):
    form = DepenseForm({"montant": "mille euros"}, financement=financement)
    assert form.errors["montant"] == [MESSAGE_NOMBRE]


def test_volunteer_hours_with_a_comma(db):
    projet = f.ProjetFactory()
    form = TempsBenevoleForm(projet=projet, user=f.UserFactory())
    assert isinstance(form.fields["heures"], DecimalFrField)
    assert form.fields["heures"].clean("7,5") == Decimal("7.5")
    with pytest.raises(forms.ValidationError) as refus:
        form.fields["heures"].clean("25")
    assert len(refus.value.messages) == 1


@pytest.fixture
def projet(db):
    return f.ProjetFactory()


def _organisation(projet, **donnees):
    return OrganisationForm({"nom": "Greta des Landes", "type": "organisme_formation", "commune": "Dax", **donnees}, projet=projet)


def test_a_siret_with_spaces_is_stored_without(projet):
    form = _organisation(projet, siret=f"732 829 320{NBSP}00074")
    assert form.is_valid(), form.errors
    assert form.save().siret == "73282932000074"


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("732 829 320 0007", "Un SIRET compte 14 chiffres."),
        ("732 829 320 000745", "Un SIRET compte 14 chiffres."),  # 15 digits: not the NIR warning too
        ("732 829 320 00075", "Ce SIRET n'est pas valide (clé de contrôle)."),
    ],
)
def test_a_wrong_siret_gets_one_french_message(projet, siret, message):
    form = _organisation(projet, siret=siret)
    assert form.errors["siret"] == [message]


def test_a_twelve_digit_nda_gets_one_message(projet):
    form = _organisation(projet, nda="72 40 01234 567")
    assert form.errors["nda"] == ["Le numéro de déclaration d'activité compte 11 chiffres."]
    assert not Organisation.objects.exists()


def test_an_nda_with_spaces_is_stored_without(projet):
    form = _organisation(projet, nda="72 40 01234 56")
    assert form.is_valid(), form.errors
    assert form.save().nda == "72400123456"


@pytest.mark.parametrize(
    ("saisie", "code"), [("RS 6962", "RS6962"), ("rs6962", "RS6962"), ("RNCP 37873", "RNCP37873"), ("rncp-37873", "RNCP37873")]
)
def test_a_certification_code_is_normalised(projet, saisie, code):
    form = EtapeForm(projet=projet, user=f.UserFactory())
    assert isinstance(form.fields["code_rncp"], IdentifiantField)
    assert form.fields["code_rncp"].clean(saisie) == code


def test_a_malformed_certification_code_gets_one_message(projet):
    form = EtapeForm(projet=projet, user=f.UserFactory())
    with pytest.raises(forms.ValidationError) as refus:
        form.fields["code_rncp"].clean("RNCP 12345678901")  # longer than the model's 12 characters too
    assert refus.value.messages == ["Code mal formé : attendu RNCP suivi de chiffres (ex. RNCP37873) ou RS suivi de chiffres (ex. RS5659)."]


# ------------------------------------------------------------------ every form, centrally

MIXINS_DE_SAISIE = (TexteLibreFormMixin, DecimauxFrMixin)
IDENTIFIANTS = {"siret", "nda", "code_rncp"}


def _sans_saisie_souple(formulaires):
    """The form classes with a number field or an identifier field but no mixin that applies
    ``saisie_souple`` to it."""
    sans = []
    for classe in formulaires:
        nombres = [
            n for n, champ in classe.base_fields.items() if isinstance(champ, forms.DecimalField | forms.IntegerField) or n in IDENTIFIANTS
        ]
        if nombres and not issubclass(classe, MIXINS_DE_SAISIE):
            sans.append(f"{classe.__module__}.{classe.__qualname__}: {nombres}")
    return sans


def test_every_number_field_of_every_app_form_is_lenient():
    formulaires = _formulaires_des_apps()
    avec_nombres = [c for c in formulaires if any(isinstance(ch, forms.DecimalField) for ch in c.base_fields.values())]
    assert len(avec_nombres) >= 8  # the walk found the forms with amounts and hours
    assert _sans_saisie_souple(formulaires) == []


def test_a_new_form_without_the_mixin_would_be_caught():
    class Nouveau(forms.Form):
        montant = forms.DecimalField()

    class Corrige(TexteLibreFormMixin, forms.Form):
        montant = forms.DecimalField()

    assert _sans_saisie_souple([Nouveau, Corrige]) == [f"{__name__}.{Nouveau.__qualname__}: ['montant']"]


def test_the_mixin_makes_every_number_field_lenient_even_one_added_in_init():
    class Formulaire(TexteLibreFormMixin, forms.Form):
        montant = forms.DecimalField(max_digits=10, decimal_places=2)
        nombre = forms.IntegerField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["ajoute"] = forms.DecimalField()

    form = Formulaire({"montant": "85.000,00", "nombre": "1 200", "ajoute": "3,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"montant": Decimal("85000"), "nombre": 1200, "ajoute": Decimal("3.5")}
    assert all(isinstance(form.fields[n], DecimalFrField) for n in ("montant", "ajoute"))
    assert isinstance(form.fields["nombre"], EntierFrField)
    refus = Formulaire({"montant": "85 000 euros", "nombre": "12,5", "ajoute": ""})
    assert refus.errors["montant"] == [MESSAGE_NOMBRE]
    assert refus.errors["nombre"] == [MESSAGE_ENTIER]
