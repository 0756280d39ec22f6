"""Disclosure control (pilotage.masquage), on the pure layer: figures built from raw counts
(``Brut``), no database. What a reader sees is read back from the displayed strings only
(« < 5 » is 1 to 4, « s » is 5 or more, a number is itself), and what it can derive is computed
here, independently of the module's own model: interval reasoning over every relation a reader
knows from the definitions (totals, complements, and the redundant sums too, which a reader
uses directly). No masked cell may be pinned; no « < 5 » may stand for 5 or more."""

from __future__ import annotations

from collections import defaultdict
from datetime import date as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finances.selectors import totaliser
from parcours.models import RESULTATS_POSITIFS, ResultatSortie, TypeEtape, TypeSortie
from pilotage import masquage
from pilotage.indicateurs import TRANCHES_AGE, TYPES_CERTIFIANTS, TYPES_FORMATION, Brut, Finances, Periode, _en_clair, _indicateurs

PERIODE = Periode(D(2025, 1, 1), D(2025, 12, 31))
INFINI = 10**9
SORTIE, SUIVI = TypeSortie.SORTIE, TypeSortie.SUIVI_6_MOIS


def _finances():
    return Finances(financements=[], totaux=totaliser([]))


def figures(brut: Brut, masquer: bool = True):
    return _indicateurs(brut, PERIODE, nb_projets=1, masquer=masquer, finances=_finances())


# ------------------------------------------------------------------ the reader's side


def _lecture(nom: str, effectif) -> tuple[int, int]:
    texte = str(effectif)
    if texte == "< 5":
        return (1, 4)
    if texte == "s":  # hidden for the secret: any number but zero (the legend says no more)
        return (1, INFINI)
    return (int(texte.replace("\u00a0", "").replace("\u202f", "")), int(texte.replace("\u00a0", "").replace("\u202f", "")))


def lecteur(i, prefixe: str = "", egaux: bool | None = None):
    """What one dashboard (or the PDF, or the *Synthèse* sheet: the same figures) shows, as the
    reader knows it: {cell: (effectif or None if not shown, true value)}, and the relations
    (total, parts) it knows from the definitions."""
    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties
    c: dict[str, tuple] = {}
    rel: list[tuple[str, tuple[str, ...]]] = []

    def montre(nom, effectif):
        c[prefixe + nom] = (effectif, effectif.valeur)
        return prefixe + nom

    def cache(nom, valeur):
        c[prefixe + nom] = (None, valeur)
        return prefixe + nom

    def somme(total, parties):
        rel.append((total, tuple(parties)))

    acc = montre("accompagnes", a.accompagnes)
    for nom, eff in (("nouveaux", a.nouveaux), ("actifs", a.actifs), ("sortis", a.sortis)):
        somme(acc, (montre(nom, eff), cache("hors " + nom, a.accompagnes.valeur - eff.valeur)))
    for nom in ("qpv", "zrr", "rqth"):
        eff = getattr(p, nom)
        somme(acc, (montre(nom, eff), cache("hors " + nom, a.accompagnes.valeur - eff.valeur)))
    sit = [montre(n, getattr(p, n)) for n in ("neet", "demandeurs_emploi", "rsa")]
    somme(
        acc,
        (*sit, cache("autre situation", a.accompagnes.valeur - sum(getattr(p, n).valeur for n in ("neet", "demandeurs_emploi", "rsa")))),
    )
    somme(acc, [montre("age " + li.cle, li.effectif) for li in p.tranches_age])

    types = {li.cle: montre("etape " + li.cle, li.effectif) for li in e.par_type}
    tot, form = montre("etapes", e.total), montre("formations", e.formations)
    cert = montre("certifiantes", e.certifiantes)  # shown through its share of the trainings
    somme(tot, types.values())  # redundant with the next ones: a reader adds them directly
    somme(form, [types[t] for t in TYPES_FORMATION])
    somme(cert, [types[t] for t in TYPES_CERTIFIANTS])
    somme(tot, (form, cache("hors formations", e.total.valeur - e.formations.valeur)))
    somme(prefixe + "hors formations", [v for t, v in types.items() if t not in TYPES_FORMATION])
    somme(form, (cert, *[types[t] for t in TYPES_FORMATION - TYPES_CERTIFIANTS]))

    somme(montre("freins", f.identifies), (montre("leves", f.leves), cache("non leves", f.identifies.valeur - f.leves.valeur)))

    for suffixe, lignes, total, positives in (
        ("", s.a_la_sortie, s.total_sortie, s.positives_sortie),
        (" 6", s.a_6_mois, s.total_6_mois, s.positives_6_mois),
    ):
        t, pos = montre("sorties" + suffixe, total), montre("positives" + suffixe, positives)
        parts = {li.cle: montre(f"resultat{suffixe} {li.cle}", li.effectif) for li in lignes}
        non = cache("non positives" + suffixe, total.valeur - positives.valeur)
        somme(t, parts.values())
        somme(t, (pos, non))
        somme(pos, [v for r, v in parts.items() if r in RESULTATS_POSITIFS])
        somme(non, [v for r, v in parts.items() if r not in RESULTATS_POSITIFS])
    if a.sortis.valeur == s.total_sortie.valeur if egaux is None else egaux:  # the reader takes them for one figure
        somme(prefixe + "sortis", (prefixe + "sorties",))
    montre("places", i.sessions.apprenants_places)
    return c, rel


