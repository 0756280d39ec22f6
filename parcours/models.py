import re
import unicodedata
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conciergerie.formats import date_courte, date_longue
from conciergerie.recherche import texte_normalise
from conciergerie.roles import Role
from conciergerie.scoping import ProjetScopedMixin, TenantQuerySet
from conciergerie.validators import validate_code_rncp, validate_telephone
from partenaires.models import Contact, Organisation

HEURES = {"max_digits": 7, "decimal_places": 1, "validators": [MinValueValidator(0)]}


class Situation(models.TextChoices):
    DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur d'emploi"
    NEET = "neet", "Jeune NEET (ni en emploi, ni en études, ni en formation)"
    RSA = "rsa", "Bénéficiaire du RSA"
    SALARIE = "salarie", "Salarié·e"
    CHEF_ENTREPRISE = "chef_entreprise", "Chef·fe d'entreprise"
    INDEPENDANT = "independant", "Indépendant·e"
    ELU = "elu", "Élu·e"
    AGENT_PUBLIC = "agent_public", "Agent·e public"
    SERVICE_CIVIQUE = "service_civique", "Volontaire en service civique"
    BENEVOLE_ASSOCIATIF = "benevole_associatif", "Bénévole associatif"
    AUTRE = "autre", "Autre"


class Sexe(models.TextChoices):
    """Optional: the parity figures funders ask for (« dont femmes »)."""

    FEMME = "femme", "Femme"
    HOMME = "homme", "Homme"
    NON_RENSEIGNE = "non_renseigne", "Non renseigné"


class NiveauQualification(models.TextChoices):
    INFRA_3 = "infra3", "Sans diplôme (infra 3)"
    NIVEAU_3 = "3", "Niveau 3 (CAP, BEP)"
    NIVEAU_4 = "4", "Niveau 4 (Bac)"
    NIVEAU_5 = "5", "Niveau 5 (Bac+2)"
    NIVEAU_6 = "6", "Niveau 6 (Bac+3/4)"
    NIVEAU_7 = "7", "Niveau 7 et plus (Bac+5)"


class StatutSecu(models.TextChoices):
    """Only the status of the social-security number is kept, never the number itself."""

    DEFINITIF = "definitif", "Numéro définitif"
    PROVISOIRE = "provisoire", "Numéro provisoire"
    AUCUN = "aucun", "Aucun numéro"


def _etapes_at(organisation_id):
    """The steps at an organisation. Its steps are in its project; saying so lets PostgreSQL read
    their paths through the project index instead of all the paths of the instance (a partner's
    learners list at national size: 6.0 → 2.1 ms per query, docs/performance.md)."""
    return Etape.objects.filter(
        organisation_id=organisation_id,
        parcours__projet_id=Subquery(Organisation.objects.filter(pk=organisation_id).values("projet_id")),
    )


class PorteeConsentement(models.TextChoices):
    """How far a learner agreed to be named in a récit. The scopes are nested, in this order:
    public ⊃ COPIL ⊃ interne (a consent to ``public`` covers the COPIL and the team)."""

    INTERNE = "interne", "Interne (l'équipe de la conciergerie)"
    COPIL = "copil", "COPIL (partenaires et financeurs)"
    PUBLIC = "public", "Public (communication)"

    @classmethod
    def rang(cls, portee) -> int:
        """0 for no consent, then 1, 2, 3 from the narrowest scope to the widest."""
        return {cls.INTERNE: 1, cls.COPIL: 2, cls.PUBLIC: 3}.get(portee or "", 0)

    @classmethod
    def couvre(cls, donnee, requise) -> bool:
        """Whether a consent given for ``donnee`` covers a use for ``requise``."""
        return cls.rang(donnee) >= cls.rang(requise) > 0


