"""Reads of the recits pages, each through ``visible_to(user, projet)``: the views call these
rather than building their query sets inline."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Sum

from conciergerie.roles import peut
from conciergerie.tri import cle_alphabetique
from parcours.models import Apprenant, PorteeConsentement
from partenaires.models import Contact, Organisation

from .consentement import REGLE_CONSENTEMENT, Detecteur, candidats
from .models import Activite, Copil, Recit


def recits(user, projet):
    return Recit.objects.visible_to(user, projet=projet).select_related("auteur")


def recit_avec_liens(user, projet):
    """A récit's page: its learners, organisations and activities, each as far as ``user`` sees."""
    return recits(user, projet).prefetch_related(
        Prefetch("apprenants", queryset=Apprenant.objects.visible_to(user, projet=projet).order_by("nom", "prenom")),
        Prefetch("organisations", queryset=Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")),
        Prefetch("activites", queryset=Activite.objects.visible_to(user, projet=projet).order_by("-date")),
    )


def activites_avec_organisations(user, projet):
    organisations = Organisation.objects.visible_to(user, projet=projet).order_by(cle_alphabetique("nom"), "pk")
    return Activite.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("organisations", queryset=organisations))


def activites_avec_heures(user, projet):
    """The activities list: the volunteer hours only, summed by the database (no volunteer's row
    leaves the query)."""
    return activites_avec_organisations(user, projet).annotate(heures_benevoles=Sum("temps_benevoles__heures"))


def copils(user, projet):
    return Copil.objects.visible_to(user, projet=projet).annotate(nb_participants=Count("participants"))


def copil_avec_participants(user, projet):
    """A COPIL's page. The participants are the professionals who sat at the COPIL; only the
    contacts of this project (the page shows names and functions to whoever may read the contacts,
    and to a funder only the organisations that took part and how many people each sent)."""
    participants = Contact.objects.filter(organisation__projet=projet).select_related("organisation")
    participants = participants.order_by("organisation__nom", "nom", "prenom")
    return Copil.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("participants", queryset=participants))


def recits_de_l_apprenant(*, user, projet, apprenant) -> list[Recit]:
    """The récits of ``projet`` that name ``apprenant``, newest first: those linked to it and
    those whose title or text lets a reader recognise it without a link (``recits.consentement``,
    the detection of the consent rule), each with ``lie`` (True for a linked one). One query: the
    project's récits, each with whether it is linked (a project has a few hundred récits)."""
    liens = Recit.apprenants.through.objects.filter(recit=OuterRef("pk"), apprenant=apprenant)
    recits = Recit.objects.visible_to(user, projet=projet).annotate(lie=Exists(liens)).order_by("-date", "-pk")
    detecteur = Detecteur([apprenant])
    return [r for r in recits if r.lie or detecteur.nommes(r.titre, r.texte, au=r.date)]


def section_apprenant(context) -> dict:
    """Context of the learner page's récits section (``conciergerie.sections``): the récits only
    for a role that may read them (``recits.modifier``, as the récit list), the consent's
    withdrawal for whoever may change the learner."""
    apprenant, request, projet = context["apprenant"], context["request"], context["projet"]
    lire = peut(request.adhesion.role, "recits.modifier")
    return {
        "recits_lisibles": lire,
        "recits_apprenant": recits_de_l_apprenant(user=request.user, projet=projet, apprenant=apprenant) if lire else [],
        "consentement_en_vigueur": apprenant.consent_a(PorteeConsentement.INTERNE),
        "regle_consentement": REGLE_CONSENTEMENT,
    }


def recits_publiables(projet, portee, recits=None) -> list[Recit]:
    """The récits of ``projet`` that may be shown to readers of scope ``portee``
    (``PorteeConsentement``): those whose every learner, linked or named in the title or the text
    (``recits.consentement``), has a consent covering ``portee`` and not withdrawn. ``recits``
    narrows the candidates (a query set of the project's récits: the COPIL report passes those
    « à présenter au COPIL » of its period, in its order); the order is kept. Three queries,
    whatever the number of récits and learners."""
    if recits is None:
        recits = Recit.objects.of_projet(projet)
    recits = list(recits.filter(projet=projet).prefetch_related(Prefetch("apprenants", queryset=Apprenant.objects.only("pk"))))
    if not recits:
        return []
    tous = {a.pk: a for a in candidats(projet)}
    detecteur = Detecteur(tous.values())
    publiables = []
    for recit in recits:
        lies = [tous.get(a.pk) for a in recit.apprenants.all()]  # None: not a learner of the project
        concernes = lies + detecteur.nommes(recit.titre, recit.texte, au=recit.date)
        if all(a is not None and a.consent_a(portee) for a in concernes):
            publiables.append(recit)
    return publiables