def bornes(cellules: dict, relations: list) -> dict[str, tuple[int, int]]:
    """Interval reasoning to a fixed point (written here, not the module's)."""
    b = {nom: (_lecture(nom, eff) if eff is not None else (0, INFINI)) for nom, (eff, _) in cellules.items()}
    for _ in range(200):
        change = False
        for total, parties in relations:
            parties = [p for p in parties]
            lo = sum(b[p][0] for p in parties)
            hi = sum(min(b[p][1], INFINI) for p in parties)
            t = (max(b[total][0], lo), min(b[total][1], hi))
            if t != b[total]:
                b[total], change = t, True
            for p in parties:
                autres_lo = sum(b[q][0] for q in parties) - b[p][0]
                autres_hi = sum(min(b[q][1], INFINI) for q in parties) - min(b[p][1], INFINI)
                n = (max(b[p][0], b[total][0] - autres_hi), min(b[p][1], b[total][1] - autres_lo))
                if n != b[p]:
                    b[p], change = n, True
        if not change:
            return b
    return b


def verifier(cellules: dict, relations: list) -> None:
    b = bornes(cellules, relations)
    for nom, (eff, vrai) in cellules.items():
        lo, hi = b[nom]
        assert lo <= vrai <= hi, (nom, vrai, b[nom])  # the relations hold
        if eff is not None and str(eff) == "< 5":
            assert 0 < vrai < 5, (nom, vrai)  # never « < 5 » for 5 or more
        if eff is not None and eff.masque:
            assert vrai > 0, (nom, vrai)  # zero is always shown
        masque = eff is not None and eff.masque
        sensible_cache = eff is None and 0 < vrai < 5
        if masque or sensible_cache:
            assert hi - lo >= 1, f"{nom} = {vrai} se recalcule : {b[nom]}"


def verifier_taux(i) -> None:
    a, p, e, f, s = i.apprenants, i.profil, i.etapes, i.freins, i.sorties
    for taux, num, den in (
        (p.part_qpv, p.qpv, a.accompagnes),
        (p.part_zrr, p.zrr, a.accompagnes),
        (p.part_neet, p.neet, a.accompagnes),
        (p.part_demandeurs_emploi, p.demandeurs_emploi, a.accompagnes),
        (p.part_rqth, p.rqth, a.accompagnes),
        (e.part_certifiante, e.certifiantes, e.formations),
        (e.part_pre_qualifiante, e.pre_qualifiantes, e.formations),
        (f.part_leves, f.leves, f.identifies),
        (s.taux_positif_sortie, s.positives_sortie, s.total_sortie),
        (s.taux_positif_6_mois, s.positives_6_mois, s.total_6_mois),
    ):
        assert taux.masque == (num.masque or den.masque)
        assert "< 5" not in str(taux)  # a rate is never printed as a count


# ------------------------------------------------------------------ random small projects


