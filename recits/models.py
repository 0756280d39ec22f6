from django.conf import settings
from django.db import models
from django.db.models import F, Q

from conciergerie.formats import date_courte
from conciergerie.roles import Role
from conciergerie.scoping import EVERYTHING, ProjetScopedMixin, TenantQuerySet
from parcours.models import Apprenant
from partenaires.models import Contact, Organisation


class TypeRecit(models.TextChoices):
    TEMOIGNAGE = "temoignage", "Témoignage"
    PORTRAIT = "portrait", "Portrait"
    MOMENT_CLE = "moment_cle", "Moment clé"
    CARNET_DE_BORD = "carnet_de_bord", "Carnet de bord"
    COMPTE_RENDU = "compte_rendu", "Compte rendu"


class TypeActivite(models.TextChoices):
    ATELIER = "atelier", "Atelier"
    REUNION_PARTENAIRES = "reunion_partenaires", "Réunion partenaires"
    COMITE = "comite", "Comité (CLE, Task Force…)"
    EVENEMENT = "evenement", "Événement"
    INFORMATION_COLLECTIVE = "information_collective", "Information collective"


class ActiviteQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.FINANCEUR:
            return EVERYTHING  # activities are no personal data
        return super().role_filter(role, organisation_id)


class Activite(ProjetScopedMixin):
    type = models.CharField("type", max_length=30, choices=TypeActivite.choices)
    intitule = models.CharField("intitulé", max_length=200)
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="activites")
    nb_participants = models.PositiveIntegerField("participants", default=0)
    description = models.TextField("description", blank=True)
    temps_benevoles = models.ManyToManyField("finances.TempsBenevole", blank=True, related_name="activites", verbose_name="temps bénévole")

    objects = ActiviteQuerySet.as_manager()

    class Meta:
        verbose_name = "activité"
        verbose_name_plural = "activités"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.intitule} ({date_courte(self.date)})"


class Recit(ProjetScopedMixin):
    titre = models.CharField("titre", max_length=200)
    type = models.CharField("type", max_length=20, choices=TypeRecit.choices)
    texte = models.TextField("texte (Markdown)")
    date = models.DateField("date")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    apprenants = models.ManyToManyField(Apprenant, blank=True, related_name="recits")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="recits")
    activites = models.ManyToManyField(Activite, blank=True, related_name="recits")
    a_presenter_copil = models.BooleanField("à présenter au COPIL", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "récit"
        verbose_name_plural = "récits"
        ordering = ["-date"]

    def __str__(self):
        return self.titre


class AvisRetraitConsentement(ProjetScopedMixin):
    """A récit taken out of the reports because a learner it names or is linked to withdrew
    consent (``services.retirer_consentement``): what its author reads on the project's home page
    (and received by e-mail). It names no learner: the author opens the récit to see who."""

    recit = models.ForeignKey(Recit, on_delete=models.CASCADE, related_name="avis_retrait", verbose_name="récit")
    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    retire_le = models.DateField("consentement retiré le")
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "avis de retrait de consentement"
        verbose_name_plural = "avis de retrait de consentement"
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["destinataire", "projet", "cree_le"])]

    def __str__(self):
        return f"{self.recit} — consentement retiré le {date_courte(self.retire_le)}"


class CopilQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.FINANCEUR:
            return EVERYTHING
        return super().role_filter(role, organisation_id)


class Copil(ProjetScopedMixin):
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    periode_debut = models.DateField("période couverte : début")
    periode_fin = models.DateField("période couverte : fin")
    participants = models.ManyToManyField(Contact, blank=True, related_name="copils")
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    decisions = models.TextField("décisions", blank=True)
    besoins = models.TextField("besoins", blank=True)
    prochaines_etapes = models.TextField("prochaines étapes", blank=True)

    objects = CopilQuerySet.as_manager()

    class Meta:
        verbose_name = "COPIL"
        verbose_name_plural = "COPIL"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(periode_fin__gte=F("periode_debut")),
                name="copil_periode_ordonnee",
                violation_error_message="La fin de la période doit suivre son début.",
            )
        ]

    def __str__(self):
        return f"COPIL du {date_courte(self.date)}"


# Kept for recits' migrations 0001 and 0003 to 0006, which name them: the COPIL reports and the
# Excel bilans (the jobs) moved to ``pilotage`` (its migration 0001), whose ``job_upload_to`` is
# the live one.
def rapport_upload_to(instance, filename):
    return f"projets/{instance.copil.projet_id}/rapports/{filename}"


def job_upload_to(instance, filename):
    return f"projets/{instance.projet_du_job}/{instance.dossier}/{filename}"
