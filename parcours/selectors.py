"""Reads of the parcours pages, each through ``visible_to(user, projet)``: the views call these
rather than building their query sets inline. The list's filters and the to-do's rules are in
``filters.py``."""

from datetime import date, datetime
from decimal import Decimal
from itertools import chain

from django.db.models import Count, Prefetch, Q
from django.utils import formats, timezone

from .models import Apprenant, Etape, Frein, Parcours, SessionFormation, Sortie, StatutParcours
from .models_seances import Seance, StatutPresence

HISTORIQUE_MAX = 20
ACTIONS = {"+": "création", "~": "modification", "-": "suppression"}


def apprenants(user, projet):
    """The learners list: each with its prescriber and its paths (latest first)."""
    parcours = Parcours.objects.visible_to(user, projet=projet).order_by("-date_debut", "pk")
    return (
        Apprenant.objects.visible_to(user, projet=projet)
        .select_related("prescripteur")
        .prefetch_related(Prefetch("parcours", queryset=parcours))
    )


def apprenants_avec_fiche(user, projet, *, dossier_complet: bool):
    """The learner page: its paths and their steps; with ``dossier_complet`` (``apprenants.modifier``)
    also the outcomes and obstacles (the récits naming the learner are the ``recits`` app's
    section of the page, ``conciergerie.sections``)."""
    etapes = Etape.objects.visible_to(user, projet=projet).select_related("organisation", "session")
    parcours = Parcours.objects.visible_to(user, projet=projet).prefetch_related(Prefetch("etapes", queryset=etapes))
    prefetches = [Prefetch("parcours", queryset=parcours)]
    if dossier_complet:
        prefetches += [
            Prefetch("parcours__sorties", queryset=Sortie.objects.visible_to(user, projet=projet)),
            Prefetch("freins", queryset=Frein.objects.visible_to(user, projet=projet)),
        ]
    return (
        Apprenant.objects.visible_to(user, projet=projet)
        .select_related("prescripteur", "prescripteur_contact")
        .prefetch_related(*prefetches)
    )


def historique(apprenant, parcours_ids, avec_freins: bool, *, voir_valeurs: bool = False, voir_rqth: bool = False) -> list[dict]:
    """Who changed what and when: the latest records of the learner and of its rows (``apprenant``
    and ``parcours_ids`` already read through visible_to). A modification lists the fields it
    changed (their French verbose names) with the old and new values (simple-history's
    ``diff_against``) when the reader may read them: ``voir_valeurs`` for the learner's data,
    ``voir_rqth`` besides for the sensitive fields (``CHAMPS_SENSIBLES``); otherwise the field's
    name only. Queries: one per source, plus one per kind of related row named by a changed
    foreign key — whatever the number of records."""
    sources = [
        Apprenant.history.filter(id=apprenant.pk),
        Parcours.history.filter(apprenant_id=apprenant.pk),
        Etape.history.filter(parcours_id__in=parcours_ids),
        Sortie.history.filter(parcours_id__in=parcours_ids),
    ]
    if avec_freins:
        sources.append(Frein.history.filter(apprenant_id=apprenant.pk))
    # one more record per source than shown: the oldest shown modification has its predecessor
    records = list(chain.from_iterable(qs.select_related("history_user").order_by("-history_date")[: HISTORIQUE_MAX + 1] for qs in sources))
    precedents = _precedents(records)
    affiches = sorted(records, key=lambda r: r.history_date, reverse=True)[:HISTORIQUE_MAX]
    changements = {
        _cle(record): _changements(record, precedents[_cle(record)])
        for record in affiches
        if record.history_type == "~" and _cle(record) in precedents
    }
    valeur = _Valeurs(changements.values()) if voir_valeurs else None
    lignes = []
    for record in affiches:
        user = record.history_user
        champs = []
        for field, avant, apres in changements.get(_cle(record), []):
            visible = valeur is not None and (voir_rqth or field.name not in CHAMPS_SENSIBLES)
            champs.append(
                {
                    "libelle": str(field.verbose_name),
                    "avant": valeur(field, avant) if visible else None,
                    "apres": valeur(field, apres) if visible else None,
                }
            )
        lignes.append(
            {
                "date": record.history_date,
                "qui": (user.get_full_name() or user.username) if user else "système",
                "action": ACTIONS.get(record.history_type, "modification"),
                "objet": record.instance_type._meta.verbose_name,
                "libelle": _libelle(record),
                "champs": champs,
            }
        )
    return lignes


#: fields that change by themselves (timestamps) and say nothing about what a person changed
CHAMPS_TECHNIQUES = {"id", "modifie_le", "cree_le"}
#: fields whose values only ``rqth.voir`` may read (the history names them without their values)
CHAMPS_SENSIBLES = {"rqth"}
#: a changed text longer than this is cut (a comment, a motive)
TEXTE_MAX = 60


def _cle(record) -> tuple:
    """A history record's key among several history tables (each numbers its ``history_id``)."""
    return (record.instance_type, record.history_id)


