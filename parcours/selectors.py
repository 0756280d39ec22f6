"""Reads of the parcours pages, each through ``visible_to(user, projet)``: the views call these
rather than building their query sets inline. The list's filters and the to-do's rules are in
``filters.py``."""

from itertools import chain

from django.db.models import Count, Prefetch, Q

from .models import Apprenant, Etape, Frein, Parcours, SessionFormation, Sortie, StatutParcours

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


def historique(apprenant, parcours_ids, avec_freins: bool) -> list[dict]:
    """Who changed what and when: the latest records of the learner and of its rows (``apprenant``
    and ``parcours_ids`` already read through visible_to)."""
    sources = [
        Apprenant.history.filter(id=apprenant.pk),
        Parcours.history.filter(apprenant_id=apprenant.pk),
        Etape.history.filter(parcours_id__in=parcours_ids),
        Sortie.history.filter(parcours_id__in=parcours_ids),
    ]
    if avec_freins:
        sources.append(Frein.history.filter(apprenant_id=apprenant.pk))
    records = list(chain.from_iterable(qs.select_related("history_user").order_by("-history_date")[:HISTORIQUE_MAX] for qs in sources))
    precedents = _precedents(records)
    lignes = []
    for record in sorted(records, key=lambda r: r.history_date, reverse=True)[:HISTORIQUE_MAX]:
        user = record.history_user
        precedent = precedents.get(record.history_id)
        lignes.append(
            {
                "date": record.history_date,
                "qui": (user.get_full_name() or user.username) if user else "système",
                "action": ACTIONS.get(record.history_type, "modification"),
                "objet": record.instance_type._meta.verbose_name,
                "libelle": _libelle(record),
                "champs": _champs_modifies(record, precedent) if record.history_type == "~" and precedent else [],
            }
        )
    return lignes


#: fields that change by themselves (timestamps) and say nothing about what a person changed
CHAMPS_TECHNIQUES = {"id", "modifie_le", "cree_le"}


def _precedents(records) -> dict:
    """history_id -> the record before it of the same row, among the records read (no query)."""
    par_ligne: dict = {}
    for record in records:
        par_ligne.setdefault((record.instance_type, record.id), []).append(record)
    precedents = {}
    for suite in par_ligne.values():
        suite.sort(key=lambda r: (r.history_date, r.history_id))
        for avant, apres in zip(suite, suite[1:], strict=False):
            precedents[apres.history_id] = avant
    return precedents


def _champs_modifies(record, precedent) -> list[str]:
    """The labels of the fields a change touched (rectification: the history says which)."""
    return [
        str(field.verbose_name)
        for field in record.instance_type._meta.concrete_fields
        if field.name not in CHAMPS_TECHNIQUES and getattr(record, field.attname) != getattr(precedent, field.attname)
    ]


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
