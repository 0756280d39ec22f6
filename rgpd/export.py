"""The access export (right of access and portability): a ZIP of everything held on one learner,
``donnees.json`` (machine-readable) and ``donnees.html`` (readable, printable).

The rows are found by introspection (``rgpd.liens``): the learner's own row, every model that
leads to them by foreign keys or many-to-manys (paths, steps, obstacles, outcomes, récits, value
shares, notices…), the récits whose text names them, the history of changes of all of these
and the access log of their file.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from conciergerie.journal import journaliser
from conciergerie.models import ActionAcces, JournalAcces
from conciergerie.scoping import exiger
from parcours.models import Apprenant
from recits.models import Recit

from . import liens
from .textes import motifs_identite, nomme

CAPACITE = "rgpd.gerer"
#: fields never written in the export (secrets, not data about the person)
CHAMPS_EXCLUS = {"password"}


def _valeur(objet, field):
    if field.is_relation:
        valeur = getattr(objet, field.attname)
        return valeur
    valeur = getattr(objet, field.attname)
    if isinstance(valeur, (datetime, date)):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return str(valeur)
    if hasattr(valeur, "name") and field.get_internal_type() == "FileField":
        return valeur.name or ""
    return valeur


def ligne(objet) -> dict:
    """A row as a dict: each field's value (a foreign key's id), with the label of a choice and
    the text of a related row (one query each: the export is of one person)."""
    resultat = {}
    for field in objet._meta.fields:
        if field.name in CHAMPS_EXCLUS:
            continue
        resultat[field.name] = _valeur(objet, field)
        if field.choices:
            resultat[f"{field.name}_libelle"] = getattr(objet, f"get_{field.name}_display")()
        elif field.is_relation and getattr(objet, field.attname) is not None and field.name != "history_user":
            resultat[f"{field.name}_libelle"] = str(getattr(objet, field.name))
    for field in objet._meta.many_to_many:
        resultat[field.name] = sorted(getattr(objet, field.name).values_list("pk", flat=True))
    return resultat


def _table(model, lignes: list[dict]) -> dict:
    return {"titre": str(model._meta.verbose_name_plural), "lignes": lignes}


def donnees(apprenant: Apprenant, *, by=None) -> dict:
    """Everything held on ``apprenant``, table by table (``app_label.model`` -> rows)."""
    tables: dict[str, dict] = {}
    for model in liens.modeles_lies():
        qs = liens.lignes(model, apprenant)
        tables[model._meta.label_lower] = _table(model, [ligne(o) for o in qs])
    # récits whose text names the learner without being linked to them
    motifs = motifs_identite(prenom=apprenant.prenom, nom=apprenant.nom, email=apprenant.email, telephone=apprenant.telephone)
    lies = set(liens.lignes(Recit, apprenant).values_list("pk", flat=True))
    nommant = [
        r for r in Recit.objects.filter(projet_id=apprenant.projet_id).exclude(pk__in=lies) if nomme(f"{r.titre}\n{r.texte}", motifs)
    ]
    tables["recits.recit"]["lignes"] += [ligne(r) for r in nommant]
    for historique, qs in liens.historiques(apprenant).items():
        tables[historique._meta.label_lower] = _table(historique, [ligne(o) for o in qs])
    journal = JournalAcces.objects.filter(
        Q(objet_type=Apprenant._meta.label_lower, objet_id=apprenant.pk), projet_id=apprenant.projet_id
    ).order_by("date", "pk")
    tables[JournalAcces._meta.label_lower] = _table(JournalAcces, [ligne(o) for o in journal])
    return {
        "apprenant": apprenant.reference,
        "projet": str(apprenant.projet),
        "genere_le": timezone.localtime().isoformat(),
        "genere_par": (by.get_full_name() or by.username) if by is not None else "",
        "tables": tables,
    }


def exporter_apprenant(*, apprenant: Apprenant, by) -> bytes:
    """The ZIP of ``apprenant``'s data for ``by`` (``rgpd.gerer``); the download is logged."""
    exiger(by, apprenant.projet_id, CAPACITE)
    contenu = donnees(apprenant, by=by)
    html = render_to_string("rgpd/export.html", {"donnees": contenu, "apprenant": apprenant})
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(contenu, ensure_ascii=False, indent=2, default=str))
        archive.writestr("donnees.html", html)
    journaliser(user=by, projet=apprenant.projet_id, action=ActionAcces.EXPORT_ACCES, objet=apprenant)
    return tampon.getvalue()
