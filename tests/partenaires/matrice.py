"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.

Targets: the partner's own organisation ("organisation_partenaire"), another organisation of A
("organisation_autre"), an organisation of B asked for through A's URL ("organisation_etrangere");
conventions signed by the partner's organisation or not, and of project B; sessions of the
partner's OF, of another OF, and of B. The financeur has no ``partenaires.voir`` nor
``apprenants.voir``: 403 before any object is read. The sessions views (parcours app) are here
too since they belong to the same work.
"""

from django.core.files.base import ContentFile

from tests import factories as f
from tests.matrice_outils import membres, tous  # noqa: F401


def _a(monde, pk):
    return {"projet_id": monde["A"].pk, "pk": pk}


def _org_partenaire(monde):
    return monde["adhesions"]["partenaire"].organisation


def _convention(monde, *, projet="A", signee=True, fichier=False):
    parties = [_org_partenaire(monde)] if signee else [f.OrganisationFactory(projet=monde[projet])]
    extra = {"fichier": ContentFile(b"%PDF-1.4 convention", name="convention.pdf")} if fichier else {}
    return f.ConventionFactory(projet=monde[projet], parties=parties, **extra).pk


CIBLES: dict = {
    "organisation_partenaire": lambda m: _a(m, _org_partenaire(m).pk),
    "organisation_autre": lambda m: _a(m, m["etape_autre"].organisation_id),
    "organisation_etrangere": lambda m: _a(m, m["etape_etrangere"].organisation_id),
    "contact_partenaire": lambda m: _a(m, f.ContactFactory(organisation=_org_partenaire(m)).pk),
    "contact_autre": lambda m: _a(m, f.ContactFactory(organisation=m["etape_autre"].organisation).pk),
    "contact_etranger": lambda m: _a(m, f.ContactFactory(organisation=m["etape_etrangere"].organisation).pk),
    "convention_signee": lambda m: _a(m, _convention(m, fichier=True)),
    "convention_non_signee": lambda m: _a(m, _convention(m, signee=False, fichier=True)),
    "convention_etrangere": lambda m: _a(m, _convention(m, projet="B", signee=False, fichier=True)),
    "session_partenaire": lambda m: _a(m, f.SessionFormationFactory(projet=m["A"], organisation=_org_partenaire(m)).pk),
    "session_autre": lambda m: _a(m, f.SessionFormationFactory(projet=m["A"]).pk),
    "session_etrangere": lambda m: _a(m, f.SessionFormationFactory(projet=m["B"]).pk),
}

LECTURE = membres(200, financeur=403)
ECRITURE = membres(200, partenaire=403, financeur=403)
ETRANGER = membres(404, financeur=403)
ETRANGER_ECRITURE = membres(404, partenaire=403, financeur=403)

MATRICE: list = [
    # organisations
    ("organisation_list", "A", LECTURE),
    ("organisation_list", "B", tous(404)),
    ("organisation_detail", "organisation_partenaire", LECTURE),
    ("organisation_detail", "organisation_autre", LECTURE),  # the consortium directory is shared
    ("organisation_detail", "organisation_etrangere", ETRANGER),
    ("organisation_create", "A", ECRITURE),
    ("organisation_create", "B", tous(404)),
    ("organisation_update", "organisation_partenaire", ECRITURE),
    ("organisation_update", "organisation_autre", ECRITURE),
    ("organisation_update", "organisation_etrangere", ETRANGER_ECRITURE),
    # contacts
    ("contact_create", "organisation_partenaire", ECRITURE),
    ("contact_create", "organisation_etrangere", ETRANGER_ECRITURE),
    ("contact_update", "contact_partenaire", ECRITURE),
    ("contact_update", "contact_autre", ECRITURE),
    ("contact_update", "contact_etranger", ETRANGER_ECRITURE),
    # conventions: a partner sees the conventions its organisation signed
    ("convention_create", "A", ECRITURE),
    ("convention_create", "B", tous(404)),
    ("convention_detail", "convention_signee", LECTURE),
    ("convention_detail", "convention_non_signee", membres(200, partenaire=404, financeur=403)),
    ("convention_detail", "convention_etrangere", ETRANGER),
    ("convention_update", "convention_signee", ECRITURE),
    ("convention_update", "convention_non_signee", ECRITURE),
    ("convention_update", "convention_etrangere", ETRANGER_ECRITURE),
    ("convention_fichier", "convention_signee", LECTURE),
    ("convention_fichier", "convention_non_signee", membres(200, partenaire=404, financeur=403)),
    ("convention_fichier", "convention_etrangere", ETRANGER),
    # learners an organisation follows (parcours app, loaded by the organisation page)
    ("organisation_apprenants", "organisation_partenaire", LECTURE),
    ("organisation_apprenants", "organisation_autre", LECTURE),  # a partner gets an empty list
    ("organisation_apprenants", "organisation_etrangere", ETRANGER),
    # sessions (parcours app): a partner sees its organisation's sessions only
    ("sessionformation_list", "A", LECTURE),
    ("sessionformation_list", "B", tous(404)),
    ("sessionformation_detail", "session_partenaire", LECTURE),
    ("sessionformation_detail", "session_autre", membres(200, partenaire=404, financeur=403)),
    ("sessionformation_detail", "session_etrangere", ETRANGER),
    # logging sessions is the coordinators' (apprenants.modifier)
    ("sessionformation_create", "A", membres(200, partenaire=403, financeur=403)),
    ("sessionformation_create", "B", tous(404)),
    ("sessionformation_update", "session_partenaire", membres(200, partenaire=403, financeur=403)),
    ("sessionformation_update", "session_etrangere", membres(404, partenaire=403, financeur=403)),
]

# deletions (issue 16, conciergerie.mixins.ServiceDeleteView): partenaires.modifier; GET shows the
# confirmation (the refusal when something still points to the row, 200 too)
MATRICE += [
    ("organisation_delete", "organisation_partenaire", ECRITURE),
    ("organisation_delete", "organisation_autre", ECRITURE),
    ("organisation_delete", "organisation_etrangere", ETRANGER_ECRITURE),
    ("contact_delete", "contact_partenaire", ECRITURE),
    ("contact_delete", "contact_autre", ECRITURE),
    ("contact_delete", "contact_etranger", ETRANGER_ECRITURE),
    ("sessionformation_delete", "session_partenaire", ECRITURE),
    ("sessionformation_delete", "session_autre", ECRITURE),
    ("sessionformation_delete", "session_etrangere", ETRANGER_ECRITURE),
]

# consortium membership dates (issue 16): partenaires.modifier, on the organisation's pk
CIBLES["membre_a"] = lambda m: _a(m, f.MembreConsortiumFactory(projet=m["A"]).organisation_id)
CIBLES["membre_b"] = lambda m: _a(m, f.MembreConsortiumFactory(projet=m["B"]).organisation_id)
MATRICE += [
    ("membre_consortium_dates", "membre_a", ECRITURE),
    ("membre_consortium_dates", "membre_b", ETRANGER_ECRITURE),
]
