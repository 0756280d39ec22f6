"""Filters (django-filter) of the paths and steps lists (``views_listes.py``).

Each filter set is built on rows already read through ``visible_to``; the organisation choices
are the project's organisations the user may see. The text search (``q``) ignores accents and
case (``conciergerie.recherche.contient``). Dates are two separate fields, each with its label.
"""

import django_filters
from django import forms

from conciergerie.recherche import contient
from partenaires.models import Organisation

from .models import Etape, Modalite, Parcours, StatutEtape, StatutParcours, TypeEtape


def _date(label: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name="date_debut", lookup_expr=lookup, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class _ProjetFilterSet(django_filters.FilterSet):
    """The organisation choices narrowed to what ``user`` sees of ``projet``."""

    def __init__(self, data=None, queryset=None, *, user, projet, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user, self.projet = user, projet
        if "organisation" in self.filters:
            organisations = Organisation.objects.visible_to(user, projet=projet).order_by("nom", "pk")
            self.filters["organisation"].queryset = organisations
            self.form.fields["organisation"].queryset = organisations


class ParcoursFilter(_ProjetFilterSet):
    q = django_filters.CharFilter(label="Apprenant ou objectif", method="filter_q")
    statut = django_filters.ChoiceFilter(label="Statut", choices=StatutParcours.choices, empty_label="Tous les statuts")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation d'une étape", queryset=Organisation.objects.none(), method="filter_organisation", empty_label="Toutes"
    )
    debut_apres = _date("Début à partir du", "gte")
    debut_avant = _date("Début jusqu'au", "lte")

    class Meta:
        model = Parcours
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(contient(["apprenant__texte_recherche", "intitule"], value))

    def filter_organisation(self, queryset, name, value):
        # through the steps the user sees (a partner: its own organisation's)
        etapes = Etape.objects.visible_to(self.user, projet=self.projet).filter(parcours__projet=self.projet, organisation=value)
        return queryset.filter(pk__in=etapes.values("parcours_id"))


class EtapeFilter(_ProjetFilterSet):
    q = django_filters.CharFilter(label="Apprenant, intitulé ou code", method="filter_q")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeEtape.choices, empty_label="Tous les types")
    statut = django_filters.ChoiceFilter(label="Statut", choices=StatutEtape.choices, empty_label="Tous les statuts")
    modalite = django_filters.ChoiceFilter(label="Modalité", choices=Modalite.choices, empty_label="Toutes")
    organisation = django_filters.ModelChoiceFilter(label="Organisation", queryset=Organisation.objects.none(), empty_label="Toutes")
    debut_apres = _date("Début à partir du", "gte")
    debut_avant = _date("Début jusqu'au", "lte")

    class Meta:
        model = Etape
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            contient(
                ["parcours__apprenant__texte_recherche", "intitule", "code_rncp"],
                value,
            )
        )
