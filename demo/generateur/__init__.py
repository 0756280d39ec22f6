"""A deterministic dataset at the national programme's size, for benchmarks and load tests.

``Generateur(taille).executer()`` fills every app in one transaction with ``bulk_create`` (in
batches), from one seeded ``random.Random``: the same seed, size and reference date give the same
rows (primary keys and the database's own clock aside — creation/modification timestamps are
set from the data's dates, not from ``now()``).

Distributions (``../shared/domain/deffinov-rencontre-nationale-2025.txt`` where it says so):

- about 100 learners per project per year: a project's learners ∝ its age × a log-normal factor;
- ≈ 47 % of learners in a QPV and ≈ 46 % in a ZRR (per project, an urban/rural mix, rescaled so
  that the whole dataset hits the national shares; QPV and ZRR overlap only when they must);
- among training steps, ≈ 50 % pre-qualifying and ≈ 33 % certifying or diplômante (the
  indicators' ``part_pre_qualifiante`` and ``part_certifiante``);
- ≈ 5 members per consortium (one lead tiers-lieu, 1–3 OF, some associates), ~1 tiers-lieu and
  ~1.7 OF per consortium (208 tiers-lieux, 353 OF for 204 projects);
- elsewhere realistic guesses: ~1.2 paths per learner, ~3.3 steps per path, ~1.5 obstacles per
  learner (mobility first), exits and 6-month follow-ups (80 % recorded), 2.5 volunteer
  entries per learner, 3–4 fundings with caps (Deffinov: engineering ≤ 20 %, volunteering
  ≤ 30 %), budget lines, expenses, payments, sessions, value sharing, activities, récits
  (learners named only with their consent), a COPIL every four months;
- every learner in 1–3 collective sessions of 10–40 séances, with attendance (``seances.py``):
  a few million attendance rows at the national size.

Every row satisfies the models' constraints and ``clean()`` rules (the test runs ``full_clean``
on samples). Users: per project ``admin-NNN``, ``coord-NNN``, ``partenaire-NNN`` (at an OF of the
consortium), ``financeur-NNN``; per region ``region-<slug>`` (financeur through the Région in
each of its projects) and ``national`` (financeur through the Deffinov funder in every project).
All share one password (hashed once). A marker user (inactive, no membership) records the seed
and size: ``lire_marqueur()``.
"""

from .base import MARQUEUR, VERSION, Taille, lire_marqueur
from .moteur import Generateur

__all__ = ["MARQUEUR", "VERSION", "Generateur", "Taille", "lire_marqueur"]
