"""A new project, created from the application by the people who run the instance (a Région's or
a network's team: the platform permission ``conciergerie.creer_projet``, given once in
``/admin/``). Its lead organisation is an organisation of the new consortium (``Organisation``
and ``MembreConsortium``, chef de file), which is why this page belongs to ``partenaires`` and
not to the core; the project-choice page links to it through the ``projet_choix`` section.

Whoever creates the project becomes its first administrator (then invites the others:
``conciergerie.membres``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conciergerie.forms import PeriodeFormMixin, TexteLibreFormMixin
from conciergerie.mixins import erreurs_vers_form
from conciergerie.models import Adhesion, Projet
from conciergerie.roles import Role

from .models import MembreConsortium, Organisation, RoleConsortium, TypeOrganisation

PERMISSION = "conciergerie.creer_projet"
REFUS = "Créer un projet est réservé aux personnes qui gèrent la plateforme : demandez-le à son équipe."
NOM_PRIS = "Un projet porte déjà ce nom : choisissez-en un autre."


def peut_creer_projet(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(PERMISSION))


@transaction.atomic
def creer_projet(*, by, nom: str, territoire: str = "", date_debut, date_fin=None, chef_de_file_nom: str, chef_de_file_type: str) -> Projet:
    """The project, its lead organisation (chef de file of the consortium), and ``by`` as its
    first administrator."""
    if not peut_creer_projet(by):
        raise PermissionDenied(REFUS)
    nom = nom.strip()
    if Projet.objects.filter(nom__iexact=nom).exists():
        raise ValidationError({"nom": NOM_PRIS})
    projet = Projet(nom=nom, territoire=territoire.strip(), date_debut=date_debut, date_fin=date_fin)
    projet.full_clean()
    projet._history_user = by
    projet.save()
    organisation = Organisation(projet=projet, nom=chef_de_file_nom.strip(), type=chef_de_file_type)
    organisation.full_clean()
    organisation.save()
    MembreConsortium.objects.create(projet=projet, organisation=organisation, role=RoleConsortium.CHEF_DE_FILE, date_entree=date_debut)
    adhesion = Adhesion(user=by, projet=projet, role=Role.ADMINISTRATEUR)
    adhesion._history_user = by
    adhesion.save()
    by.__dict__.pop("_adhesions_cache", None)
    return projet


class ProjetCreerForm(TexteLibreFormMixin, PeriodeFormMixin, forms.Form):
    message_periode = "La fin du projet doit suivre son début."

    nom = forms.CharField(label="Nom du projet", max_length=200)
    territoire = forms.CharField(label="Territoire", max_length=200, required=False)
    date_debut = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    date_fin = forms.DateField(label="Fin", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    chef_de_file_nom = forms.CharField(label="Organisation chef de file", max_length=200, help_text="La structure qui porte le projet.")
    chef_de_file_type = forms.ChoiceField(label="Type de l'organisation chef de file", choices=TypeOrganisation.choices)


@require_http_methods(["GET", "POST"])
def projet_creer(request):
    if not peut_creer_projet(request.user):
        raise PermissionDenied(REFUS)
    form = ProjetCreerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            projet = creer_projet(by=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_vers_form(form, erreur)
        except IntegrityError:
            form.add_error("nom", NOM_PRIS)  # the same name created at the same moment
        else:
            messages.success(request, f"Projet « {projet.nom} » créé : vous en êtes l'administrateur. Invitez maintenant ses membres.")
            return redirect("membres", projet_id=projet.pk)
    return render(
        request,
        "partenaires/projet_creer.html",
        {"form": form},
    )


def contexte_choix(context) -> dict:
    """The project-choice page's section: the link, for who may create a project."""
    request = context.get("request")
    return {"peut_creer_projet": peut_creer_projet(getattr(request, "user", None))}
