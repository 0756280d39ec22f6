"""Forms of the partners' pages, with French messages next to the field."""

from django import forms

from conciergerie.forms import PeriodeFormMixin, TexteLibreFormMixin
from conciergerie.tri import cle_alphabetique

from .models import Contact, Convention, MembreConsortium, Organisation, RoleConsortium

TAILLE_MAX_CONVENTION = 10 * 1024 * 1024  # 10 Mo
SIGNATURE_PDF = b"%PDF-"

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def valider_pdf(fichier) -> None:
    """A PDF of at most 10 Mo: extension, size and the ``%PDF-`` magic bytes (a renamed
    executable is refused)."""
    if not fichier.name.lower().endswith(".pdf"):
        raise forms.ValidationError("Le fichier doit être un PDF (extension .pdf).", code="pdf_extension")
    if fichier.size > TAILLE_MAX_CONVENTION:
        taille = fichier.size / (1024 * 1024)
        raise forms.ValidationError(f"Le fichier pèse {taille:.1f} Mo : la limite est de 10 Mo.", code="pdf_taille")
    position = fichier.tell() if hasattr(fichier, "tell") else 0
    fichier.seek(0)
    debut = fichier.read(len(SIGNATURE_PDF))
    fichier.seek(position)
    if debut != SIGNATURE_PDF:
        raise forms.ValidationError("Ce fichier n'est pas un vrai PDF (son contenu ne correspond pas à l'extension).", code="pdf_contenu")


class OrganisationForm(TexteLibreFormMixin, forms.ModelForm):
    role_consortium = forms.ChoiceField(
        label="rôle dans le consortium",
        choices=[("", "Hors consortium"), *RoleConsortium.choices],
        required=False,
    )
    site_web = forms.URLField(label="site web", required=False, assume_scheme="https")
    # spaces are accepted, then stripped, before the one validator (conciergerie.forms.saisie_souple)
    siret = forms.CharField(label="SIRET", required=False, help_text="14 chiffres, espaces acceptés.")
    nda = forms.CharField(label="numéro de déclaration d'activité (NDA)", required=False, help_text="11 chiffres, espaces acceptés.")

    class Meta:
        model = Organisation
        fields = ["nom", "type", "siret", "commune", "code_postal", "site_web", "qualiopi_statut", "qualiopi_expiration", "nda", "notes"]
        widgets = {"qualiopi_expiration": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"qualiopi_statut": "Organismes de formation seulement."}

    def __init__(self, *args, projet, **kwargs):
        super().__init__(*args, **kwargs)
        self.projet = projet
        self.instance.projet = projet
        if self.instance.pk:
            membre = MembreConsortium.objects.filter(projet=projet, organisation=self.instance).first()
            self.fields["role_consortium"].initial = membre.role if membre else ""

    def clean(self):
        cleaned = super().clean()
        autres = Organisation.objects.filter(projet=self.projet).exclude(pk=self.instance.pk)
        siret = cleaned.get("siret")
        if siret and autres.filter(siret=siret).exists():
            self.add_error("siret", "Une organisation de ce projet a déjà ce SIRET.")
        nom = cleaned.get("nom")
        if nom and autres.filter(nom=nom, commune=cleaned.get("commune", "")).exists():
            self.add_error("nom", "Une organisation de ce nom existe déjà dans cette commune.")
        if cleaned.get("role_consortium") == RoleConsortium.CHEF_DE_FILE:
            chef = MembreConsortium.objects.filter(projet=self.projet, role=RoleConsortium.CHEF_DE_FILE).exclude(
                organisation=self.instance.pk
            )
            if chef.exists():
                self.add_error("role_consortium", "Le consortium a déjà un chef de file.")
        return cleaned


class ContactForm(TexteLibreFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["prenom", "nom", "fonction", "email", "telephone", "est_referent"]


class ConventionForm(TexteLibreFormMixin, PeriodeFormMixin, forms.ModelForm):
    class Meta:
        model = Convention
        fields = ["type", "intitule", "parties", "date_signature", "date_debut", "date_fin", "montant", "fichier"]
        widgets = {
            "date_signature": DATE,
            "date_debut": DATE,
            "date_fin": DATE,
            "parties": forms.CheckboxSelectMultiple,
            "fichier": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {"fichier": "PDF, 10 Mo au plus."}

    def __init__(self, *args, projet, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.projet = projet
        self.fields["parties"].queryset = Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier and hasattr(fichier, "content_type"):  # a new upload, not the stored file
            valider_pdf(fichier)
        return fichier

    def clean(self):
        cleaned = super().clean()  # the period (PeriodeFormMixin)
        montant = cleaned.get("montant")
        if montant is not None and montant < 0:
            self.add_error("montant", "Le montant ne peut pas être négatif.")
        return cleaned


class MembreConsortiumDatesForm(forms.ModelForm):
    """The dates of an organisation's membership of the consortium (the COPIL counts the members
    whose membership overlaps its period)."""

    class Meta:
        model = MembreConsortium
        fields = ["date_entree", "date_sortie"]
        labels = {"date_entree": "date d'entrée dans le consortium", "date_sortie": "date de sortie du consortium"}
        widgets = {"date_entree": DATE, "date_sortie": DATE}
        help_texts = {"date_sortie": "Laissez vide tant que l'organisation est membre."}

    def clean(self):
        cleaned = super().clean()
        entree, sortie = cleaned.get("date_entree"), cleaned.get("date_sortie")
        if entree and sortie and sortie < entree:
            self.add_error("date_sortie", "La date de sortie doit être le jour de l'entrée ou après.")
        return cleaned
