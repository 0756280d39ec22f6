"""Coordinator pages of the badges app: badge classes (list, page, create, edit), proposing a badge
to a learner, a badge's page (issue, revoke, what its public page shows, downloads).

Thin views: ``ProjetMixin`` checks the project (404) and the capability (403): issuing badges is
for the coordinators and administrators (``apprenants.modifier``, as every write about a learner);
rows are read through ``visible_to`` (404 outside the project); writes go through
``badges/services.py``.
"""

import json
from functools import cached_property

from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView, View

from conciergerie.mixins import ProjetMixin, ServiceDeleteView, ServiceFormView

from . import credential, images, services
from .forms import BadgeClasseForm, ConfirmationForm, ProposerBadgeForm, PublicationForm, RevocationForm
from .models import Badge, BadgeClasse, StatutBadge
from .selectors import criteres_manquants

CAPACITE = services.CAPACITE


class BadgeClasseListView(ProjetMixin, ListView):
    capacite = CAPACITE
    template_name = "badges/badgeclasse_list.html"
    context_object_name = "classes"
    paginate_by = 25

    def get_queryset(self):
        return (
            self.scoped(BadgeClasse)
            .annotate(
                nb_delivres=Count("badges", filter=Q(badges__statut=StatutBadge.DELIVRE), distinct=True),
                nb_proposes=Count("badges", filter=Q(badges__statut=StatutBadge.PROPOSE), distinct=True),
                nb_competences=Count("requises", distinct=True),
            )
            .order_by("nom", "pk")
        )


class BadgeClasseDetailView(ProjetMixin, DetailView):
    capacite = CAPACITE
    template_name = "badges/badgeclasse_detail.html"
    context_object_name = "classe"

    def get_queryset(self):
        return self.scoped(BadgeClasse)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["requises"] = self.object.requises.select_related("competence__bloc__referentiel")
        context["badges"] = self.object.badges.select_related("apprenant").order_by("-propose_le", "-pk")
        return context


class BadgeClasseFormView(ServiceFormView):
    capacite = CAPACITE
    modele = BadgeClasse
    form_class = BadgeClasseForm
    liste, detail = "badgeclasse_list", "badgeclasse_detail"
    titre = "Nouveau badge"
    sous_titre = "Un badge Open Badges 3.0, signé par le projet, que l'apprenant garde et que chacun peut vérifier."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def enregistrer(self, form):
        data = form.cleaned_data
        return services.enregistrer_badge_classe(
            classe=form.save(commit=False),
            projet=self.projet,
            by=self.request.user,
            competences=list(data["competences"]),
            niveau=data["niveau"],
        )

    def message_succes(self):
        return f"Badge « {self.resultat.nom} » enregistré."


class BadgeProposerView(ServiceFormView):
    """« Proposer à un apprenant »: a badge of the class proposed, to be confirmed on its page."""

    capacite = CAPACITE
    form_class = ProposerBadgeForm
    liste = "badgeclasse_list"

    @cached_property
    def classe(self):
        return get_object_or_404(self.scoped(BadgeClasse), pk=self.kwargs["pk"])

    def get_titre(self):
        return f"Proposer le badge « {self.classe.nom} »"

    def get_sous_titre(self):
        return "Le badge proposé est ensuite délivré par un coordinateur, sur sa page, si les critères sont atteints."

    def get_retour_url(self):
        return reverse("badgeclasse_detail", args=[self.projet.pk, self.classe.pk])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_initial(self):
        apprenant = self.request.GET.get("apprenant", "")
        return {"apprenant": int(apprenant)} if apprenant.isdigit() else {}

    def enregistrer(self, form):
        suggere = self.request.POST.get("suggere") == "1"
        return services.proposer_badge(classe=self.classe, apprenant=form.cleaned_data["apprenant"], by=self.request.user, suggere=suggere)

    def get_success_url(self):
        return reverse("badge_detail", args=[self.projet.pk, self.resultat.pk])

    def message_succes(self):
        return f"Badge « {self.classe.nom} » proposé à {self.resultat.apprenant}."


class BadgeMixin:
    capacite = CAPACITE
    modele = Badge
    detail = "badge_detail"
    verifier_version = False

    def get_queryset(self):
        return self.scoped(Badge).select_related("classe", "apprenant")


