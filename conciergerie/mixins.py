"""View helpers built on the scoping mechanism.

URLs carry the project (``/p/<projet_id>/…``) so a link can be shared. ``ProjetMixin``
resolves it among the projects of the user's memberships, as ``Projet.objects.visible_to`` does
(404 for a non-member), checks the role's capability (403, ``scoping.exiger``), and
``scoped(Model)`` gives the rows of that project the role may see. ``ServiceFormView`` is the
one base of the pages that write: form, service, errors next to the fields, message, redirect.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import BaseModelForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html_join
from django.views.generic import FormView, TemplateView

from . import concurrence
from .roles import peut
from .scoping import adhesion_for, exiger


def memoriser_projet(request, projet) -> None:
    """Remember the last project opened (the home page goes back to it).

    The session is written only when the project changes: assigning a key marks it modified, and
    the session middleware then saves it (an UPDATE in its own transaction, the cookie sent
    again) on every page. Its expiry slides forward with the activity time, written every few
    minutes at most (conciergerie.limites_session).
    """
    if request.session.get("projet_id") != projet.pk:
        request.session["projet_id"] = projet.pk


def resolve_projet(request, projet_id, capacite: str):
    # ``Projet.objects.visible_to(user)`` is the projects of the user's active memberships, which
    # are already loaded with their project (``adhesions_of``, once per request): the project is
    # taken from there rather than read again (one query less on every project page)
    adhesion = adhesion_for(request.user, projet_id)
    if adhesion is None:
        raise Http404("Aucun projet ne correspond à la requête.")
    projet = adhesion.projet
    exiger(request.user, projet, capacite)  # 403
    memoriser_projet(request, projet)
    request.projet = projet
    request.adhesion = adhesion
    return projet, adhesion


class ProjetMixin:
    #: the capability (conciergerie.roles.CAPACITES) this view requires
    capacite: str = "projet.voir"

    def dispatch(self, request, *args, **kwargs):
        self.projet, self.adhesion = resolve_projet(request, kwargs["projet_id"], self.capacite)
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, model):
        return model.objects.visible_to(self.request.user, projet=self.projet)

    def peut(self, capacite: str) -> bool:
        return peut(self.adhesion.role, capacite)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projet"] = self.projet
        context["adhesion"] = self.adhesion
        return context


def erreurs_vers_form(form, error: ValidationError) -> None:
    """A service's ValidationError, shown next to the field when the form has it (else at the
    top of the form): the views of every app call their service, then this on refusal."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _Conflit(Exception):
    """The row changed since the page was read: the transaction is rolled back, nothing written."""


