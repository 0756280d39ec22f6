"""Writes of the competences app: frameworks (référentiels) and their versions, evaluations, AFEST
components. Plain keyword-only functions, one transaction each; each checks the capability with
``conciergerie.scoping.exiger`` and raises ``ValidationError`` (French) before writing anything.

Versioning: a framework that an evaluation uses is never changed in place. Any edit of it (its
name, a bloc, a competence) first makes a new version (``nouvelle_version``: a copy of its blocs
and competences, ``precedent`` pointing back, the old one archived) and applies the edit there;
the evaluations keep pointing at the version they were made against.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from conciergerie.roles import Role
from conciergerie.saisie import normaliser_code_rncp
from conciergerie.scoping import exiger
from conciergerie.validators import validate_code_rncp
from parcours.models import TypeEtape

from .models import (
    Bloc,
    Competence,
    ComposanteAfest,
    Evaluation,
    MomentEvaluation,
    Niveau,
    NiveauEvaluation,
    QualiteEvaluateur,
    Referentiel,
    TypeComposante,
)

MESSAGE_REFERENTIELS = "Seuls les coordinateurs et administrateurs du projet modifient les référentiels."
MESSAGE_EVALUER = "Votre rôle ne permet pas d'évaluer les compétences dans ce projet."
MESSAGE_ARCHIVE = "Cette version du référentiel est archivée : modifiez la dernière version."


# ---------------------------------------------------------------- frameworks


def referentiel_utilise(referentiel) -> bool:
    """Whether an evaluation was made against this version (it is then never changed in place)."""
    return Evaluation.objects.filter(referentiel=referentiel).exists()


def valider_structure(blocs: list[dict]) -> None:
    """Check a framework's blocs and competences before anything is written: a code and a label
    for each, no code twice (blocs among blocs, competences within the framework), well-formed
    RNCP/RS codes. ``blocs``: ``[{"code", "libelle", "code_certification", "competences": [{"code",
    "libelle", "criteres"}]}]``. Raises one ``ValidationError`` listing every fault."""
    erreurs = []
    codes_blocs, codes_competences = set(), set()
    for i, bloc in enumerate(blocs, start=1):
        code = (bloc.get("code") or "").strip()
        nom = f"Bloc {code or i}"
        if not code:
            erreurs.append(f"Bloc n° {i} : le code est vide.")
        elif code.casefold() in codes_blocs:
            erreurs.append(f"{nom} : ce code de bloc apparaît deux fois.")
        codes_blocs.add(code.casefold())
        if not (bloc.get("libelle") or "").strip():
            erreurs.append(f"{nom} : le libellé est vide.")
        certification = normaliser_code_rncp(bloc.get("code_certification") or "")
        try:
            validate_code_rncp(certification)
        except ValidationError as e:
            erreurs.append(f"{nom} : {e.messages[0]}")
        for j, competence in enumerate(bloc.get("competences", ()), start=1):
            code_c = (competence.get("code") or "").strip()
            if not code_c:
                erreurs.append(f"{nom}, compétence n° {j} : le code est vide.")
            elif code_c.casefold() in codes_competences:
                erreurs.append(f"Compétence {code_c} : ce code apparaît deux fois dans le référentiel.")
            codes_competences.add(code_c.casefold())
            if not (competence.get("libelle") or "").strip():
                erreurs.append(f"Compétence {code_c or j} : le libellé est vide.")
    if erreurs:
        raise ValidationError(erreurs)


def _ecrire_structure(referentiel, blocs: list[dict]) -> None:
    for i, donnees in enumerate(blocs, start=1):
        bloc = Bloc.objects.create(
            referentiel=referentiel,
            code=donnees["code"].strip(),
            libelle=donnees["libelle"].strip(),
            code_certification=normaliser_code_rncp(donnees.get("code_certification") or ""),
            ordre=donnees.get("ordre", i),
        )
        Competence.objects.bulk_create(
            Competence(
                bloc=bloc,
                code=c["code"].strip(),
                libelle=c["libelle"].strip(),
                criteres=(c.get("criteres") or "").strip(),
                ordre=c.get("ordre", j),
            )
            for j, c in enumerate(donnees.get("competences", ()), start=1)
        )


def _derniere_version(projet, nom):
    return Referentiel.objects.filter(projet=projet, nom__iexact=nom.strip()).order_by("-version").first()


@transaction.atomic
def creer_referentiel(*, projet, by, nom: str, description: str = "", blocs: list[dict] = (), nouvelle_version_si_existe=False):
    """A new framework (version 1) with its blocs and competences. A name already used in the
    project is refused, unless ``nouvelle_version_si_existe`` (the import): the file then becomes
    the next version of that framework."""
    exiger(by, projet, "referentiels.modifier", MESSAGE_REFERENTIELS)
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": "Indiquez le nom du référentiel."})
    valider_structure(list(blocs))
    precedent = _derniere_version(projet, nom)
    if precedent is not None and not nouvelle_version_si_existe:
        raise ValidationError({"nom": "Un référentiel de ce projet porte déjà ce nom."})
    referentiel = Referentiel.objects.create(
        projet=projet,
        nom=precedent.nom if precedent else nom,
        description=description or (precedent.description if precedent else ""),
        version=precedent.version + 1 if precedent else 1,
        precedent=precedent,
    )
    if precedent is not None:
        Referentiel.objects.filter(pk=precedent.pk).update(archive=True)
    _ecrire_structure(referentiel, list(blocs))
    return referentiel


def structure(referentiel) -> list[dict]:
    """The blocs and competences of a framework as ``creer_referentiel`` takes them (two queries)."""
    return [
        {
            "code": b.code,
            "libelle": b.libelle,
            "code_certification": b.code_certification,
            "ordre": b.ordre,
            "competences": [{"code": c.code, "libelle": c.libelle, "criteres": c.criteres, "ordre": c.ordre} for c in b.competences.all()],
        }
        for b in referentiel.blocs.order_by("ordre", "pk").prefetch_related("competences")
    ]


@transaction.atomic
def nouvelle_version(*, referentiel, by) -> Referentiel:
    """The next version of ``referentiel``: the same name, description, blocs and competences,
    ``precedent`` pointing back; the old version archived (kept with its evaluations)."""
    exiger(by, referentiel.projet, "referentiels.modifier", MESSAGE_REFERENTIELS)
    verrou = Referentiel.objects.select_for_update().get(pk=referentiel.pk)
    if verrou.archive:
        raise ValidationError(MESSAGE_ARCHIVE)
    derniere = Referentiel.objects.filter(projet=verrou.projet, nom=verrou.nom).aggregate(v=Max("version"))["v"]
    copie = Referentiel.objects.create(
        projet=verrou.projet, nom=verrou.nom, description=verrou.description, version=derniere + 1, precedent=verrou
    )
    _ecrire_structure(copie, structure(verrou))
    Referentiel.objects.filter(pk=verrou.pk).update(archive=True)
    return copie


def _modifiable(referentiel, by) -> Referentiel:
    """The version to edit: ``referentiel`` itself while no evaluation uses it, else a new version."""
    exiger(by, referentiel.projet, "referentiels.modifier", MESSAGE_REFERENTIELS)
    if referentiel.archive:
        raise ValidationError(MESSAGE_ARCHIVE)
    if referentiel_utilise(referentiel):
        return nouvelle_version(referentiel=referentiel, by=by)
    return referentiel


@transaction.atomic
def modifier_referentiel(*, referentiel, by, nom: str, description: str = "") -> Referentiel:
    """Rename or describe a framework; returns the version changed (a new one if it was used)."""
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": "Indiquez le nom du référentiel."})
    if (
        nom.casefold() != referentiel.nom.casefold()
        and Referentiel.objects.filter(projet=referentiel.projet, nom__iexact=nom).exclude(pk=referentiel.pk).exists()
    ):
        raise ValidationError({"nom": "Un référentiel de ce projet porte déjà ce nom."})
    cible = _modifiable(referentiel, by)
    if nom != cible.nom:
        # the whole line of versions keeps one name
        Referentiel.objects.filter(projet=cible.projet, nom=cible.nom).update(nom=nom)
    Referentiel.objects.filter(pk=cible.pk).update(description=description)
    cible.refresh_from_db()
    return cible


@transaction.atomic
def enregistrer_bloc(*, referentiel, by, bloc=None, code: str, libelle: str, code_certification: str = "", ordre: int = 0) -> Bloc:
    """Add a bloc to a framework, or change one (``bloc``); in a used framework, in its new version."""
    code, libelle = (code or "").strip(), (libelle or "").strip()
    code_certification = normaliser_code_rncp(code_certification)
    erreurs = {}
    if not code:
        erreurs["code"] = "Indiquez le code du bloc."
    if not libelle:
        erreurs["libelle"] = "Indiquez le libellé du bloc."
    try:
        validate_code_rncp(code_certification)
    except ValidationError as e:
        erreurs["code_certification"] = e.messages[0]
    if erreurs:
        raise ValidationError(erreurs)
    cible = _modifiable(referentiel, by)
    existant = cible.blocs.filter(code=bloc.code).first() if bloc is not None else None
    doublon = cible.blocs.filter(code__iexact=code)
    if existant is not None:
        doublon = doublon.exclude(pk=existant.pk)
    if doublon.exists():
        raise ValidationError({"code": "Ce code de bloc existe déjà dans le référentiel."})
    existant = existant or Bloc(referentiel=cible)
    existant.code, existant.libelle, existant.code_certification, existant.ordre = code, libelle, code_certification, ordre
    existant.save()
    return existant


@transaction.atomic
def enregistrer_competence(
    *, referentiel, by, competence=None, bloc, code: str, libelle: str, criteres: str = "", ordre: int = 0
) -> Competence:
    """Add a competence to a bloc of a framework, or change one (``competence``); in a used
    framework, in its new version (the bloc and competence of the same codes there)."""
    code, libelle = (code or "").strip(), (libelle or "").strip()
    erreurs = {}
    if not code:
        erreurs["code"] = "Indiquez le code de la compétence."
    if not libelle:
        erreurs["libelle"] = "Indiquez le libellé de la compétence."
    if bloc.referentiel_id != referentiel.pk:
        erreurs["bloc"] = "Ce bloc n'appartient pas au référentiel."
    if erreurs:
        raise ValidationError(erreurs)
    cible = _modifiable(referentiel, by)
    bloc_cible = bloc if cible.pk == referentiel.pk else cible.blocs.get(code=bloc.code)
    toutes = Competence.objects.filter(bloc__referentiel=cible)
    existante = toutes.filter(code=competence.code).first() if competence is not None else None
    doublon = toutes.filter(code__iexact=code)
    if existante is not None:
        doublon = doublon.exclude(pk=existante.pk)
    if doublon.exists():
        raise ValidationError({"code": "Ce code de compétence existe déjà dans le référentiel."})
    existante = existante or Competence()
    existante.bloc = bloc_cible
    existante.code, existante.libelle, existante.criteres, existante.ordre = code, libelle, (criteres or "").strip(), ordre
    existante.save()
    return existante


# ---------------------------------------------------------------- evaluations


def competences_evaluables(*, etape, referentiel) -> set[int] | None:
    """The competences a partner may rate on ``etape``: those its AFEST analysis aims at, when it
    names some; ``None``: all the framework's."""
    if etape is None:
        return None
    visees = set(
        Competence.objects.filter(
            composantes_afest__etape=etape, composantes_afest__type=TypeComposante.ANALYSE, bloc__referentiel=referentiel
        ).values_list("pk", flat=True)
    )
    return visees or None