MESSAGE_CONSENTEMENT_DATE = "Indiquez la date du consentement."
MESSAGE_RETRAIT_SANS_CONSENTEMENT = "Un retrait suppose un consentement enregistré (portée et date)."
MESSAGE_RETRAIT_AVANT = "Le retrait ne peut pas précéder le consentement."
MESSAGE_RESTRICTION = (
    "Pour retirer ou restreindre un consentement, utilisez « Retirer le consentement » sur la fiche de l'apprenant : "
    "les récits qui le nomment sont alors écartés des rapports et leurs auteurs prévenus."
)
PORTEE_COURTE = {PorteeConsentement.INTERNE: "interne", PorteeConsentement.COPIL: "COPIL", PorteeConsentement.PUBLIC: "public"}


class ApprenantQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(pk__in=_etapes_at(organisation_id).values("parcours__apprenant_id"))
        return super().role_filter(role, organisation_id)


class Apprenant(ProjetScopedMixin):
    reference = models.CharField("référence", max_length=30, help_text="Référence stable (pseudonyme dans les exports, clé des imports).")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    commune = models.CharField("commune", max_length=120, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_telephone])
    qpv = models.BooleanField("habite en QPV", default=False)
    zrr = models.BooleanField("habite en ZRR", default=False)
    situation_entree = models.CharField("situation à l'entrée", max_length=20, choices=Situation.choices)
    sexe = models.CharField("sexe", max_length=15, choices=Sexe.choices, default=Sexe.NON_RENSEIGNE)
    niveau_qualification = models.CharField("niveau de qualification", max_length=10, choices=NiveauQualification.choices, blank=True)
    date_entree = models.DateField("entrée dans la conciergerie", default=timezone.localdate)
    prescripteur = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="apprenants_prescrits")
    prescripteur_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="contact prescripteur"
    )
    statut_secu = models.CharField(
        "n° de sécurité sociale",
        max_length=12,
        choices=StatutSecu.choices,
        default=StatutSecu.AUCUN,
        help_text="Seul le statut est conservé, jamais le numéro.",
    )
    rqth = models.BooleanField("RQTH", default=False, help_text="Donnée sensible : visible des seuls coordinateurs.")
    # consent to be named in a récit: its scope, when it was given, when it was withdrawn (the
    # learner's history, simple_history, keeps every earlier value); in force while not withdrawn
    consentement_portee = models.CharField(
        "consentement aux récits",
        max_length=10,
        choices=PorteeConsentement.choices,
        blank=True,
        default="",
        help_text="Jusqu'où l'apprenant accepte d'être nommé dans un récit : interne ⊂ COPIL ⊂ public. Vide : aucun consentement.",
    )
    consentement_date = models.DateField("date du consentement", null=True, blank=True)
    consentement_retire_le = models.DateField(
        "consentement retiré le", null=True, blank=True, help_text="Enregistré par l'action « Retirer le consentement » de la fiche."
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    # the name, first name and reference without accents, in lower case: what the global search,
    # the list's « Nom ou prénom » and the récit form's picker match (conciergerie/recherche.py);
    # computed by the database on every write (imports and anonymisation included)
    texte_recherche = models.GeneratedField(
        expression=texte_normalise("nom", "prenom", "reference"), output_field=models.TextField(), db_persist=True
    )

    objects = ApprenantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["texte_recherche"])

    class Meta:
        verbose_name = "apprenant"
        verbose_name_plural = "apprenants"
        ordering = ["nom", "prenom"]
        constraints = [
            models.UniqueConstraint(fields=["projet", "reference"], name="apprenant_reference_unique"),
            models.CheckConstraint(
                condition=Q(consentement_portee="") | Q(consentement_date__isnull=False),
                name="apprenant_consentement_date",
                violation_error_message=MESSAGE_CONSENTEMENT_DATE,
            ),
            models.CheckConstraint(
                condition=Q(consentement_retire_le__isnull=True) | (~Q(consentement_portee="") & Q(consentement_date__isnull=False)),
                name="apprenant_retrait_apres_consentement",
                violation_error_message=MESSAGE_RETRAIT_SANS_CONSENTEMENT,
            ),
            models.CheckConstraint(
                condition=Q(consentement_retire_le__isnull=True) | Q(consentement_retire_le__gte=F("consentement_date")),
                name="apprenant_retrait_date",
                violation_error_message=MESSAGE_RETRAIT_AVANT,
            ),
        ]
        indexes = [
            models.Index(fields=["projet", "nom", "prenom"]),
            models.Index(fields=["projet", "date_entree"]),
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    def clean(self):
        aujourd_hui = timezone.localdate()
        errors = {}
        portee_lue, date_lue, retrait_lu = getattr(self, "_consentement_lu", (None, None, None))
        if retrait_lu and self.consentement_retire_le == retrait_lu:
            nouvelle_date = self.consentement_date and self.consentement_date != date_lue and self.consentement_date > retrait_lu
            if not self.consentement_portee or nouvelle_date:
                # a withdrawn consent edited into none, or a new one given after the withdrawal: the
                # withdrawal is over (the history keeps it)
                self.consentement_retire_le = None
        if self.consentement_portee and not self.consentement_date:
            errors["consentement_date"] = MESSAGE_CONSENTEMENT_DATE
        elif self.consentement_date and self.consentement_date > aujourd_hui:
            errors["consentement_date"] = "La date du consentement est dans le futur."
        if self.consentement_retire_le:
            if not (self.consentement_portee and self.consentement_date):
                errors.setdefault("consentement_portee", MESSAGE_RETRAIT_SANS_CONSENTEMENT)
            elif self.consentement_retire_le < self.consentement_date:
                errors["consentement_retire_le"] = MESSAGE_RETRAIT_AVANT
            elif self.consentement_retire_le > aujourd_hui:
                errors["consentement_retire_le"] = "La date du retrait est dans le futur."
        self._valider_restriction(errors)
        if self.date_naissance and self.date_naissance > aujourd_hui:
            errors["date_naissance"] = "La date de naissance est dans le futur."
        if errors:
            raise ValidationError(errors)

    @property
    def consentement_retire(self) -> bool:
        return self.consentement_retire_le is not None

    def consent_a(self, portee) -> bool:
        """Whether the learner's consent, recorded and not withdrawn, covers ``portee``."""
        return not self.consentement_retire and PorteeConsentement.couvre(self.consentement_portee, portee)

    @property
    def consentement_libelle(self) -> str:
        """The consent in a few words, for the forms and pages (« COPIL depuis le 15/01/2025 »)."""
        if not self.consentement_portee:
            return "sans consentement"
        if self.consentement_retire:
            return f"consentement retiré le {date_longue(self.consentement_retire_le)}"
        return f"consentement {PORTEE_COURTE[self.consentement_portee]} depuis le {date_longue(self.consentement_date)}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # the consent as read, so that clean() can tell a narrowing from a new consent
        instance._consentement_lu = tuple(
            instance.__dict__.get(champ) for champ in ("consentement_portee", "consentement_date", "consentement_retire_le")
        )
        return instance

    def _valider_restriction(self, errors: dict) -> None:
        """A consent in force is narrowed or removed only by the withdrawal action (which takes
        the récits out of the reports and tells their authors), never by editing the record."""
        portee_lue, _, retrait_lu = getattr(self, "_consentement_lu", (None, None, None))
        en_vigueur = portee_lue and retrait_lu is None and self.consentement_retire_le is None
        if en_vigueur and PorteeConsentement.rang(self.consentement_portee) < PorteeConsentement.rang(portee_lue):
            errors["consentement_portee"] = MESSAGE_RESTRICTION

    def age(self, au: date | None = None) -> int | None:
        if not self.date_naissance:
            return None
        return relativedelta(au or timezone.localdate(), self.date_naissance).years


#: The fields of a learner's record that people fill in, in the order of the learner form
#: (parcours/forms.py, ApprenantForm). The import (parcours/resources.py, ApprenantResource) reads
#: the same fields in the same order — the columns of its template — but the prescriber's
#: contact, for which it has no column. The consent's withdrawal is not among them: it is recorded
#: by the withdrawal action of the learner's page (``recits.services.retirer_consentement``).
CHAMPS_APPRENANT = (
    "reference",
    "prenom",
    "nom",
    "date_naissance",
    "sexe",
    "commune",
    "email",
    "telephone",
    "situation_entree",
    "niveau_qualification",
    "date_entree",
    "prescripteur",
    "prescripteur_contact",
    "qpv",
    "zrr",
    "statut_secu",
    "rqth",
    "consentement_portee",
    "consentement_date",
)


class StatutParcours(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    SUSPENDU = "suspendu", "Suspendu"
    CLOTURE = "cloture", "Clôturé"


class ParcoursQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(pk__in=_etapes_at(organisation_id).values("parcours_id"))
        return super().role_filter(role, organisation_id)


class Parcours(ProjetScopedMixin):
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="parcours")
    intitule = models.CharField("objectif", max_length=200)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="coordinateur référent",
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    statut = models.CharField("statut", max_length=20, choices=StatutParcours.choices, default=StatutParcours.EN_COURS)
    suivi_6_mois_le = models.DateField("suivi à 6 mois prévu le", null=True, blank=True)

    objects = ParcoursQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="parcours_fin_apres_debut",
                violation_error_message="La fin du parcours doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=~Q(statut="cloture") | Q(date_fin__isnull=False),
                name="parcours_cloture_date_fin",
                violation_error_message="Un parcours clôturé a une date de fin.",
            ),
        ]
        indexes = [models.Index(fields=["projet", "statut"])]

    def __str__(self):
        return f"{self.intitule} — {self.apprenant}"

    def clean(self):
        if self.apprenant_id and self.projet_id and self.apprenant.projet_id != self.projet_id:
            raise ValidationError("Cet apprenant n'appartient pas à ce projet.")


