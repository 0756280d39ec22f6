"""Forms of the competences pages. Choices are limited to the rows of the project the user may
see (``visible_to``); the rules are checked again by ``services.py``."""

from django import forms
from django.utils import timezone

from conciergerie.forms import TexteLibreFormMixin
from parcours.models import Etape

from .models import Bloc, Competence, ComposanteAfest, Evaluation, MomentEvaluation, Niveau, QualiteEvaluateur, Referentiel, TypeComposante

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
NON_EVALUE = ""


class ReferentielForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Referentiel
        fields = ["nom", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class BlocForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Bloc
        fields = ["code", "libelle", "code_certification", "ordre"]

    def _post_clean(self):
        """The uniqueness and the version are the service's (a used framework gets a new version)."""


class CompetenceForm(TexteLibreFormMixin, forms.ModelForm):
    def __init__(self, *args, referentiel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].queryset = referentiel.blocs.all()
        self.fields["bloc"].error_messages["invalid_choice"] = "Ce bloc n'appartient pas au référentiel."

    class Meta:
        model = Competence
        fields = ["bloc", "code", "libelle", "criteres", "ordre"]
        widgets = {"criteres": forms.Textarea(attrs={"rows": 5})}

    def _post_clean(self):
        """The uniqueness and the version are the service's."""


class EvaluationForm(TexteLibreFormMixin, forms.Form):
    """An evaluation against one framework: the header fields, then per competence a level
    (1 to 4, or « non évalué ») and an optional comment (fields ``niveau_<pk>``/``commentaire_<pk>``)."""

    date = forms.DateField(label="Date", widget=DATE)
    moment = forms.ChoiceField(label="Moment", choices=MomentEvaluation.choices)
    evaluateur_qualite = forms.ChoiceField(label="Évalué par", choices=QualiteEvaluateur.choices)
    etape = forms.ModelChoiceField(
        label="Étape du parcours",
        queryset=Etape.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Cette étape n'est pas une étape de cet apprenant que vous pouvez voir."},
    )
    commentaire = forms.CharField(label="Commentaire général", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, competences, etapes, etape_obligatoire=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.competences = list(competences)
        self.fields["etape"].queryset = etapes
        self.fields["etape"].required = etape_obligatoire
        if etape_obligatoire:
            self.fields["etape"].help_text = "Un partenaire évalue sur une étape qui se déroule dans son organisation."
        choix = [(NON_EVALUE, "Non évalué"), *((str(v), f"{v} — {label}") for v, label in Niveau.choices)]
        for c in self.competences:
            self.fields[f"niveau_{c.pk}"] = forms.ChoiceField(
                label=f"{c.code} — {c.libelle}", choices=choix, required=False, help_text=c.criteres.replace("\n", " · ")
            )
            self.fields[f"commentaire_{c.pk}"] = forms.CharField(label=f"Commentaire ({c.code})", required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"niveau_{c.pk}") for c in self.competences):
            raise forms.ValidationError("Évaluez au moins une compétence.")
        date = data.get("date")
        if date and date > timezone.localdate():
            self.add_error("date", "La date de l'évaluation ne peut pas être dans le futur.")
        return data

    def niveaux(self) -> dict:
        data = self.cleaned_data
        return {
            c: (int(data[f"niveau_{c.pk}"]), data.get(f"commentaire_{c.pk}", "")) for c in self.competences if data.get(f"niveau_{c.pk}")
        }


class ComposanteAfestForm(TexteLibreFormMixin, forms.ModelForm):
    competences = forms.ModelMultipleChoiceField(
        label="Compétences visées",
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Une des compétences choisies n'appartient pas à ce projet."},
    )
    evaluation = forms.ModelChoiceField(
        label="Évaluation",
        queryset=Evaluation.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Cette évaluation n'est pas une évaluation de cet apprenant."},
    )

    AIDES = {
        TypeComposante.ANALYSE: "Les situations de travail retenues (une par ligne) et ce qu'elles permettent d'apprendre.",
        TypeComposante.MISE_EN_SITUATION: "Ce qui a été fait ; les dates de début et de fin.",
        TypeComposante.PHASE_REFLEXIVE: "Ce que l'apprenant a mis en mots : ce qu'il a fait, compris, ce qu'il referait autrement.",
        TypeComposante.EVALUATION: "Ce que l'évaluation a montré.",
    }

    def __init__(self, *args, type, competences, evaluations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = competences
        self.fields["evaluation"].queryset = evaluations
        self.fields["contenu"].help_text = self.AIDES[type]
        if type != TypeComposante.ANALYSE:
            del self.fields["competences"]
        if type != TypeComposante.EVALUATION:
            del self.fields["evaluation"]
        if type not in (TypeComposante.MISE_EN_SITUATION,):
            del self.fields["date_fin"]

    class Meta:
        model = ComposanteAfest
        fields = ["date", "date_fin", "intervenant", "contenu"]
        widgets = {"date": DATE, "date_fin": DATE, "contenu": forms.Textarea(attrs={"rows": 5})}

    def _post_clean(self):
        """The rules of each component are the service's."""
