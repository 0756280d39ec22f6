"""Filters (django-filter) of the expenses and volunteer-time lists (``views_listes.py``).

Built on rows read through ``visible_to``; the funding choices are the fundings the user sees
(a funder: its own). Text search ignores accents and case (``conciergerie.recherche``).
"""

import django_filters
from django import forms

from conciergerie.recherche import contient

from .models import CategorieBudget, Depense, Financement, TempsBenevole

OUI_NON = [("oui", "Oui"), ("non", "Non")]


def _date(label: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name="date", lookup_expr=lookup, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class _FinancementFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, user, projet, **kwargs):
        super().__init__(data, queryset, **kwargs)
        financements = Financement.objects.visible_to(user, projet=projet).order_by("-date_debut", "pk")
        self.filters["financement"].queryset = financements
        self.form.fields["financement"].queryset = financements


class DepenseFilter(_FinancementFilterSet):
    q = django_filters.CharFilter(label="Libellé", method="filter_q")
    financement = django_filters.ModelChoiceFilter(
        label="Financement", field_name="ligne__financement", queryset=Financement.objects.none(), empty_label="Tous"
    )
    categorie = django_filters.ChoiceFilter(
        label="Catégorie", field_name="ligne__categorie", choices=CategorieBudget.choices, empty_label="Toutes"
    )
    justificatif = django_filters.ChoiceFilter(label="Avec justificatif", choices=OUI_NON, empty_label="—", method="filter_justificatif")
    du = _date("Du", "gte")
    au = _date("Au", "lte")

    class Meta:
        model = Depense
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(contient(["libelle", "ligne__libelle"], value))

    def filter_justificatif(self, queryset, name, value):
        return queryset.exclude(justificatif="") if value == "oui" else queryset.filter(justificatif="")


class TempsBenevoleFilter(_FinancementFilterSet):
    q = django_filters.CharFilter(label="Bénévole ou activité", method="filter_q")
    financement = django_filters.ModelChoiceFilter(label="Financement", queryset=Financement.objects.none(), empty_label="Tous")
    valorise = django_filters.ChoiceFilter(label="Valorisé", choices=OUI_NON, empty_label="—", method="filter_valorise")
    du = _date("Du", "gte")
    au = _date("Au", "lte")

    class Meta:
        model = TempsBenevole
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(contient(["personne", "activite", "organisation__nom"], value))

    def filter_valorise(self, queryset, name, value):
        return queryset.filter(valorise=value == "oui")