@st.composite
def bruts(draw) -> Brut:
    petit = st.integers(0, 9)
    brut = Brut()
    n = brut.n
    ages = [draw(petit) for _ in range(len(TRANCHES_AGE) + 1)]  # the last one: age unknown
    for (cle, *_), nb in zip(TRANCHES_AGE, ages, strict=False):
        n[cle] = nb
    acc = n["accompagnes"] = sum(ages)
    jusqua = lambda m: st.integers(0, m) | st.integers(max(0, m - 5), m)  # noqa: E731  (near the total too)
    for cle in ("nouveaux", "actifs", "sortis", "qpv", "zrr", "rqth"):
        n[cle] = draw(jusqua(acc))
    n["neet"] = draw(jusqua(acc))
    n["demandeurs_emploi"] = draw(jusqua(acc - n["neet"]))
    n["rsa"] = draw(jusqua(acc - n["neet"] - n["demandeurs_emploi"]))
    for t in TypeEtape.values:
        brut.etapes[t] = draw(st.integers(0, 7))
    n["freins_identifies"] = draw(petit)
    n["freins_leves"] = draw(jusqua(n["freins_identifies"]))
    for moment in (SORTIE, SUIVI):
        for r in draw(st.lists(st.sampled_from(ResultatSortie.values), max_size=4, unique=True)):
            brut.sorties[(moment, r)] = draw(st.integers(1, 25))
    total_sorties = sum(nb for (m, _), nb in brut.sorties.items() if m == SORTIE)
    if total_sorties <= acc and draw(st.booleans()):
        n["sortis"] = total_sorties  # most often, one exit per learner who left
    n["places"] = draw(petit)
    return brut


REGLAGES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@REGLAGES
@given(bruts())
def test_no_masked_cell_of_a_dashboard_can_be_recomputed(brut):
    """One project's dashboard, its COPIL PDF and its *Synthèse* sheet show these figures."""
    i = figures(brut)
    verifier(*lecteur(i))
    verifier_taux(i)


@settings(REGLAGES, max_examples=80)
@given(st.lists(bruts(), min_size=2, max_size=3))
def test_no_masked_cell_can_be_recomputed_from_a_roll_up_and_the_projects_dashboards(liste):
    """A funder sees the roll-up (its totals) and each project's own dashboard."""
    total = Brut()
    for brut in liste:
        total += brut
    clairs = [(n, _en_clair(b, PERIODE, nb_projets=1, finances=_finances())) for n, b in enumerate(liste)]
    somme, par_projet = masquage.masquer_synthese(_en_clair(total, PERIODE, nb_projets=len(liste), finances=_finances()), clairs)
    cellules, relations = {}, []
    colonnes = defaultdict(list)
    for n, i in par_projet:
        assert i == figures(liste[n])  # each row reads as the project's own dashboard
        c, r = lecteur(i, f"{n}:")
        cellules |= c
        relations += r
        for nom in c:
            colonnes[nom.split(":", 1)[1]].append(nom)
    c, r = lecteur(somme, "total:", all(i.apprenants.sortis.valeur == i.sorties.total_sortie.valeur for _, i in par_projet))
    cellules |= c
    relations += r + [(f"total:{nom}", tuple(parties)) for nom, parties in colonnes.items() if f"total:{nom}" in c]
    verifier(cellules, relations)
    verifier_taux(somme)


# ------------------------------------------------------------------ the examples


def _brut(**kwargs) -> Brut:
    brut = Brut()
    brut.n.update(kwargs)
    return brut


def test_positive_exits_and_exits_do_not_give_an_abandon_back():
    """« Sorties 24 » and « Sorties positives 23 »: 1 abandon."""
    brut = _brut(accompagnes=30, moins_26=30, sortis=24, nouveaux=30)
    brut.sorties.update(
        {(SORTIE, ResultatSortie.EMPLOI_DURABLE): 15, (SORTIE, ResultatSortie.EMPLOI_TRANSITION): 8, (SORTIE, ResultatSortie.ABANDON): 1}
    )
    i = figures(brut)
    lignes = {li.cle: str(li.effectif) for li in i.sorties.a_la_sortie}
    assert lignes[ResultatSortie.ABANDON] == "< 5"
    assert lignes[ResultatSortie.EMPLOI_TRANSITION] in {"8", "s"}  # 8 people: never « < 5 »
    assert "s" in {str(i.sorties.total_sortie), str(i.sorties.positives_sortie)}
    verifier(*lecteur(i))


