"""The learners list's filters (django-filter) and the reads they share with the home to-do.

Filters on paths and steps go through sub-queries on the rows the user may see
(``visible_to``): a partner filtering by step type only matches steps at its organisation.
"""

from datetime import date, timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from conciergerie.recherche import contient
from conciergerie.tri import cle_alphabetique
from conciergerie.widgets import PlageDatesWidget
from partenaires.models import Organisation

from .models import Apprenant, Etape, Parcours, ResultatSortie, Situation, Sortie, StatutEtape, StatutParcours, TypeEtape, TypeSortie

JOURS_SUIVI = 30
JOURS_SANS_ETAPE = 60

OUI_NON = [("", "Indifférent"), ("oui", "Oui"), ("non", "Non")]


def suivis_dus(parcours, au: date | None = None):
    """Closed paths whose 6-month follow-up falls within 30 days (or is overdue) and is not recorded."""
    au = au or timezone.localdate()
    suivi_fait = Sortie.objects.filter(parcours=OuterRef("pk"), type=TypeSortie.SUIVI_6_MOIS)
    # an abandon has no follow-up (``date_suivi_6_mois``): nor has a path closed before that rule
    abandon = Sortie.objects.filter(parcours=OuterRef("pk"), type=TypeSortie.SORTIE, resultat=ResultatSortie.ABANDON)
    return (
        parcours.filter(statut=StatutParcours.CLOTURE, suivi_6_mois_le__isnull=False, suivi_6_mois_le__lte=au + timedelta(days=JOURS_SUIVI))
        .exclude(Exists(suivi_fait))
        .exclude(Exists(abandon))
    )


def parcours_sans_etape(parcours, au: date | None = None):
    """Paths in progress, started 60 days ago or more, without a step started or touched
    since (a path opened last week without a step yet is not dormant)."""
    au = au or timezone.localdate()
    depuis = au - timedelta(days=JOURS_SANS_ETAPE)
    recente = Etape.objects.filter(parcours=OuterRef("pk")).filter(
        Q(date_debut__gte=depuis) | Q(modifie_le__gte=timezone.now() - timedelta(days=JOURS_SANS_ETAPE))
    )
    return parcours.filter(statut=StatutParcours.EN_COURS, date_debut__lte=depuis).exclude(Exists(recente))


class OuiNonFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", OUI_NON[1:])
        kwargs.setdefault("empty_label", "Indifférent")
        super().__init__(*args, **kwargs)


class ApprenantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou prénom", method="filter_q")
    statut_parcours = django_filters.ChoiceFilter(
        label="Statut du parcours", choices=StatutParcours.choices, method="filter_statut_parcours"
    )
    type_etape = django_filters.ChoiceFilter(label="Type d'étape", choices=TypeEtape.choices, method="filter_type_etape")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation d'une étape", queryset=Organisation.objects.none(), method="filter_organisation"
    )
    prescripteur = django_filters.ModelChoiceFilter(label="Prescripteur", queryset=Organisation.objects.none())
    qpv = OuiNonFilter(label="QPV", method="filter_booleen")
    zrr = OuiNonFilter(label="ZRR", method="filter_booleen")
    situation_entree = django_filters.ChoiceFilter(label="Situation à l'entrée", choices=Situation.choices)
    date_entree = django_filters.DateFromToRangeFilter(label="Entrée dans la conciergerie", widget=PlageDatesWidget())
    bloquee = OuiNonFilter(label="Avec une étape bloquée", method="filter_bloquee")
    sans_etape = OuiNonFilter(label="Parcours sans étape depuis 60 jours", method="filter_sans_etape")
    suivi_du = OuiNonFilter(label="Suivi à 6 mois dû", method="filter_suivi_du")

    class Meta:
        model = Apprenant
        fields = []

    #: filters on the learner's situation, which a role without ``apprenants.modifier`` (a
    #: partner: identity and its steps only) may neither see nor use to narrow the list
    FILTRES_SITUATION = ("prescripteur", "qpv", "zrr", "situation_entree", "date_entree", "suivi_du")

    def __init__(self, data=None, queryset=None, *, user, projet, dossier_complet: bool = True, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if not dossier_complet:
            for nom in self.FILTRES_SITUATION:
                del self.filters[nom]
        # the path of a step is narrowed to the project too (a path is in its learner's project,
        # ``Parcours.clean``): without it PostgreSQL joins the steps found to every path of every
        # project (a sequential scan of parcours_parcours: 10–25 ms at 77 000 paths; 2 ms with it)
        self.etapes = Etape.objects.visible_to(user, projet=projet).filter(parcours__projet=projet)
        self.parcours = Parcours.objects.visible_to(user, projet=projet)
        organisations = Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")
        for name in ("organisation", "prescripteur"):
            if name in self.filters:
                self.filters[name].queryset = organisations
                self.form.fields[name].queryset = organisations

    def filter_q(self, queryset, name, value):
        # each word in the name, first name or reference, accents and case ignored (the header's
        # search leads here with the same words: the same learners)
        return queryset.filter(contient(["texte_recherche"], value))

    def filter_statut_parcours(self, queryset, name, value):
        return queryset.filter(pk__in=self.parcours.filter(statut=value).values("apprenant_id"))

    def filter_type_etape(self, queryset, name, value):
        return queryset.filter(pk__in=self.etapes.filter(type=value).values("parcours__apprenant_id"))

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(pk__in=self.etapes.filter(organisation=value).values("parcours__apprenant_id"))

    def filter_booleen(self, queryset, name, value):
        return queryset.filter(**{name: value == "oui"})

    def _par_sous_requete(self, queryset, value, sous_requete):
        if value == "oui":
            return queryset.filter(pk__in=sous_requete)
        return queryset.exclude(pk__in=sous_requete)

    def filter_bloquee(self, queryset, name, value):
        return self._par_sous_requete(queryset, value, self.etapes.filter(statut=StatutEtape.BLOQUEE).values("parcours__apprenant_id"))

    def filter_sans_etape(self, queryset, name, value):
        return self._par_sous_requete(queryset, value, parcours_sans_etape(self.parcours).values("apprenant_id"))

    def filter_suivi_du(self, queryset, name, value):
        return self._par_sous_requete(queryset, value, suivis_dus(self.parcours).values("apprenant_id"))


# column key -> ordering; the ?tri= parameter only takes these keys (or "-key")
TRIS = {
    "nom": ("nom", "prenom", "pk"),
    "commune": ("commune", "nom", "pk"),
    "situation": ("situation_entree", "nom", "pk"),
    "entree": ("date_entree", "nom", "pk"),
    "prescripteur": ("prescripteur__nom", "nom", "pk"),
}
COLONNES = [
    ("nom", "Nom"),
    ("commune", "Commune"),
    ("situation", "Situation à l'entrée"),
    ("entree", "Entrée"),
    ("prescripteur", "Prescripteur"),
]
#: the columns (and sort keys) of a role that sees identity only (a partner)
COLONNES_IDENTITE = ("nom", "commune")


def ordre(tri: str | None, cles=TRIS) -> tuple[str, tuple[str, ...]]:
    """The whitelisted ordering for ``?tri=`` among ``cles`` (unknown values fall back to the name)."""
    tri = tri or "nom"
    cle = tri.removeprefix("-")
    if cle not in TRIS or cle not in cles:
        return "nom", TRIS["nom"]
    champs = TRIS[cle]
    if tri.startswith("-"):
        champs = tuple(c if c == "pk" else f"-{c}" for c in champs[:1]) + champs[1:]
    return tri, champs
