"""Séances of a session and attendance (émargement).

A session (``SessionFormation``) may have phases (``Phase``: « Diagnostic », « Ateliers »…) and
dated séances (``Seance``): a date and either start and end times or a duration in hours; the
duration (``duree``) is always stored, derived from the times when they are given. A séance is
refused outside its session's dates. Attendance (``Presence``) is one row per séance ×
participant (a learner): présent / absent / excusé and the hours attended, by default the
séance's duration, never above it (0 for an absent or excused participant).

When a session has séances, each participant's step in it takes its ``heures_realisees`` from
attendance (``services_seances.synchroniser_heures``), so every figure that reads steps follows.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from conciergerie.formats import date_courte, date_longue, nombre
from conciergerie.roles import Role
from conciergerie.scoping import ProjetScopedMixin, TenantQuerySet

from .models import Apprenant, SessionFormation

DUREE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0)]}

MESSAGE_HORS_SESSION = "La séance du {date} est hors des dates de la session (du {debut} au {fin})."
MESSAGE_SANS_DUREE = "Indiquez les heures de début et de fin, ou la durée de la séance."
MESSAGE_FIN_AVANT_DEBUT = "L'heure de fin doit suivre l'heure de début."
MESSAGE_HEURES_AU_DELA = "{nom} : {heures} h de présence dépassent la durée de la séance ({duree} h)."


def heures_fr(valeur) -> str:
    """« 3,5 », « 7 »: a number of hours without its unit (a field's value, a sentence that adds
    « h »), written by the app's one formatting module (``conciergerie.formats``)."""
    return nombre(valeur if valeur is not None else 0, DUREE["decimal_places"])


class SeanceScopeQuerySet(TenantQuerySet):
    """A partner sees the rows of its organisation's sessions (as it sees the sessions)."""

    chemin_session = "session"

    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(**{f"{self.chemin_session}__organisation_id": organisation_id})
        return super().role_filter(role, organisation_id)


class PresenceQuerySet(SeanceScopeQuerySet):
    chemin_session = "seance__session"


def feuille_upload_to(instance, filename):
    return f"projets/{instance.projet_id}/emargements/{filename}"


class Phase(ProjetScopedMixin):
    session = models.ForeignKey(SessionFormation, on_delete=models.CASCADE, related_name="phases")
    nom = models.CharField("nom", max_length=120)
    ordre = models.PositiveSmallIntegerField("ordre", default=1)

    objects = SeanceScopeQuerySet.as_manager()

    class Meta:
        verbose_name = "phase"
        verbose_name_plural = "phases"
        ordering = ["session", "ordre", "pk"]

    def __str__(self):
        return self.nom

    def clean(self):
        if self.session_id and self.projet_id and self.session.projet_id != self.projet_id:
            raise ValidationError({"session": "Cette session n'appartient pas à ce projet."})


class Seance(ProjetScopedMixin):
    session = models.ForeignKey(SessionFormation, on_delete=models.CASCADE, related_name="seances")
    phase = models.ForeignKey(Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="seances")
    date = models.DateField("date")
    heure_debut = models.TimeField("heure de début", null=True, blank=True)
    heure_fin = models.TimeField("heure de fin", null=True, blank=True)
    duree = models.DecimalField(
        "durée (heures)", null=True, blank=True, help_text="Calculée à partir des heures quand elles sont indiquées.", **DUREE
    )
    intitule = models.CharField("intitulé", max_length=200, blank=True)
    feuille_signee = models.FileField("feuille d'émargement signée", upload_to=feuille_upload_to, blank=True)

    objects = SeanceScopeQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["date", "heure_debut", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duree__gt=0), name="seance_duree_positive", violation_error_message=MESSAGE_SANS_DUREE),
            models.CheckConstraint(
                condition=Q(heure_debut__isnull=True) | Q(heure_fin__isnull=True) | Q(heure_fin__gt=F("heure_debut")),
                name="seance_fin_apres_debut",
                violation_error_message=MESSAGE_FIN_AVANT_DEBUT,
            ),
        ]
        indexes = [models.Index(fields=["projet", "date"]), models.Index(fields=["session", "date"])]

    def __str__(self):
        horaire = f" {self.heure_debut:%H:%M}–{self.heure_fin:%H:%M}" if self.heure_debut and self.heure_fin else ""
        return f"Séance du {date_courte(self.date)}{horaire}"

    @property
    def duree_affichee(self) -> str:
        return heures_fr(self.duree)

    @property
    def duree_calculee(self) -> Decimal | None:
        """The duration given by the times, in hours to the hundredth (``None`` without both)."""
        if not (self.heure_debut and self.heure_fin):
            return None
        minutes = (datetime.combine(self.date, self.heure_fin) - datetime.combine(self.date, self.heure_debut)).total_seconds() / 60
        return (Decimal(int(minutes)) / 60).quantize(Decimal("0.01"))

    def clean(self):
        errors = {}
        if (self.heure_debut is None) != (self.heure_fin is None):
            champ = "heure_fin" if self.heure_fin is None else "heure_debut"
            errors[champ] = "Indiquez l'heure de début et l'heure de fin (ou seulement la durée)."
        elif self.heure_debut and self.heure_fin:
            if self.heure_fin <= self.heure_debut:
                errors["heure_fin"] = MESSAGE_FIN_AVANT_DEBUT
            else:
                self.duree = self.duree_calculee
        if not errors and not self.duree:
            errors["duree"] = MESSAGE_SANS_DUREE
        if self.session_id and self.date:
            session = self.session
            if self.projet_id and session.projet_id != self.projet_id:
                errors["session"] = "Cette session n'appartient pas à ce projet."
            if not session.date_debut <= self.date <= session.date_fin:
                errors["date"] = MESSAGE_HORS_SESSION.format(
                    date=date_longue(self.date), debut=date_longue(session.date_debut), fin=date_longue(session.date_fin)
                )
        if self.phase_id and self.session_id and self.phase.session_id != self.session_id:
            errors["phase"] = "Cette phase appartient à une autre session."
        if errors:
            raise ValidationError(errors)


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSE = "excuse", "Excusé"


class Presence(ProjetScopedMixin):
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="presences")
    statut = models.CharField("présence", max_length=10, choices=StatutPresence.choices, default=StatutPresence.PRESENT)
    heures = models.DecimalField("heures", default=0, **DUREE)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["seance", "apprenant"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "apprenant"],
                name="presence_unique",
                violation_error_message="La présence de ce participant est déjà saisie.",
            ),
            models.CheckConstraint(
                condition=Q(heures__gte=0),
                name="presence_heures_positives",
                violation_error_message="Les heures ne peuvent pas être négatives.",
            ),
        ]
        indexes = [models.Index(fields=["apprenant", "seance"])]

    def __str__(self):
        return f"{self.apprenant} — {self.seance} : {self.get_statut_display()}"

    def clean(self):
        if self.seance_id and self.heures is not None and self.seance.duree is not None and self.heures > self.seance.duree:
            raise ValidationError(
                {
                    "heures": MESSAGE_HEURES_AU_DELA.format(
                        nom=self.apprenant, heures=heures_fr(self.heures), duree=heures_fr(self.seance.duree)
                    )
                }
            )
