"""The COPIL PDF is tagged (PDF/UA-1, WeasyPrint's pdf_variant): a structure tree, the document's
language (French) and its title in the metadata, shown as the window title. Read back with pypdf
from the real report's HTML (pilotage/rapport_pdf.html), and from pilotage.pdf.rendre_pdf, the one
place the app writes a PDF."""

import io
from pathlib import Path

import pypdf
import pytest
from django.template.loader import render_to_string

from pilotage import pdf, rapports
from tests import factories as f

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]


def _lire(contenu: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(contenu))


def test_le_rapport_copil_est_un_pdf_balise_en_francais_avec_son_titre(monde):
    copil = f.CopilFactory(projet=monde["A"])
    html = render_to_string("pilotage/rapport_pdf.html", rapports.contexte_rapport(copil=copil))
    lecteur = _lire(pdf.rendre_pdf(html))
    catalogue = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue  # tagged: the structure a screen reader follows
    arbre = catalogue["/StructTreeRoot"].get_object()
    assert arbre.get("/K") is not None  # and it holds elements, not an empty root
    assert bool(catalogue["/MarkInfo"]["/Marked"])
    assert str(catalogue["/Lang"]).lower().startswith("fr")
    assert bool(catalogue["/ViewerPreferences"]["/DisplayDocTitle"])
    titre = lecteur.metadata.title
    assert titre.startswith("Rapport du COPIL du ") and monde["A"].nom in titre
    assert b"pdfuaid" in catalogue["/Metadata"].get_object().get_data()  # the PDF/UA identification (XMP)


def test_un_document_sans_titre_ni_langue_le_montre(monde):
    """The checks above can fail: a document without <title> nor lang has neither."""
    lecteur = _lire(pdf.rendre_pdf("<html><body><p>Bonjour</p></body></html>"))
    catalogue = lecteur.trailer["/Root"]
    assert "/Lang" not in catalogue or not str(catalogue["/Lang"]).lower().startswith("fr")
    assert not lecteur.metadata or not lecteur.metadata.title


def test_tout_pdf_de_l_application_passe_par_rendre_pdf():
    """One place writes PDFs (pilotage.pdf.rendre_pdf, PDF/UA): no other call to write_pdf."""
    appels = [
        chemin.relative_to(RACINE).as_posix()
        for chemin in RACINE.glob("*/**/*.py")
        if "tests" not in chemin.parts and ".venv" not in chemin.parts and "write_pdf(" in chemin.read_text(encoding="utf-8")
    ]
    assert appels == ["pilotage/pdf.py"]
