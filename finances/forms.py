from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from conciergerie.forms import DecimauxFrMixin, PeriodeFormMixin, TexteLibreFormMixin, maximum_fr, nombre_fr
from parcours.models import Apprenant, SessionFormation, Situation
from partenaires.models import Organisation

from .models import (
    MESSAGE_MOTIF,
    Depense,
    DerogationEligibilite,
    Financement,
    LigneBudget,
    Objectif,
    PartageValeur,
    TempsBenevole,
    Versement,
)
from .validators import valider_justificatif, valider_logo

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: one line of volunteer time covers one day: the quick entry and each cell of the week grid
HEURES_MIN = Decimal("0.01")
HEURES_MAX_PAR_LIGNE = Decimal("24")


MAX_HEURES = maximum_fr(HEURES_MAX_PAR_LIGNE, f"Au plus {nombre_fr(HEURES_MAX_PAR_LIGNE)} h par jour.")


class ProjetFormMixin:
    """Forms whose choices are limited to the project's rows the user may see."""

    def __init__(self, *args, projet, user, **kwargs):
        self.projet, self.user = projet, user
        super().__init__(*args, **kwargs)
        for name, model in (
            ("financeur", Organisation),
            ("organisation", Organisation),
            ("session", SessionFormation),
            ("apprenant", Apprenant),
        ):
            if name in self.fields:
                self.fields[name].queryset = model.objects.visible_to(user, projet=projet)
        if "financement" in self.fields:
            self.fields["financement"].queryset = Financement.objects.visible_to(user, projet=projet)


