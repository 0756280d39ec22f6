"""Forms of the badges pages. Free texts go through ``TexteLibreFormMixin`` (the NIR guard)."""

from django import forms

from competences.models import Competence, Niveau
from conciergerie.forms import TexteLibreFormMixin
from parcours.models import Apprenant

from .images import valider_image
from .models import BadgeClasse, Publication


class BadgeClasseForm(TexteLibreFormMixin, forms.ModelForm):
    competences = forms.ModelMultipleChoiceField(
        label="Compétences requises",
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Une compétence choisie n'appartient pas à un référentiel du projet."},
        help_text="Le badge est suggéré dès que la dernière évaluation de l'apprenant atteint le niveau requis pour chacune.",
    )
    niveau = forms.TypedChoiceField(label="Niveau requis pour chaque compétence", choices=Niveau.choices, coerce=int, initial=Niveau.ACQUIS)

    class Meta:
        model = BadgeClasse
        fields = ["nom", "description", "criteres", "image"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "criteres": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        self.fields["competences"].queryset = (
            Competence.objects.visible_to(user, projet=projet)
            .filter(bloc__referentiel__archive=False)
            .select_related("bloc__referentiel")
            .order_by("bloc__referentiel__nom", "bloc__ordre", "ordre", "pk")
        )
        self.fields["competences"].label_from_instance = lambda c: f"{c.bloc.referentiel.nom} — {c.code} {c.libelle}"
        if self.instance.pk:
            requises = list(self.instance.requises.all())
            self.initial["competences"] = [r.competence_id for r in requises]
            if requises:
                self.initial["niveau"] = max(r.niveau for r in requises)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload
            valider_image(image)
        return image


class ProposerBadgeForm(forms.Form):
    apprenant = forms.ModelChoiceField(
        label="Apprenant", queryset=Apprenant.objects.none(), error_messages={"invalid_choice": "Cet apprenant n'est pas du projet."}
    )

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprenant"].queryset = Apprenant.objects.visible_to(user, projet=projet).order_by("nom", "prenom", "pk")


class ConfirmationForm(forms.Form):
    """A confirmation without field (issuing a proposed badge)."""


class RevocationForm(TexteLibreFormMixin, forms.Form):
    motif = forms.CharField(
        label="Motif de la révocation",
        max_length=300,
        help_text="Gardé dans l'historique du badge ; la page publique dit seulement « révoqué ».",
    )


class PublicationForm(forms.Form):
    publication = forms.ChoiceField(
        label="Ce que la page publique montre",
        choices=Publication.choices,
        widget=forms.RadioSelect,
        help_text="Le choix de l'apprenant. Le nom n'est jamais dans l'attestation signée, seulement sur la page publique s'il l'accepte.",
    )


class VerifierForm(forms.Form):
    jeton = forms.CharField(
        label="Attestation à vérifier (JWT)",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=20000,
        help_text="Collez l'attestation au format JWT (le contenu du fichier .jwt, ou la valeur « jwt » du fichier JSON).",
    )