def test_accompanied_and_in_path_do_not_give_an_exit_back():
    """« Accompagnés 12 » and « En parcours 11 »: 1 left."""
    i = figures(_brut(accompagnes=12, de_26_44=12, nouveaux=12, actifs=11))
    assert "s" in {str(i.apprenants.accompagnes), str(i.apprenants.actifs)}
    verifier(*lecteur(i))


def test_roll_up_total_minus_a_projects_own_dashboard_does_not_give_the_other_back():
    """Roll-up total 15 minus a project's own dashboard 12: the masked project has 3."""
    grand = _brut(accompagnes=12, de_26_44=12, nouveaux=12, actifs=12)
    petit = _brut(accompagnes=3, de_26_44=3, nouveaux=3, actifs=3)
    total = Brut()
    total += grand
    total += petit
    clair = lambda b, n=1: _en_clair(b, PERIODE, nb_projets=n, finances=_finances())  # noqa: E731
    somme, par_projet = masquage.masquer_synthese(clair(total, 2), [("grand", clair(grand)), ("petit", clair(petit))])
    lignes = dict(par_projet)
    assert str(lignes["grand"].apprenants.accompagnes) == "12" == str(figures(grand).apprenants.accompagnes)
    assert str(lignes["petit"].apprenants.accompagnes) == "< 5"
    assert str(somme.apprenants.accompagnes) == "s"  # not 15
    assert str(somme.apprenants.nouveaux) == "s"


def test_cells_of_five_or_more_hidden_for_the_secret_read_s_never_less_than_five():
    """The issue's dashboard: « Emploi de transition < 5 » for 8, « Moins de 26 ans < 5 » for 21."""
    brut = _brut(accompagnes=24, moins_26=21, de_26_44=3, nouveaux=24, actifs=24)
    brut.sorties.update({(SORTIE, ResultatSortie.EMPLOI_TRANSITION): 8, (SORTIE, ResultatSortie.ABANDON): 2})
    i = figures(brut)
    ages = {li.cle: str(li.effectif) for li in i.profil.tranches_age}
    assert ages["de_26_44"] == "< 5"
    assert ages["moins_26"] in {"21", "s"}
    assert {li.cle: str(li.effectif) for li in i.sorties.a_la_sortie}[ResultatSortie.EMPLOI_TRANSITION] in {"8", "s"}
    verifier(*lecteur(i))


def test_a_large_roll_up_keeps_its_totals():
    """Many projects with a few small cells each: their sum says nothing of each, the national
    totals are shown."""
    projets = []
    for n in range(40):
        acc = 3 if n % 4 == 0 else 20 + n
        projets.append(_brut(accompagnes=acc, de_26_44=acc, nouveaux=acc, actifs=acc))
    total = Brut()
    for b in projets:
        total += b
    clair = lambda b, n=1: _en_clair(b, PERIODE, nb_projets=n, finances=_finances())  # noqa: E731
    somme, _ = masquage.masquer_synthese(clair(total, len(projets)), [(n, clair(b)) for n, b in enumerate(projets)])
    assert not somme.apprenants.accompagnes.masque and somme.apprenants.accompagnes.valeur == total.n["accompagnes"]


def test_the_engine_on_one_relation():
    """20 = 8 + 3 + 9 shown with the 3 masked: the smallest cell that frees it is hidden."""
    valeurs = {"t": 20, "a": 8, "b": 3, "c": 9}
    etats = masquage.proteger(valeurs, [masquage.Relation("t", ("a", "b", "c"))])
    assert etats == {"t": "visible", "a": "secret", "b": "primaire", "c": "visible"}
    b = masquage.intervalles({k: masquage.domaine(valeurs[k], e) for k, e in etats.items()}, [masquage.Relation("t", ("a", "b", "c"))])
    assert b["b"] == (1, 4) and b["a"] == (7, 10)


def test_counts_left_apart_by_the_legend():
    assert "« < 5 » : moins de 5 personnes" in masquage.LEGENDE and "« s » : secret statistique" in masquage.LEGENDE
    assert str(masquage.Effectif(7, masque=True, secret=True)) == "s"
    assert str(masquage.Effectif(3, masque=True)) == "< 5"


# ------------------------------------------------------------------ the engine's shortcuts


