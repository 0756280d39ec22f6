"""French decimal input (conciergerie/forms.py): a comma or a dot, spaces as the app displays
amounts, French messages with a decimal comma; and the same through a real form page."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from conciergerie.forms import DecimauxFrMixin
from conciergerie.saisie import MESSAGE_NOMBRE
from finances.models import TempsBenevole


class Formulaire(DecimauxFrMixin, forms.Form):
    montant = forms.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("24.5"))


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [("2,5", Decimal("2.5")), ("2.5", Decimal("2.5")), (" 12,75 ", Decimal("12.75")), ("24,50", Decimal("24.5"))],
)
def test_virgule_ou_point(saisie, attendu):
    form = Formulaire({"montant": saisie})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["montant"] == attendu


def test_espaces_des_montants_affiches():
    class Grand(DecimauxFrMixin, forms.Form):
        montant = forms.DecimalField(max_digits=12, decimal_places=2)

    for saisie in ("12 345,67", "12\u00a0345,67", "12\u202f345,67"):
        form = Grand({"montant": saisie})
        assert form.is_valid(), (saisie, form.errors)
        assert form.cleaned_data["montant"] == Decimal("12345.67")


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("0", "Saisissez un nombre supérieur ou égal à 0,01."),
        ("24,51", "Saisissez un nombre inférieur ou égal à 24,5."),
        ("deux", MESSAGE_NOMBRE),
        ("2,5,1", MESSAGE_NOMBRE),
    ],
)
def test_messages_en_francais(saisie, message):
    form = Formulaire({"montant": saisie})
    assert form.errors["montant"] == [message]


def test_le_champ_est_un_texte_decimal_affiche_avec_une_virgule():
    html = str(Formulaire(initial={"montant": Decimal("17.50")})["montant"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="17,50"' in html


@pytest.mark.django_db
def test_une_saisie_de_benevolat_avec_une_virgule(monde, login):
    url = reverse("benevolat_create", args=[monde["A"].pk])
    donnees = {"date": "2025-03-03", "personne": "Jeanne", "activite": "Accueil", "heures": "3,5", "taux_horaire": "15,50", "valorise": "1"}
    reponse = login(monde["users"]["coordinateur"]).post(url, donnees)
    assert reponse.status_code == 302
    temps = TempsBenevole.objects.get()
    assert (temps.heures, temps.taux_horaire) == (Decimal("3.5"), Decimal("15.50"))
