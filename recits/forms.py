"""Forms of the récits, activités and COPIL pages, with French messages next to the field,
and the lists' filters (django-filter).

Every choice (learners, organisations, activities, contacts, fundings) is limited to the rows
of the current project the user may see (``visible_to``): a row of another project is refused
with a message next to its field. The rules are repeated in ``services.py``, which the views
call only with a valid form: a refused form changes nothing.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conciergerie.forms import PeriodeFormMixin, TexteLibreFormMixin
from conciergerie.tri import cle_alphabetique
from conciergerie.widgets import PlageDatesWidget
from finances.forms import VALORISE_CHOICES, ProjetFormMixin
from finances.models import TempsBenevole
from parcours.models import Apprenant
from partenaires.models import Contact, Organisation

from .models import Activite, Copil, Recit, TypeActivite, TypeRecit
from .services import MESSAGE_PERIODE_COPIL, consentements_manquants

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
OUI_NON = [("oui", "Oui"), ("non", "Non")]


def _choix_multiples(label, message, help_text="", widget=forms.CheckboxSelectMultiple):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Organisation.objects.none(),  # set per project in __init__
        required=False,
        widget=widget,
        help_text=help_text,
        error_messages={"invalid_choice": message, "invalid_pk_value": message},
    )


def libelle_apprenant(apprenant) -> str:
    """A learner as the récit form names it: with its consent (the rule of naming)."""
    return f"{apprenant} — {apprenant.consentement_libelle}"


class ChoixApprenantsWidget(forms.SelectMultiple):
    """The learners named by a récit, chosen by searching (issue 19).

    Without JavaScript: a plain multiple ``<select>`` of the project's learners. With it
    (static/js/conciergerie.js, ``[data-choix-apprenants]``): the select is disabled and hidden,
    the chosen learners are chips carrying hidden inputs of the same name, and a search field
    asks ``recit_apprenants`` (htmx GET, the learners the user sees, matching the words typed)
    for buttons that add a learner. The posted value is the same either way (``apprenants=<pk>``
    repeated), validated by the same field.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"size": 8, **(attrs or {})})
        self.url_recherche = ""

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        identifiant = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return render_to_string(
            "recits/_choix_apprenants.html", {"select": select, "id": identifiant, "name": name, "url_recherche": self.url_recherche}
        )


class RecitForm(TexteLibreFormMixin, forms.ModelForm):
    apprenants = _choix_multiples(
        "Apprenants nommés",
        "Un des apprenants choisis n'appartient pas à ce projet.",
        "Un apprenant ne peut être nommé que si son consentement est enregistré (COPIL pour un récit présenté au COPIL).",
        widget=ChoixApprenantsWidget,  # 100+ learners per project: chosen by searching
    )
    organisations = _choix_multiples("Organisations", "Une des organisations choisies n'appartient pas à ce projet.")
    activites = _choix_multiples("Activités", "Une des activités choisies n'appartient pas à ce projet.")

    class Meta:
        model = Recit
        fields = ["titre", "type", "date", "texte", "apprenants", "organisations", "activites", "a_presenter_copil"]
        widgets = {"date": DATE, "texte": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "texte": "Markdown : **gras**, *italique*, listes, liens. Ni image ni script (retirés à l'affichage).",
            "a_presenter_copil": "Le rapport du COPIL, que lisent partenaires et financeurs, ne reprend que les récits dont chaque "
            "personne nommée a consenti au moins au COPIL.",
        }

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        self.fields["apprenants"].queryset = Apprenant.objects.visible_to(user, projet=projet).order_by("nom", "prenom", "pk")
        self.fields["apprenants"].label_from_instance = libelle_apprenant
        self.fields["apprenants"].widget.url_recherche = reverse("recit_apprenants", args=[projet.pk])
        self.fields["organisations"].queryset = Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")
        self.fields["activites"].queryset = Activite.objects.visible_to(user, projet=projet).order_by("-date", "pk")

    def clean(self):
        data = super().clean()
        if any(champ in self.errors for champ in ("titre", "texte", "date", "apprenants")):
            return data
        erreurs = consentements_manquants(
            projet=self.instance.projet,
            titre=data.get("titre", ""),
            texte=data.get("texte", ""),
            date=data.get("date"),
            apprenants=list(data.get("apprenants") or []),
            a_presenter_copil=bool(data.get("a_presenter_copil")),
        )
        for champ, message in erreurs.items():
            self.add_error(champ, forms.ValidationError(message, code="consentement"))
        return data


