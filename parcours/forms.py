"""Forms of the parcours app, with French messages next to the field.

Rules that the models hold (dates, RNCP code, reason for a blocked step) come from the models'
``clean()``; the forms add what needs the project: the consortium, the project's users.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator

from conciergerie.forms import DecimauxFrMixin, PeriodeFormMixin, TexteLibreFormMixin
from conciergerie.roles import Role
from partenaires.models import Contact, MembreConsortium, Organisation, TypeOrganisation

from .models import (
    CHAMPS_APPRENANT,
    Apprenant,
    Etape,
    Frein,
    Parcours,
    ResultatSortie,
    SessionFormation,
    StatutEtape,
    StatutParcours,
)
from .services import MESSAGE_FREIN_LEVE_AVANT, MESSAGE_FREIN_SANS_DATE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002
        super().__init__(attrs, format=format)


class ApprenantForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Apprenant
        fields = CHAMPS_APPRENANT
        widgets = {"date_naissance": DateInput(), "date_entree": DateInput(), "consentement_date": DateInput()}
        labels = {"consentement_portee": "Consentement à être nommé dans un récit"}

    def __init__(self, *args, projet, user, voir_rqth: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.projet = projet
        # choice lists through the scoping mechanism, like every read of the project's rows
        self.fields["prescripteur"].queryset = Organisation.objects.visible_to(user, projet=projet).order_by("nom")
        contacts = self.fields["prescripteur_contact"]
        contacts.queryset = (
            Contact.objects.visible_to(user, projet=projet).select_related("organisation").order_by("organisation__nom", "nom", "prenom")
        )
        contacts.label_from_instance = lambda c: f"{c} ({c.organisation.nom})"
        contacts.help_text = "Le référent chez le prescripteur choisi."
        if not voir_rqth:
            del self.fields["rqth"]

    def clean(self):
        data = super().clean()
        contact, prescripteur = data.get("prescripteur_contact"), data.get("prescripteur")
        if contact is not None and (prescripteur is None or contact.organisation_id != prescripteur.pk):
            self.add_error("prescripteur_contact", "Ce contact ne travaille pas chez le prescripteur choisi.")
        return data

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        autres = Apprenant.objects.filter(projet=self.projet, reference=reference).exclude(pk=self.instance.pk)
        if autres.exists():
            raise forms.ValidationError("Cette référence est déjà utilisée dans ce projet.")
        return reference


class ParcoursForm(TexteLibreFormMixin, forms.ModelForm):
    """A path's objective, referent and start; once created, its status between « en cours » and
    « suspendu » (a path is closed by recording its exit, ``services.cloturer_parcours``)."""

    class Meta:
        model = Parcours
        fields = ["intitule", "referent", "date_debut", "statut"]
        widgets = {"date_debut": DateInput()}

    def __init__(self, *args, projet, **kwargs):
        super().__init__(*args, **kwargs)
        # the referent is one of the project's coordinators or administrators (not a partner's
        # or a funder's account)
        self.fields["referent"].queryset = (
            get_user_model()
            .objects.filter(adhesions__projet=projet, adhesions__actif=True, adhesions__role__in=[Role.COORDINATEUR, Role.ADMINISTRATEUR])
            .distinct()
        )
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.pk is None or self.instance.statut == StatutParcours.CLOTURE:
            del self.fields["statut"]
        else:
            self.fields["statut"].choices = [(s.value, s.label) for s in (StatutParcours.EN_COURS, StatutParcours.SUSPENDU)]
            self.fields["statut"].help_text = "Un parcours se clôture en enregistrant sa sortie."


class OrganisationConsortiumField(forms.ModelChoiceField):
    """Only the consortium's organisations, with a precise message for any other. An id that is
    not one of this project's organisations gets the same message whether it exists elsewhere or
    not: another project's rows are never looked at (existence is not leaked)."""

    def __init__(self, *args, projet, **kwargs):
        self.projet = projet
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if str(value).isdigit() and Organisation.objects.filter(projet=self.projet, pk=value).exists():
                raise forms.ValidationError("Cette organisation ne fait pas partie du consortium.", code="hors_consortium") from None
            raise forms.ValidationError("Cette organisation n'appartient pas à ce projet.", code="autre_projet") from None


def organisations_du_consortium(projet, user):
    """The consortium's organisations, as ``user`` sees them (``visible_to``)."""
    membres = MembreConsortium.objects.visible_to(user, projet=projet).values("organisation_id")
    return Organisation.objects.visible_to(user, projet=projet).filter(pk__in=membres).order_by("nom")


