"""The organisations list's filter (django-filter) and the reads shared with the home to-do."""

from datetime import date, timedelta

import django_filters
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from conciergerie.recherche import contient

from .models import Organisation, TypeOrganisation

JOURS_ECHEANCE = 60


def avec_alerte_qualiopi(organisations, au: date | None = None):
    """Annotate ``alerte_qualiopi``: "expire" (red) when the certificate has expired,
    "bientot" (orange) when it expires within 60 days, "" otherwise."""
    au = au or timezone.localdate()
    return organisations.annotate(
        alerte_qualiopi=Case(
            When(qualiopi_expiration__lt=au, then=Value("expire")),
            When(qualiopi_expiration__lte=au + timedelta(days=JOURS_ECHEANCE), then=Value("bientot")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def qualiopi_a_echeance(organisations, au: date | None = None):
    """Training organisations whose Qualiopi certificate expires within 60 days or has expired."""
    au = au or timezone.localdate()
    return avec_alerte_qualiopi(
        organisations.filter(type=TypeOrganisation.ORGANISME_FORMATION, qualiopi_expiration__lte=au + timedelta(days=JOURS_ECHEANCE)),
        au,
    )


def conventions_a_echeance(conventions, au: date | None = None):
    """Conventions ending between today and 60 days from now."""
    au = au or timezone.localdate()
    return conventions.filter(date_fin__gte=au, date_fin__lte=au + timedelta(days=JOURS_ECHEANCE))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou commune", method="filter_q")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeOrganisation.choices, empty_label="Tous les types")

    class Meta:
        model = Organisation
        fields = ["q", "type"]

    def filter_q(self, queryset, name, value):
        # each word in the name or the town, accents and case ignored (as the header's search)
        return queryset.filter(contient(["texte_recherche"], value))