class BadgeDetailView(ProjetMixin, DetailView):
    capacite = CAPACITE
    template_name = "badges/badge_detail.html"
    context_object_name = "badge"

    def get_queryset(self):
        return self.scoped(Badge).select_related("classe", "apprenant", "delivre_par", "revoque_par", "propose_par")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        badge = self.object
        if badge.statut == StatutBadge.PROPOSE:
            context["manquants"] = criteres_manquants(badge.classe, badge.apprenant)
        else:
            context["verification"] = credential.verifier_jwt(badge.jwt)
        return context


class BadgeDelivrerView(BadgeMixin, ServiceFormView):
    form_class = ConfirmationForm

    def get_titre(self):
        return f"Délivrer le badge « {self.objet.classe.nom} » à {self.objet.apprenant}"

    def get_sous_titre(self):
        return (
            "L'attestation Open Badges 3.0 est signée avec la clé du projet. Elle désigne l'apprenant par l'empreinte salée de "
            "son e-mail, jamais par son nom. Les critères sont vérifiés sur ses dernières évaluations."
        )

    def enregistrer(self, form):
        return services.delivrer_badge(badge=self.objet, by=self.request.user)

    def message_succes(self):
        return f"Badge « {self.resultat.classe.nom} » délivré à {self.resultat.apprenant} et signé."


class BadgeRevoquerView(BadgeMixin, ServiceFormView):
    form_class = RevocationForm

    def get_titre(self):
        return f"Révoquer le badge « {self.objet.classe.nom} » de {self.objet.apprenant}"

    def get_sous_titre(self):
        return "La révocation est définitive : la liste de statut du projet la publie, toute vérification dira « révoqué »."

    def enregistrer(self, form):
        return services.revoquer_badge(badge=self.objet, by=self.request.user, motif=form.cleaned_data["motif"])

    def message_succes(self):
        return f"Badge « {self.resultat.classe.nom} » de {self.resultat.apprenant} révoqué."


class BadgePublicationView(BadgeMixin, ServiceFormView):
    form_class = PublicationForm

    def get_titre(self):
        return f"Page publique du badge « {self.objet.classe.nom} »"

    def get_initial(self):
        return {"publication": self.objet.publication}

    def enregistrer(self, form):
        return services.changer_publication(badge=self.objet, by=self.request.user, publication=form.cleaned_data["publication"])

    def message_succes(self):
        return f"La page publique montre désormais : {self.resultat.get_publication_display().lower()}."


class BadgeRetirerView(ServiceDeleteView):
    """Withdraw a badge still proposed (an issued one is revoked, never deleted)."""

    capacite = CAPACITE
    modele = Badge
    detail = "badge_detail"
    message = "Proposition retirée :"

    def get_success_url(self):
        return reverse("badgeclasse_detail", args=[self.projet.pk, self.objet.classe_id])

    def supprimer(self, objet):
        services.retirer_proposition(badge=objet, by=self.request.user)


class BadgeTelechargerView(ProjetMixin, View):
    """The issued badge for the learner: ``json`` (the JWT-VC and the credential decoded),
    ``jwt``, ``png`` and ``svg`` (baked). A proposed badge has nothing to download (404)."""

    capacite = CAPACITE
    FORMATS = {"json", "jwt", "png", "svg"}

    def get(self, request, *args, **kwargs):
        format_ = kwargs["format"]
        badge = get_object_or_404(self.scoped(Badge).select_related("classe", "apprenant").exclude(jwt=""), pk=kwargs["pk"])
        if format_ not in self.FORMATS:
            raise Http404("Format inconnu.")
        nom = f"badge-{badge.classe.identifiant.hex[:8]}-{badge.apprenant.reference}".replace("/", "-")
        if format_ == "json":
            charge = credential.decoder_sans_verifier(badge.jwt)
            contenu = json.dumps({"jwt": badge.jwt, "credential": charge}, ensure_ascii=False, indent=2).encode("utf-8")
            reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
        elif format_ == "jwt":
            reponse = HttpResponse(badge.jwt, content_type="application/vc+jwt")
        elif format_ == "png":
            reponse = HttpResponse(images.cuire_png(badge.classe, badge.jwt), content_type="image/png")
        else:
            reponse = HttpResponse(images.cuire_svg(badge.classe, badge.jwt), content_type="image/svg+xml")
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format_}"'
        return reponse
