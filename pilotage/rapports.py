"""COPIL report jobs: request, generate (the Celery worker's work), retry.

A report is a job row (``RapportCopil``: en_attente → en_cours → prêt / échec) run by the one job
mechanism of ``pilotage.jobs``, which the Excel bilans share. The view calls ``demander_rapport``,
which creates the row and enqueues ``pilotage.tasks.generer_rapport_copil`` *after commit*; the
task calls ``generer_rapport``, which hands ``pilotage.jobs.executer`` the report's content:

1. the job's row is locked and its status checked first: a ready report is left alone (running
   the task twice makes one report and one file), a failed one waits for ``relancer_rapport``;
2. it is marked running and its progress saved as it goes (10 → 40 → 70 → 90 → 100), each step
   in its own short transaction so the page polling the row sees it;
3. the print template is rendered, then the PDF (``pilotage.pdf.rendre_pdf``) — in memory;
4. the row is locked again and, unless another run finished first, the file is written (only
   now, with the complete PDF) and the job marked ready, in one transaction. A worker killed
   before that step leaves no file and no half-written report: the redelivered task starts again.

Any error is kept on the row (``erreur``, "Échec du rendu : …") and not re-raised: a rendering
error is not fixed by retrying blindly, and in eager mode (the embedded default) the request that
asked for the report must not fail with it. ``relancer_rapport`` puts the job back in the queue.

A report records for whom it is made (``RapportCopil.destinataire``). The committee's rendering
(``FINANCEURS``, the default; the only one a funder may read) holds aggregates only: figures
masked by ``pilotage.masquage``, no row about a person. The coordinators' rendering
(``COORDINATION``) adds the paths ended in the period, one line per learner, by reference only
(``Apprenant.reference``). Both show the same figures, masked the same way.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from conciergerie.tri import cle_alphabetique
from finances.models import Financement, Objectif
from parcours.models import Etape, Parcours, PorteeConsentement, Sortie, TypeSortie
from partenaires.models import MembreConsortium, Organisation, TypeOrganisation
from recits.models import Copil, Recit
from recits.selectors import recits_publiables

from . import jobs, memo, pdf
from .indicateurs import Periode, calculer, competences
from .jobs import DELAI_BLOCAGE, EN_VOL, bloque, relancable  # noqa: F401  (public names of this module)
from .masquage import LEGENDE
from .models import Destinataire, RapportCopil
from .repartitions import calculer_repartitions, progressions

logger = logging.getLogger(__name__)

#: paths shown in the highlights section (the most recent ones)
PARCOURS_MAX = 30
PREFIXE_ERREUR = "Échec du rendu : "


# ------------------------------------------------------------------ requests from the UI


def _mettre_en_file(rapport: RapportCopil) -> None:
    jobs.envoyer_apres_commit(rapport)  # after commit; the sweeper sends it if the broker is down


def demander_rapport(*, copil: Copil, by, destinataire: str = Destinataire.FINANCEURS) -> RapportCopil:
    """Create a report job for ``copil``, for ``destinataire`` (``Destinataire``), and enqueue it
    after commit. If a job for this COPIL and this reader is already waiting or running, return
    it instead of making a second one."""
    if destinataire not in Destinataire.values:
        raise ValueError(f"Destinataire inconnu : {destinataire}")
    with transaction.atomic():
        # serialise two requests for the same COPIL (two clicks, two coordinators)
        Copil.objects.select_for_update().filter(pk=copil.pk).values_list("pk", flat=True).first()
        existant = RapportCopil.objects.filter(copil=copil, destinataire=destinataire, statut__in=EN_VOL).order_by("cree_le", "pk").first()
        if existant is not None:
            return existant  # a lost one is retried with relancer_rapport
        rapport = RapportCopil.objects.create(copil=copil, demande_par=by, destinataire=destinataire)
        _mettre_en_file(rapport)
    return rapport


def relancer_rapport(*, rapport: RapportCopil, by) -> RapportCopil:
    """Put a failed (or lost) job back in the queue. Anything else is returned unchanged (a second
    click on "Relancer" finds the job already waiting)."""
    return jobs.remettre_en_file(job=rapport, by=by, mettre_en_file=_mettre_en_file)


# ------------------------------------------------------------------ the worker's work


def message_erreur(exc: BaseException) -> str:
    return jobs.message_erreur(PREFIXE_ERREUR, exc)


def nom_fichier(rapport: RapportCopil) -> str:
    return f"rapport-copil-{rapport.copil.date:%Y-%m-%d}-{rapport.destinataire}-{rapport.pk}.pdf"


def _produire(rapport: RapportCopil, avancer: jobs.Avancer) -> ContentFile:
    copil = Copil.objects.select_related("projet").get(pk=rapport.copil_id)
    contexte = contexte_rapport(copil=copil, destinataire=rapport.destinataire)
    avancer(40)
    html = render_to_string("pilotage/rapport_pdf.html", contexte)
    avancer(70)
    contenu = pdf.rendre_pdf(html)
    avancer(90)
    return ContentFile(contenu)


def generer_rapport(*, rapport_id: int) -> RapportCopil | None:
    """Generate the PDF of job ``rapport_id`` (see the module docstring). Idempotent."""
    return jobs.executer(modele=RapportCopil, job_id=rapport_id, produire=_produire, nom_fichier=nom_fichier, prefixe_erreur=PREFIXE_ERREUR)


# ------------------------------------------------------------------ what the report shows


def _parcours_termines(copil: Copil, periode: Periode) -> tuple[list[dict], int]:
    """Paths that ended in the period: reference (pseudonym), dates, steps, outcomes. No name,
    no comment, nothing written about the person."""
    qs = (
        Parcours.objects.of_projet(copil.projet)
        .filter(date_fin__range=(periode.debut, periode.fin))
        .select_related("apprenant")
        .prefetch_related(
            Prefetch("etapes", queryset=Etape.objects.select_related("organisation").order_by("date_debut", "pk")),
            Prefetch("sorties", queryset=Sortie.objects.order_by("date", "pk")),
        )
        .order_by("-date_fin", "pk")
    )
    total = qs.count()
    lignes = []
    for p in qs[:PARCOURS_MAX]:
        sorties = {s.type: s.get_resultat_display() for s in p.sorties.all()}
        lignes.append(
            {
                "reference": p.apprenant.reference,
                "debut": p.date_debut,
                "fin": p.date_fin,
                "etapes": [
                    {"type": e.get_type_display(), "organisation": e.organisation.nom if e.organisation_id else ""} for e in p.etapes.all()
                ],
                "sortie": sorties.get(TypeSortie.SORTIE, ""),
                "suivi_6_mois": sorties.get(TypeSortie.SUIVI_6_MOIS, ""),
            }
        )
    return lignes, total


def _partenaires(copil: Copil) -> list[dict]:
    """The consortium's organisations by type, with their role in the consortium."""
    roles = {m.organisation_id: m.get_role_display() for m in MembreConsortium.objects.of_projet(copil.projet)}
    libelles = dict(TypeOrganisation.choices)
    groupes: dict[str, list] = {}
    for o in Organisation.objects.of_projet(copil.projet).order_by("type", cle_alphabetique("nom"), "pk"):
        groupes.setdefault(o.type, []).append({"nom": o.nom, "commune": o.commune, "role": roles.get(o.pk, "")})
    return [{"type": libelles.get(t, t), "organisations": orgs} for t, orgs in groupes.items()]


