"""CSV and Excel downloads of a filtered list (``ExportListeMixin``).

A list page (a ``ListView`` under ``ProjetMixin``) that mixes this in answers
``?format=csv`` or ``?format=xlsx`` with the rows of its own ``get_queryset()``: the same
``visible_to`` scoping, the same filters and sort (the page's query string, ``page`` ignored),
no pagination. The view declares its columns (``colonnes_export()``: French headers, a value
per row); which columns a role gets is the view's business (the personal-data rules of the
bilans: a learner is their reference unless the role holds ``exports.donnees_personnelles``).

- CSV: ``;``-separated, UTF-8 with a BOM (Excel opens it as such), dates dd/mm/yyyy, amounts
  with a decimal comma, streamed;
- xlsx: an openpyxl write-only workbook, dates and amounts typed;
- any text starting with ``= + - @``, a tab or a carriage return is neutralised (a quote before
  it in the CSV, a text cell with Excel's quote prefix in the workbook): never a formula;
- ``Cache-Control: no-store``; a download holding personal data is written in the access log
  (``journaliser``, action ``BILAN_NOMINATIF``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .journal import journaliser
from .models import ActionAcces

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
TEXTE_MAX = 32767
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
LOT = 2000


@dataclass(frozen=True)
class Colonne:
    """A column of an export: its French header and how a row gives its value (an attribute
    path such as ``"prescripteur.nom"`` or a function of the row)."""

    titre: str
    valeur: str | Callable[[Any], Any]

    def lire(self, objet):
        if callable(self.valeur):
            return self.valeur(objet)
        for attribut in self.valeur.split("."):
            if objet is None:
                return None
            objet = getattr(objet, attribut)
        return objet


def texte_csv(valeur) -> str:
    """A value as the CSV writes it (French conventions, formulas neutralised)."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(valeur) else valeur.strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}".replace(".", ",")
    if isinstance(valeur, int | float):
        return str(valeur).replace(".", ",")
    texte = str(valeur)
    return "'" + texte if texte.startswith(DEBUTS_DANGEREUX) else texte


def valeur_xlsx(valeur):
    """A value as the workbook stores it (typed; texts cleared of what XML forbids)."""
    if valeur is None:
        return None
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return (timezone.localtime(valeur) if timezone.is_aware(valeur) else valeur).replace(tzinfo=None)
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, int | float | date):
        return valeur
    if isinstance(valeur, Promise):
        valeur = str(valeur)
    texte = ILLEGAL_CHARACTERS_RE.sub("", str(valeur))[:TEXTE_MAX]
    return texte or None


class _Tampon:
    """csv.writer writes into this; each row's text is handed on at once (streaming)."""

    def write(self, texte):
        return texte


def lignes_csv(colonnes: list[Colonne], objets: Iterable) -> Iterable[str]:
    ecrivain = csv.writer(_Tampon(), delimiter=";")
    yield "\ufeff" + ecrivain.writerow([c.titre for c in colonnes])
    for objet in objets:
        yield ecrivain.writerow([texte_csv(c.lire(objet)) for c in colonnes])


def classeur_xlsx(titre: str, colonnes: list[Colonne], objets: Iterable) -> bytes:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet(titre[:31])
    feuille.freeze_panes = "A2"
    feuille.append([c.titre for c in colonnes])
    for objet in objets:
        rangee = []
        for colonne in colonnes:
            valeur = valeur_xlsx(colonne.lire(objet))
            if isinstance(valeur, str) and valeur.startswith(DEBUTS_DANGEREUX):
                cellule = WriteOnlyCell(feuille, value=valeur)
                cellule.data_type = "s"  # text, never a formula
                cellule.quotePrefix = True
                valeur = cellule
            elif isinstance(valeur, date):
                cellule = WriteOnlyCell(feuille, value=valeur)
                cellule.number_format = "DD/MM/YYYY HH:MM" if isinstance(valeur, datetime) else "DD/MM/YYYY"
                valeur = cellule
            rangee.append(valeur)
        feuille.append(rangee)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


class ExportListeMixin:
    """``?format=csv`` / ``?format=xlsx`` on a list page: its filtered rows as a download.

    The view sets ``nom_export`` (the file's stem, e.g. ``"apprenants"``) and defines
    ``colonnes_export()``; ``export_personnel()`` says whether those columns hold personal data
    (then the download is logged). ``objets_export(queryset)`` may add ``select_related`` /
    ``prefetch_related``: the export runs a constant number of queries.
    """

    nom_export = "export"
    titre_export = "Export"

    def colonnes_export(self) -> list[Colonne]:
        raise NotImplementedError

    def export_personnel(self) -> bool:
        return False

    def objets_export(self, queryset):
        return queryset

    def get(self, request, *args, **kwargs):
        format_ = request.GET.get("format")
        if format_ not in FORMATS:
            return super().get(request, *args, **kwargs)
        return self.exporter(format_)

    def exporter(self, format_: str):
        queryset = self.objets_export(self.get_queryset())
        objets = queryset.iterator(chunk_size=LOT)  # the prefetches run once per chunk
        colonnes = self.colonnes_export()
        nom = f"{self.nom_export}-{timezone.localdate().isoformat()}.{format_}"
        if self.export_personnel():
            journaliser(
                user=self.request.user,
                projet=self.projet,
                action=ActionAcces.BILAN_NOMINATIF,
                libelle=f"Export de liste ({nom})",
            )
        if format_ == "csv":
            reponse = StreamingHttpResponse(lignes_csv(colonnes, objets), content_type="text/csv; charset=utf-8")
        else:
            reponse = HttpResponse(classeur_xlsx(self.titre_export, colonnes, objets), content_type=TYPE_XLSX)
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        reponse["Cache-Control"] = "no-store"
        return reponse

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("format", None)
        prefixe = params.urlencode()
        context["export_csv"] = f"?{prefixe}&format=csv" if prefixe else "?format=csv"
        context["export_xlsx"] = f"?{prefixe}&format=xlsx" if prefixe else "?format=xlsx"
        return context
