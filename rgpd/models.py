"""What the data-protection app records: the retention notices, the anonymisations done and the
nightly purges (counts per category, shown to the project's administrators)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from conciergerie.formats import date_courte
from conciergerie.roles import Role
from conciergerie.scoping import EVERYTHING, NOTHING, ProjetScopedMixin, TenantQuerySet
from parcours.models import Apprenant
from partenaires.models import Contact


class AdministrateursQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)

    def role_filter(self, role, organisation_id):
        if role == Role.ADMINISTRATEUR:
            return EVERYTHING
        return NOTHING


class AvisQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)

    def role_filter(self, role, organisation_id):
        """The notices are the coordinators' to-do: administrators and coordinators."""
        if role in (Role.ADMINISTRATEUR, Role.COORDINATEUR):
            return EVERYTHING
        return NOTHING


class AvisConservation(ProjetScopedMixin):
    """A learner without activity for almost the project's retention: announced once to the
    coordinators (home page), then anonymised on ``anonymisation_prevue_le`` unless there is new
    activity (the notice is then withdrawn)."""

    apprenant = models.OneToOneField(Apprenant, on_delete=models.CASCADE, related_name="avis_conservation")
    derniere_activite = models.DateField("dernière activité")
    annonce_le = models.DateField("annoncé le")
    anonymisation_prevue_le = models.DateField("anonymisation prévue le")

    objects = AvisQuerySet.as_manager()

    class Meta:
        verbose_name = "avis de fin de conservation"
        verbose_name_plural = "avis de fin de conservation"
        ordering = ["anonymisation_prevue_le", "pk"]
        indexes = [models.Index(fields=["projet", "anonymisation_prevue_le"])]

    def __str__(self):
        return f"{self.apprenant.reference} — anonymisation le {date_courte(self.anonymisation_prevue_le)}"


class MotifAnonymisation(models.TextChoices):
    DEMANDE = "demande", "Demande de la personne (effacement)"
    CONSERVATION = "conservation", "Fin de la durée de conservation"


class Anonymisation(ProjetScopedMixin):
    """The record that a learner or a contact person was anonymised: when, by whom, why. It holds
    nothing about the person (the row it points to is anonymised)."""

    apprenant = models.OneToOneField(Apprenant, on_delete=models.CASCADE, null=True, blank=True, related_name="anonymisation")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="anonymisation")
    motif = models.CharField("motif", max_length=20, choices=MotifAnonymisation.choices, default=MotifAnonymisation.DEMANDE)
    faite_le = models.DateTimeField("faite le")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    par_nom = models.CharField("par (nom conservé)", max_length=200, blank=True)

    objects = AdministrateursQuerySet.as_manager()

    class Meta:
        verbose_name = "anonymisation"
        verbose_name_plural = "anonymisations"
        ordering = ["-faite_le"]
        constraints = [
            models.CheckConstraint(
                condition=Q(apprenant__isnull=False, contact__isnull=True) | Q(apprenant__isnull=True, contact__isnull=False),
                name="anonymisation_une_personne",
            )
        ]

    def __str__(self):
        qui = "apprenant" if self.apprenant_id else "contact"
        return f"Anonymisation d'un {qui} le {date_courte(self.faite_le)}"


class PurgeConservation(ProjetScopedMixin):
    """One night's retention run for a project, recorded when it announced, anonymised or deleted
    anything (``rgpd.conservation``): counts per category."""

    date = models.DateTimeField("date")
    avis_envoyes = models.PositiveIntegerField("apprenants annoncés", default=0)
    avis_retires = models.PositiveIntegerField("avis retirés (nouvelle activité)", default=0)
    apprenants_anonymises = models.PositiveIntegerField("apprenants anonymisés", default=0)
    bilans_supprimes = models.PositiveIntegerField("bilans nominatifs supprimés", default=0)
    imports_supprimes = models.PositiveIntegerField("fichiers d'import supprimés", default=0)
    historique_supprime = models.PositiveIntegerField("lignes d'historique supprimées", default=0)
    journal_supprime = models.PositiveIntegerField("lignes du journal des accès supprimées", default=0)
    emargements_supprimes = models.PositiveIntegerField("feuilles d'émargement signées supprimées", default=0)

    objects = AdministrateursQuerySet.as_manager()

    COMPTES = (
        "avis_envoyes",
        "avis_retires",
        "apprenants_anonymises",
        "bilans_supprimes",
        "imports_supprimes",
        "historique_supprime",
        "journal_supprime",
        "emargements_supprimes",
    )

    class Meta:
        verbose_name = "purge de conservation"
        verbose_name_plural = "purges de conservation"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Conservation du {date_courte(self.date)} — {self.projet}"

    def comptes(self) -> dict[str, int]:
        return {nom: getattr(self, nom) for nom in self.COMPTES}