def _systeme_de_page(brut: Brut):
    """A dashboard's cells, numbered, as ``masquage`` protects them; its states once protected."""
    v = masquage._cellules(figures(brut, masquer=False))
    structure = masquage._structure(tuple(v), v["sortis"] == v["sorties"])
    protection = masquage._proteger_page(tuple(v), tuple(v.values()), v["sortis"] == v["sorties"])
    return structure, list(v.values()), list(protection.etats)


def _bornes(systeme) -> list[tuple[int, int]]:
    return [(systeme.lo[c], min(systeme.hi[c], masquage.INFINI)) for c in range(len(systeme.valeurs)) if systeme.etats[c] != "visible"]


@settings(REGLAGES, max_examples=60)
@given(bruts(), st.data())
def test_bounds_kept_up_to_date_are_those_worked_out_from_scratch(brut, data):
    """Suppressing cells one by one (``changer``: one component propagated again) gives the
    bounds of a system built in the final states, and so does the lazy one."""
    structure, valeurs, etats = _systeme_de_page(brut)
    systeme = masquage._Systeme(structure.reseau, valeurs, list(etats))
    montrees = [c for c, e in enumerate(etats) if e == "visible" and valeurs[c] > 0]
    for c in data.draw(st.lists(st.sampled_from(montrees), unique=True, max_size=6)) if montrees else []:
        systeme.changer(c, "secret")
    nouveau = masquage._Systeme(structure.reseau, valeurs, list(systeme.etats))
    assert _bornes(systeme) == _bornes(nouveau)
    paresseux = masquage._Systeme(structure.reseau, valeurs, list(systeme.etats), paresseux=True)
    assert [paresseux.largeur(c) for c in range(len(valeurs))] == [nouveau.largeur(c) for c in range(len(valeurs))]
    # and they are what the reader derives, by names (``intervalles``)
    noms = structure.noms
    v = dict(zip(noms, valeurs, strict=True))
    relations = list(masquage._relations(noms, v["sortis"] == v["sorties"]))
    attendues = masquage.intervalles({noms[c]: masquage.domaine(valeurs[c], e) for c, e in enumerate(systeme.etats)}, relations)
    assert _bornes(nouveau) == [attendues[noms[c]] for c in range(len(valeurs)) if systeme.etats[c] != "visible"]


@settings(REGLAGES, max_examples=40)
@given(st.lists(bruts(), min_size=2, max_size=4))
def test_a_roll_up_started_from_the_projects_own_bounds_ends_where_the_domains_lead(liste):
    """A roll-up starts each project's hidden cells from the bounds its own dashboard gives
    (``depart``): the same fixed point as from the domains."""
    total = Brut()
    for brut in liste:
        total += brut
    clairs = [_en_clair(b, PERIODE, nb_projets=1, finances=_finances()) for b in liste]
    protections = [masquage._protection(i) for i in clairs]
    valeurs, etats, formes, depart = [], [], [], {}
    colonnes, montres = defaultdict(list), defaultdict(int)
    for p in protections:
        debut = len(valeurs)
        for cle, valeur, etat in zip(p.structure.noms, p.valeurs, p.etats, strict=True):
            if etat == "visible":
                montres[cle] += valeur
                continue
            colonnes[cle].append(len(valeurs))
            valeurs.append(valeur)
            etats.append(etat)
        formes += [([(debut + r, s) for r, s in termes], k) for termes, k in p.formes]
        depart.update(zip(range(debut, len(valeurs)), p.bornes, strict=True))
    v = masquage._cellules(_en_clair(total, PERIODE, nb_projets=len(liste), finances=_finances()))
    base = len(valeurs)
    for cle, valeur in v.items():
        valeurs.append(valeur)
        etats.append("implicite" if cle in masquage.IMPLICITES else "secret" if valeur else "visible")
    structure = masquage._structure(tuple(v), False)
    formes += [([(base + c, s) for c, s in termes], k) for termes, k in structure.formes]
    for c, cle in enumerate(structure.noms):
        formes.append(([(base + c, -1), *((d, 1) for d in colonnes.get(cle, ()))], -montres.get(cle, 0)))
    avec = masquage._Systeme(masquage._Reseau(formes, len(valeurs), depart), valeurs, list(etats))
    sans = masquage._Systeme(masquage._Reseau(formes, len(valeurs)), valeurs, list(etats))
    assert _bornes(avec) == _bornes(sans)
