"""The jobs that produce a file: the COPIL report's PDF and the Excel bilans.

They moved here from ``recits`` (migrations ``recits 0007`` and ``pilotage 0001`` rename their
tables and keep every row).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from conciergerie.formats import date_courte, date_longue, effectif
from conciergerie.roles import Role, peut
from conciergerie.scoping import EVERYTHING, NOTHING, ProjetScopedMixin, TenantQuerySet, adhesions_of
from recits.models import Copil


class StatutJob(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    PRET = "pret", "Prêt"
    ECHEC = "echec", "Échec"


#: the COPIL report's name for the job statuses (kept: tests, templates and tasks use it)
StatutRapport = StatutJob


def job_upload_to(instance, filename):
    """Where a job's file goes: ``projets/<id>/<dossier>/<file>`` (see ``Job.dossier``)."""
    return f"projets/{instance.projet_du_job}/{instance.dossier}/{filename}"


class Job(models.Model):
    """A background job that produces one file (the COPIL report's PDF, an Excel bilan).

    One mechanism for every kind (``pilotage.jobs``): the row is created by the request, the Celery
    task checks its status under a row lock before working, saves its progress as it goes and
    writes the file atomically once complete; a failure is kept in ``erreur``. The UI (status
    partial ``pilotage/_job_statut.html``, status/retry/download views in ``pilotage.views_jobs``)
    reads the class attributes below to name its URLs and texts.
    """

    #: URL names ``<cle>_statut``, ``<cle>_relancer``, ``<cle>_telecharger``; DOM id ``<cle>-<pk>``
    cle = "job"
    #: "Rapport demandé le …"
    libelle = "Fichier"
    libelle_telecharger = "Télécharger"
    type_mime = "application/octet-stream"
    #: folder of the files under the project's (``job_upload_to``)
    dossier = "fichiers"
    #: capabilities a role needs to retry a failed job (the status partial shows "Relancer")
    capacites_relancer: tuple[str, ...] = ()
    #: the Celery task that runs the job (dotted path; ``pilotage.jobs.envoyer`` sends it)
    tache = ""

    statut = models.CharField("statut", max_length=20, choices=StatutJob.choices, default=StatutJob.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    fichier = models.FileField("fichier", upload_to=job_upload_to, blank=True)
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: who asked, kept as text: the record of an export outlives the account (SET_NULL above)
    demande_par_nom = models.CharField("demandé par (nom conservé)", max_length=200, blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    debut = models.DateTimeField("commencé le", null=True, blank=True)
    fin = models.DateTimeField("terminé le", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)
    #: the technical detail of the last failure (the exception and its traceback, paths included):
    #: for platform administrators, in the Django admin only; pages show ``erreur``, in French
    #: without paths (``pilotage.jobs.echouer``)
    detail = models.TextField("détail technique (administrateurs)", blank=True)
    #: runs started since the job was (re)queued: a worker killed at the hard time limit gives the
    #: message back to the queue (``reject_on_worker_lost``); past ``pilotage.jobs.TENTATIVES_MAX``
    #: the job fails with its reason instead of being run again and again
    tentatives = models.PositiveSmallIntegerField("exécutions commencées", default=0)
    #: the outbox (``pilotage.jobs.envoyer``): when the task was handed to the broker (empty: still
    #: to send), and whether the last sending failed (broker down; the page says so)
    envoye_le = models.DateTimeField("tâche envoyée le", null=True, blank=True)
    envoi_en_echec = models.BooleanField("envoi en échec (file indisponible)", default=False)
    #: refreshed every few seconds while a worker runs the job (``pilotage.jobs.Battement``): a
    #: running job whose heartbeat stopped lost its worker (``pilotage.jobs.balayer``)
    battement = models.DateTimeField("dernier signe de vie", null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        champs = kwargs.get("update_fields")
        if self.demande_par_id and (champs is None or "demande_par" in champs):
            user = self.demande_par
            self.demande_par_nom = f"{user.get_full_name() or user.username} ({user.username})"[:200]
            if champs is not None:
                kwargs["update_fields"] = {*champs, "demande_par_nom"}
        super().save(*args, **kwargs)

    @property
    def projet_du_job(self) -> int:
        raise NotImplementedError

    def resume(self) -> str:
        """What was asked, in one line under the status (empty: nothing to add)."""
        return ""


class Destinataire(models.TextChoices):
    """For whom a COPIL report is made: the committee's rendering (funders included) holds
    aggregates only; the coordinators' adds the paths ended in the period, learner by learner."""

    FINANCEURS = "financeurs", "Comité et financeurs (chiffres agrégés)"
    COORDINATION = "coordination", "Coordination (avec les parcours individuels)"


class RapportCopilQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)
    projet_field = "copil__projet"

    def role_filter(self, role, organisation_id):
        """A funder reads the committee's rendering only (no row about a person)."""
        if role == Role.FINANCEUR:
            return Q(destinataire=Destinataire.FINANCEURS)
        return super().role_filter(role, organisation_id)


class RapportCopil(Job):
    """A generated COPIL report: the job row the Celery task reads and writes."""

    cle = "rapport"
    libelle = "Rapport"
    libelle_telecharger = "Télécharger le PDF"
    type_mime = "application/pdf"
    dossier = "rapports"
    capacites_relancer = ("recits.modifier",)
    tache = "pilotage.tasks.generer_rapport_copil"

    copil = models.ForeignKey(Copil, on_delete=models.CASCADE, related_name="rapports")
    destinataire = models.CharField(
        "destinataire",
        max_length=20,
        choices=Destinataire.choices,
        default=Destinataire.FINANCEURS,
        help_text="Comité et financeurs : chiffres agrégés seulement. Coordination : avec les parcours individuels.",
    )

    objects = RapportCopilQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport de COPIL"
        verbose_name_plural = "rapports de COPIL"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(condition=Q(progression__lte=100), name="rapport_progression_max"),
        ]

    def __str__(self):
        return f"Rapport — {self.copil} ({self.get_statut_display()})"

    @property
    def projet_du_job(self) -> int:
        return self.copil.projet_id

    def resume(self) -> str:
        return f"Version : {self.get_destinataire_display()}"


class BilanExcelQuerySet(TenantQuerySet):
    hors_chiffres = True  # feeds no figure (conciergerie.revisions)

    def role_filter(self, role, organisation_id):
        """Administrators see every bilan; coordinators those without personal data; partners
        and funders none (a project bilan has one row per learner, even pseudonymised). A bilan
        of several projects has no ``projet``: ``visible_to`` never gives it (see
        ``de_plusieurs_projets``)."""
        if role == Role.ADMINISTRATEUR:
            return EVERYTHING
        if role == Role.COORDINATEUR:
            return Q(donnees_personnelles=False)
        return NOTHING

    def de_plusieurs_projets(self, user):
        """The bilans of several projects ``user`` may see: those of which it administers, now
        (active memberships), *every* project. Whoever asked for one is no exception: losing one
        of those memberships loses the file, as a project bilan is lost with the project."""
        administres = [a.projet_id for a in adhesions_of(user) if peut(a.role, "membres.gerer")]
        if not administres:
            return self.none()
        projets = BilanExcel.projets.through.objects.filter(bilanexcel_id=OuterRef("pk"))
        return self.filter(Exists(projets), projet__isnull=True).exclude(Exists(projets.exclude(projet_id__in=administres)))


class BilanExcel(ProjetScopedMixin, Job):
    """An Excel bilan for a period (``pilotage.bilans``): of one project (``projet``), or of several
    (``projet`` empty, ``projets``: the detailed bilan an administrateur of each of them asks for,
    always pseudonymised). The row is also the record of the export: who asked for it, when, for
    which period and projects, and whether with personal data."""

    cle = "bilan"
    libelle = "Bilan"
    libelle_telecharger = "Télécharger le fichier Excel"
    type_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    dossier = "bilans"
    capacites_relancer = ("tableau_de_bord.voir", "apprenants.voir")
    tache = "pilotage.tasks.generer_bilan_excel"

    projet = models.ForeignKey(
        "conciergerie.Projet",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="Vide : bilan de plusieurs projets.",
    )
    projets = models.ManyToManyField(
        "conciergerie.Projet", blank=True, related_name="bilans_communs", verbose_name="projets (bilan de plusieurs projets)"
    )
    periode_debut = models.DateField("période : début")
    periode_fin = models.DateField("période : fin")
    donnees_personnelles = models.BooleanField(
        "avec données personnelles", default=False, help_text="Noms et coordonnées des apprenants : administrateurs seulement."
    )

    objects = BilanExcelQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan Excel"
        verbose_name_plural = "bilans Excel"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(condition=Q(progression__lte=100), name="bilan_progression_max"),
            models.CheckConstraint(
                condition=Q(periode_fin__gte=F("periode_debut")),
                name="bilan_periode_ordonnee",
                violation_error_message="La fin de la période doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(projet__isnull=False) | Q(donnees_personnelles=False),
                name="bilan_plusieurs_projets_pseudonymise",
                violation_error_message="Le bilan de plusieurs projets est toujours pseudonymisé.",
            ),
        ]
        indexes = [models.Index(fields=["projet", "cree_le"])]

    def __str__(self):
        if self.periode_debut is None or self.periode_fin is None:
            return f"Bilan ({self.get_statut_display()})"
        return f"Bilan du {date_courte(self.periode_debut)} au {date_courte(self.periode_fin)} ({self.get_statut_display()})"

    @property
    def projet_du_job(self) -> int | str:
        """Its project, for the file's folder: ``projets/plusieurs/bilans/`` for several."""
        return self.projet_id if self.projet_id is not None else "plusieurs"

    def resume(self) -> str:
        texte = f"Période du {date_longue(self.periode_debut)} au {date_longue(self.periode_fin)}"
        if self.projet_id is None:
            nb = getattr(self, "nb_projets", None)
            if nb is None:
                nb = self.projets.count()
            texte += f" · {effectif(nb, 'projet')}"
        return texte + (" · avec données personnelles" if self.donnees_personnelles else " · apprenants pseudonymisés")
