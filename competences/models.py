"""Competence frameworks (référentiels: blocs → competences), the evaluations of a learner against
them, and (below) the traceability of an AFEST step.

Names follow the shared model contract of issue 18 (the ``badges`` app builds on them)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from conciergerie.roles import Role
from conciergerie.scoping import EVERYTHING, ProjetScopedMixin, TenantQuerySet
from conciergerie.validators import validate_code_rncp
from parcours.models import Apprenant, Etape
from partenaires.models import Organisation


class ReferentielQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return EVERYTHING  # a framework is no personal data: a partner evaluates against it
        return super().role_filter(role, organisation_id)


class Referentiel(ProjetScopedMixin):
    nom = models.CharField("nom", max_length=200)
    version = models.PositiveIntegerField("version", default=1)
    precedent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="suivants", verbose_name="version précédente"
    )
    description = models.TextField("description", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    archive = models.BooleanField("archivé", default=False, help_text="Une nouvelle version archive la précédente.")

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["nom", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "nom", "version"],
                name="referentiel_nom_version_unique",
                violation_error_message="Ce référentiel existe déjà dans cette version.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="referentiel_version_positive", violation_error_message="La version commence à 1."
            ),
        ]

    def __str__(self):
        return f"{self.nom} (v{self.version})"


class BlocQuerySet(ReferentielQuerySet):
    projet_field = "referentiel__projet"


class Bloc(models.Model):
    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="blocs", verbose_name="référentiel")
    code = models.CharField("code", max_length=30)
    libelle = models.CharField("libellé", max_length=300)
    code_certification = models.CharField(
        "code RNCP/RS",
        max_length=12,
        blank=True,
        validators=[validate_code_rncp],
        help_text="Si le bloc correspond à un bloc de certification : RNCP12345 ou RS1234.",
    )
    ordre = models.PositiveIntegerField("ordre", default=0)

    objects = BlocQuerySet.as_manager()

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["ordre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referentiel", "code"], name="bloc_code_unique", violation_error_message="Ce code de bloc existe déjà."
            )
        ]

    def __str__(self):
        return f"{self.code} — {self.libelle}"


class CompetenceQuerySet(ReferentielQuerySet):
    projet_field = "bloc__referentiel__projet"


class Competence(models.Model):
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField("code", max_length=30, help_text="Unique dans le référentiel.")
    libelle = models.CharField("libellé", max_length=300)
    criteres = models.TextField("critères observables", blank=True, help_text="Un critère par ligne.")
    ordre = models.PositiveIntegerField("ordre", default=0)

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["bloc__ordre", "bloc_id", "ordre", "pk"]

    def __str__(self):
        return f"{self.code} — {self.libelle}"

    @property
    def referentiel(self) -> Referentiel:
        return self.bloc.referentiel

    @property
    def liste_criteres(self) -> list[str]:
        return [ligne.strip() for ligne in self.criteres.splitlines() if ligne.strip()]

    def clean(self):
        if not self.bloc_id or not self.code:
            return
        doublon = Competence.objects.filter(bloc__referentiel_id=self.bloc.referentiel_id, code=self.code).exclude(pk=self.pk).exists()
        if doublon:
            raise ValidationError({"code": f"Le code {self.code} existe déjà dans ce référentiel."})


class MomentEvaluation(models.TextChoices):
    ENTREE = "entree", "Positionnement d'entrée"
    INTERMEDIAIRE = "intermediaire", "Évaluation intermédiaire"
    SORTIE = "sortie", "Évaluation de sortie"


class Niveau(models.IntegerChoices):
    NON_ACQUIS = 1, "Non acquis"
    EN_COURS = 2, "En cours d'acquisition"
    ACQUIS = 3, "Acquis"
    MAITRISE = 4, "Maîtrisé"


class QualiteEvaluateur(models.TextChoices):
    COORDINATEUR = "coordinateur", "Coordinateur"
    FORMATEUR = "formateur", "Formateur"
    TUTEUR = "tuteur", "Tuteur"
    AUTOEVALUATION = "autoevaluation", "Autoévaluation"


class EvaluationQuerySet(TenantQuerySet):
    #: lookup path from the model to its Evaluation (for the partner's rows)
    evaluation_prefix = ""

    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            # the evaluations made by its organisation or on a step held there
            p = self.evaluation_prefix
            return Q(**{f"{p}organisation_id": organisation_id}) | Q(**{f"{p}etape__organisation_id": organisation_id})
        return super().role_filter(role, organisation_id)


class Evaluation(ProjetScopedMixin):
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="evaluations")
    referentiel = models.ForeignKey(Referentiel, on_delete=models.PROTECT, related_name="evaluations", verbose_name="référentiel")
    etape = models.ForeignKey(Etape, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations", verbose_name="étape")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        help_text="Le partenaire qui a évalué.",
    )
    date = models.DateField("date")
    moment = models.CharField("moment", max_length=20, choices=MomentEvaluation.choices)
    evaluateur_qualite = models.CharField("évaluateur", max_length=20, choices=QualiteEvaluateur.choices)
    evaluateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )
    commentaire = models.TextField("commentaire", blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation"
        verbose_name_plural = "évaluations"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["apprenant", "referentiel", "date"])]

    def __str__(self):
        return f"{self.get_moment_display()} du {self.date:%d/%m/%Y}"


class NiveauEvaluationQuerySet(EvaluationQuerySet):
    projet_field = "evaluation__projet"
    evaluation_prefix = "evaluation__"


class NiveauEvaluation(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="niveaux", verbose_name="évaluation")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="niveaux", verbose_name="compétence")
    niveau = models.PositiveSmallIntegerField("niveau", choices=Niveau.choices)
    commentaire = models.CharField("commentaire", max_length=500, blank=True)

    objects = NiveauEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "niveau évalué"
        verbose_name_plural = "niveaux évalués"
        ordering = ["competence__bloc__ordre", "competence__ordre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "competence"],
                name="niveau_evaluation_unique",
                violation_error_message="Cette compétence est déjà évaluée dans cette évaluation.",
            ),
            models.CheckConstraint(
                condition=Q(niveau__gte=1) & Q(niveau__lte=4), name="niveau_1_a_4", violation_error_message="Le niveau va de 1 à 4."
            ),
        ]

    def __str__(self):
        return f"{self.competence.code} : {self.get_niveau_display()}"

    def clean(self):
        if self.evaluation_id and self.competence_id and self.competence.bloc.referentiel_id != self.evaluation.referentiel_id:
            raise ValidationError({"competence": "Cette compétence n'appartient pas au référentiel de l'évaluation."})


# ---------------------------------------------------------------- AFEST traceability


class TypeComposante(models.TextChoices):
    """The four components of an AFEST (décret du 28 décembre 2018, art. D. 6313-3-2 du code du
    travail) that an OPCO checks before funding it."""

    ANALYSE = "analyse", "Analyse de la situation de travail"
    MISE_EN_SITUATION = "mise_en_situation", "Mise en situation de travail"
    PHASE_REFLEXIVE = "phase_reflexive", "Phase réflexive"
    EVALUATION = "evaluation", "Évaluation"


class ComposanteAfestQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(etape__organisation_id=organisation_id)  # the AFEST steps it hosts
        return super().role_filter(role, organisation_id)


class ComposanteAfest(ProjetScopedMixin):
    """One dated, attributed trace of an AFEST step: the analysis of the work situation (the
    situations chosen in ``contenu``, the competences aimed), a mise en situation (its dates, the
    tutor or trainer named in ``intervenant``), a reflexive phase (what the learner put into
    words, in ``contenu``) or an evaluation (``evaluation``, of the framework)."""

    etape = models.ForeignKey(Etape, on_delete=models.CASCADE, related_name="composantes_afest", verbose_name="étape AFEST")
    type = models.CharField("composante", max_length=20, choices=TypeComposante.choices)
    date = models.DateField("date")
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    intervenant = models.CharField("tuteur ou formateur", max_length=200, blank=True, help_text="Qui a conduit cette composante.")
    contenu = models.TextField("contenu", blank=True)
    competences = models.ManyToManyField(Competence, blank=True, related_name="composantes_afest", verbose_name="compétences visées")
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, null=True, blank=True, related_name="composantes_afest", verbose_name="évaluation"
    )
    saisie_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = ComposanteAfestQuerySet.as_manager()

    class Meta:
        verbose_name = "composante AFEST"
        verbose_name_plural = "composantes AFEST"
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date")),
                name="composante_afest_fin_apres_debut",
                violation_error_message="La fin doit suivre le début.",
            ),
            models.CheckConstraint(
                condition=Q(type="evaluation", evaluation__isnull=False) | (~Q(type="evaluation") & Q(evaluation__isnull=True)),
                name="composante_afest_evaluation_liee",
                violation_error_message="Une composante « Évaluation » renvoie à une évaluation, et elle seule.",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"
