from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from conciergerie.recherche import texte_normalise
from conciergerie.roles import Role
from conciergerie.scoping import EVERYTHING, ProjetScopedMixin, TenantQuerySet
from conciergerie.validators import validate_nda, validate_siret, validate_telephone


class TypeOrganisation(models.TextChoices):
    TIERS_LIEU = "tiers_lieu", "Tiers-lieu"
    ORGANISME_FORMATION = "organisme_formation", "Organisme de formation"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission Locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    ENTREPRISE = "entreprise", "Entreprise"
    FINANCEUR_PUBLIC = "financeur_public", "Financeur public"
    FONDATION = "fondation", "Fondation"
    COLLECTIVITE = "collectivite", "Collectivité"
    UNIVERSITE = "universite", "Université"
    CHAMBRE_CONSULAIRE = "chambre_consulaire", "Chambre consulaire"
    ASSOCIATION = "association", "Association"


class StatutQualiopi(models.TextChoices):
    CERTIFIE = "certifie", "Certifié"
    EN_COURS = "en_cours", "Certification en cours"
    NON_CERTIFIE = "non_certifie", "Non certifié"


class OrganisationQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        # The consortium's directory is no personal data: every member reads it.
        return EVERYTHING


class Organisation(ProjetScopedMixin):
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=TypeOrganisation.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    commune = models.CharField("commune", max_length=120, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    site_web = models.URLField("site web", blank=True)
    qualiopi_statut = models.CharField("Qualiopi", max_length=20, choices=StatutQualiopi.choices, blank=True)
    qualiopi_expiration = models.DateField("expiration du certificat Qualiopi", null=True, blank=True)
    nda = models.CharField("numéro de déclaration d'activité (NDA)", max_length=11, blank=True, validators=[validate_nda])
    notes = models.TextField("notes", blank=True)
    # the name and town without accents, in lower case (the global search and the list's filter;
    # conciergerie/recherche.py), computed by the database on every write
    texte_recherche = models.GeneratedField(expression=texte_normalise("nom", "commune"), output_field=models.TextField(), db_persist=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["projet", "siret"], condition=~Q(siret=""), name="organisation_siret_unique_par_projet"),
            models.UniqueConstraint(fields=["projet", "nom", "commune"], name="organisation_nom_commune_unique"),
        ]
        indexes = [models.Index(fields=["projet", "type"])]

    def __str__(self):
        return f"{self.nom} ({self.commune})" if self.commune else self.nom

    @property
    def est_organisme_formation(self) -> bool:
        return self.type == TypeOrganisation.ORGANISME_FORMATION

    def clean(self):
        if not self.est_organisme_formation and (self.qualiopi_statut or self.qualiopi_expiration or self.nda):
            raise ValidationError("Qualiopi et NDA ne concernent que les organismes de formation.")
        if self.qualiopi_statut == StatutQualiopi.CERTIFIE and not self.qualiopi_expiration:
            raise ValidationError({"qualiopi_expiration": "Indiquez la date d'expiration du certificat Qualiopi."})


class ContactQuerySet(TenantQuerySet):
    projet_field = "organisation__projet"

    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return EVERYTHING  # professional contacts of the consortium
        return super().role_filter(role, organisation_id)


class Contact(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    fonction = models.CharField("fonction", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_telephone])
    est_referent = models.BooleanField("référent", default=False)
    # the name, first name and function without accents, in lower case (the global search)
    texte_recherche = models.GeneratedField(
        expression=texte_normalise("nom", "prenom", "fonction"), output_field=models.TextField(), db_persist=True
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["nom", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom}"


class RoleConsortium(models.TextChoices):
    CHEF_DE_FILE = "chef_de_file", "Chef de file"
    MEMBRE = "membre", "Membre"
    ASSOCIE = "associe", "Associé"


class MembreConsortiumQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        return EVERYTHING


class MembreConsortium(ProjetScopedMixin):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="adhesions_consortium")
    role = models.CharField("rôle", max_length=20, choices=RoleConsortium.choices, default=RoleConsortium.MEMBRE)
    date_entree = models.DateField("entrée", null=True, blank=True)
    date_sortie = models.DateField("sortie", null=True, blank=True)

    objects = MembreConsortiumQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du consortium"
        verbose_name_plural = "membres du consortium"
        ordering = ["role", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(fields=["projet", "organisation"], name="membre_unique_par_projet"),
            models.UniqueConstraint(fields=["projet"], condition=Q(role="chef_de_file"), name="un_seul_chef_de_file"),
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True) | Q(date_entree__isnull=True) | Q(date_sortie__gte=F("date_entree")),
                name="membre_sortie_apres_entree",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()}"

    def clean(self):
        if self.organisation_id and self.projet_id and self.organisation.projet_id != self.projet_id:
            raise ValidationError({"organisation": "Cette organisation n'appartient pas à ce projet."})


class TypeConvention(models.TextChoices):
    PARTENARIAT = "partenariat", "Partenariat"
    SOUS_TRAITANCE = "sous_traitance", "Sous-traitance"
    FINANCEMENT = "financement", "Financement"


class ConventionQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role in (Role.PARTENAIRE, Role.FINANCEUR):
            # the conventions its organisation signed (subquery: no duplicate rows)
            signed = Convention.parties.through.objects.filter(organisation_id=organisation_id)
            return Q(pk__in=signed.values("convention_id"))
        return super().role_filter(role, organisation_id)


def convention_upload_to(instance, filename):
    return f"projets/{instance.projet_id}/conventions/{filename}"


class Convention(ProjetScopedMixin):
    type = models.CharField("type", max_length=20, choices=TypeConvention.choices)
    intitule = models.CharField("intitulé", max_length=200)
    parties = models.ManyToManyField(Organisation, related_name="conventions", verbose_name="parties")
    date_signature = models.DateField("signée le", null=True, blank=True)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    fichier = models.FileField("convention signée", upload_to=convention_upload_to, blank=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="convention_fin_apres_debut",
                violation_error_message="La fin doit suivre le début.",
            ),
            models.CheckConstraint(condition=Q(montant__isnull=True) | Q(montant__gte=0), name="convention_montant_positif"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.intitule}"