def contexte_rapport(*, copil: Copil, destinataire: str = Destinataire.FINANCEURS) -> dict:
    """Everything the print template needs. Figures come from ``pilotage.indicateurs`` (masked:
    the report is read by funders); money from ``finances.selectors.syntheses`` through it. The
    per-learner table only in the coordinators' rendering."""
    periode = Periode(copil.periode_debut, copil.periode_fin)
    with memo.lecture([copil.projet_id]):  # the project's revision read once for the report's figures
        return _contexte_rapport(copil=copil, destinataire=destinataire, periode=periode)


def _contexte_rapport(*, copil: Copil, destinataire: str, periode: Periode) -> dict:
    indicateurs = calculer([copil.projet], periode, masquer=True)
    # breakdowns and targets (issue 17), masked with the figures: the report is read by funders
    financements = Financement.objects.of_projet(copil.projet).select_related("financeur").order_by("date_debut", "pk")
    repartitions = calculer_repartitions([copil.projet], periode, indicateurs=indicateurs, masquer=True, financements=list(financements))
    objectifs = Objectif.objects.of_projet(copil.projet).select_related("projet", "financement")
    coordination = destinataire == Destinataire.COORDINATION
    parcours, parcours_total = _parcours_termines(copil, periode) if coordination else ([], 0)
    # only the récits whose every named or linked learner consents to the COPIL (not withdrawn)
    recits = recits_publiables(
        copil.projet,
        PorteeConsentement.COPIL,
        Recit.objects.of_projet(copil.projet)
        .filter(a_presenter_copil=True, date__range=(periode.debut, periode.fin))
        .order_by("date", "pk"),
    )
    return {
        "projet": copil.projet,
        "copil": copil,
        "coordination": coordination,
        "legende": LEGENDE,
        "periode": periode,
        "indicateurs": indicateurs,
        "competences": competences([copil.projet], periode, masquer=True),
        "repartitions": repartitions,
        "progressions": progressions(objectifs, masquer=True),
        # one Synthese per funding (finances.selectors.syntheses), computed by the indicators
        "financements": indicateurs.finances.financements,
        "totaux": indicateurs.finances.totaux,
        "parcours": parcours,
        "parcours_total": parcours_total,
        "partenaires": _partenaires(copil),
        "recits": list(recits),
        "genere_le": timezone.localtime(),
        "feuille_de_style": pdf.url_statique("css/print.css"),
    }
