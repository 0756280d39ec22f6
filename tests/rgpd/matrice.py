"""Permission-matrix rows of the data-protection views (see tests/conciergerie/test_permission_matrix.py).

Every view needs ``rgpd.gerer`` (administrateur): the other roles get 403 before any object is
read, the outsider 404, and a learner or contact of project B asked for through A's URL 404.
The anonymising pages answer GET with their confirmation (200); the export is a download (200).
"""

from tests import factories as f
from tests.matrice_outils import membres, tous  # noqa: F401


def _a(monde, pk):
    return {"projet_id": monde["A"].pk, "pk": pk}


ADMIN_SEUL = {"coordinateur": 403, "partenaire": 403, "financeur": 403}

CIBLES: dict = {
    "rgpd_contact": lambda m: _a(m, f.ContactFactory(organisation=m["etape_autre"].organisation).pk),
    "rgpd_contact_etranger": lambda m: _a(m, f.ContactFactory(organisation=m["etape_etrangere"].organisation).pk),
}

MATRICE: list = [
    ("apprenant_export", "apprenant_suivi", membres(200, **ADMIN_SEUL)),
    ("apprenant_export", "apprenant_autre", membres(200, **ADMIN_SEUL)),
    ("apprenant_export", "apprenant_etranger", membres(404, **ADMIN_SEUL)),
    ("apprenant_anonymiser", "apprenant_suivi", membres(200, **ADMIN_SEUL)),
    ("apprenant_anonymiser", "apprenant_etranger", membres(404, **ADMIN_SEUL)),
    ("contact_anonymiser", "rgpd_contact", membres(200, **ADMIN_SEUL)),
    ("contact_anonymiser", "rgpd_contact_etranger", membres(404, **ADMIN_SEUL)),
    ("journal_acces", "A", membres(200, **ADMIN_SEUL)),
    ("journal_acces", "B", tous(404)),
    ("conservation", "A", membres(200, **ADMIN_SEUL)),
    ("conservation", "B", tous(404)),
]