class FinancementForm(TexteLibreFormMixin, PeriodeFormMixin, DecimauxFrMixin, ProjetFormMixin, forms.ModelForm):
    message_periode = "La fin du financement doit suivre son début."

    class Meta:
        model = Financement
        fields = [
            "financeur",
            "programme",
            "intitule",
            "montant_accorde",
            "date_debut",
            "date_fin",
            "plafond_benevolat",
            "plafond_ingenierie",
            "statuts_exclus",
            "logo",
            "mention",
        ]
        widgets = {"date_debut": DATE, "date_fin": DATE, "logo": forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg"})}

    statuts_exclus = forms.MultipleChoiceField(
        label="Statuts non éligibles",
        choices=Situation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les participants de ces statuts ne sont pas comptés comme éligibles à ce financement (sauf dérogation motivée).",
    )

    def clean_logo(self):
        fichier = self.cleaned_data.get("logo")
        if fichier and hasattr(fichier, "content_type"):  # a new upload (not the stored file)
            valider_logo(fichier)
        return fichier


class LigneBudgetForm(TexteLibreFormMixin, DecimauxFrMixin, forms.ModelForm):
    class Meta:
        model = LigneBudget
        fields = ["categorie", "libelle", "montant_prevu"]


class DepenseForm(TexteLibreFormMixin, DecimauxFrMixin, forms.ModelForm):
    class Meta:
        model = Depense
        fields = ["ligne", "date", "libelle", "montant", "justificatif"]
        widgets = {"date": DATE, "justificatif": forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"})}
        help_texts = {"justificatif": "PDF, PNG ou JPEG, 5 Mo au plus."}

    def __init__(self, *args, financement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ligne"].queryset = LigneBudget.objects.filter(financement=financement)

    def clean_justificatif(self):
        fichier = self.cleaned_data.get("justificatif")
        if fichier and hasattr(fichier, "content_type"):  # a new upload (not the stored file)
            valider_justificatif(fichier)
        return fichier


class VersementForm(TexteLibreFormMixin, DecimauxFrMixin, forms.ModelForm):
    class Meta:
        model = Versement
        fields = ["type", "montant", "date_limite_demande", "date_demande", "date_reception"]
        widgets = {"date_limite_demande": DATE, "date_demande": DATE, "date_reception": DATE}

    def clean(self):
        data = super().clean()
        demande, recu = data.get("date_demande"), data.get("date_reception")
        if demande and recu and recu < demande:
            self.add_error("date_reception", "La réception ne peut précéder la demande.")
        return data


VALORISE_CHOICES = [("1", "Valorisé (compté dans le cofinancement)"), ("0", "Donné en plus (montré, non compté)")]


class TempsBenevoleForm(TexteLibreFormMixin, DecimauxFrMixin, ProjetFormMixin, forms.ModelForm):
    valorise = forms.TypedChoiceField(
        label="Ce temps est", choices=VALORISE_CHOICES, coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect
    )

    class Meta:
        model = TempsBenevole
        fields = ["date", "personne", "organisation", "activite", "financement", "heures", "taux_horaire", "valorise"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # capped like a cell of the week grid (the model keeps no such bound: imports, history)
        self.fields["heures"].validators.append(MAX_HEURES)
        if not self.instance.pk:
            self.fields["taux_horaire"].initial = self.projet.taux_horaire_benevolat
        else:
            self.initial["valorise"] = "1" if self.instance.valorise else "0"


HEURES = {"max_digits": 4, "decimal_places": 2, "required": False, "validators": [MinValueValidator(HEURES_MIN), MAX_HEURES]}
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class SemaineForm(TexteLibreFormMixin, DecimauxFrMixin, ProjetFormMixin, forms.Form):
    """The common part of a week grid: which week, what activity, which funding, which rate."""

    lundi = forms.DateField(label="Semaine du (lundi)", widget=DATE)
    activite = forms.CharField(label="Activité", max_length=200)
    financement = forms.ModelChoiceField(label="Financement", queryset=Financement.objects.none(), required=False)
    taux_horaire = forms.DecimalField(label="Taux horaire (€)", max_digits=8, decimal_places=2, min_value=Decimal("0"))
    valorise = forms.TypedChoiceField(label="Ce temps est", choices=VALORISE_CHOICES, coerce=lambda v: v == "1", initial="1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taux_horaire"].initial = self.projet.taux_horaire_benevolat

    def clean_lundi(self):
        lundi = self.cleaned_data["lundi"]
        return lundi - timedelta(days=lundi.weekday())


class LigneSemaineForm(TexteLibreFormMixin, DecimauxFrMixin, forms.Form):
    personne = forms.CharField(label="Bénévole", max_length=150, required=False)
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none(), required=False)
    jour_0 = forms.DecimalField(label="Lundi", **HEURES)
    jour_1 = forms.DecimalField(label="Mardi", **HEURES)
    jour_2 = forms.DecimalField(label="Mercredi", **HEURES)
    jour_3 = forms.DecimalField(label="Jeudi", **HEURES)
    jour_4 = forms.DecimalField(label="Vendredi", **HEURES)
    jour_5 = forms.DecimalField(label="Samedi", **HEURES)
    jour_6 = forms.DecimalField(label="Dimanche", **HEURES)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def heures(self):
        return [(i, self.cleaned_data.get(f"jour_{i}")) for i in range(7) if self.cleaned_data.get(f"jour_{i}")]

    def clean(self):
        data = super().clean()
        a_des_heures = any(data.get(f"jour_{i}") for i in range(7))
        if a_des_heures and not data.get("personne"):
            self.add_error("personne", "Indiquez le nom du bénévole.")
        return data


class BaseLigneSemaineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(f.cleaned_data and f.heures() for f in self.forms):
            raise forms.ValidationError("Saisissez au moins une heure dans la grille.")


LigneSemaineFormSet = forms.formset_factory(LigneSemaineForm, formset=BaseLigneSemaineFormSet, extra=5, max_num=50)


class PartageValeurForm(TexteLibreFormMixin, DecimauxFrMixin, ProjetFormMixin, forms.ModelForm):
    class Meta:
        model = PartageValeur
        fields = ["organisation", "session", "apprenant", "mode", "montant", "recu", "date_reception"]
        widgets = {"date_reception": DATE}

    def clean(self):
        data = super().clean()
        if data.get("recu") and not data.get("date_reception"):
            self.add_error("date_reception", "Indiquez la date de réception.")
        return data


class DerogationEligibiliteForm(TexteLibreFormMixin, ProjetFormMixin, forms.ModelForm):
    """A coordinator's override of a funding's eligibility for one participant (reason required)."""

    class Meta:
        model = DerogationEligibilite
        fields = ["apprenant", "eligible", "motif"]
        labels = {"eligible": "Éligible à ce financement"}
        help_texts = {"eligible": "Coché : compté comme éligible même si son statut est exclu ; décoché : jamais compté."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].required = True
        self.fields["motif"].error_messages["required"] = MESSAGE_MOTIF


class ObjectifForm(TexteLibreFormMixin, DecimauxFrMixin, ProjetFormMixin, forms.ModelForm):
    class Meta:
        model = Objectif
        fields = ["financement", "indicateur", "valeur_cible", "date_debut", "date_echeance"]
        widgets = {"date_debut": DATE, "date_echeance": DATE}
        help_texts = {"financement": "Vide : un objectif du projet."}
