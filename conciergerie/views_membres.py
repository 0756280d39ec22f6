"""The members of a project (capability ``membres.gerer``), the project's settings, closing and
reopening it (``projet.gerer``), and the invitation link's page (public). Thin views: the writes
are ``conciergerie.membres``'."""

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from . import membres as services
from .forms import DecimauxFrMixin, PeriodeFormMixin, TexteLibreFormMixin
from .mixins import ProjetMixin, ServiceFormView, erreurs_vers_form, resolve_projet
from .models import Adhesion, Projet, accord_de
from .roles import Accord, Role


def _organisations(projet):
    """The project's organisations (a partner or a funder works for one of them). The model
    belongs to an app on the right: reached through the membership's foreign key, not imported."""
    return Adhesion._meta.get_field("organisation").related_model.objects.filter(projet=projet).order_by("nom")


class RoleOrganisationForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, help_text="Obligatoire pour un partenaire ou un financeur."
    )

    def __init__(self, *args, projet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations(projet)

    def clean(self):
        data = super().clean()
        if data.get("role") in (Role.PARTENAIRE, Role.FINANCEUR) and not data.get("organisation"):
            self.add_error("organisation", services.ORGANISATION_REQUISE)
        return data


class RoleAccordForm(RoleOrganisationForm):
    accord = forms.ChoiceField(
        label="Son rôle s'écrit",
        choices=Accord.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="« Coordinatrice », « Coordinateur », ou « Coordination » si ce n'est pas précisé. La personne peut le changer dans ses préférences.",
    )


class InvitationForm(TexteLibreFormMixin, RoleOrganisationForm):
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", error_messages={"invalid": "Saisissez une adresse e-mail valide."})
    field_order = ["prenom", "nom", "email", "role", "organisation"]


class MembresView(ProjetMixin, TemplateView):
    capacite = "membres.gerer"
    template_name = "conciergerie/membres.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adhesions = list(
            Adhesion.objects.filter(projet=self.projet)
            .select_related("user__preferences", "organisation")
            .order_by("user__last_name", "user__username")
        )
        for a in adhesions:
            a.en_attente = services.invitation_en_attente(a)
        context["adhesions"] = adhesions
        context["historique"] = (
            Adhesion.history.filter(projet_id=self.projet.pk)
            .select_related("history_user", "user__preferences")
            .order_by("-history_date")[:30]
        )
        return context


class MembreInviterView(ServiceFormView):
    capacite = "membres.gerer"
    form_class = InvitationForm
    liste = "membres"
    titre = "Inviter un membre"
    sous_titre = (
        "Une personne sans compte reçoit un lien, valable 7 jours et une seule fois, pour choisir son mot de passe ; "
        "une personne qui a déjà un compte est ajoutée au projet et prévenue par e-mail."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet}

    def enregistrer(self, form):
        d = form.cleaned_data
        adhesion, self.nouveau = services.inviter(
            by=self.request.user,
            projet=self.projet,
            email=d["email"],
            prenom=d["prenom"],
            nom=d["nom"],
            role=d["role"],
            organisation=d["organisation"],
        )
        return adhesion

    def message_succes(self):
        email = self.resultat.user.email
        if self.nouveau:
            return f"Invitation envoyée à {email}."
        return f"{email} avait déjà un compte : ajouté au projet, et prévenu par e-mail."

    def get_success_url(self):
        return reverse("membres", args=[self.projet.pk])


class MembreModifierView(ServiceFormView):
    capacite = "membres.gerer"
    form_class = RoleAccordForm
    modele = Adhesion
    liste = "membres"
    verifier_version = False  # two fields, the last administrator rule locks the rows

    def get_queryset(self):
        return Adhesion.objects.filter(projet=self.projet).select_related("user__preferences")

    def get_titre(self):
        return f"Rôle de {self.objet.user.get_full_name() or self.objet.user.username}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projet"] = self.projet
        kwargs["initial"] = {"role": self.objet.role, "organisation": self.objet.organisation_id, "accord": accord_de(self.objet.user)}
        return kwargs

    def get_retour_url(self):
        return reverse("membres", args=[self.projet.pk])

    def get_success_url(self):
        return reverse("membres", args=[self.projet.pk])

    def enregistrer(self, form):
        d = form.cleaned_data
        return services.changer_role(
            by=self.request.user, adhesion=self.objet, role=d["role"], organisation=d["organisation"], accord=d["accord"]
        )

    def message_succes(self):
        return f"Rôle de {self.objet.user.get_full_name() or self.objet.user.username} : {self.resultat.role_libelle}."


def _adhesion(request, projet_id, pk):
    projet, _ = resolve_projet(request, projet_id, "membres.gerer")
    return projet, get_object_or_404(Adhesion.objects.select_related("user", "projet"), projet=projet, pk=pk)


