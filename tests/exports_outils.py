"""Reading back a list's download (conciergerie/exports.py): the CSV with the csv module, the
workbook with openpyxl."""

import csv
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def lire_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    corps = b"".join(response.streaming_content).decode("utf-8")
    assert corps.startswith("\ufeff")
    return list(csv.reader(io.StringIO(corps.removeprefix("\ufeff")), delimiter=";"))


def lire_xlsx(response) -> list[dict]:
    """The rows of the workbook, each as {header: value}."""
    assert response.status_code == 200, response.status_code
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    lignes = [list(r) for r in classeur.active.iter_rows(values_only=True)]
    return [dict(zip(lignes[0], ligne, strict=True)) for ligne in lignes[1:]]


def telecharger(client, nom, projet, **params):
    return client.get(reverse(nom, args=[projet.pk]), params)


def requetes(client, nom, projet, **params) -> int:
    """The number of SQL queries of a download (read to its end)."""
    with CaptureQueriesContext(connection) as capture:
        reponse = telecharger(client, nom, projet, **params)
        if params.get("format") == "csv":
            b"".join(reponse.streaming_content)
    return len(capture.captured_queries)
