"""Forms of the séances, participants and attendance (parcours/services_seances.py)."""

from django import forms

from conciergerie.forms import DecimalFrField, DecimauxFrMixin, TexteLibreFormMixin

from .forms import DateInput
from .models import Apprenant
from .models_seances import DUREE, Phase, Seance, StatutPresence, heures_fr


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format="%H:%M"):  # noqa: A002
        super().__init__(attrs, format=format)


class PhaseForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["nom", "ordre"]


class SeanceForm(TexteLibreFormMixin, DecimauxFrMixin, forms.ModelForm):
    class Meta:
        model = Seance
        fields = ["date", "heure_debut", "heure_fin", "duree", "phase", "intitule"]
        widgets = {"date": DateInput(), "heure_debut": TimeInput(), "heure_fin": TimeInput()}

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.session = session
        self.instance.projet_id = session.projet_id
        self.fields["phase"].queryset = Phase.objects.filter(session=session)
        self.fields["phase"].required = False
        self.fields["duree"].help_text = "Sans heures de début et de fin : la durée en heures (3,5 pour une demi-journée)."


class ParticipantsForm(forms.Form):
    apprenants = forms.ModelMultipleChoiceField(
        label="Apprenants à ajouter",
        queryset=Apprenant.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Chacun reçoit son étape dans la session (créée, ou son étape ouverte de ce type reliée). "
        "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        error_messages={"required": "Choisissez au moins un apprenant.", "invalid_choice": "Cet apprenant n'appartient pas à ce projet."},
    )

    def __init__(self, *args, apprenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprenants"].queryset = apprenants


class RetraitForm(TexteLibreFormMixin, forms.Form):
    motif = forms.CharField(label="Motif du départ", max_length=300)
    date = forms.DateField(label="Date du départ", widget=DateInput(), required=False, help_text="Par défaut aujourd'hui.")


class FeuilleForm(forms.Form):
    feuille_signee = forms.FileField(
        label="Feuille d'émargement signée",
        help_text="Scan ou photo : PDF, JPEG ou PNG, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}),
    )


class PresencesForm(forms.Form):
    """One row per participant: ``statut_<id>`` (radio) and ``heures_<id>`` (empty: the séance's
    duration for a present participant)."""

    def __init__(self, *args, seance, participants, presences, **kwargs):
        super().__init__(*args, **kwargs)
        self.seance, self.participants = seance, participants
        self.lignes = []
        for apprenant in participants:
            presence = presences.get(apprenant.pk)
            statut = forms.ChoiceField(
                label=str(apprenant),
                choices=StatutPresence.choices,
                widget=forms.RadioSelect,
                initial=presence.statut if presence else StatutPresence.PRESENT,
                error_messages={"required": f"{apprenant} : choisissez présent, absent ou excusé."},
            )
            heures = DecimalFrField(
                label=f"Heures de {apprenant}",
                required=False,
                min_value=0,
                max_digits=DUREE["max_digits"],
                decimal_places=DUREE["decimal_places"],
                error_messages={"invalid": f"{apprenant} : saisissez un nombre d'heures (par exemple 3,5)."},
                initial=heures_fr(presence.heures) if presence else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5, "placeholder": str(seance.duree).replace(".", ",")}),
            )
            self.fields[f"statut_{apprenant.pk}"] = statut
            self.fields[f"heures_{apprenant.pk}"] = heures
            self.lignes.append((apprenant, presence))

    def lignes_saisies(self):
        return [(a.pk, self.cleaned_data.get(f"statut_{a.pk}"), self.cleaned_data.get(f"heures_{a.pk}")) for a in self.participants]

    def rangees(self):
        """One dict per participant for the template, which writes the inputs itself: 40 rows of
        Django's radio widgets cost more to render than the rest of the page (``make bench``)."""
        rangees = []
        for a, _presence in self.lignes:
            statut, heures = self[f"statut_{a.pk}"], self[f"heures_{a.pk}"]
            valeur = statut.value()
            rangees.append(
                {
                    "apprenant": a,
                    "statut": statut.html_name,
                    "heures": heures.html_name,
                    "heures_id": heures.auto_id,
                    "heures_valeur": heures.value() or "",
                    "choix": [(v, libelle, f"{statut.auto_id}_{i}", v == valeur) for i, (v, libelle) in enumerate(StatutPresence.choices)],
                    "erreurs": [*statut.errors, *heures.errors],
                }
            )
        return rangees
