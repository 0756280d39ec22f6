"""Sessions of training organisations (formation distribuée) and the learners an organisation
follows (the block the partners' organisation page loads with htmx).

Placed learners: the distinct learners with a step in the session (``Etape.session``) whose
status is not *abandonnée*. The OF's total enrolment is not known to the conciergerie, so the
page shows placed learners against the session's minimum and says the minimum was
**"atteint grâce à la conciergerie"** when the placed learners alone reach ``places_min``.
Places left = ``places_max`` − placed (never below 0), an upper bound since the OF fills the
session too.
"""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from conciergerie.exports import Colonne, ExportListeMixin
from conciergerie.mixins import ProjetMixin, ServiceFormView
from conciergerie.recherche import contient
from partenaires.models import Organisation

from . import selectors, services
from .forms import SessionFormationForm
from .models import SessionFormation, StatutEtape


def bilan_places(session, placees: int) -> dict:
    """Places figures of a session, given its number of placed learners."""
    return {
        "placees": placees,
        "restantes": max(session.places_max - placees, 0),
        "seuil_atteint": placees >= session.places_min,
        "manquantes": max(session.places_min - placees, 0),
        "engagement_tenu": placees >= session.places_conciergerie,
    }


class SessionFormationListView(ExportListeMixin, ProjetMixin, ListView):
    capacite = "apprenants.voir"
    template_name = "parcours/sessionformation_list.html"
    paginate_by = 25
    context_object_name = "sessions"

    def get_queryset(self):
        sessions = selectors.sessions(self.request.user, self.projet)
        organisation = self.request.GET.get("organisation", "")
        self.organisation = None
        if organisation.isdigit():
            self.organisation = Organisation.objects.visible_to(self.request.user, projet=self.projet).filter(pk=organisation).first()
            sessions = sessions.filter(organisation_id=organisation)
        # ?q=: the header's search leads here (« voir tout »), the same words and fields
        self.q = " ".join(self.request.GET.get("q", "").split())[:100]
        if self.q:
            sessions = sessions.filter(contient(["texte_recherche", "organisation__texte_recherche"], self.q))
        return sessions.order_by("-date_debut", "pk")

    nom_export = "sessions"
    titre_export = "Sessions de formation"

    def colonnes_export(self) -> list[Colonne]:
        return [
            Colonne("Intitulé", "intitule"),
            Colonne("Organisme de formation", "organisation.nom"),
            Colonne("Code RNCP/RS", "code_rncp"),
            Colonne("Début", "date_debut"),
            Colonne("Fin", "date_fin"),
            Colonne("Modalité", lambda s: s.get_modalite_display()),
            Colonne("Places minimum", "places_min"),
            Colonne("Places maximum", "places_max"),
            Colonne("Places engagées par la conciergerie", "places_conciergerie"),
            Colonne("Apprenants placés", "nb_placees"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for session in context["sessions"]:
            session.bilan = bilan_places(session, session.nb_placees)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(query_string=params.urlencode(), organisation=self.organisation, q=self.q)
        return context


class SessionFormationDetailView(ProjetMixin, DetailView):
    capacite = "apprenants.voir"
    template_name = "parcours/sessionformation_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return self.scoped(SessionFormation).select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        etapes = selectors.etapes_de_session(self.request.user, self.projet, self.object)
        placees = {e.parcours.apprenant_id for e in etapes if e.statut != StatutEtape.ABANDONNEE}
        context.update(
            etapes=etapes,
            bilan=bilan_places(self.object, len(placees)),
            phases=list(self.object.phases.all()),
            seances=selectors.seances_de_session(self.request.user, self.projet, self.object),
            nb_participants=len(placees),
        )
        return context


class SessionFormationFormView(ServiceFormView):
    """Log (``sessionformation_create``) or edit (``sessionformation_update``) an OF's session
    (the coordinator's; a partner only reads its organisation's)."""

    suppression = "sessionformation_delete"

    capacite = "apprenants.modifier"
    modele = SessionFormation
    form_class = SessionFormationForm
    liste, detail = "sessionformation_list", "sessionformation_detail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projet": self.projet, "user": self.request.user}

    def get_titre(self):
        return f"Modifier la session « {self.objet.intitule} »" if self.objet else "Nouvelle session de formation"

    def enregistrer(self, form):
        return services.enregistrer_session(session=form.save(commit=False), projet=self.projet, by=self.request.user)

    def message_succes(self):
        return f"Session « {self.resultat.intitule} » enregistrée."


class OrganisationApprenantsView(ProjetMixin, ListView):
    """Learners with a step at an organisation, as far as the viewer may see them: both the
    learners and the steps are read through ``visible_to`` (a partner sees only its own)."""

    capacite = "apprenants.voir"
    context_object_name = "apprenants"
    paginate_by = 50

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["parcours/_organisation_apprenants.html"]
        return ["parcours/organisation_apprenants.html"]

    def get_queryset(self):
        self.organisation = get_object_or_404(Organisation.objects.visible_to(self.request.user, projet=self.projet), pk=self.kwargs["pk"])
        return selectors.apprenants_de_organisation(self.request.user, self.projet, self.organisation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)
