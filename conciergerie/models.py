from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from .roles import Role
from .scoping import adhesions_of


class ProjetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pk__in=[a.projet_id for a in adhesions_of(user)])


class Projet(models.Model):
    nom = models.CharField("nom", max_length=200, unique=True)
    territoire = models.CharField("territoire", max_length=200, blank=True)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    taux_horaire_benevolat = models.DecimalField(
        "taux horaire de valorisation du bénévolat (€)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = ProjetQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="projet_fin_apres_debut",
                violation_error_message="La fin du projet doit suivre son début.",
            ),
            models.CheckConstraint(condition=Q(taux_horaire_benevolat__gte=0), name="projet_taux_positif"),
        ]

    def __str__(self):
        return self.nom


class Adhesion(models.Model):
    """A user's membership of a project, with a role (and an organisation for partners/funders)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions", verbose_name="utilisateur")
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="adhesions")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    # The one reference from the core to an app on its right: a membership names the
    # organisation a partner or funder works for. Declared lazily; see docs/architecture.md.
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adhesions",
        help_text="Obligatoire pour les rôles partenaire et financeur.",
    )
    actif = models.BooleanField("active", default=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        ordering = ["projet", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "projet"], name="adhesion_unique_par_projet"),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.PARTENAIRE, Role.FINANCEUR]) | Q(organisation__isnull=False),
                name="adhesion_organisation_pour_partenaire_financeur",
                violation_error_message="Un partenaire ou un financeur doit être rattaché à une organisation.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.projet} ({self.get_role_display()})"

    def clean(self):
        if self.role in (Role.PARTENAIRE, Role.FINANCEUR) and not self.organisation_id:
            raise ValidationError({"organisation": "Un partenaire ou un financeur doit être rattaché à une organisation."})
        if self.organisation_id and self.projet_id and self.organisation.projet_id != self.projet_id:
            raise ValidationError({"organisation": "Cette organisation n'appartient pas à ce projet."})


class ResumeEnvoye(models.Model):
    """The daily digest sent to a user on a day: a task delivered twice (``acks_late``, a worker
    lost mid-run) does not send it again (``conciergerie.resume.envoyer_resumes``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="utilisateur")
    jour = models.DateField("jour")
    envoye_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "résumé quotidien envoyé"
        verbose_name_plural = "résumés quotidiens envoyés"
        ordering = ["-jour", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "jour"], name="resume_un_par_jour")]

    def __str__(self):
        return f"{self.user} — {self.jour:%d/%m/%Y}"


class StatutTraitement(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    PRET = "pret", "Terminé"
    ECHEC = "echec", "Échec"


class TraitementImport(models.Model):
    """A large import (dry run or confirmation) run by the Celery worker rather than in the web
    request (``conciergerie.imports.travail``): the row is the job, read only by whoever asked for
    it, in its project. The file stays the one kept by ``imports.deposer`` (``depot``); the
    result (counts, errors, the first lines) is kept as JSON."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="+")
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="demandé par")
    type = models.CharField("type d'import", max_length=40)
    depot = models.CharField("fichier déposé", max_length=64)
    nom_fichier = models.CharField("nom du fichier", max_length=200, blank=True)
    confirmer = models.BooleanField("confirmation (écriture)", default=False)
    statut = models.CharField("statut", max_length=20, choices=StatutTraitement.choices, default=StatutTraitement.EN_ATTENTE)
    resultat = models.JSONField("résultat", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)
    tentatives = models.PositiveSmallIntegerField("exécutions commencées", default=0)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    debut = models.DateTimeField("commencé le", null=True, blank=True)
    fin = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "traitement d'import"
        verbose_name_plural = "traitements d'import"
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["projet", "demande_par", "cree_le"])]

    def __str__(self):
        return f"Import {self.type} — {self.nom_fichier} ({self.get_statut_display()})"
