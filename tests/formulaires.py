"""What a browser sends when a form of a page is submitted as it is drawn: its fields, hidden
ones included, with the values the page gives them (``envoi(response)``), so that a test posts
what a person posts — the version read or the one-time token with it — and changes only what
that person would type."""

from html.parser import HTMLParser


class _Formulaire(HTMLParser):
    def __init__(self, classe):
        super().__init__(convert_charrefs=True)
        self.classe = classe
        self.dedans = False
        self.fini = False
        self.donnees: dict[str, list[str]] = {}
        self.select = None  # (name, multiple)
        self.options_select: list[tuple[str, bool]] = []
        self.option = None  # (value or None, selected) of the <option> being read
        self.texte_option = ""
        self.textarea = None
        self.texte = ""

    def _ajouter(self, nom, valeur):
        self.donnees.setdefault(nom, []).append(valeur)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.fini:
            return
        if not self.dedans:
            if tag == "form" and self.classe in (a.get("class") or "").split():
                self.dedans = True
            return
        nom = a.get("name")
        if tag == "input" and nom and "disabled" not in a:
            genre = (a.get("type") or "text").lower()
            if genre in ("checkbox", "radio"):
                if "checked" in a:
                    self._ajouter(nom, a.get("value", "on"))
            elif genre not in ("submit", "button", "file", "reset", "image"):
                self._ajouter(nom, a.get("value", ""))
        elif tag == "select" and nom:
            self.select = (nom, "multiple" in a)
            self.options_select = []
        elif tag == "option" and self.select is not None:
            self.option = (a.get("value"), "selected" in a)
            self.texte_option = ""
        elif tag == "textarea" and nom:
            self.textarea, self.texte = nom, ""

    def _fermer_option(self):
        if self.option is not None:
            valeur, choisie = self.option
            self.options_select.append((valeur if valeur is not None else self.texte_option.strip(), choisie))
            self.option = None

    def handle_endtag(self, tag):
        if not self.dedans or self.fini:
            return
        if tag == "form":
            self.fini = True
        elif tag == "option":
            self._fermer_option()
        elif tag == "select" and self.select is not None:
            self._fermer_option()
            nom, multiple = self.select
            choisies = [v for v, c in self.options_select if c]
            if not multiple and not choisies and self.options_select:
                choisies = [self.options_select[0][0]]
            for valeur in choisies:
                self._ajouter(nom, valeur)
            self.donnees.setdefault(nom, [])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self._ajouter(self.textarea, self.texte.removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.texte += data
        elif self.option is not None:
            self.texte_option += data


def envoi(response, classe="formulaire") -> dict:
    """The data the first ``<form class="…formulaire…">`` of ``response`` sends as drawn (a
    one-value field as a string, a multiple select as a list)."""
    lecteur = _Formulaire(classe)
    lecteur.feed(response.content.decode())
    assert lecteur.dedans, f"no <form class={classe!r}> in the page"
    return {nom: (valeurs[0] if len(valeurs) == 1 else valeurs) for nom, valeurs in lecteur.donnees.items() if valeurs}
