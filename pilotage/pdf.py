"""HTML → PDF with WeasyPrint, through a URL fetcher that serves only the project's static files.

The report's HTML contains text written by users (récits in Markdown, sanitised upstream); this
module does not trust it. Whatever the HTML asks for, WeasyPrint reaches resources only through
``FetcherStatique``:

- ``data:`` URLs are decoded in process (no I/O);
- ``https://rapport.conciergerie.invalid/static/<path>`` (what ``url_statique()`` gives, and what
  a relative ``/static/…`` becomes against the document's base URL) is looked up through
  ``django.contrib.staticfiles.finders`` — the files ``collectstatic`` would publish, nothing
  else on the disk; ``..`` segments, backslashes and query strings are refused;
- everything else is refused *before any I/O*: ``http(s)`` to any other host or path,
  ``file://``, ``ftp:``… Redirects cannot happen: nothing is ever opened over the network.

PDF attachments are disabled as well: ``<link rel=attachment>`` (document metadata) and
``<a rel=attachment>`` (link annotations) are dropped from the rendered document before the PDF
is written, so even a static file is never embedded.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import posixpath
import re
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

#: the document's base URL: a reserved ``.invalid`` host (RFC 2606) that never resolves
HOTE = "rapport.conciergerie.invalid"
ORIGINE = f"https://{HOTE}/"


class RessourceRefusee(ValueError):
    """A URL the report may not fetch. WeasyPrint catches it and leaves the resource out."""


def _prefixe_statique() -> str:
    """The path part of STATIC_URL, e.g. ``/static/`` (also when STATIC_URL is absolute)."""
    chemin = urlsplit(settings.STATIC_URL).path or "/"
    chemin = "/" + chemin.lstrip("/")
    return chemin if chemin.endswith("/") else chemin + "/"


def url_statique(chemin: str) -> str:
    """The URL under which the fetcher serves the static file ``chemin`` (``css/print.css``)."""
    return f"https://{HOTE}{_prefixe_statique()}{chemin.lstrip('/')}"


class FetcherStatique(URLFetcher):
    """WeasyPrint URL fetcher: the project's static files and ``data:`` URLs, nothing else.

    ``servies`` and ``refusees`` record every URL asked for (a test, or a log reader, can check
    that a document fetched nothing it should not).
    """

    def __init__(self):
        # allowed_protocols and allow_redirects only matter to the parent's fetch(), which is
        # never called: they are set for safety should a future version call it anyway.
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.servies: list[str] = []
        self.refusees: list[str] = []

    # WeasyPrint calls fetch() (through __call__ / open()); all paths end here.
    def fetch(self, url, headers=None):
        try:
            reponse = self._servir(str(url))
        except RessourceRefusee as refus:
            self.refusees.append(str(url))
            logger.warning("Rapport PDF : ressource refusée (%s) : %.200s", refus, url)
            raise
        self.servies.append(str(url))
        return reponse

    def _servir(self, url: str) -> URLFetcherResponse:
        schema = url.split(":", 1)[0].lower() if ":" in url else ""
        if schema == "data":
            return self._data(url)
        if schema != "https":
            raise RessourceRefusee(f"protocole non autorisé « {schema or '?'} »")
        try:
            parties = urlsplit(url)
        except ValueError as erreur:
            raise RessourceRefusee("URL invalide") from erreur
        if parties.hostname != HOTE or parties.port is not None or parties.username or parties.password:
            raise RessourceRefusee("hôte externe")
        if parties.query:
            raise RessourceRefusee("paramètres non autorisés")
        prefixe = _prefixe_statique()
        if not parties.path.startswith(prefixe):
            raise RessourceRefusee("hors des fichiers statiques")
        relatif = unquote(parties.path[len(prefixe) :])
        segments = relatif.split("/")
        if not relatif or "\\" in relatif or "\x00" in relatif or any(s in ("", ".", "..") for s in segments):
            raise RessourceRefusee("chemin statique invalide")
        if posixpath.normpath(relatif) != relatif:
            raise RessourceRefusee("chemin statique invalide")
        chemin = finders.find(relatif)
        if not chemin or isinstance(chemin, list):
            raise RessourceRefusee("fichier statique introuvable")
        with open(chemin, "rb") as fichier:
            contenu = fichier.read()
        type_mime = mimetypes.guess_type(relatif)[0] or "application/octet-stream"
        if type_mime.startswith("text/") or type_mime == "image/svg+xml":
            type_mime += "; charset=utf-8"
        return URLFetcherResponse(url, contenu, {"Content-Type": type_mime})

    def _data(self, url: str) -> URLFetcherResponse:
        """Decode a ``data:[<type>][;base64],<data>`` URL (RFC 2397); malformed base64 is
        refused rather than decoded leniently."""
        entete, virgule, donnees = url[len("data:") :].partition(",")
        if not virgule:
            raise RessourceRefusee("URL data: invalide")
        parametres = [p.strip() for p in entete.split(";")]
        en_base64 = parametres[-1].lower() == "base64"
        if en_base64:
            parametres.pop()
        try:
            brut = unquote_to_bytes(donnees)
            contenu = base64.b64decode(re.sub(rb"\s+", b"", brut), validate=True) if en_base64 else brut
        except (binascii.Error, ValueError) as erreur:
            raise RessourceRefusee("URL data: invalide") from erreur
        type_mime = ";".join(parametres) if parametres and parametres[0] else "text/plain;charset=US-ASCII"
        return URLFetcherResponse(url, contenu, {"Content-Type": type_mime})


def rendre_pdf(html: str, *, fetcher: FetcherStatique | None = None) -> bytes:
    """The PDF bytes of ``html``. Resources go through ``fetcher`` (a new ``FetcherStatique``
    by default); attachments are never embedded."""
    fetcher = fetcher if fetcher is not None else FetcherStatique()
    document = HTML(string=html, base_url=ORIGINE, url_fetcher=fetcher).render()
    # <link rel=attachment>: gathered in the metadata, fetched when the PDF is written
    document.metadata.attachments = []
    # <a rel=attachment>: link annotations of type "attachment", fetched when the PDF is written
    for page in document.pages:
        page.links = [lien for lien in page.links if lien[0] != "attachment"]
    # Tagged PDF/UA-1 (WeasyPrint's pdf_variant, which also turns pdf_tags on): a structure tree
    # (/StructTreeRoot) that screen readers follow, the document's language (/Lang, from <html
    # lang>) and its <title> shown as the window title (/DisplayDocTitle) — the accessibility
    # statement (/accessibilite/) says so; tests/pilotage/test_pdf_accessible.py reads them back.
    return document.write_pdf(attachments=None, pdf_variant="pdf/ua-1")
