from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from conciergerie.formats import date_courte, euros
from conciergerie.formats import heures as ecrire_heures
from conciergerie.roles import Role
from conciergerie.scoping import ProjetScopedMixin, TenantQuerySet
from parcours.models import Apprenant, SessionFormation, Situation
from partenaires.models import Organisation

CENT = Decimal("0.01")
MONTANT = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
POURCENTAGE = {
    "max_digits": 5,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


def arrondi_centime(value: Decimal) -> Decimal:
    """Round half-up to the cent (the rule for every amount computed here)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class FinancementQuerySet(TenantQuerySet):
    #: path from the model to the funding, for the financeur's filter
    financement_field = "pk"

    def role_filter(self, role, organisation_id):
        if role == Role.FINANCEUR:
            path = "financeur_id" if self.financement_field == "pk" else f"{self.financement_field}__financeur_id"
            return Q(**{path: organisation_id})
        return super().role_filter(role, organisation_id)


def logo_upload_to(instance, filename):
    return f"projets/{instance.projet_id}/logos/{filename}"


class Financement(ProjetScopedMixin):
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="financements")
    programme = models.CharField("programme", max_length=120, help_text="Deffinov, Région, FSE+, fondation…")
    intitule = models.CharField("intitulé", max_length=200)
    montant_accorde = models.DecimalField("montant accordé (€)", **MONTANT)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")
    plafond_benevolat = models.DecimalField("plafond de valorisation bénévole (%)", **POURCENTAGE)
    plafond_ingenierie = models.DecimalField("plafond d'ingénierie (%)", **POURCENTAGE)
    # the participants' statuses (``parcours.models.Situation``) this funding may not pay for
    # (FEADER: not the agents publics); a coordinator overrides per participant
    # (``DerogationEligibilite``, with a reason)
    statuts_exclus = models.JSONField(
        "statuts non éligibles",
        default=list,
        blank=True,
        help_text="Les participants de ces statuts ne sont pas comptés comme éligibles (sauf dérogation).",
    )
    # printed on the attendance sheets of the séances it covers (``pilotage.views_emargement``):
    # the funder's logo and the mention its rules require (an EU fund's emblem and sentence)
    logo = models.FileField(
        "logo du financeur",
        upload_to=logo_upload_to,
        blank=True,
        help_text="PNG ou JPEG, 1 Mo au plus : imprimé sur les feuilles d'émargement des séances qu'il finance.",
    )
    mention = models.CharField(
        "mention obligatoire",
        max_length=300,
        blank=True,
        help_text="Imprimée sur les feuilles d'émargement, par exemple « Opération cofinancée par l'Union européenne (FEADER) ». "
        "Sans mention : le financeur et le programme.",
    )

    objects = FinancementQuerySet.as_manager()

    class Meta:
        verbose_name = "financement"
        verbose_name_plural = "financements"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="financement_fin_apres_debut",
                violation_error_message="La fin du financement doit suivre son début.",
            ),
            models.CheckConstraint(condition=Q(montant_accorde__gte=0), name="financement_montant_positif"),
            models.CheckConstraint(
                condition=(Q(plafond_benevolat__isnull=True) | Q(plafond_benevolat__gte=0, plafond_benevolat__lte=100))
                & (Q(plafond_ingenierie__isnull=True) | Q(plafond_ingenierie__gte=0, plafond_ingenierie__lte=100)),
                name="financement_plafonds_pourcentages",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.intitule}"

    def clean(self):
        if self.financeur_id and self.projet_id and self.financeur.projet_id != self.projet_id:
            raise ValidationError({"financeur": "Ce financeur n'appartient pas à ce projet."})
        inconnus = set(self.statuts_exclus or []) - set(Situation.values)
        if not isinstance(self.statuts_exclus, list) or inconnus:
            raise ValidationError({"statuts_exclus": "Choisissez les statuts dans la liste."})


class CategorieBudget(models.TextChoices):
    PERSONNEL = "personnel", "Personnel"
    FRAIS_MISSION = "frais_mission", "Frais de mission"
    PRESTATIONS = "prestations", "Prestations"
    INGENIERIE = "ingenierie", "Ingénierie"
    FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
    INVESTISSEMENT = "investissement", "Investissement"


class LigneBudgetQuerySet(FinancementQuerySet):
    projet_field = "financement__projet"
    financement_field = "financement"


class LigneBudget(models.Model):
    financement = models.ForeignKey(Financement, on_delete=models.CASCADE, related_name="lignes")
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieBudget.choices)
    libelle = models.CharField("libellé", max_length=200)
    montant_prevu = models.DecimalField("montant prévu (€)", **MONTANT)

    objects = LigneBudgetQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["categorie", "libelle"]
        constraints = [models.CheckConstraint(condition=Q(montant_prevu__gte=0), name="ligne_montant_positif")]

    def __str__(self):
        return f"{self.get_categorie_display()} — {self.libelle}"


class DepenseQuerySet(FinancementQuerySet):
    projet_field = "ligne__financement__projet"
    financement_field = "ligne__financement"


def justificatif_upload_to(instance, filename):
    return f"financements/{instance.ligne.financement_id}/justificatifs/{filename}"


class Depense(models.Model):
    ligne = models.ForeignKey(LigneBudget, on_delete=models.PROTECT, related_name="depenses", verbose_name="ligne de budget")
    date = models.DateField("date")
    libelle = models.CharField("libellé", max_length=200)
    montant = models.DecimalField("montant (€)", **MONTANT)
    justificatif = models.FileField("justificatif", upload_to=justificatif_upload_to, blank=True)

    objects = DepenseQuerySet.as_manager()

    class Meta:
        verbose_name = "dépense"
        verbose_name_plural = "dépenses"
        ordering = ["-date"]
        constraints = [models.CheckConstraint(condition=Q(montant__gte=0), name="depense_montant_positif")]

    def __str__(self):
        return f"{date_courte(self.date)} — {self.libelle}"


class TypeVersement(models.TextChoices):
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


class VersementQuerySet(FinancementQuerySet):
    projet_field = "financement__projet"
    financement_field = "financement"


class Versement(models.Model):
    financement = models.ForeignKey(Financement, on_delete=models.CASCADE, related_name="versements")
    type = models.CharField("type", max_length=10, choices=TypeVersement.choices)
    montant = models.DecimalField("montant (€)", **MONTANT)
    date_limite_demande = models.DateField("à demander avant le", null=True, blank=True)
    date_demande = models.DateField("demandé le", null=True, blank=True)
    date_reception = models.DateField("reçu le", null=True, blank=True)

    objects = VersementQuerySet.as_manager()

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["date_limite_demande"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="versement_montant_positif"),
            models.CheckConstraint(
                condition=Q(date_reception__isnull=True) | Q(date_demande__isnull=True) | Q(date_reception__gte=F("date_demande")),
                name="versement_recu_apres_demande",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {euros(self.montant)} — {self.financement}"


class TempsBenevoleQuerySet(TenantQuerySet):
    pass


class TempsBenevole(ProjetScopedMixin):
    financement = models.ForeignKey(
        Financement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="temps_benevoles",
        help_text="Financement dont ce temps valorise le cofinancement.",
    )
    date = models.DateField("date")
    personne = models.CharField("bénévole", max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    activite = models.CharField("activité", max_length=200)
    heures = models.DecimalField("heures", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    taux_horaire = models.DecimalField("taux horaire (€)", **{**MONTANT, "max_digits": 8})
    valorise = models.BooleanField("valorisé", default=True, help_text="Décoché : temps « donné en plus », montré mais non compté.")

    objects = TempsBenevoleQuerySet.as_manager()

    class Meta:
        verbose_name = "temps bénévole"
        verbose_name_plural = "temps bénévoles"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(condition=Q(heures__gt=0), name="benevolat_heures_positives"),
            models.CheckConstraint(condition=Q(taux_horaire__gte=0), name="benevolat_taux_positif"),
        ]
        indexes = [models.Index(fields=["projet", "date"])]

    def __str__(self):
        return f"{self.personne} — {date_courte(self.date)} — {ecrire_heures(self.heures)}"

    @property
    def valorisation(self) -> Decimal:
        return arrondi_centime(self.heures * self.taux_horaire)


class ModePartage(models.TextChoices):
    PAR_APPRENANT = "par_apprenant", "Par apprenant"
    PAR_SESSION = "par_session", "Par session"


MESSAGE_SANS_SESSION = "Un partage par session doit indiquer la session."
MESSAGE_SANS_APPRENANT = "Un partage par apprenant doit indiquer l'apprenant."


class PartageValeur(ProjetScopedMixin):
    """What a training organisation pays back for the learners the conciergerie placed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partages_valeur", verbose_name="organisme de formation"
    )
    # RESTRICT, not SET_NULL: a per-session (per-learner) share keeps its session (learner), as the
    # constraints below require; deleting a session or a learner that a share names is refused
    session = models.ForeignKey(
        SessionFormation, on_delete=models.RESTRICT, null=True, blank=True, related_name="partages_valeur", verbose_name="session"
    )
    apprenant = models.ForeignKey(Apprenant, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="apprenant")
    mode = models.CharField("mode", max_length=20, choices=ModePartage.choices)
    montant = models.DecimalField("montant (€)", **MONTANT)
    recu = models.BooleanField("reçu", default=False)
    date_reception = models.DateField("reçu le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "partage de valeur"
        verbose_name_plural = "partages de valeur"
        ordering = ["organisation__nom"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="partage_montant_positif"),
            models.CheckConstraint(condition=Q(recu=False) | Q(date_reception__isnull=False), name="partage_recu_date"),
            models.CheckConstraint(
                condition=~Q(mode=ModePartage.PAR_SESSION) | Q(session__isnull=False),
                name="partage_par_session_avec_session",
                violation_error_message=MESSAGE_SANS_SESSION,
            ),
            models.CheckConstraint(
                condition=~Q(mode=ModePartage.PAR_APPRENANT) | Q(apprenant__isnull=False),
                name="partage_par_apprenant_avec_apprenant",
                violation_error_message=MESSAGE_SANS_APPRENANT,
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {euros(self.montant)}"

    def clean(self):
        """The database constraints above, with French messages next to the field, and the rules
        across tables: the session's organisation, every row in the partage's project."""
        erreurs = {}
        if self.mode == ModePartage.PAR_SESSION and not self.session_id:
            erreurs["session"] = MESSAGE_SANS_SESSION
        if self.mode == ModePartage.PAR_APPRENANT and not self.apprenant_id:
            erreurs["apprenant"] = MESSAGE_SANS_APPRENANT
        if self.projet_id:
            if self.organisation_id and self.organisation.projet_id != self.projet_id:
                erreurs["organisation"] = "Cet organisme n'appartient pas à ce projet."
            if self.session_id and self.session.projet_id != self.projet_id:
                erreurs["session"] = "Cette session n'appartient pas à ce projet."
            if self.apprenant_id and self.apprenant.projet_id != self.projet_id:
                erreurs["apprenant"] = "Cet apprenant n'appartient pas à ce projet."
        meme_projet = "session" not in erreurs and "organisation" not in erreurs
        if meme_projet and self.session_id and self.organisation_id and self.session.organisation_id != self.organisation_id:
            erreurs["organisation"] = f"L'organisme doit être celui de la session ({self.session.organisation.nom})."
        if erreurs:
            raise ValidationError(erreurs)


# ------------------------------------------------------------------ eligibility per funding (issue 17)

MESSAGE_MOTIF = "Indiquez le motif de la dérogation."


class DerogationEligibiliteQuerySet(TenantQuerySet):
    """An override names a learner: the conciergerie's own business (administrators and
    coordinators), never a funder's, even for its own funding (it sees the counts)."""


class DerogationEligibilite(ProjetScopedMixin):
    """A coordinator's decision, for one participant and one funding, that overrides the
    funding's excluded statuses (``Financement.statuts_exclus``): eligible although excluded
    (an elected official who attends as a company manager), or not eligible although not
    excluded. Always with its reason."""

    financement = models.ForeignKey(Financement, on_delete=models.CASCADE, related_name="derogations")
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="derogations_eligibilite")
    eligible = models.BooleanField("éligible", default=True)
    motif = models.CharField("motif", max_length=300)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = DerogationEligibiliteQuerySet.as_manager()

    class Meta:
        verbose_name = "dérogation d'éligibilité"
        verbose_name_plural = "dérogations d'éligibilité"
        ordering = ["apprenant__nom", "apprenant__prenom"]
        constraints = [
            models.UniqueConstraint(fields=["financement", "apprenant"], name="derogation_unique"),
            models.CheckConstraint(condition=~Q(motif=""), name="derogation_motif", violation_error_message=MESSAGE_MOTIF),
        ]

    def __str__(self):
        return f"{self.apprenant} — {'éligible' if self.eligible else 'non éligible'} ({self.financement})"

    def clean(self):
        erreurs = {}
        if not (self.motif or "").strip():
            erreurs["motif"] = MESSAGE_MOTIF
        if self.projet_id:
            if self.financement_id and self.financement.projet_id != self.projet_id:
                erreurs["financement"] = "Ce financement n'appartient pas à ce projet."
            if self.apprenant_id and self.apprenant.projet_id != self.projet_id:
                erreurs["apprenant"] = "Cet apprenant n'appartient pas à ce projet."
        if erreurs:
            raise ValidationError(erreurs)


# ------------------------------------------------------------------ targets (issue 17)


class Indicateur(models.TextChoices):
    ACCOMPAGNES = "accompagnes", "Personnes accompagnées"
    FORMES = "formes", "Personnes formées"
    RECRUTEMENTS = "recrutements", "Recrutements"
    HEURES = "heures", "Heures de formation réalisées"
    TAUX_SORTIES_POSITIVES = "taux_sorties_positives", "Taux de sorties positives (%)"


class ObjectifQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        # a funder sees the targets of its own fundings (not the project's own targets)
        if role == Role.FINANCEUR:
            return Q(financement__financeur_id=organisation_id)
        return super().role_filter(role, organisation_id)


MESSAGE_ECHEANCE_PASSEE = "L'échéance est déjà passée : choisissez une date à venir."


class Objectif(ProjetScopedMixin):
    """A target of the project, or of one of its fundings: a figure (``indicateur``) to reach by
    a deadline. Its progress (``pilotage.repartitions.progression``) compares the achieved share
    of the target with the elapsed share of its period [début, échéance]."""

    financement = models.ForeignKey(Financement, on_delete=models.CASCADE, null=True, blank=True, related_name="objectifs")
    indicateur = models.CharField("indicateur", max_length=30, choices=Indicateur.choices)
    valeur_cible = models.DecimalField(
        "valeur cible", max_digits=9, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))], help_text="Un taux en %."
    )
    date_debut = models.DateField(
        "début", null=True, blank=True, help_text="Vide : le début du financement, ou du projet pour un objectif du projet."
    )
    date_echeance = models.DateField("échéance")

    objects = ObjectifQuerySet.as_manager()

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["date_echeance", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valeur_cible__gt=0), name="objectif_cible_positive"),
            models.CheckConstraint(
                condition=Q(date_debut__isnull=True) | Q(date_echeance__gt=F("date_debut")),
                name="objectif_echeance_apres_debut",
                violation_error_message="L'échéance doit suivre le début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_indicateur_display()} : {self.valeur_cible} avant le {self.date_echeance:%d/%m/%Y}"

    @property
    def debut(self):
        """The start of the target's period."""
        if self.date_debut:
            return self.date_debut
        if self.financement_id:
            return self.financement.date_debut
        return self.projet.date_debut

    def clean(self):
        erreurs = {}
        if self.projet_id and self.financement_id and self.financement.projet_id != self.projet_id:
            erreurs["financement"] = "Ce financement n'appartient pas à ce projet."
        if self.indicateur == Indicateur.TAUX_SORTIES_POSITIVES and self.valeur_cible and self.valeur_cible > 100:
            erreurs["valeur_cible"] = "Un taux ne dépasse pas 100 %."
        if self.date_echeance and self.projet_id and self.date_echeance <= self.debut:
            erreurs["date_echeance"] = f"L'échéance doit suivre le début ({self.debut:%d/%m/%Y})."
        if erreurs:
            raise ValidationError(erreurs)
