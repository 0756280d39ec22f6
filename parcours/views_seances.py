"""Pages of a session's phases, séances, participants and attendance, and the calendar.

- the attendance grid of a séance (``SeancePresencesView``): one row per participant, one POST,
  all or nothing (``services_seances.enregistrer_presences``), with the version check of every
  edit page: the version covers the séance *and* its attendance rows (``valeurs_liees``), so a
  sheet saved by someone else in between is refused with their values next to the rows;
- the calendar of the project's séances (month or week, server-rendered) and the iCal feed of
  each user (``calendrier_ical``: a secret URL, the séances the user may see through
  ``visible_to``, in every project).

The printable attendance sheet (PDF, with the project's funders) is a page of the pilotage app
(pilotage/views_emargement.py): it reads the fundings, which parcours may not import.
"""

import calendar
import os
from datetime import UTC, datetime, timedelta
from datetime import date as Date
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.generic import TemplateView, View

from conciergerie.formats import date_longue
from conciergerie.mixins import ProjetMixin, ServiceDeleteView, ServiceFormView

from . import services, services_seances
from .forms_seances import FeuilleForm, ParticipantsForm, PhaseForm, PresencesForm, RetraitForm, SeanceForm
from .models import Apprenant, SessionFormation
from .models_seances import Phase, Presence, Seance, StatutPresence, heures_fr


class _SousSessionMixin:
    """A page under a session (read through ``visible_to``: 404 for one the role may not see)."""

    @cached_property
    def session(self):
        return get_object_or_404(self.scoped(SessionFormation).select_related("organisation"), pk=self.kwargs["pk"])

    def get_retour_url(self):
        return reverse("sessionformation_detail", args=[self.projet.pk, self.session.pk])

    def get_success_url(self):
        return self.get_retour_url()


class _DeSessionMixin(_SousSessionMixin):
    """A row of a session (a phase, a séance), created under the session (its pk in the URL) or
    edited at ``url_modification`` (the row's pk), read through ``visible_to``."""

    url_modification = ""

    @cached_property
    def objet(self):
        if self.request.resolver_match.url_name != self.url_modification:
            return None
        return get_object_or_404(self.scoped(self.modele).select_related("session__organisation"), pk=self.kwargs["pk"])

    @cached_property
    def session(self):
        return self.objet.session if self.objet is not None else super().session


class PhaseFormView(_DeSessionMixin, ServiceFormView):
    """Create a phase under a session (``phase_create``: the session's pk) or edit one
    (``phase_update``: the phase's pk)."""

    capacite = "apprenants.modifier"
    modele = Phase
    form_class = PhaseForm
    suppression = "phase_delete"
    url_modification = "phase_update"

    def get_titre(self):
        return f"Modifier la phase « {self.objet.nom} »" if self.objet else f"Nouvelle phase de « {self.session.intitule} »"

    def enregistrer(self, form):
        return services_seances.enregistrer_phase(phase=form.save(commit=False), session=self.session, by=self.request.user)

    def message_succes(self):
        return f"Phase « {self.resultat.nom} » enregistrée."


class PhaseDeleteView(ServiceDeleteView):
    """A phase goes; its séances stay, without a phase."""

    capacite = "apprenants.modifier"
    modele = Phase

    def get_retour_url(self):
        return reverse("phase_update", args=[self.projet.pk, self.objet.pk])

    def get_success_url(self):
        return reverse("sessionformation_detail", args=[self.projet.pk, self.objet.session_id])

    def supprimer(self, objet):
        services_seances.supprimer_phase(phase=objet, by=self.request.user)


class SeanceFormView(_DeSessionMixin, ServiceFormView):
    """Create a séance under a session (``seance_create``: the session's pk) or edit one
    (``seance_update``: the séance's pk)."""

    capacite = "apprenants.modifier"
    modele = Seance
    form_class = SeanceForm
    suppression = "seance_delete"
    url_modification = "seance_update"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.session}

    def get_titre(self):
        return f"Modifier la {self.objet}" if self.objet else f"Nouvelle séance de « {self.session.intitule} »"

    def get_sous_titre(self):
        return f"Session du {date_longue(self.session.date_debut)} au {date_longue(self.session.date_fin)}."

    def enregistrer(self, form):
        return services_seances.enregistrer_seance(seance=form.save(commit=False), session=self.session, by=self.request.user)

    def message_succes(self):
        return f"{self.resultat} enregistrée ({heures_fr(self.resultat.duree)} h)."