class EtapeForm(TexteLibreFormMixin, DecimauxFrMixin, forms.ModelForm):
    class Meta:
        model = Etape
        fields = [
            "type",
            "intitule",
            "organisation",
            "session",
            "code_rncp",
            "date_debut",
            "date_fin",
            "heures_prevues",
            "heures_realisees",
            "modalite",
            "statut",
            "motif",
        ]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}

    def __init__(self, *args, projet, user, organisation_id=None, **kwargs):
        """``organisation_id``: a partner's organisation, the only one it may choose."""
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        if organisation_id is not None:
            # a partner edits its organisation's steps and cannot move them elsewhere
            del self.fields["organisation"]
        else:
            self.fields["organisation"] = OrganisationConsortiumField(
                queryset=organisations_du_consortium(projet, user),
                projet=projet,
                required=False,
                label="Organisation",
                help_text="Une organisation membre du consortium.",
            )
        sessions = SessionFormation.objects.visible_to(user, projet=projet).select_related("organisation")
        if organisation_id is not None:
            sessions = sessions.filter(organisation_id=organisation_id)
        self.fields["session"].queryset = sessions
        for name in ("heures_prevues", "heures_realisees"):
            # our own message (clean_heures_*) rather than the model validator's
            self.fields[name].validators = [v for v in self.fields[name].validators if not isinstance(v, MinValueValidator)]

    def clean_heures_prevues(self):
        return self._heures("heures_prevues")

    def clean_heures_realisees(self):
        return self._heures("heures_realisees")

    def _heures(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError("Les heures ne peuvent pas être négatives.")
        return value


class StatutEtapeForm(TexteLibreFormMixin, forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=StatutEtape.choices)
    motif = forms.CharField(label="Motif", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("statut") in (StatutEtape.BLOQUEE, StatutEtape.ABANDONNEE) and not (data.get("motif") or "").strip():
            self.add_error("motif", "Indiquez le motif du blocage ou de l'abandon.")
        return data


#: shown under every obstacle's comment (it matters most for « Santé »): health is sensitive data,
#: the comment says what the path needs, never the person's health
AIDE_COMMENTAIRE_FREIN = (
    "Frein « Santé » : aucun détail médical (ni diagnostic, ni traitement, ni handicap), seulement ce qui "
    "aide le parcours (ex. « rendez-vous à caler avant l'entrée en formation »). "
    "Jamais de numéro de sécurité sociale."
)


class FreinForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Frein
        fields = ["type", "commentaire", "identifie_le"]
        widgets = {"identifie_le": DateInput()}
        help_texts = {"commentaire": AIDE_COMMENTAIRE_FREIN}


class FreinModificationForm(FreinForm):
    """Edit an obstacle, including whether and when it was lifted."""

    class Meta(FreinForm.Meta):
        fields = [*FreinForm.Meta.fields, "leve", "leve_le"]
        widgets = {**FreinForm.Meta.widgets, "leve_le": DateInput()}

    def clean(self):
        data = super().clean()
        leve, leve_le, identifie_le = data.get("leve"), data.get("leve_le"), data.get("identifie_le")
        if "leve_le" in self.errors:
            return data
        if leve and leve_le is None:
            self.add_error("leve_le", MESSAGE_FREIN_SANS_DATE)
        elif leve and identifie_le and leve_le < identifie_le:
            self.add_error("leve_le", MESSAGE_FREIN_LEVE_AVANT)
        return data


class SortieForm(TexteLibreFormMixin, forms.Form):
    resultat = forms.ChoiceField(label="Résultat", choices=ResultatSortie.choices)
    date = forms.DateField(label="Date", widget=DateInput())
    commentaire = forms.CharField(label="Commentaire", max_length=300, required=False)

    def __init__(self, *args, parcours, suivi: bool = False, suivi_enregistre=None, **kwargs):
        """``suivi_enregistre``: when an exit is edited, the path's recorded follow-up (if any),
        which the exit may not pass."""
        super().__init__(*args, **kwargs)
        self.parcours = parcours
        self.suivi = suivi
        self.suivi_enregistre = suivi_enregistre

    def clean_date(self):
        date = self.cleaned_data["date"]
        if self.suivi:
            if self.parcours.date_fin and date < self.parcours.date_fin:
                raise forms.ValidationError("Le suivi ne peut pas précéder la sortie du parcours.")
        elif date < self.parcours.date_debut:
            raise forms.ValidationError("La date de sortie précède le début du parcours.")
        elif self.suivi_enregistre is not None and self.suivi_enregistre.date < date:
            raise forms.ValidationError(
                f"La sortie ne peut pas suivre le suivi à 6 mois (enregistré le {self.suivi_enregistre.date:%d/%m/%Y})."
            )
        return date


class SessionFormationForm(TexteLibreFormMixin, PeriodeFormMixin, forms.ModelForm):
    """An OF's session the conciergerie helps to fill: organisation among the consortium's
    training organisations, dates in order, places consistent (French messages next to the field)."""

    message_periode = "La fin de la session doit suivre son début."

    class Meta:
        model = SessionFormation
        fields = [
            "organisation",
            "intitule",
            "code_rncp",
            "date_debut",
            "date_fin",
            "modalite",
            "places_min",
            "places_max",
            "places_conciergerie",
        ]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        self.fields["organisation"].queryset = organisations_du_consortium(projet, user).filter(type=TypeOrganisation.ORGANISME_FORMATION)
        self.fields["organisation"].help_text = "Un organisme de formation membre du consortium."

    def clean(self):
        data = super().clean()  # the period (PeriodeFormMixin)
        mini, maxi, conciergerie = data.get("places_min"), data.get("places_max"), data.get("places_conciergerie")
        if mini is not None and maxi is not None and mini > maxi:
            self.add_error("places_min", "Le minimum de places dépasse le maximum.")
        if conciergerie is not None and maxi is not None and conciergerie > maxi:
            self.add_error("places_conciergerie", "La conciergerie ne peut pas pourvoir plus de places que le maximum.")
        return data