class ServiceFormView(ProjetMixin, FormView):
    """The one write page: a form whose valid data goes to a service.

    GET shows the form (``components/formulaire.html``: title, way back, fields); POST validates
    it and calls ``enregistrer(form)``, which hands the cleaned data to a service (a keyword-only
    function of the app's ``services.py``, which checks the capability with ``exiger`` and
    raises ``ValidationError`` before writing anything) and returns what it saved. A refused form
    or service shows the form again with the reasons next to their fields (``erreurs_vers_form``),
    nothing written; otherwise a French success message (``message_succes``) and a redirect
    (``get_success_url``).

    The same view creates and edits: with ``modele`` set and a ``pk`` in the URL, ``objet`` is
    that row, read once through ``visible_to`` (``get_queryset``; 404 for a row the role may
    not see) and given to a ModelForm as its instance; otherwise ``objet`` is ``None`` (a
    creation, possibly under a parent row the subclass reads itself, with ``cached_property``).
    ``liste`` and ``detail`` (URL names) give the way back and where a write leads.

    Edits and creations are safe to repeat and to race (``conciergerie/concurrence.py``): an
    edit page carries the version of the row it showed (``verifier_version``; a save against a
    newer one is refused, the form shown again with the other person's values next to their
    fields), a creation page a one-time token (a second POST of it creates nothing and leads to
    the first's result), and an ``IntegrityError`` of a unique race becomes the constraint's
    French message next to its field. The page's hidden fields are ``champs_caches`` in the
    context. The service runs inside a transaction the view opens (the version check's lock is
    held until the write commits).
    """

    capacite: str = ""  # each write view says which capability it needs
    template_name = "components/formulaire.html"
    modele = None
    liste = ""  # URL name of the list: the way back from a creation
    detail = ""  # URL name of the row's page: the way back from an edit, where a write leads
    titre = ""  # a creation's title
    titre_modification = ""  # an edit's title, by default « Modifier <the row> »
    sous_titre = ""
    message = "Enregistré."
    #: an edit checks that the row did not change since its page was read (``False``: an action
    #: that overwrites nothing a person typed, such as lifting an obstacle)
    verifier_version = True
    #: URL name of the row's delete page (a « Supprimer » link on its edit page), shown when the
    #: role holds ``capacite_suppression`` (by default the page's own capability)
    suppression = ""
    capacite_suppression = ""

    # ------------------------------------------------------------ the row edited

    def get_queryset(self):
        return self.scoped(self.modele)

    @cached_property
    def objet(self):
        if self.modele is None or "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    # ------------------------------------------------------------ the form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.get_form_class(), BaseModelForm):
            kwargs["instance"] = self.objet
        return kwargs

    def get(self, request, *args, **kwargs):
        # the version is read before a form is built (a form's __init__ may touch its instance)
        self.version_affichee = self.version_objet(self.objet) if self.versionne else None
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # a creation's one-time token is taken before the form is read: a repeat leads to the
        # first's result even when its data would no longer validate (a reference now used)
        envoi = concurrence.Envoi.depuis(request) if self.objet is None else None
        self.url_resultat = None
        if envoi is not None:
            deja = envoi.reserver()
            if deja == concurrence.Envoi.EN_COURS:
                form = self.get_form()
                form.add_error(None, concurrence.EN_COURS_MESSAGE)
                return self.form_invalid(form)
            if deja is not None:
                messages.info(request, concurrence.DEJA_ENVOYE)
                return HttpResponseRedirect(deja)
        try:
            form = self.get_form()
            reponse = self.form_valid(form) if self.est_valide(form) else self.form_invalid(form)
        except BaseException:
            if envoi is not None:
                envoi.liberer()
            raise
        if envoi is not None:
            if self.url_resultat is None:
                envoi.liberer()  # refused: corrected, the same page may be sent again
            else:
                envoi.terminer(self.url_resultat)
        return reponse

    def est_valide(self, form) -> bool:
        """Whether the POST is valid (a page with more than the form adds its own parts)."""
        return form.is_valid()

    def form_valid(self, form):
        refus = self.enregistrer_en_transaction(form)
        if refus is not None:
            return refus
        self.url_resultat = self.get_success_url()
        message = self.message_succes()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.url_resultat)

    def enregistrer_en_transaction(self, form):
        """Check the version read (an edit), then call ``enregistrer`` in one transaction;
        ``None`` when saved (``self.resultat``), else the form shown again with the reasons."""
        try:
            with transaction.atomic():
                self.verifier_version_lue(form)
                self.resultat = self.enregistrer(form)
        except _Conflit:
            return self.form_invalid(form)
        except ValidationError as error:
            erreurs_vers_form(form, error)
            return self.form_invalid(form)
        except IntegrityError as error:
            return self.course_unique(form, error)
        return None

    def enregistrer(self, form):
        """Call the service with the form's data; return the row(s) it saved (``self.resultat``)."""
        raise NotImplementedError

    def message_succes(self) -> str:
        """The French message after a write (none when it returns ``""``: nothing was done)."""
        return self.message

    # ------------------------------------------------------------ versions, tokens, races

    @property
    def versionne(self) -> bool:
        return self.verifier_version and self.objet is not None

    def champs_m2m_versionnes(self) -> set[str]:
        """The many-to-many fields in the version: those the form edits."""
        return set(self.get_form_class().base_fields)

    def valeurs_liees(self, objet) -> dict[str, str]:
        """Form fields stored in another row than ``objet`` (name → value as displayed), part
        of the version too (an organisation's role in the consortium)."""
        return {}

    def version_objet(self, objet) -> str:
        return concurrence.version(objet, self.champs_m2m_versionnes(), self.valeurs_liees(objet))

    def verifier_version_lue(self, form) -> None:
        """Raise ``_Conflit`` (the form given the reasons) when the row changed since the page
        that posted was read; the row stays locked until the write commits."""
        lue = self.request.POST.get(concurrence.CHAMP_VERSION)
        if not self.versionne or lue is None:
            return
        objet = self.objet
        frais = type(objet)._base_manager.select_for_update().filter(pk=objet.pk).first()
        if frais is None:
            form.add_error(None, concurrence.SUPPRIMEE)
            raise _Conflit
        m2m, liees = self.champs_m2m_versionnes(), self.valeurs_liees(frais)
        actuelle = concurrence.version(frais, m2m, liees)
        if actuelle == lue:
            return
        # shown again with what the user typed and the version now stored: sending it again is
        # a deliberate choice, made after reading the other person's values next to the fields
        self.version_affichee = actuelle
        form.add_error(None, concurrence.CONFLIT)
        derniere = concurrence.derniere_modification(frais)
        if derniere:
            form.add_error(None, derniere)
        for nom in concurrence.champs_modifies(lue, frais, m2m, liees):
            if nom in form.fields:
                valeur = (liees[nom] or "(vide)") if nom in liees else concurrence.valeur_affichee(frais, nom)
                form.add_error(nom, f"Valeur enregistrée entre-temps par quelqu'un d'autre : « {valeur} ».")
        raise _Conflit

    def course_unique(self, form, error: IntegrityError):
        """Another request saved the same unique value between this one's checks and its
        insert: the form's own checks, run again, now see it (their message); else the
        constraint's message next to its field. A violation that is no constraint of ours (a
        bug) raises."""
        violation = concurrence.contrainte_violee(error)
        if violation is None:
            raise error
        if form.is_bound:
            nouveau = self.get_form()
            if not nouveau.is_valid():
                return self.form_invalid(nouveau)
        champs = [nom for nom in violation.champs if nom in form.fields]
        form.add_error(champs[0] if champs else None, violation.message)
        return self.form_invalid(form)

    def champs_caches(self) -> str:
        """The hidden fields of the page's form: the version read (an edit) or the one-time
        token (a creation), kept as posted when the form is shown again."""
        post = self.request.POST if self.request.method == "POST" else {}
        if self.versionne:
            valeur = getattr(self, "version_affichee", None) or post.get(concurrence.CHAMP_VERSION)
            champs = [(concurrence.CHAMP_VERSION, valeur)] if valeur else []
        elif self.objet is None:
            champs = [(concurrence.CHAMP_JETON, post.get(concurrence.CHAMP_JETON) or concurrence.nouveau_jeton())]
        else:
            champs = []
        return format_html_join("", '<input type="hidden" name="{}" value="{}">', champs)

    # ------------------------------------------------------------ the page

    def get_titre(self) -> str:
        if self.objet is None:
            return self.titre
        return self.titre_modification or f"Modifier {self.objet}"

    def get_sous_titre(self) -> str:
        return self.sous_titre

    def get_retour_url(self) -> str:
        """The way back (the link above the title and the « Annuler » button): the row's page
        (``detail``) when editing, else the list (``liste``)."""
        if self.objet is not None and self.detail:
            return reverse(self.detail, args=[self.projet.pk, self.objet.pk])
        return reverse(self.liste, args=[self.projet.pk])

    def get_success_url(self) -> str:
        """After a write: the saved row's page (``detail``)."""
        return reverse(self.detail, args=[self.projet.pk, self.resultat.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            titre=self.get_titre(), sous_titre=self.get_sous_titre(), retour=self.get_retour_url(), champs_caches=self.champs_caches()
        )
        if self.objet is not None and self.suppression and self.peut(self.capacite_suppression or self.capacite):
            context["suppression"] = reverse(self.suppression, args=[self.projet.pk, self.objet.pk])
        return context


class ServiceDeleteView(ProjetMixin, TemplateView):
    """The one delete page: a confirmation, then a service.

    GET shows ``components/confirmation_suppression.html``: the row (read through ``visible_to``,
    404 for a row the role may not see), what goes with it (``conciergerie.suppression.inventaire``:
    Django's collector, by kind, in French) or, when something still points to it, what blocks it
    and no button. POST calls ``supprimer(objet)`` — the app's service, which checks the capability
    and deletes with a history entry — then a French message and the way to ``get_success_url``;
    a refusal (``ValidationError``, a ``PROTECT``/``RESTRICT`` relation) is a French error message
    and the row's page, nothing deleted. A second POST of the same page finds no row: 404.
    """

    capacite: str = ""
    template_name = "components/confirmation_suppression.html"
    modele = None
    liste = ""  # URL name of the list: where a deletion leads by default
    detail = ""  # URL name of the row's page: the way back (« Annuler »)
    message = "Supprimé."

    def get_queryset(self):
        return self.scoped(self.modele)

    @cached_property
    def objet(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def refus_supplementaires(self, objet) -> list[str]:
        """What blocks the deletion beyond the database's ``PROTECT``/``RESTRICT`` (a rule of
        the app's service, shown on the confirmation page), in French: [« 2 apprenants », …]."""
        return []

    def supprimer(self, objet) -> None:
        """Call the app's service (``supprimer_<objet>(<objet>=objet, by=user)``)."""
        raise NotImplementedError

    def get_retour_url(self) -> str:
        if self.detail:
            return reverse(self.detail, args=[self.projet.pk, self.objet.pk])
        return self.get_success_url()

    def get_success_url(self) -> str:
        return reverse(self.liste, args=[self.projet.pk])

    def get_titre(self) -> str:
        return f"Supprimer « {self.objet} »"

    def get_context_data(self, **kwargs):
        from .suppression import inventaire

        context = super().get_context_data(**kwargs)
        trouve = inventaire(self.objet)
        trouve.bloquants += self.refus_supplementaires(self.objet)
        context.update(objet=self.objet, titre=self.get_titre(), retour=self.get_retour_url(), inventaire=trouve)
        return context

    def post(self, request, *args, **kwargs):
        objet = self.objet  # 404 when already deleted (a second POST)
        retour, suite = self.get_retour_url(), self.get_success_url()
        libelle = str(objet)
        try:
            self.supprimer(objet)
        except ValidationError as error:
            for texte in error.messages:
                messages.error(request, texte)
            return HttpResponseRedirect(retour)
        messages.success(request, f"{self.message} « {libelle} ».")
        return HttpResponseRedirect(suite)
