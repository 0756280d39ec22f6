"""Permission-matrix rows of this app's views (see tests/conciergerie/test_permission_matrix.py).

MATRICE: [(url name, target name, {user kind: status})]; CIBLES: {target name: lambda monde: url kwargs}.

Targets: "fin_*" objects belong to a funding of the financeur's own organisation in project A,
"autre_*" to another funder's funding in A, "etranger_*" to a funding of project B (asked for
through A's URL). The financeur reads its own funding (200) and gets 404 on the others; every
write view, and the receipt download, is 403 for it and for the partenaire, who sees none of
the money.
"""

from django.core.files.base import ContentFile

from tests import factories as f
from tests.matrice_outils import membres, tous  # noqa: F401


def _financement(monde, qui, **kw):
    if qui == "fin":
        return f.FinancementFactory(projet=monde["A"], financeur=monde["adhesions"]["financeur"].organisation, plafonne=True, **kw)
    if qui == "autre":
        return f.FinancementFactory(projet=monde["A"], **kw)
    return f.FinancementFactory(projet=monde["B"], **kw)


LOGO = b"\x89PNG\r\n\x1a\n logo"


def _depense(monde, qui):
    ligne = f.LigneBudgetFactory(financement=_financement(monde, qui))
    return f.DepenseFactory(ligne=ligne, justificatif=ContentFile(b"%PDF-1.4 recu", name="recu.pdf"))


def _kw(monde, **kw):
    return {"projet_id": monde["A"].pk, **kw}


CIBLES: dict = {}
for _qui in ("fin", "autre", "etranger"):
    CIBLES[f"{_qui}_financement"] = lambda monde, q=_qui: _kw(monde, pk=_financement(monde, q).pk)
    CIBLES[f"{_qui}_financement_logo"] = lambda monde, q=_qui: _kw(
        monde, pk=_financement(monde, q, logo=ContentFile(LOGO, name="logo.png")).pk
    )
    CIBLES[f"{_qui}_sous_financement"] = lambda monde, q=_qui: _kw(monde, financement_pk=_financement(monde, q).pk)
    CIBLES[f"{_qui}_ligne"] = lambda monde, q=_qui: _kw(monde, pk=f.LigneBudgetFactory(financement=_financement(monde, q)).pk)
    CIBLES[f"{_qui}_depense"] = lambda monde, q=_qui: _kw(monde, pk=_depense(monde, q).pk)
    CIBLES[f"{_qui}_versement"] = lambda monde, q=_qui: _kw(monde, pk=f.VersementFactory(financement=_financement(monde, q)).pk)
    CIBLES[f"{_qui}_derogation"] = lambda monde, q=_qui: _kw(
        monde, pk=f.DerogationEligibiliteFactory(financement=_financement(monde, q)).pk
    )
CIBLES["objectif_a"] = lambda monde: _kw(monde, pk=f.ObjectifFactory(projet=monde["A"]).pk)
CIBLES["objectif_b"] = lambda monde: _kw(monde, pk=f.ObjectifFactory(projet=monde["B"]).pk)
CIBLES["benevolat_a"] = lambda monde: _kw(monde, pk=f.TempsBenevoleFactory(projet=monde["A"]).pk)
CIBLES["benevolat_b"] = lambda monde: _kw(monde, pk=f.TempsBenevoleFactory(projet=monde["B"]).pk)
CIBLES["partage_a"] = lambda monde: _kw(monde, pk=f.PartageValeurFactory(projet=monde["A"]).pk)
CIBLES["partage_b"] = lambda monde: _kw(monde, pk=f.PartageValeurFactory(projet=monde["B"]).pk)

LECTURE = membres(200, partenaire=403)
ECRITURE = membres(200, partenaire=403, financeur=403)
AILLEURS_LECTURE = membres(404, partenaire=403)  # another funder's funding: 404 for the financeur too
AILLEURS_ECRITURE = membres(404, partenaire=403, financeur=403)
AUTRE_LECTURE = membres(200, partenaire=403, financeur=404)