class RetraitConsentementForm(forms.Form):
    le = forms.DateField(
        label="Consentement retiré le",
        widget=DATE,
        help_text="Le jour où la personne a retiré son consentement (aujourd'hui par défaut).",
        error_messages={"required": "Indiquez la date du retrait.", "invalid": "Saisissez une date valide."},
    )

    def clean_le(self):
        le = self.cleaned_data["le"]
        if le > timezone.localdate():
            raise forms.ValidationError("La date du retrait est dans le futur.")
        return le


class ActiviteForm(TexteLibreFormMixin, forms.ModelForm):
    organisations = _choix_multiples("Organisations", "Une des organisations choisies n'appartient pas à ce projet.")

    class Meta:
        model = Activite
        fields = ["type", "intitule", "date", "lieu", "organisations", "nb_participants", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        labels = {"nb_participants": "Nombre de participants"}

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        self.fields["organisations"].queryset = Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")


class TempsActiviteForm(TexteLibreFormMixin, ProjetFormMixin, forms.ModelForm):
    """The short form of an activity's page: volunteer time logged against it (the activity's
    title fills ``TempsBenevole.activite``; the rate is the project's)."""

    valorise = forms.TypedChoiceField(
        label="Ce temps est", choices=VALORISE_CHOICES, coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect
    )

    class Meta:
        model = TempsBenevole
        fields = ["date", "personne", "organisation", "heures", "financement", "valorise"]
        widgets = {"date": DATE}
        labels = {"personne": "Bénévole"}


class ParticipantsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact):
        return f"{contact} ({contact.organisation.nom})"


class CopilForm(TexteLibreFormMixin, PeriodeFormMixin, forms.ModelForm):
    periode = ("periode_debut", "periode_fin")
    message_periode = MESSAGE_PERIODE_COPIL

    participants = ParticipantsField(
        label="Participants",
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Contacts des organisations du projet.",
        error_messages={
            "invalid_choice": "Un des participants choisis n'est pas un contact de ce projet.",
            "invalid_pk_value": "Un des participants choisis n'est pas un contact de ce projet.",
        },
    )

    class Meta:
        model = Copil
        fields = [
            "date",
            "lieu",
            "periode_debut",
            "periode_fin",
            "participants",
            "ordre_du_jour",
            "decisions",
            "besoins",
            "prochaines_etapes",
        ]
        widgets = {
            "date": DATE,
            "periode_debut": DATE,
            "periode_fin": DATE,
            "ordre_du_jour": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "besoins": forms.Textarea(attrs={"rows": 4}),
            "prochaines_etapes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        contacts = Contact.objects.visible_to(user, projet=projet).select_related("organisation")
        self.fields["participants"].queryset = contacts.order_by("organisation__nom", "nom", "prenom", "pk")


# ---------------------------------------------------------------- lists' filters


class RecitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Titre", method="filter_q")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeRecit.choices, empty_label="Tous les types")
    a_presenter_copil = django_filters.ChoiceFilter(
        label="À présenter au COPIL", choices=OUI_NON, empty_label="Indifférent", method="filter_copil"
    )

    class Meta:
        model = Recit
        fields = ["q", "type", "a_presenter_copil"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(titre__icontains=value) if value else queryset

    def filter_copil(self, queryset, name, value):
        return queryset.filter(a_presenter_copil=(value == "oui"))


class ActiviteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Intitulé ou lieu", method="filter_q")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeActivite.choices, empty_label="Tous les types")
    periode = django_filters.DateFromToRangeFilter(label="Période", field_name="date", widget=PlageDatesWidget())

    class Meta:
        model = Activite
        fields = ["q", "type", "periode"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(intitule__icontains=value) | Q(lieu__icontains=value)) if value else queryset
