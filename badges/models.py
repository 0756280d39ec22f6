"""Open Badges 3.0: the project's signing key, its badge classes (tied to competences with the
level each requires) and the badges issued to learners.

A badge is proposed (by a coordinator, or suggested when the learner's latest evaluations reach
every level its class requires), then confirmed by a coordinator: the ``OpenBadgeCredential`` is
then built and signed (``badges/credential.py``) and stored as a JWT. A revoked badge keeps its
row: its bit in the project's status list is set (``credential.liste_statut``), and it cannot be
issued again to the same learner (one badge per class and learner).
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from competences.models import Competence, Niveau
from conciergerie.scoping import ProjetScopedMixin, TenantQuerySet
from parcours.models import Apprenant

#: bits in a project's status list: the W3C Bitstring Status List minimum (16 KiB), a badge's
#: index drawn at random in it (its neighbours tell nothing)
TAILLE_LISTE_STATUT = 131072


class CleProjet(models.Model):
    """The project's Ed25519 key pair (``badges/cles.py``): the public JWK as is, the private one
    encrypted with a key derived from ``SECRET_KEY``. ``identifiant`` names the issuer in the
    public URLs (the profile with its verification method, the status list)."""

    projet = models.OneToOneField("conciergerie.Projet", on_delete=models.CASCADE, related_name="+")
    identifiant = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    cle_publique = models.JSONField("clé publique (JWK)")
    cle_privee_chiffree = models.TextField("clé privée (chiffrée)")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "clé de signature du projet"
        verbose_name_plural = "clés de signature des projets"

    def __str__(self):
        return f"Clé Ed25519 du projet {self.projet_id}"

    @property
    def url_emetteur(self) -> str:
        """The issuer's id (its public profile)."""
        return settings.SITE_URL + reverse("emetteur_profil", args=[self.identifiant])

    @property
    def kid(self) -> str:
        return f"{self.url_emetteur}#cle-1"

    @property
    def url_liste_statut(self) -> str:
        return settings.SITE_URL + reverse("emetteur_statut", args=[self.identifiant])


def image_upload_to(instance, filename):
    return f"projets/{instance.projet_id}/badges/{uuid.uuid4().hex}{'.svg' if filename.lower().endswith('.svg') else '.png'}"


class BadgeClasseQuerySet(TenantQuerySet):
    pass


class BadgeClasse(ProjetScopedMixin):
    nom = models.CharField("nom", max_length=200)
    description = models.TextField("description")
    criteres = models.TextField("critères", help_text="Ce qu'il faut avoir démontré pour recevoir le badge.")
    image = models.FileField(
        "image",
        upload_to=image_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["png", "svg"])],
        help_text="PNG ou SVG (500 Ko au plus). Sans image, une image est dessinée à partir du nom.",
    )
    competences = models.ManyToManyField(Competence, through="CompetenceRequise", related_name="badge_classes", verbose_name="compétences")
    identifiant = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = BadgeClasseQuerySet.as_manager()

    class Meta:
        verbose_name = "badge (modèle)"
        verbose_name_plural = "badges (modèles)"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "nom"], name="badgeclasse_nom_unique", violation_error_message="Ce badge existe déjà."
            )
        ]

    def __str__(self):
        return self.nom


class CompetenceRequise(models.Model):
    badge_classe = models.ForeignKey(BadgeClasse, on_delete=models.CASCADE, related_name="requises", verbose_name="badge")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+", verbose_name="compétence")
    niveau = models.PositiveSmallIntegerField("niveau requis", choices=Niveau.choices, default=Niveau.ACQUIS)

    class Meta:
        verbose_name = "compétence requise"
        verbose_name_plural = "compétences requises"
        ordering = ["competence__code"]
        constraints = [models.UniqueConstraint(fields=["badge_classe", "competence"], name="competence_requise_unique")]

    def __str__(self):
        return f"{self.competence} : {self.get_niveau_display()}"


class StatutBadge(models.TextChoices):
    PROPOSE = "propose", "Proposé"
    DELIVRE = "delivre", "Délivré"
    REVOQUE = "revoque", "Révoqué"


class Publication(models.TextChoices):
    RIEN = "rien", "Le badge seulement, sans nom"
    PRENOM = "prenom", "Le badge et le prénom"
    NOM_COMPLET = "nom_complet", "Le badge, le prénom et le nom"


def nouveau_slug() -> str:
    return secrets.token_urlsafe(24)


def nouveau_sel() -> str:
    return secrets.token_hex(16)


class Badge(ProjetScopedMixin):
    classe = models.ForeignKey(BadgeClasse, on_delete=models.PROTECT, related_name="badges", verbose_name="badge")
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="badges")
    statut = models.CharField("statut", max_length=10, choices=StatutBadge.choices, default=StatutBadge.PROPOSE)
    suggere = models.BooleanField("suggéré par l'application", default=False)
    propose_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    propose_le = models.DateTimeField("proposé le", auto_now_add=True)
    delivre_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    delivre_le = models.DateTimeField("délivré le", null=True, blank=True)
    revoque_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    motif_revocation = models.CharField("motif de la révocation", max_length=300, blank=True)
    publication = models.CharField("ce que la page publique montre", max_length=12, choices=Publication.choices, default=Publication.RIEN)
    #: the public verification page's address (unguessable)
    slug = models.CharField(max_length=40, unique=True, default=nouveau_slug, editable=False)
    #: the credential's id (``urn:uuid:…``)
    identifiant = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: the salt of the recipient's hashed e-mail (``IdentityObject``)
    sel = models.CharField(max_length=64, default=nouveau_sel, editable=False)
    index_statut = models.PositiveIntegerField("index dans la liste de statut", null=True, blank=True, editable=False)
    jwt = models.TextField("attestation signée (JWT-VC)", blank=True, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "badge délivré"
        verbose_name_plural = "badges délivrés"
        ordering = ["-propose_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classe", "apprenant"],
                name="badge_une_fois_par_apprenant",
                violation_error_message="Cet apprenant a déjà ce badge (proposé, délivré ou révoqué).",
            ),
            models.UniqueConstraint(fields=["projet", "index_statut"], name="badge_index_statut_unique"),
            models.CheckConstraint(
                condition=Q(statut="propose") | (Q(index_statut__isnull=False) & ~Q(jwt="")),
                name="badge_delivre_signe",
                violation_error_message="Un badge délivré porte son attestation signée.",
            ),
        ]

    def __str__(self):
        return f"{self.classe} — {self.apprenant}"

    @property
    def url_publique(self) -> str:
        return settings.SITE_URL + reverse("badge_public", args=[self.slug])