@require_http_methods(["GET", "POST"])
def membre_retirer(request, projet_id, pk):
    """A confirmation page, then the membership removed (the account stays)."""
    projet, adhesion = _adhesion(request, projet_id, pk)
    erreur = None
    if request.method == "POST":
        try:
            services.retirer(by=request.user, adhesion=adhesion)
        except ValidationError as e:
            erreur = " ".join(e.messages)
        else:
            messages.success(request, f"{adhesion.user.get_full_name() or adhesion.user.username} ne fait plus partie du projet.")
            return redirect("membres", projet_id=projet.pk)
    return render(request, "conciergerie/membre_retirer.html", {"projet": projet, "adhesion": adhesion, "erreur": erreur})


def membre_renvoyer(request, projet_id, pk):
    projet, adhesion = _adhesion(request, projet_id, pk)  # 404 / 403 first, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        with transaction.atomic():
            services.renvoyer_invitation(by=request.user, adhesion=adhesion)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"Un nouveau lien a été envoyé à {adhesion.user.email} ; le précédent ne fonctionne plus.")
    return redirect("membres", projet_id=projet.pk)


# ---------------------------------------------------------------- the invitation link (public)


class ChoixMotDePasseForm(forms.Form):
    mot_de_passe1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    mot_de_passe2 = forms.CharField(label="Confirmation", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("mot_de_passe1") and data.get("mot_de_passe2") and data["mot_de_passe1"] != data["mot_de_passe2"]:
            self.add_error("mot_de_passe2", "Les deux mots de passe ne sont pas identiques.")
        return data


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request, jeton):
    """The link of an invitation e-mail: choose a password, then log in. A link reused, expired,
    replaced or unknown: a page that says what to do (status 410 or 404)."""
    invitation, refus = services.lire_invitation(jeton)
    if refus is not None:
        return _lien_refuse(request, invitation, refus)
    form = ChoixMotDePasseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.accepter_invitation(jeton=jeton, mot_de_passe=form.cleaned_data["mot_de_passe1"])
        except ValidationError as e:
            if getattr(e, "code", None) in (services.LIEN_INCONNU, services.LIEN_EXPIRE, services.LIEN_UTILISE, services.LIEN_REMPLACE):
                return _lien_refuse(request, invitation, e.code)
            erreurs_vers_form(form, ValidationError({"mot_de_passe1": e.messages}))
        else:
            messages.success(request, f"Votre mot de passe est enregistré. Connectez-vous avec l'identifiant {invitation.user.username}.")
            return redirect(f"{reverse('connexion')}?next={reverse('projet_accueil', args=[invitation.projet_id])}")
    return render(request, "registration/invitation.html", {"form": form, "invitation": invitation})


def _lien_refuse(request, invitation, refus):
    return render(
        request,
        "registration/invitation_refusee.html",
        {"invitation": invitation, "refus": refus},
        status=404 if refus == services.LIEN_INCONNU else 410,
    )


# ---------------------------------------------------------------- the project


class ProjetForm(TexteLibreFormMixin, DecimauxFrMixin, PeriodeFormMixin, forms.ModelForm):
    message_periode = "La fin du projet doit suivre son début."

    class Meta:
        model = Projet
        fields = [
            "nom",
            "territoire",
            "date_debut",
            "date_fin",
            "taux_horaire_benevolat",
            "conservation_inactivite_mois",
            "conservation_fichiers_jours",
            "conservation_emargements_ans",
        ]
        widgets = {"date_debut": forms.DateInput(attrs={"type": "date"}), "date_fin": forms.DateInput(attrs={"type": "date"})}


class ProjetModifierView(ServiceFormView):
    capacite = "projet.gerer"
    form_class = ProjetForm
    modele = Projet
    template_name = "conciergerie/projet_modifier.html"
    titre_modification = "Le projet"
    message = "Projet enregistré."

    def get_queryset(self):
        return Projet.objects.filter(pk=self.projet.pk)

    @property
    def objet(self):
        return self.projet

    def get_retour_url(self):
        return reverse("projet_accueil", args=[self.projet.pk])

    def get_success_url(self):
        return reverse("projet_modifier", args=[self.projet.pk])

    def enregistrer(self, form):
        return services.modifier_projet(by=self.request.user, projet=self.projet, **form.cleaned_data)


def projet_clore(request, projet_id):
    projet, _ = resolve_projet(request, projet_id, "projet.gerer")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.clore_projet(by=request.user, projet=projet)
    messages.success(request, "Le projet est clos : il se consulte mais ne se modifie plus. Vous pouvez le rouvrir ici.")
    return redirect("projet_modifier", projet_id=projet.pk)


def projet_rouvrir(request, projet_id):
    projet, _ = resolve_projet(request, projet_id, "projet.gerer")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.rouvrir_projet(by=request.user, projet=projet)
    messages.success(request, "Le projet est rouvert : ses membres peuvent de nouveau le modifier.")
    return redirect("projet_modifier", projet_id=projet.pk)
