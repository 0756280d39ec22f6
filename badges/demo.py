"""One badge issued in a demo project (the CASMAU-like AFEST of ``demo``): called by the demo's
loader once the project's framework and its learners' evaluations exist (``demo`` is above this
app in the chain; nothing here knows the demo's data)."""

from django.db import transaction

from competences.models import Evaluation, Niveau

from . import services
from .models import Badge, BadgeClasse, Publication


@transaction.atomic
def delivrer_badge_demo(
    *,
    projet,
    nom: str = "Couture d'assise en garnissage traditionnel",
    description: str = "Délivré par le collectif d'artisans à l'issue de l'AFEST en atelier de tapisserie.",
    criteres: str = "Avoir atteint le niveau « Acquis » sur les compétences du bloc, évaluées en situation de travail par le tuteur.",
    apprenant=None,
    by=None,
) -> Badge | None:
    """A badge class over the competences that a learner of ``projet`` reached (« Acquis » or
    better) in an evaluation — the one reaching the most (exit evaluations first), or
    ``apprenant``'s —, proposed then issued to that learner, who publishes their first name. The learner gets an invented
    address if they have none (demo data). ``None`` if no learner reached any competence."""
    evaluations = Evaluation.objects.of_projet(projet).order_by("-moment", "-date", "-pk").prefetch_related("niveaux__competence")
    if apprenant is not None:
        evaluations = evaluations.filter(apprenant=apprenant)
    # the evaluation (exit first, then the latest) that reaches the most competences
    evaluation, meilleur = None, 0
    for candidate in evaluations:
        nombre = sum(1 for n in candidate.niveaux.all() if n.niveau >= Niveau.ACQUIS)
        if nombre > meilleur:
            evaluation, meilleur = candidate, nombre
    if evaluation is None:
        return None
    apprenant = evaluation.apprenant
    atteintes = [n.competence for n in evaluation.niveaux.all() if n.niveau >= Niveau.ACQUIS]
    if not apprenant.email:
        apprenant.email = f"{apprenant.reference.lower()}@apprenants.example.org"
        apprenant.save(update_fields=["email"])
    classe = BadgeClasse.objects.filter(projet=projet, nom=nom).first() or services.enregistrer_badge_classe(
        classe=BadgeClasse(nom=nom, description=description, criteres=criteres),
        projet=projet,
        by=by,
        competences=atteintes,
        niveau=Niveau.ACQUIS,
    )
    badge = Badge.objects.filter(classe=classe, apprenant=apprenant).first()
    if badge is None:
        badge = services.proposer_badge(classe=classe, apprenant=apprenant, by=by, suggere=True)
    if not badge.jwt:
        badge = services.delivrer_badge(badge=badge, by=by)
    services.changer_publication(badge=badge, by=by, publication=Publication.PRENOM)
    return badge