def _precedents(records) -> dict:
    """``_cle(record)`` -> the record before it of the same row, among the records read (no query)."""
    par_ligne: dict = {}
    for record in records:
        par_ligne.setdefault((record.instance_type, record.id), []).append(record)
    precedents = {}
    for suite in par_ligne.values():
        suite.sort(key=lambda r: (r.history_date, r.history_id))
        for avant, apres in zip(suite, suite[1:], strict=False):
            precedents[_cle(apres)] = avant
    return precedents


def _changements(record, precedent) -> list[tuple]:
    """(model field, old value, new value) of each field a change touched, in the model's order
    (rectification: the history says which, and from what to what). Foreign keys as raw ids."""
    delta = record.diff_against(precedent, excluded_fields=CHAMPS_TECHNIQUES)
    modele = record.instance_type
    par_nom = {change.field: change for change in delta.changes}
    return [
        (field, par_nom[field.name].old, par_nom[field.name].new)
        for field in modele._meta.concrete_fields
        if field.name in par_nom and par_nom[field.name].old != par_nom[field.name].new
    ]


class _Valeurs:
    """Each changed value as the page writes it: « vide », oui/non, a choice's label, a French
    date or number, a related row's name (read for all the changes at once: one query per related
    model), a long text cut."""

    def __init__(self, listes):
        ids: dict = {}
        for changements in listes:
            for field, avant, apres in changements:
                if field.is_relation:
                    ids.setdefault(field.related_model, set()).update(v for v in (avant, apres) if v is not None)
        self.lies = {
            (modele, objet.pk): _nom_lie(objet) for modele, cles in ids.items() for objet in modele._base_manager.filter(pk__in=cles)
        }

    def __call__(self, field, valeur) -> str:
        if valeur is None or valeur == "":
            return "vide"
        if field.is_relation:
            return self.lies.get((field.related_model, valeur), "(supprimé)")
        if field.choices:
            return str(dict(field.flatchoices).get(valeur, valeur))
        if isinstance(valeur, bool):
            return "oui" if valeur else "non"
        if isinstance(valeur, datetime):
            return formats.date_format(timezone.localtime(valeur), "d/m/Y H:i")
        if isinstance(valeur, date):
            return formats.date_format(valeur, "d/m/Y")
        if isinstance(valeur, Decimal | float | int):
            return formats.localize(valeur)
        texte = " ".join(str(valeur).split())
        return texte if len(texte) <= TEXTE_MAX else texte[: TEXTE_MAX - 1] + "…"


def _nom_lie(objet) -> str:
    """A related row's name from its own fields (no further query)."""
    if hasattr(objet, "get_full_name"):
        return objet.get_full_name() or objet.get_username()
    if isinstance(objet, SessionFormation):
        return objet.intitule
    return str(objet)


def _libelle(record) -> str:
    """A label read from the record's own fields (no query per row)."""
    model = record.instance_type
    if model is Apprenant:
        return f"{record.prenom} {record.nom}"
    if model is Parcours:
        return f"{record.intitule} ({record.get_statut_display()})"
    if model is Etape:
        libelle = record.get_type_display() + (f" — {record.intitule}" if record.intitule else "")
        return f"{libelle} ({record.get_statut_display()})"
    if model is Frein:
        return f"{record.get_type_display()}{' (levé)' if record.leve else ''}"
    return f"{record.get_type_display()} : {record.get_resultat_display()}"


def sessions(user, projet):
    """Training sessions with their organisation and their placed learners (``nb_placees``)."""
    return SessionFormation.objects.visible_to(user, projet=projet).select_related("organisation").avec_placees()


def etapes_de_session(user, projet, session) -> list:
    """The steps of ``session`` the user may see, with their learner, by learner's name."""
    return list(
        Etape.objects.visible_to(user, projet=projet)
        .filter(session=session)
        .select_related("parcours__apprenant")
        .order_by("parcours__apprenant__nom", "parcours__apprenant__prenom", "pk")
    )


def apprenants_de_organisation(user, projet, organisation):
    """Learners with a step at ``organisation`` or sent by it (its prescribed learners: a France
    Travail agency has no step but sends learners), as far as the user may see them (the
    learners and the steps both through visible_to: a partner sees only its own), with their
    number of steps there and of paths in progress."""
    etapes = Etape.objects.visible_to(user, projet=projet).filter(organisation=organisation)
    return (
        Apprenant.objects.visible_to(user, projet=projet)
        .filter(Q(pk__in=etapes.values("parcours__apprenant_id")) | Q(prescripteur=organisation))
        .annotate(
            nb_etapes=Count("parcours__etapes", filter=Q(parcours__etapes__organisation=organisation), distinct=True),
            en_cours=Count("parcours", filter=Q(parcours__statut=StatutParcours.EN_COURS), distinct=True),
        )
        .order_by("nom", "prenom", "pk")
    )


def seances_de_session(user, projet, session) -> list:
    """The séances of ``session`` the user may see, with their phase and their attendance
    counts (present, absent or excused), in one query."""
    return list(
        Seance.objects.visible_to(user, projet=projet)
        .filter(session=session)
        .select_related("phase")
        .annotate(
            nb_presents=Count("presences", filter=Q(presences__statut=StatutPresence.PRESENT)),
            nb_saisies=Count("presences"),
        )
        .order_by("date", "heure_debut", "pk")
    )
