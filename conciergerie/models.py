from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .formats import date_courte, date_heure
from .revisions import revision_initiale
from .roles import Accord, Role, libelle_role
from .scoping import EVERYTHING, NOTHING, TenantQuerySet, adhesions_of


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
    # retention of personal data (rgpd.conservation, run each night)
    conservation_inactivite_mois = models.PositiveSmallIntegerField(
        "anonymiser les apprenants inactifs depuis (mois)",
        default=24,
        validators=[MinValueValidator(1)],
        help_text="Sans activité depuis ce nombre de mois, un apprenant est annoncé aux coordinateurs un mois avant, puis anonymisé.",
    )
    conservation_fichiers_jours = models.PositiveSmallIntegerField(
        "supprimer les bilans nominatifs et fichiers d'import après (jours)",
        default=30,
        validators=[MinValueValidator(1)],
    )
    conservation_emargements_ans = models.PositiveSmallIntegerField(
        "supprimer les feuilles d'émargement signées après (années)",
        default=10,
        validators=[MinValueValidator(1)],
        help_text=(
            "Pièces justificatives des financements (présence des participants) : gardées, même quand un apprenant est "
            "anonymisé, le temps du contrôle que prévoit votre convention (10 ans pour les fonds européens), "
            "comptés à partir de la date de la séance."
        ),
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    #: closed by an administrator: read-only (``roles.ECRITURES`` refused by ``scoping.exiger``)
    #: until reopened
    cloture_le = models.DateTimeField("clos le", null=True, blank=True)
    #: drawn at random, with the count of its ``EcritureProjet`` rows the revision of its data
    #: (conciergerie.revisions), the key of the figures kept for it (pilotage.memo). Drawn again
    #: by ``revisions`` alone: ``save`` leaves it out, so that a project read before cannot put
    #: an older one back.
    revision = models.BigIntegerField("révision des données", default=revision_initiale, editable=False)

    objects = ProjetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["revision"])

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["nom"]
        # a platform permission, given in /admin/ to the people who run the instance
        permissions = [("creer_projet", "Peut créer un projet depuis l'application")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="projet_fin_apres_debut",
                violation_error_message="La fin du projet doit suivre son début.",
            ),
            models.CheckConstraint(condition=Q(taux_horaire_benevolat__gte=0), name="projet_taux_positif"),
            models.CheckConstraint(
                condition=Q(conservation_inactivite_mois__gte=1)
                & Q(conservation_fichiers_jours__gte=1)
                & Q(conservation_emargements_ans__gte=1),
                name="projet_conservation_positive",
                violation_error_message="Les durées de conservation sont d'au moins 1.",
            ),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # every field but the revision, which only conciergerie.revisions writes
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "revision"]
        super().save(*args, **kwargs)


class EcritureProjet(models.Model):
    """One write to a project's data, inserted by the writing transaction
    (``conciergerie.revisions``): their count is part of the project's revision. Emptied each
    night (``revisions.compacter``)."""

    id = models.BigAutoField(primary_key=True)
    # (its index is the pair's below: counted per project and model)
    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="ecritures", db_index=False)
    #: the model written (``parcours.etape``): a kept figure that reads none of the models
    #: written to since stays right (``revisions.Revision.cle``); empty: every model (a row
    #: written before the column existed)
    modele = models.CharField("modèle écrit", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "écriture d'un projet"
        verbose_name_plural = "écritures des projets"
        indexes = [models.Index(fields=["projet", "modele"], name="ecriture_projet_modele")]

    def __str__(self):
        return f"{self.projet_id} #{self.pk}"


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

    #: every change of membership (invited, role changed, removed) and who made it
    history = HistoricalRecords()

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
        return f"{self.user} — {self.projet} ({self.get_role_display()})"  # no query for the accord

    @property
    def role_libelle(self) -> str:
        """The role as the UI names this person (``Preferences.accord``: « Coordinatrice »,
        « Coordinateur », « Coordination »); read ``user__preferences`` with ``select_related``."""
        return libelle_role(self.role, accord_de(self.user))

    def clean(self):
        if self.role in (Role.PARTENAIRE, Role.FINANCEUR) and not self.organisation_id:
            raise ValidationError({"organisation": "Un partenaire ou un financeur doit être rattaché à une organisation."})
        if self.organisation_id and self.projet_id and self.organisation.projet_id != self.projet_id:
            raise ValidationError({"organisation": "Cette organisation n'appartient pas à ce projet."})


class InvitationQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)

    def role_filter(self, role, organisation_id):
        """The project's administrators manage the members; nobody else sees the invitations."""
        if role == Role.ADMINISTRATEUR:
            return EVERYTHING
        return NOTHING