@transaction.atomic
def enregistrer_evaluation(
    *,
    projet,
    by,
    apprenant,
    referentiel,
    date,
    moment,
    evaluateur_qualite,
    niveaux: dict,
    etape=None,
    commentaire: str = "",
) -> Evaluation:
    """An evaluation of ``apprenant`` against ``referentiel``: ``niveaux`` maps each competence
    rated to ``(niveau, commentaire)``. Refused, nothing written: a learner, framework or step of
    another project, an archived version, a competence of another framework, a level outside
    1–4, no competence rated, a date in the future. A partner evaluates on a step held at its
    organisation only (and, on an AFEST step whose analysis aims at competences, those only).
    On an AFEST step the evaluation is also its « Évaluation » component."""
    adhesion = exiger(by, projet, "evaluations.saisir", MESSAGE_EVALUER)
    projet_id = getattr(projet, "pk", projet)
    erreurs = {}
    if apprenant.projet_id != projet_id:
        raise ValidationError("Cet apprenant n'appartient pas à ce projet.")
    if referentiel.projet_id != projet_id:
        raise ValidationError({"referentiel": "Ce référentiel n'appartient pas à ce projet."})
    if referentiel.archive:
        erreurs["referentiel"] = "Cette version du référentiel est archivée : évaluez avec la dernière version."
    if etape is not None and (etape.projet_id != projet_id or etape.parcours.apprenant_id != apprenant.pk):
        erreurs["etape"] = "Cette étape n'est pas une étape du parcours de cet apprenant."
    organisation = etape.organisation if etape is not None else None
    partenaire = adhesion is not None and adhesion.role == Role.PARTENAIRE
    if partenaire:
        if etape is None or etape.organisation_id != adhesion.organisation_id:
            erreurs["etape"] = "Un partenaire évalue sur une étape qui se déroule dans son organisation."
        organisation = adhesion.organisation
    if date is None:
        erreurs["date"] = "Indiquez la date de l'évaluation."
    elif date > timezone.localdate():
        erreurs["date"] = "La date de l'évaluation ne peut pas être dans le futur."
    if moment not in MomentEvaluation.values:
        erreurs["moment"] = "Choisissez le moment de l'évaluation."
    if evaluateur_qualite not in QualiteEvaluateur.values:
        erreurs["evaluateur_qualite"] = "Choisissez qui évalue."
    if not niveaux:
        erreurs["__all__"] = "Évaluez au moins une compétence."
    du_referentiel = set(Competence.objects.filter(bloc__referentiel=referentiel).values_list("pk", flat=True))
    autorisees = competences_evaluables(etape=etape, referentiel=referentiel) if partenaire else None
    for competence, (niveau, _commentaire) in niveaux.items():
        if competence.pk not in du_referentiel:
            erreurs["__all__"] = f"La compétence {competence.code} n'appartient pas au référentiel « {referentiel} »."
        elif autorisees is not None and competence.pk not in autorisees:
            erreurs["__all__"] = f"La compétence {competence.code} n'est pas visée par l'AFEST de cette étape."
        if niveau not in Niveau.values:
            erreurs["__all__"] = f"Niveau invalide pour {competence.code} : de 1 (non acquis) à 4 (maîtrisé)."
    if erreurs:
        raise ValidationError(erreurs)
    evaluation = Evaluation.objects.create(
        projet_id=projet_id,
        apprenant=apprenant,
        referentiel=referentiel,
        etape=etape,
        organisation=organisation,
        date=date,
        moment=moment,
        evaluateur_qualite=evaluateur_qualite,
        evaluateur=by,
        commentaire=commentaire or "",
    )
    NiveauEvaluation.objects.bulk_create(
        NiveauEvaluation(evaluation=evaluation, competence=c, niveau=n, commentaire=(texte or "")[:500])
        for c, (n, texte) in niveaux.items()
    )
    if etape is not None and etape.type == TypeEtape.AFEST:
        ComposanteAfest.objects.create(
            projet_id=projet_id,
            etape=etape,
            type=TypeComposante.EVALUATION,
            date=date,
            intervenant=f"{evaluation.get_evaluateur_qualite_display()}{f' ({by.get_full_name() or by.username})' if by else ''}",
            contenu=evaluation.get_moment_display(),
            evaluation=evaluation,
            saisie_par=by,
        )
    return evaluation


