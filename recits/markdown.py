"""Récits are written in Markdown and shown as HTML: rendered with ``Markdown`` then sanitised
with ``nh3`` (an allow-list), here only. The pages and the COPIL PDF use the same function
(through the ``markdown`` template filter, ``recits/templatetags/recits_tags.py``).

What survives: paragraphs, emphasis, headings, lists, quotes, code, tables and links whose
scheme is http, https or mailto (with ``rel="noopener noreferrer nofollow"``). What goes:
scripts and styles (with their content), event handlers and every other attribute, iframes,
objects, forms, ``<link>``, ``<style>`` and every image (a remote image would be fetched by
the reader's browser or by the PDF renderer: none is kept, ``data:`` ones neither).
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

BALISES = frozenset(
    {
        "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "mark", "small",
        "code", "pre", "kbd", "blockquote", "q", "abbr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
        "a",
    }
)  # fmt: skip
# removed with their content, not only their tags
BALISES_VIDEES = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea", "select"})
ATTRIBUTS = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
SCHEMAS = frozenset({"http", "https", "mailto"})
REL = "noopener noreferrer nofollow"
EXTENSIONS = ["sane_lists", "tables"]


def rendre_markdown(texte: str) -> SafeString:
    """Markdown → HTML that may be shown as is (``SafeString``)."""
    html = markdown_lib.markdown(texte or "", extensions=EXTENSIONS, output_format="html")
    propre = nh3.clean(
        html,
        tags=set(BALISES),
        clean_content_tags=set(BALISES_VIDEES),
        attributes={tag: set(noms) for tag, noms in ATTRIBUTS.items()},
        url_schemes=set(SCHEMAS),
        url_relative="deny",
        link_rel=REL,
        strip_comments=True,
    )
    return mark_safe(propre)  # noqa: S308 — sanitised by nh3 just above