class Invitation(models.Model):
    """A one-time link sent by e-mail to a new member to choose their password
    (``conciergerie.membres``). Only the SHA-256 of the random token is stored: the database
    does not hold a usable link. Valid ``DUREE_INVITATION`` days, once; sending it again
    replaces it (``remplacee_le``)."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations", verbose_name="compte")
    jeton_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="invité par"
    )
    cree_le = models.DateTimeField("envoyée le", default=timezone.now)
    expire_le = models.DateTimeField("expire le")
    utilisee_le = models.DateTimeField("utilisée le", null=True, blank=True)
    remplacee_le = models.DateTimeField("remplacée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-cree_le"]

    def __str__(self):
        return f"Invitation de {self.user} — {self.projet}"


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
        return f"{self.user} — {date_courte(self.jour)}"


class Preferences(models.Model):
    """A user's own choices, whatever the project (the « Préférences » page, ``/compte/``). A user
    without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences", verbose_name="utilisateur", primary_key=True
    )
    resume_quotidien = models.BooleanField(
        "recevoir le résumé du matin",
        default=True,
        help_text="Un courriel chaque matin avec le nombre de tâches à faire dans vos projets et les liens pour les ouvrir.",
    )
    accord = models.CharField(
        "accord de votre rôle",
        max_length=10,
        choices=Accord.choices,
        default=Accord.NON_PRECISE,
        blank=True,
        help_text="Comment nommer votre rôle : coordinatrice, coordinateur, ou coordination si vous ne le précisez pas.",
    )
    modifie_le = models.DateTimeField("modifiées le", auto_now=True)

    class Meta:
        verbose_name = "préférences"
        verbose_name_plural = "préférences"

    def __str__(self):
        return f"Préférences de {self.user}"


def accord_de(user) -> str:
    """The user's ``Preferences.accord`` (« » when not said or without preferences); no query when
    ``user__preferences`` was selected with the user."""
    try:
        return user.preferences.accord
    except Preferences.DoesNotExist:
        return Accord.NON_PRECISE


class ActionAcces(models.TextChoices):
    FICHE_APPRENANT = "fiche_apprenant", "Fiche apprenant consultée"
    BILAN_NOMINATIF = "bilan_nominatif", "Bilan nominatif téléchargé"
    JUSTIFICATIF = "justificatif", "Justificatif (reçu) téléchargé"
    EXPORT_ACCES = "export_acces", "Export des données d'un apprenant téléchargé"
    ANONYMISATION = "anonymisation", "Anonymisation"


class JournalAccesQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)

    def role_filter(self, role, organisation_id):
        """The project's administrators read the log; nobody else."""
        if role == Role.ADMINISTRATEUR:
            return EVERYTHING
        return NOTHING


class JournalAcces(models.Model):
    """Who opened a learner's file or downloaded a file holding personal data, when, in which
    project (``conciergerie.journal.journaliser``: one INSERT per view). Read-only for the
    project's administrators; purged after ``settings.RGPD_JOURNAL_MOIS`` months by the retention
    task (rgpd.conservation). Lives in the lowest app so that a view of any app can write it.

    The object is named by its model (``objet_type``, ``app_label.model``) and id, and by a label
    that is never a learner's name (their reference): anonymising a learner leaves no name here."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="utilisateur"
    )
    #: who, kept as text: the record outlives the account
    user_nom = models.CharField("utilisateur (nom conservé)", max_length=200, blank=True)
    action = models.CharField("action", max_length=30, choices=ActionAcces.choices)
    objet_type = models.CharField("type d'objet", max_length=100, blank=True)
    objet_id = models.PositiveBigIntegerField("id de l'objet", null=True, blank=True)
    objet_libelle = models.CharField("objet", max_length=200, blank=True)
    date = models.DateTimeField("date", default=timezone.now)

    objects = JournalAccesQuerySet.as_manager()

    class Meta:
        verbose_name = "accès aux données personnelles"
        verbose_name_plural = "journal des accès aux données personnelles"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["projet", "-date"], name="journal_projet_date"),
            models.Index(fields=["projet", "objet_type", "objet_id", "-date"], name="journal_projet_objet"),
            models.Index(fields=["date"], name="journal_date"),
        ]

    def __str__(self):
        return f"{date_heure(self.date)} — {self.user_nom} — {self.get_action_display()} {self.objet_libelle}"


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
    #: the technical detail of a failure (the exception and its traceback), for platform
    #: administrators in the Django admin only; the user reads ``erreur``, a French sentence
    detail = models.TextField("détail technique (administrateurs)", blank=True)
    #: progress while the worker runs it (``imports.travail.Progression``): rows read of the total
    #: (0 of 0: the file is being read)
    lignes_faites = models.PositiveIntegerField("lignes traitées", default=0)
    lignes_total = models.PositiveIntegerField("lignes du fichier", default=0)
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