MATRICE: list = [
    ("finances", "A", LECTURE),
    ("finances", "B", tous(404)),
    # the lists (issue 19): a funder reads its fundings' expenses, not the named volunteer rows
    ("depense_list", "A", LECTURE),
    ("depense_list", "B", tous(404)),
    ("benevolat_list", "A", ECRITURE),
    ("benevolat_list", "B", tous(404)),
    ("financement_create", "A", ECRITURE),
    ("financement_create", "B", tous(404)),
    ("benevolat_create", "A", ECRITURE),
    ("benevolat_create", "B", tous(404)),
    ("benevolat_semaine", "A", ECRITURE),
    ("benevolat_semaine", "B", tous(404)),
    ("partage_create", "A", ECRITURE),
    ("partage_create", "B", tous(404)),
    ("benevolat_update", "benevolat_a", ECRITURE),
    ("benevolat_update", "benevolat_b", AILLEURS_ECRITURE),
    ("partage_update", "partage_a", ECRITURE),
    ("partage_update", "partage_b", AILLEURS_ECRITURE),
]
MATRICE += [
    ("financement_detail", "fin_financement", LECTURE),
    ("financement_detail", "autre_financement", AUTRE_LECTURE),
    ("financement_detail", "etranger_financement", AILLEURS_LECTURE),
    # the funder's logo (issue 17, printed on the attendance sheets): read like its funding
    ("financement_logo", "fin_financement_logo", LECTURE),
    ("financement_logo", "autre_financement_logo", AUTRE_LECTURE),
    ("financement_logo", "etranger_financement_logo", AILLEURS_LECTURE),
]
# a receipt may carry personal data (payslip, names): finances.modifier only, so the financeur
# gets 403 even for an expense of the funding its organisation provides
for _vue, _cible in (
    ("depense_justificatif", "depense"),
    ("financement_update", "financement"),
    ("ligne_create", "sous_financement"),
    ("depense_create", "sous_financement"),
    ("versement_create", "sous_financement"),
    ("ligne_update", "ligne"),
    ("depense_update", "depense"),
    ("versement_update", "versement"),
):
    MATRICE += [
        (_vue, f"fin_{_cible}", ECRITURE),
        (_vue, f"autre_{_cible}", ECRITURE),
        (_vue, f"etranger_{_cible}", AILLEURS_ECRITURE),
    ]

# deletions (issue 16): finances.modifier, the financeur gets 403 even for its own funding's rows
for _vue, _cible in (("depense_delete", "depense"), ("versement_delete", "versement")):
    MATRICE += [
        (_vue, f"fin_{_cible}", ECRITURE),
        (_vue, f"autre_{_cible}", ECRITURE),
        (_vue, f"etranger_{_cible}", AILLEURS_ECRITURE),
    ]
MATRICE += [
    ("benevolat_delete", "benevolat_a", ECRITURE),
    ("benevolat_delete", "benevolat_b", AILLEURS_ECRITURE),
]

# issue 17: eligibility overrides (they name a learner: finances.modifier only, the financeur gets
# 403 even for its own funding) and targets (read with finances.voir: a funder lists its fundings')
for _vue, _cible in (("derogation_create", "sous_financement"), ("derogation_update", "derogation"), ("derogation_delete", "derogation")):
    MATRICE += [
        (_vue, f"fin_{_cible}", ECRITURE),
        (_vue, f"autre_{_cible}", ECRITURE),
        (_vue, f"etranger_{_cible}", AILLEURS_ECRITURE),
    ]
MATRICE += [
    ("objectif_list", "A", LECTURE),
    ("objectif_list", "B", tous(404)),
    ("objectif_create", "A", ECRITURE),
    ("objectif_create", "B", tous(404)),
    ("objectif_update", "objectif_a", ECRITURE),
    ("objectif_update", "objectif_b", AILLEURS_ECRITURE),
    ("objectif_delete", "objectif_a", ECRITURE),
    ("objectif_delete", "objectif_b", AILLEURS_ECRITURE),
]
