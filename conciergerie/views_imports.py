"""Imports for administrators: the list of kinds, templates, upload and dry run, confirmation.

Thin views over ``conciergerie.imports`` (the service). The dry run keeps a file without errors
on the server (``imports.deposer``) and the confirmation re-reads and re-validates that same
file, writing everything in one transaction or nothing.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from . import imports
from .imports import travail
from .mixins import ProjetMixin
from .models import StatutTraitement, TraitementImport

LIGNES_AFFICHEES = 500


def _url_suivi(projet, traitement) -> str:
    return reverse("import_suivi", kwargs={"projet_id": projet.pk, "type": traitement.type, "pk": traitement.pk})


class FichierImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text=f"Classeur Excel (.xlsx) ou CSV (.csv), {imports.TAILLE_MAX_LIBELLE} au plus.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > imports.TAILLE_MAX:
            raise forms.ValidationError(f"Le fichier dépasse la taille maximale de {imports.TAILLE_MAX_LIBELLE}.")
        try:
            imports.verifier_extension(fichier.name)
        except imports.ImportRefuse as refus:
            raise forms.ValidationError(str(refus)) from None
        return fichier


class ImportMixin(ProjetMixin):
    capacite = "imports.faire"

    def type_import(self):
        try:
            return imports.type_import(self.kwargs["type"])
        except KeyError:
            raise Http404("Type d'import inconnu.") from None


class ImportsView(ImportMixin, TemplateView):
    template_name = "conciergerie/imports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(types=imports.types_import(), **kwargs)


class ImportModeleView(ImportMixin, View):
    def get(self, request, *args, **kwargs):
        definition = self.type_import()
        if kwargs["format"] not in imports.EXTENSIONS:
            raise Http404("Format inconnu.")
        contenu, type_contenu, nom = imports.modele(definition.cle, kwargs["format"])
        response = HttpResponse(contenu, content_type=type_contenu)
        response["Content-Disposition"] = f'attachment; filename="{nom}"'
        return response


class ImportFichierView(ImportMixin, TemplateView):
    """GET: the upload form. POST: the dry run of the uploaded file."""

    template_name = "conciergerie/import_fichier.html"

    def get_context_data(self, **kwargs):
        definition = self.type_import()
        kwargs.setdefault("form", FichierImportForm())
        resultat = kwargs.get("resultat")
        if resultat is not None:
            kwargs["lignes_affichees"] = resultat.lignes[:LIGNES_AFFICHEES]
            kwargs["lignes_masquees"] = max(0, len(resultat.lignes) - LIGNES_AFFICHEES)
        return super().get_context_data(definition=definition, **kwargs)

    def post(self, request, *args, **kwargs):
        definition = self.type_import()
        form = FichierImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        envoi = form.cleaned_data["fichier"]
        contenu = envoi.read(imports.TAILLE_MAX + 1)
        if travail.en_travail(contenu):  # a large file: checked by the worker
            traitement = travail.demander(
                type=definition.cle, projet=self.projet, by=request.user, confirmer=False, contenu=contenu, nom=envoi.name
            )
            return redirect(_url_suivi(self.projet, traitement))
        resultat = imports.importer(type=definition.cle, fichier=contenu, nom=envoi.name, projet=self.projet, by=request.user)
        depot = ""
        if resultat.valide and resultat.a_ecrire:
            depot = imports.deposer(contenu=contenu, nom=envoi.name, type=definition.cle, projet=self.projet, by=request.user)
        return self.render_to_response(self.get_context_data(resultat=resultat, depot=depot))


class ImportConfirmerView(ImportFichierView):
    """POST only: import for good the file kept by the dry run (all or nothing)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        definition = self.type_import()
        depot = request.POST.get("depot", "")
        cible = reverse("import_fichier", kwargs={"projet_id": self.projet.pk, "type": definition.cle})
        contenu = imports.reprendre(depot=depot, type=definition.cle, projet=self.projet, by=request.user)
        if contenu is None:
            messages.error(request, travail.MESSAGE_DISPARU)
            return redirect(cible)
        if travail.en_travail(contenu):  # a large file: written by the worker
            traitement = travail.demander(
                type=definition.cle, projet=self.projet, by=request.user, confirmer=True, depot=depot, nom=request.POST.get("nom", "")
            )
            return redirect(_url_suivi(self.projet, traitement))
        resultat = imports.importer(type=definition.cle, fichier=contenu, nom=depot, projet=self.projet, by=request.user, confirmer=True)
        resultat.nom_fichier = request.POST.get("nom", "")[:200]
        imports.oublier_tout(type=definition.cle, projet=self.projet, by=request.user)
        if not resultat.confirme:
            messages.error(
                request, "Le fichier n'a pas été importé : les données ont changé depuis la vérification. Rien n'a été enregistré."
            )
            return self.render_to_response(self.get_context_data(resultat=resultat, depot=""))
        messages.success(
            request,
            f"Import terminé ({definition.libelle.lower()}) : {resultat.creations} créé(s), "
            f"{resultat.modifications} modifié(s), {resultat.inchangees} inchangé(s).",
        )
        return redirect(reverse(definition.url_liste, kwargs={"projet_id": self.projet.pk}) if definition.url_liste else cible)


class ImportSuiviView(ImportFichierView):
    """GET: a large import run by the worker (``imports.travail``): waiting or running (the page
    polls itself with htmx), then its result — the dry run's, with the confirmation button, or the
    confirmation's. Only whoever asked for it sees it (404 otherwise)."""

    http_method_names = ["get", "head"]
    template_name = "conciergerie/import_suivi.html"

    def get(self, request, *args, **kwargs):
        definition = self.type_import()
        traitement = get_object_or_404(TraitementImport, pk=kwargs["pk"], projet=self.projet, demande_par=request.user, type=definition.cle)
        contexte = {"traitement": traitement, "en_vol": traitement.statut in travail.EN_VOL and not travail.perdu(traitement)}
        if travail.perdu(traitement):
            contexte["erreur"] = travail.MESSAGE_INTERROMPU
        elif traitement.statut == StatutTraitement.ECHEC:
            contexte["erreur"] = traitement.erreur
        elif traitement.statut == StatutTraitement.PRET and traitement.resultat is not None:
            resultat, total = travail.depuis_json(traitement.resultat)
            contexte["resultat"] = resultat
            contexte["lignes_affichees"] = resultat.lignes[:LIGNES_AFFICHEES]
            contexte["lignes_masquees"] = max(0, total - LIGNES_AFFICHEES)
            if not traitement.confirmer and resultat.valide and resultat.a_ecrire:
                contexte["depot"] = traitement.depot
        return self.render_to_response(super(ImportFichierView, self).get_context_data(definition=definition, **contexte))
