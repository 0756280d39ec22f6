"""How the generator writes: bulk_create in batches, or PostgreSQL's COPY, with the history records."""

from __future__ import annotations

import json
import time

from django.db import connection, models


class EcritureMixin:
    """Inserting the generated rows (``Generateur`` mixes it in)."""

    def _creer(self, modele, objets: list, *, historique: bool = False) -> list:
        """Insert ``objets`` (setting their primary keys), and their "+" history records."""
        if not objets:
            return objets
        debut = time.perf_counter()
        if self.copie:
            self._copier(modele, objets)
        else:
            modele.objects.bulk_create(objets, batch_size=self.lot)
        self.compte[modele._meta.verbose_name_plural] += len(objets)
        if historique and self.taille.historique:
            if self.copie:
                self._copier_historique(modele, objets)
            else:
                modele.history.bulk_history_create(
                    objets, batch_size=self.lot, default_user=objets[0]._history_user, default_change_reason=None
                )
            self.compte[f"historique ({modele._meta.verbose_name_plural})"] += len(objets)
        self.durees[modele._meta.verbose_name_plural] += time.perf_counter() - debut
        return objets

    def _copier(self, modele, objets: list) -> None:
        """PostgreSQL: ``COPY … FROM STDIN`` (several times faster than multi-row INSERTs at this
        size). Primary keys are taken from the table's sequence first, so that children can point
        at their parents; a many-to-many link table lets the database number its rows."""
        meta = modele._meta
        avec_pk = not meta.auto_created
        # not a column the database computes (``GeneratedField``: the search texts)
        champs = [f for f in meta.concrete_fields if (avec_pk or not f.primary_key) and not f.generated]
        if avec_pk:
            with connection.cursor() as curseur:
                curseur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(objets)],
                )
                for objet, (pk,) in zip(objets, curseur.fetchall(), strict=True):
                    objet.pk = pk
                    objet._state.adding = False
                    objet._state.db = connection.alias
        relations = [f for f in champs if f.is_relation]
        for objet in objets:  # a parent saved after the child was built: take its new key
            valeurs = objet.__dict__
            for f in relations:
                if valeurs[f.attname] is None and f.is_cached(objet):
                    parent = f.get_cached_value(objet)
                    if parent is not None:
                        valeurs[f.attname] = parent.pk
        attnames = [f.attname for f in champs]
        fichiers = [i for i, f in enumerate(champs) if isinstance(f, models.FileField)]
        # a JSON value (a funding's excluded statuses) as its text: psycopg would send a list as an array
        jsons = [i for i, f in enumerate(champs) if isinstance(f, models.JSONField)]
        colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
        with (
            connection.cursor() as curseur,
            curseur.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({colonnes}) FROM STDIN") as copie,
        ):
            for objet in objets:
                valeurs = objet.__dict__
                ligne = [valeurs[a] for a in attnames]
                for i in fichiers:
                    ligne[i] = getattr(ligne[i], "name", ligne[i]) or ""
                for i in jsons:
                    ligne[i] = json.dumps(ligne[i])
                copie.write_row(ligne)

    def _copier_historique(self, modele, objets: list) -> None:
        """The "+" records django-simple-history would write, by COPY (history_id numbered by the database)."""
        historique = modele.history.model
        suivis = [f.attname for f in historique.tracked_fields]
        colonnes = [historique._meta.get_field(a).column for a in suivis]
        colonnes += ["history_date", "history_change_reason", "history_type", "history_user_id"]
        sql = f"COPY {connection.ops.quote_name(historique._meta.db_table)} ({', '.join(connection.ops.quote_name(c) for c in colonnes)}) FROM STDIN"
        with connection.cursor() as curseur, curseur.cursor.copy(sql) as copie:
            for objet in objets:
                valeurs = objet.__dict__
                copie.write_row([valeurs[a] for a in suivis] + [objet._history_date, None, "+", objet._history_user.pk])

    def _liens(self, relation, paires: list[tuple[int, int]], noms: tuple[str, str]) -> None:
        through = relation.through
        self._creer(through, [through(**{noms[0]: a, noms[1]: b}) for a, b in paires])