class TypeEtape(models.TextChoices):
    ACCUEIL_DIAGNOSTIC = "accueil_diagnostic", "Accueil / diagnostic"
    REMOBILISATION = "remobilisation", "Remobilisation"
    PRE_QUALIFICATION = "pre_qualification", "Pré-qualification"
    FORMATION_CERTIFIANTE = "formation_certifiante", "Formation certifiante"
    FORMATION_DIPLOMANTE = "formation_diplomante", "Formation diplômante"
    AFEST = "afest", "AFEST (formation en situation de travail)"
    IMMERSION_PMSMP = "immersion_pmsmp", "Immersion (PMSMP)"
    ALTERNANCE = "alternance", "Alternance"
    FORMATION_DISTRIBUEE = "formation_distribuee", "Formation distribuée"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement"
    FORMATION_COLLECTIVE = "formation_collective", "Formation collective (formation-développement)"


TYPES_AVEC_CODE = {TypeEtape.FORMATION_CERTIFIANTE, TypeEtape.FORMATION_DIPLOMANTE}


class Modalite(models.TextChoices):
    PRESENTIEL = "presentiel", "Présentiel"
    DISTANCIEL = "distanciel", "Distanciel"
    HYBRIDE = "hybride", "Hybride"


#: the step a session's participant gets, by the session's nature
TYPE_ETAPE_PAR_NATURE = {
    "session_of": TypeEtape.FORMATION_DISTRIBUEE,
    "atelier": TypeEtape.ACCOMPAGNEMENT,
    "formation_developpement": TypeEtape.FORMATION_COLLECTIVE,
    "promotion": TypeEtape.REMOBILISATION,
}