class SeanceDeleteView(ServiceDeleteView):
    capacite = "apprenants.modifier"
    modele = Seance

    def get_retour_url(self):
        return reverse("seance_presences", args=[self.projet.pk, self.objet.pk])

    def get_success_url(self):
        return reverse("sessionformation_detail", args=[self.projet.pk, self.objet.session_id])

    def supprimer(self, objet):
        services_seances.supprimer_seance(seance=objet, by=self.request.user)


class ParticipantsAjouterView(_SousSessionMixin, ServiceFormView):
    """Add learners to a session: each one's step is created (or linked) once for all."""

    capacite = "apprenants.modifier"
    form_class = ParticipantsForm

    def get_titre(self):
        return f"Ajouter des participants à « {self.session.intitule} »"

    def get_sous_titre(self):
        return (
            f"Chaque participant reçoit une étape « {self.session.get_nature_display()} » du {date_longue(self.session.date_debut)} "
            f"au {date_longue(self.session.date_fin)} ; ses dates et ses heures suivent ensuite celles de la session."
        )

    def get_form_kwargs(self):
        deja = services_seances.etapes_participants(self.session).values("parcours__apprenant_id")
        apprenants = self.scoped(Apprenant).exclude(pk__in=deja).order_by("nom", "prenom", "pk")
        return {**super().get_form_kwargs(), "apprenants": apprenants}

    def est_valide(self, form):
        valide = form.is_valid()
        if not valide and "apprenants" in form.errors:
            # a learner already a participant is no choice of the list: say so by name
            ids = [pk for pk in self.request.POST.getlist("apprenants") if pk.isdigit()]
            deja = services_seances.etapes_participants(self.session).filter(parcours__apprenant_id__in=ids)
            noms = [str(e.parcours.apprenant) for e in deja.select_related("parcours__apprenant")]
            if noms:
                form.errors["apprenants"] = form.error_class(
                    [services.MESSAGE_DEJA_PARTICIPANT.format(noms=", ".join(noms), s="s" if len(noms) > 1 else "")]
                )
        return valide

    def enregistrer(self, form):
        return services.ajouter_participants(
            session=self.session, apprenant_ids=[a.pk for a in form.cleaned_data["apprenants"]], by=self.request.user
        )

    def message_succes(self):
        n = len(self.resultat)
        return f"{n} participant{'s' if n > 1 else ''} ajouté{'s' if n > 1 else ''} : une étape chacun dans la session."


class ParticipantRetirerView(_SousSessionMixin, ServiceFormView):
    capacite = "apprenants.modifier"
    form_class = RetraitForm

    @cached_property
    def apprenant(self):
        return get_object_or_404(self.scoped(Apprenant), pk=self.kwargs["apprenant_id"])

    def get_titre(self):
        return f"Retirer {self.apprenant} de « {self.session.intitule} »"

    def get_sous_titre(self):
        return "Seule son étape dans cette session est close (abandonnée, avec le motif) ; ses présences déjà saisies restent."

    def enregistrer(self, form):
        return services.retirer_participant(
            session=self.session,
            apprenant=self.apprenant,
            motif=form.cleaned_data["motif"],
            date=form.cleaned_data.get("date"),
            by=self.request.user,
        )

    def message_succes(self):
        return f"{self.apprenant} a quitté la session."


class SeancePresencesView(ServiceFormView):
    """The attendance grid of a séance (the coordinators', and the partner's whose organisation
    runs the session)."""

    capacite = "etapes.modifier"
    modele = Seance
    form_class = PresencesForm
    template_name = "parcours/seance_presences.html"

    def get_queryset(self):
        return self.scoped(Seance).select_related("session__organisation", "phase")

    @cached_property
    def participants(self):
        return services_seances.participants_de_seance(self.objet)

    def presences(self, seance) -> dict:
        return {p.apprenant_id: p for p in Presence.objects.filter(seance_id=seance.pk)}

    def valeurs_liees(self, objet):
        return {
            f"statut_{p.apprenant_id}": f"{p.get_statut_display().lower()}, {heures_fr(p.heures)} h"
            for p in sorted(self.presences(objet).values(), key=lambda p: p.apprenant_id)
        }

    def champs_m2m_versionnes(self):
        return set()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        presences = self.presences(self.objet)
        if self.request.method == "GET" and self.request.GET.get("tous") == "presents":
            presences = {}  # « Tous présents »: every row back to present for the séance's duration
        return {**kwargs, "seance": self.objet, "participants": self.participants, "presences": presences}

    def get_titre(self):
        return f"Présences — {self.objet}"

    def get_retour_url(self):
        return reverse("sessionformation_detail", args=[self.projet.pk, self.objet.session_id])

    def get_success_url(self):
        return self.get_retour_url()

    def enregistrer(self, form):
        services_seances.enregistrer_presences(seance=self.objet, lignes=form.lignes_saisies(), by=self.request.user)
        return self.objet

    def message_succes(self):
        return f"Présences de la {self.objet} enregistrées."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(seance=self.objet, session=self.objet.session, presents=StatutPresence.PRESENT)
        return context


