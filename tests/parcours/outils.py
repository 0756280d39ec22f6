"""Read one element of a page (its text and links), so an assertion cannot be satisfied by the
header, the navigation or another block of the page."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Bloc:
    texte: str = ""
    liens: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)  # the text of each direct child element, e.g. each <li>


class _Lecteur(HTMLParser):
    def __init__(self, tag, classe, ident):
        super().__init__(convert_charrefs=True)
        self.tag, self.classe, self.ident = tag, classe, ident
        self.profondeur = 0  # nesting of `tag` inside the matched element (0: outside)
        self.enfant = 0  # depth of tags opened inside the matched element
        self.morceaux, self.bloc, self.fini = [], None, False
        self.enfant_courant = None

    def _correspond(self, tag, attrs):
        attrs = dict(attrs)
        if tag != self.tag:
            return False
        if self.classe and self.classe not in (attrs.get("class") or "").split():
            return False
        return not (self.ident and attrs.get("id") != self.ident)

    def handle_starttag(self, tag, attrs):
        if self.fini:
            return
        if self.bloc is None:
            if self._correspond(tag, attrs):
                self.bloc, self.profondeur = Bloc(), 1
            return
        if tag == self.tag:
            self.profondeur += 1
        if tag == "a" and dict(attrs).get("href"):
            self.bloc.liens.append(dict(attrs)["href"])
        if tag not in VIDES:
            self.enfant += 1
            if self.enfant == 1:
                self.enfant_courant = []

    def handle_endtag(self, tag):
        if self.bloc is None or self.fini:
            return
        if tag == self.tag:
            self.profondeur -= 1
            if self.profondeur == 0:
                self.bloc.texte = " ".join(" ".join(self.morceaux).split())
                self.fini = True
                return
        if tag not in VIDES and self.enfant:
            self.enfant -= 1
            if self.enfant == 0 and self.enfant_courant is not None:
                self.bloc.elements.append(" ".join(" ".join(self.enfant_courant).split()))
                self.enfant_courant = None

    def handle_data(self, data):
        if self.bloc is not None and not self.fini:
            self.morceaux.append(data)
            if self.enfant_courant is not None:
                self.enfant_courant.append(data)


VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def bloc(html: str, tag: str, classe: str | None = None, ident: str | None = None) -> Bloc:
    """The first ``<tag class="… classe …" id="ident">`` of the page; fails if there is none."""
    lecteur = _Lecteur(tag, classe, ident)
    lecteur.feed(html)
    lecteur.close()
    assert lecteur.bloc is not None and lecteur.fini, f"<{tag} class={classe!r} id={ident!r}> absent de la page"
    return lecteur.bloc