class StatutEtape(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    ABANDONNEE = "abandonnee", "Abandonnée"
    BLOQUEE = "bloquee", "Bloquée"


STATUTS_AVEC_MOTIF = {StatutEtape.ABANDONNEE, StatutEtape.BLOQUEE}


class SessionFormationQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(organisation_id=organisation_id)
        return super().role_filter(role, organisation_id)

    def avec_placees(self):
        """``nb_placees``: the distinct learners placed in the session by the conciergerie (a
        step in it that was not abandoned)."""
        # a correlated sub-query rather than a join + GROUP BY of the sessions: PostgreSQL reads
        # each session's steps through the session index (national roll-up: 60 ms → 39 ms,
        # docs/performance.md), and the outer query keeps one row per session without grouping
        placees = (
            Etape.objects.filter(session_id=OuterRef("pk"))
            .exclude(statut=StatutEtape.ABANDONNEE)
            .order_by()
            .values("session_id")
            .annotate(nb=models.Count("parcours__apprenant_id", distinct=True))
            .values("nb")
        )
        return self.annotate(nb_placees=Coalesce(Subquery(placees, output_field=models.IntegerField()), 0))


class NatureSession(models.TextChoices):
    """What kind of collective a session is; it gives its participants' step type
    (``TYPE_ETAPE_PAR_NATURE``)."""

    SESSION_OF = "session_of", "Session d'un organisme de formation"
    ATELIER = "atelier", "Atelier"
    FORMATION_DEVELOPPEMENT = "formation_developpement", "Formation-développement collective"
    PROMOTION = "promotion", "Promotion (cohorte)"


class SessionFormation(ProjetScopedMixin):
    """A collective: an OF's session the conciergerie helps to fill, an atelier, a collective
    formation-développement or a promotion (``nature``), at a site (``commune``, ``adresse``,
    ``a_distance``), with optional phases and dated séances (parcours/models_seances.py). Its
    participants are learners: each has a step in it (``Etape.session``), created once for all
    by ``services_seances.ajouter_participants``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sessions", verbose_name="organisme de formation")
    intitule = models.CharField("intitulé", max_length=200)
    code_rncp = models.CharField("code RNCP/RS", max_length=12, blank=True, validators=[validate_code_rncp])
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")
    places_min = models.PositiveIntegerField("places minimum (seuil d'ouverture)")
    places_max = models.PositiveIntegerField("places maximum")
    places_conciergerie = models.PositiveIntegerField("places que la conciergerie s'engage à pourvoir", default=0)
    modalite = models.CharField("modalité", max_length=20, choices=Modalite.choices, default=Modalite.HYBRIDE)
    nature = models.CharField("nature", max_length=30, choices=NatureSession.choices, default=NatureSession.SESSION_OF)
    heures = models.DecimalField(
        "heures prévues par participant", default=0, help_text="Reportées sur l'étape de chaque participant.", **HEURES
    )
    commune = models.CharField("commune", max_length=120, blank=True)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    a_distance = models.BooleanField("à distance", default=False)
    # the title and code without accents, in lower case (the global search; conciergerie/recherche.py)
    texte_recherche = models.GeneratedField(
        expression=texte_normalise("intitule", "code_rncp"), output_field=models.TextField(), db_persist=True
    )

    objects = SessionFormationQuerySet.as_manager()

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="session_fin_apres_debut",
                violation_error_message="La fin de la session doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(places_min__lte=F("places_max")),
                name="session_min_inferieur_max",
                violation_error_message="Le minimum de places dépasse le maximum.",
            ),
            models.CheckConstraint(
                condition=Q(places_conciergerie__lte=F("places_max")),
                name="session_places_conciergerie_max",
                violation_error_message="La conciergerie ne peut pas pourvoir plus de places que le maximum.",
            ),
        ]

    def __str__(self):
        return f"{self.intitule} ({self.organisation.nom}, {date_courte(self.date_debut)})"

    @property
    def lieu(self) -> str:
        """The site in a few words (« Saint-Flour, 3 rue … », « à distance »)."""
        parties = [p for p in (self.commune, self.adresse) if p]
        if self.a_distance:
            parties.append("à distance")
        return ", ".join(parties)

    @property
    def type_etape(self) -> str:
        return TYPE_ETAPE_PAR_NATURE[self.nature]


class EtapeQuerySet(TenantQuerySet):
    def role_filter(self, role, organisation_id):
        if role == Role.PARTENAIRE:
            return Q(organisation_id=organisation_id)
        return super().role_filter(role, organisation_id)


class Etape(ProjetScopedMixin):
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="etapes")
    type = models.CharField("type", max_length=30, choices=TypeEtape.choices)
    intitule = models.CharField("intitulé", max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="etapes")
    session = models.ForeignKey(SessionFormation, on_delete=models.SET_NULL, null=True, blank=True, related_name="etapes")
    code_rncp = models.CharField("code RNCP/RS", max_length=12, blank=True, validators=[validate_code_rncp])
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    heures_prevues = models.DecimalField("heures prévues", default=0, **HEURES)
    heures_realisees = models.DecimalField("heures réalisées", default=0, **HEURES)
    modalite = models.CharField("modalité", max_length=20, choices=Modalite.choices, default=Modalite.PRESENTIEL)
    statut = models.CharField("statut", max_length=20, choices=StatutEtape.choices, default=StatutEtape.PREVUE)
    motif = models.CharField("motif (blocage ou abandon)", max_length=300, blank=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = EtapeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["date_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="etape_fin_apres_debut",
                violation_error_message="La fin de l'étape doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(heures_prevues__gte=0) & Q(heures_realisees__gte=0),
                name="etape_heures_positives",
                violation_error_message="Les heures ne peuvent pas être négatives.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=["bloquee", "abandonnee"]) | ~Q(motif=""),
                name="etape_motif_si_bloquee_ou_abandonnee",
                violation_error_message="Indiquez le motif du blocage ou de l'abandon.",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=["formation_certifiante", "formation_diplomante"]) | ~Q(code_rncp=""),
                name="etape_certifiante_avec_code",
                violation_error_message="Une formation certifiante ou diplômante a un code RNCP ou RS.",
            ),
        ]
        indexes = [
            models.Index(fields=["projet", "type"]),
            models.Index(fields=["projet", "statut"]),
            models.Index(fields=["organisation", "parcours"]),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.intitule or self.parcours.intitule}"

    def clean(self):
        errors = {}
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            errors["date_fin"] = "La fin de l'étape doit suivre son début."
        if self.type in TYPES_AVEC_CODE and not self.code_rncp:
            errors["code_rncp"] = "Une formation certifiante ou diplômante a un code RNCP ou RS."
        if self.statut in STATUTS_AVEC_MOTIF and not self.motif.strip():
            errors["motif"] = "Indiquez le motif du blocage ou de l'abandon."
        if self.organisation_id and self.projet_id and self.organisation.projet_id != self.projet_id:
            errors["organisation"] = "Cette organisation n'appartient pas à ce projet."
        if self.session_id and self.organisation_id and self.session.organisation_id != self.organisation_id:
            errors["session"] = "Cette session appartient à un autre organisme."
        if errors:
            raise ValidationError(errors)


class TypeFrein(models.TextChoices):
    MOBILITE = "mobilite", "Mobilité"
    LANGUE = "langue", "Langue"
    LOGEMENT = "logement", "Logement"
    GARDE_ENFANTS = "garde_enfants", "Garde d'enfants"
    SANTE = "sante", "Santé"
    NUMERIQUE = "numerique", "Numérique"
    ADMINISTRATIF = "administratif", "Administratif"
    FINANCIER = "financier", "Financier"


class Frein(ProjetScopedMixin):
    apprenant = models.ForeignKey(Apprenant, on_delete=models.CASCADE, related_name="freins")
    type = models.CharField("type", max_length=20, choices=TypeFrein.choices)
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    identifie_le = models.DateField("identifié le", default=timezone.localdate)
    leve = models.BooleanField("levé", default=False)
    leve_le = models.DateField("levé le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "frein"
        verbose_name_plural = "freins"
        ordering = ["leve", "type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leve=False) | Q(leve_le__isnull=False),
                name="frein_leve_date",
                violation_error_message="Indiquez quand le frein a été levé.",
            ),
        ]

    def __str__(self):
        etat = "levé" if self.leve else "actif"
        return f"{self.get_type_display()} ({etat})"


class TypeSortie(models.TextChoices):
    SORTIE = "sortie", "À la sortie"
    SUIVI_6_MOIS = "suivi_6_mois", "Suivi à 6 mois"


class ResultatSortie(models.TextChoices):
    EMPLOI_DURABLE = "emploi_durable", "Emploi durable"
    EMPLOI_TRANSITION = "emploi_transition", "Emploi de transition"
    ALTERNANCE = "alternance", "Alternance"
    FORMATION_QUALIFIANTE = "formation_qualifiante", "Formation qualifiante"
    CREATION_ACTIVITE = "creation_activite", "Création d'activité"
    RECHERCHE_EMPLOI = "recherche_emploi", "Recherche d'emploi"
    ABANDON = "abandon", "Abandon"
    AUTRE = "autre", "Autre"


RESULTATS_POSITIFS = frozenset(
    {
        ResultatSortie.EMPLOI_DURABLE,
        ResultatSortie.EMPLOI_TRANSITION,
        ResultatSortie.ALTERNANCE,
        ResultatSortie.FORMATION_QUALIFIANTE,
        ResultatSortie.CREATION_ACTIVITE,
    }
)


class Sortie(ProjetScopedMixin):
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="sorties")
    type = models.CharField("moment", max_length=20, choices=TypeSortie.choices)
    resultat = models.CharField("résultat", max_length=30, choices=ResultatSortie.choices)
    date = models.DateField("date")
    commentaire = models.CharField("commentaire", max_length=300, blank=True)

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sortie"
        verbose_name_plural = "sorties"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["parcours", "type"], name="une_sortie_par_moment")]

    def __str__(self):
        return f"{self.get_type_display()} : {self.get_resultat_display()}"

    @property
    def positive(self) -> bool:
        return self.resultat in RESULTATS_POSITIFS


def date_suivi_6_mois(date_sortie: date, resultat: str | None = None) -> date | None:
    """When the 6-month follow-up of an exit is due: six months later; none after an abandon
    (nobody is followed up after leaving the path: issue 17)."""
    if resultat == ResultatSortie.ABANDON:
        return None
    return date_sortie + relativedelta(months=6)


#: Short words left out of a project's initials (« Formation du Nord » → FN).
MOTS_VIDES = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "pour", "sur"})


def prefixe_du_projet(nom: str) -> str:
    """The initials of a project's name, in capitals without accents, at most 4 letters
    (« Formation du Nord » → « FN »); ``APP`` when the name has no letter."""
    ascii_ = unicodedata.normalize("NFKD", nom or "").encode("ascii", "ignore").decode()
    mots = [m for m in re.split(r"[^A-Za-z0-9]+", ascii_) if m]
    pleins = [m for m in mots if m.lower() not in MOTS_VIDES] or mots
    initiales = "".join(m[0] for m in pleins).upper()[:4]
    return initiales or "APP"


class CompteurReference(models.Model):
    """The sequence of a project's generated learner references (``FN-0001``): one row per
    project, locked (``select_for_update``) while a reference is taken, so that two
    coordinators creating a learner at once never get the same number."""

    projet = models.OneToOneField("conciergerie.Projet", on_delete=models.CASCADE, related_name="compteur_reference")
    prefixe = models.CharField("préfixe", max_length=10)
    dernier = models.PositiveIntegerField("dernier numéro attribué", default=0)

    class Meta:
        verbose_name = "compteur de références"
        verbose_name_plural = "compteurs de références"

    def __str__(self):
        return f"{self.prefixe}-{self.dernier:04d}"


# the séances and attendance of the sessions, in their own module (models of this app all the same)
from .models_seances import Phase, Presence, Seance, StatutPresence  # noqa: E402, F401