class FeuilleSigneeView(ServiceFormView):
    """Upload the signed attendance sheet of a séance (a scan or a photo)."""

    capacite = "etapes.modifier"
    modele = Seance
    form_class = FeuilleForm
    verifier_version = False

    def get_titre(self):
        return f"Feuille d'émargement signée — {self.objet}"

    def get_sous_titre(self):
        if self.objet.feuille_signee:
            return "Une feuille est déjà déposée : la nouvelle la remplace."
        return ""

    def get_retour_url(self):
        return reverse("seance_presences", args=[self.projet.pk, self.objet.pk])

    def get_success_url(self):
        return self.get_retour_url()

    def enregistrer(self, form):
        return services_seances.deposer_feuille(seance=self.objet, fichier=form.cleaned_data["feuille_signee"], by=self.request.user)

    def message_succes(self):
        return "Feuille d'émargement signée déposée."


TYPES_FEUILLE = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class FeuilleSigneeFichierView(ProjetMixin, View):
    """Download the signed sheet: the séance read through ``visible_to``, the file streamed."""

    capacite = "apprenants.voir"

    def get(self, request, *args, **kwargs):
        seance = get_object_or_404(self.scoped(Seance), pk=kwargs["pk"])
        if not seance.feuille_signee:
            raise Http404("Aucune feuille signée pour cette séance.")
        try:
            fichier = seance.feuille_signee.open("rb")
        except FileNotFoundError as error:
            raise Http404("Fichier introuvable.") from error
        nom = os.path.basename(seance.feuille_signee.name)
        type_mime = TYPES_FEUILLE.get(os.path.splitext(nom)[1].lower(), "application/octet-stream")
        return FileResponse(fichier, as_attachment=True, filename=nom, content_type=type_mime)


# ---------------------------------------------------------------- calendar

JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


def _date(valeur, defaut):
    try:
        return Date.fromisoformat(valeur)
    except (TypeError, ValueError):
        return defaut


class CalendrierView(ProjetMixin, TemplateView):
    """The project's séances by month (``?vue=mois``, the default) or week (``?vue=semaine``),
    around ``?date=YYYY-MM-DD``; one query whatever the number of séances."""

    capacite = "apprenants.voir"
    template_name = "parcours/calendrier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jour = _date(self.request.GET.get("date"), timezone.localdate())
        vue = "semaine" if self.request.GET.get("vue") == "semaine" else "mois"
        if vue == "semaine":
            debut = jour - timedelta(days=jour.weekday())
            fin = debut + timedelta(days=6)
            precedent, suivant = debut - timedelta(days=7), debut + timedelta(days=7)
            titre = f"Semaine du {date_longue(debut)} au {date_longue(fin)}"
        else:
            premier = jour.replace(day=1)
            dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])
            debut = premier - timedelta(days=premier.weekday())
            fin = dernier + timedelta(days=6 - dernier.weekday())
            precedent = (premier - timedelta(days=1)).replace(day=1)
            suivant = dernier + timedelta(days=1)
            titre = f"{MOIS[premier.month - 1].capitalize()} {premier.year}"
        seances = (
            self.scoped(Seance)
            .filter(date__range=(debut, fin))
            .select_related("session", "phase")
            .annotate(nb_presents=Count("presences", filter=Q(presences__statut=StatutPresence.PRESENT)))
            .order_by("date", "heure_debut", "pk")
        )
        par_jour = {}
        for seance in seances:
            par_jour.setdefault(seance.date, []).append(seance)
        jours = [debut + timedelta(days=i) for i in range((fin - debut).days + 1)]
        semaines = [
            [{"date": j, "seances": par_jour.get(j, []), "hors_mois": vue == "mois" and j.month != jour.month} for j in jours[i : i + 7]]
            for i in range(0, len(jours), 7)
        ]
        flux = self.request.build_absolute_uri(
            reverse("calendrier_ical", kwargs={"user_id": self.request.user.pk, "jeton": jeton_calendrier(self.request.user)})
        )
        context.update(
            vue=vue,
            titre=titre,
            semaines=semaines,
            jours_semaine=JOURS,
            precedent=precedent.isoformat(),
            suivant=suivant.isoformat(),
            jour=jour.isoformat(),
            aujourdhui=timezone.localdate(),
            flux_ical=flux,
        )
        return context


