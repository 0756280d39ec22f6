"""Sections that an app adds to a page of an app on its left: the one documented hook by which a
lower app's page shows what a higher app holds (the dependency chain forbids the import).

A page declares a named place (``{% sections "copil_detail" %}`` in its template, with the
``sections`` template library of ``conciergerie``); an app on the right registers, in its
``AppConfig.ready``, a template for that place and optionally a function giving that template's
extra context from the page's context (``request``, ``projet``, the page's object…). The tag
renders every registered template in order with the page's context plus the extra one.

Places in use (docs/architecture.md, "Hooks"):

- ``projet_choix`` (conciergerie): « Créer un projet » (partenaires), the roll-up's link (pilotage);
- ``organisation_detail`` (partenaires): the organisation's learners and sessions (parcours);
- ``apprenant_detail`` (parcours): the récits naming the learner (recits), the competences'
  radar chart and evaluations (competences);
- ``etape`` (parcours, each step of a path): « Évaluer », the AFEST traceability (competences);
- ``copil_detail`` (recits): the COPIL's PDF reports (pilotage);
- ``afest_actions`` (competences: the learner's competences, an AFEST step's page): the learner's
  AFEST file, a PDF (pilotage).
- ``seance_actions`` (parcours, with ``seance``): the printable attendance sheet (pilotage).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template_name: str
    contexte: Callable[[dict], dict] | None = None


_SECTIONS: dict[str, list[Section]] = {}


def register(emplacement: str, template_name: str, contexte: Callable[[dict], dict] | None = None) -> Section:
    """Add ``template_name`` to the place ``emplacement`` (once, however often ``ready`` runs)."""
    section = Section(template_name, contexte)
    sections = _SECTIONS.setdefault(emplacement, [])
    if all(s.template_name != template_name for s in sections):
        sections.append(section)
    return section


def sections(emplacement: str) -> list[Section]:
    return list(_SECTIONS.get(emplacement, ()))