# ---------------------------------------------------------------- AFEST


@transaction.atomic
def ajouter_composante_afest(
    *, etape, by, type, date, date_fin=None, intervenant: str = "", contenu: str = "", competences=(), evaluation=None
) -> ComposanteAfest:
    """A dated, attributed trace of an AFEST step. Each component says what an OPCO checks:
    the analysis names the work situations chosen and the competences aimed; a mise en situation
    its tutor or trainer; a reflexive phase what the learner put into words; an evaluation links
    an evaluation of this learner. A partner traces the AFEST steps held at its organisation."""
    adhesion = exiger(by, etape.projet, "evaluations.saisir", MESSAGE_EVALUER)
    if etape.type != TypeEtape.AFEST:
        raise ValidationError("Cette étape n'est pas une AFEST.")
    if adhesion is not None and adhesion.role == Role.PARTENAIRE and etape.organisation_id != adhesion.organisation_id:
        raise ValidationError("Un partenaire trace les AFEST qui se déroulent dans son organisation.")
    intervenant, contenu = (intervenant or "").strip(), (contenu or "").strip()
    competences = list(competences)
    erreurs = {}
    if type not in TypeComposante.values:
        raise ValidationError({"type": "Choisissez la composante."})
    if date is None:
        erreurs["date"] = "Indiquez la date."
    elif date > timezone.localdate() and type != TypeComposante.MISE_EN_SITUATION:
        erreurs["date"] = "La date ne peut pas être dans le futur."
    if date and date_fin and date_fin < date:
        erreurs["date_fin"] = "La fin doit suivre le début."
    if any(c.bloc.referentiel.projet_id != etape.projet_id for c in competences):
        erreurs["competences"] = "Une compétence choisie n'appartient pas à ce projet."
    if type == TypeComposante.ANALYSE:
        if not contenu:
            erreurs["contenu"] = "Décrivez les situations de travail retenues."
        if not competences:
            erreurs["competences"] = "Choisissez les compétences visées."
    elif type == TypeComposante.MISE_EN_SITUATION:
        if not intervenant:
            erreurs["intervenant"] = "Nommez le tuteur ou le formateur qui a conduit la mise en situation."
    elif type == TypeComposante.PHASE_REFLEXIVE:
        if not contenu:
            erreurs["contenu"] = "Notez ce que l'apprenant a mis en mots."
    elif type == TypeComposante.EVALUATION:
        if evaluation is None:
            erreurs["evaluation"] = "Choisissez l'évaluation."
        elif evaluation.apprenant_id != etape.parcours.apprenant_id:
            erreurs["evaluation"] = "Cette évaluation n'est pas celle de l'apprenant de l'étape."
    if type != TypeComposante.EVALUATION:
        evaluation = None
    if erreurs:
        raise ValidationError(erreurs)
    composante = ComposanteAfest.objects.create(
        projet_id=etape.projet_id,
        etape=etape,
        type=type,
        date=date,
        date_fin=date_fin,
        intervenant=intervenant,
        contenu=contenu,
        evaluation=evaluation,
        saisie_par=by,
    )
    if competences:
        composante.competences.set(competences)
    return composante