# ---------------------------------------------------------------- iCal feed (RFC 5545)


def jeton_calendrier(user) -> str:
    """The secret of a user's iCal feed URL: keyed with the secret key and the user's password
    hash, so that changing one's password revokes the old URL."""
    return salted_hmac("parcours.calendrier", f"{user.pk}:{user.password}").hexdigest()[:32]


def echapper_ical(texte: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma escaped, newlines as ``\\n``."""
    texte = str(texte).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return texte.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def plier_ical(ligne: str) -> str:
    """Lines longer than 75 octets folded (a CRLF then a space), never inside a UTF-8 character."""
    octets = ligne.encode()
    if len(octets) <= 75:
        return ligne
    morceaux, courant = [], b""
    for caractere in ligne:
        code = caractere.encode()
        if len(courant) + len(code) > (75 if not morceaux else 74):
            morceaux.append(courant.decode())
            courant = b""
        courant += code
    morceaux.append(courant.decode())
    return "\r\n ".join(morceaux)


def _ical_dt(jour, heure) -> str:
    return datetime.combine(jour, heure).strftime("%Y%m%dT%H%M%S")


def calendrier_ics(seances, *, maintenant) -> str:
    """The VCALENDAR text of ``seances`` (with their session): times in Europe/Paris
    (``TZID``), a séance without times as an all-day event."""
    horodatage = maintenant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lignes = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Conciergerie//Seances//FR", "CALSCALE:GREGORIAN", "X-WR-CALNAME:Séances"]
    for seance in seances:
        session = seance.session
        lignes += ["BEGIN:VEVENT", f"UID:seance-{seance.pk}@conciergerie", f"DTSTAMP:{horodatage}"]
        if seance.heure_debut and seance.heure_fin:
            lignes += [
                f"DTSTART;TZID=Europe/Paris:{_ical_dt(seance.date, seance.heure_debut)}",
                f"DTEND;TZID=Europe/Paris:{_ical_dt(seance.date, seance.heure_fin)}",
            ]
        else:
            lignes += [f"DTSTART;VALUE=DATE:{seance.date:%Y%m%d}", f"DTEND;VALUE=DATE:{seance.date + timedelta(days=1):%Y%m%d}"]
        resume = session.intitule + (f" — {seance.intitule}" if seance.intitule else "")
        lignes.append(f"SUMMARY:{echapper_ical(resume)}")
        if session.lieu:
            lignes.append(f"LOCATION:{echapper_ical(session.lieu)}")
        lignes.append(f"DESCRIPTION:{echapper_ical(f'Durée : {heures_fr(seance.duree)} h')}")
        lignes.append("END:VEVENT")
    lignes.append("END:VCALENDAR")
    return "".join(plier_ical(ligne) + "\r\n" for ligne in lignes)


@login_not_required
def calendrier_ical(request, user_id: int, jeton: str):
    """A user's séances, in every project, as their role lets them see them (``visible_to``):
    from 90 days ago to a year ahead. A wrong token or an inactive user: 404."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(jeton, jeton_calendrier(user)):
        raise Http404("Calendrier introuvable.")
    aujourd_hui = timezone.localdate()
    seances = (
        Seance.objects.visible_to(user)
        .filter(date__range=(aujourd_hui - timedelta(days=90), aujourd_hui + timedelta(days=365)))
        .select_related("session")
        .order_by("date", "heure_debut", "pk")
    )
    reponse = HttpResponse(calendrier_ics(seances, maintenant=timezone.now()), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="seances.ics"'
    return reponse
