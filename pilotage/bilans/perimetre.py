"""The projects a bilan spans (``Perimetre``), and how its row sheets read their rows: one query
whatever the number of projects (``of_projet`` with a list), in chunks of ``LOT`` rows
(``iterator``), so that memory stays flat whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .cellules import Colonne

LOT = 2000  # rows read from the database at a time


@dataclass(frozen=True)
class Perimetre:
    """The projects of a bilan. With several, the row sheets start with a "Projet" column (the
    project's name, read in the same query) and are ordered by project first."""

    projets: tuple

    @property
    def plusieurs(self) -> bool:
        return len(self.projets) > 1

    @property
    def noms(self) -> dict[int, str]:
        return {p.pk: p.nom for p in self.projets}

    def colonnes(self) -> list[Colonne]:
        return [Colonne("Projet", largeur=30)] if self.plusieurs else []

    @property
    def cible(self):
        """What ``of_projet`` takes: the project, or the list of projects."""
        return list(self.projets) if self.plusieurs else self.projets[0]

    def lignes(self, queryset, champs: Iterable[str], ordre: Iterable[str]):
        """``values_list(*champs)`` of the rows of these projects (one query, read in chunks),
        preceded by the project's name when several."""
        if self.plusieurs:
            chemin = queryset.projet_field
            queryset = queryset.of_projet(self.cible).order_by(f"{chemin}__nom", chemin, *ordre)
            return _par_lots(queryset.values_list(f"{chemin}__nom", *champs))
        return _par_lots(queryset.of_projet(self.cible).order_by(*ordre).values_list(*champs))


def _par_lots(queryset) -> Iterable:
    return queryset.iterator(chunk_size=LOT)
