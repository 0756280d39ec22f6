"""A badge class's image and the baked badges.

The image is the file uploaded (PNG or SVG, checked here: a PNG that pypng reads, an SVG without
active content) or, without one, an SVG drawn from the class's name. Baking (Open Badges 3.0
§5.3) puts the signed credential (the compact JWT-VC) inside the image: in a PNG, an ``iTXt``
chunk whose keyword is ``openbadgecredential``, before ``IEND`` (pypng reads and writes the
chunks); in an SVG, an ``<openbadges:credential verify="…">`` element in the namespace
``https://purl.imsglobal.org/ob/v3p0`` (lxml).
"""

import hashlib
import io
import struct

import png
from django.core.exceptions import ValidationError
from django.utils.html import escape
from lxml import etree

TAILLE_MAX = 500 * 1024
MOT_CLE_PNG = b"openbadgecredential"
NS_OB3 = "https://purl.imsglobal.org/ob/v3p0"
NS_SVG = "http://www.w3.org/2000/svg"
COULEURS = ["#1d4e89", "#2a7f62", "#8a3b12", "#6b3fa0", "#9b2c48", "#31667a", "#7a5c12"]


def _parseur():
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def valider_image(fichier) -> None:
    """Refuse (in French) an image that is not a readable PNG or a plain SVG, or is too large."""
    if fichier is None:
        return
    if fichier.size > TAILLE_MAX:
        raise ValidationError("L'image dépasse 500 Ko.")
    contenu = fichier.read()
    fichier.seek(0)
    nom = (fichier.name or "").lower()
    if nom.endswith(".png"):
        try:
            png.Reader(bytes=contenu).preamble()
        except Exception as error:
            raise ValidationError("Ce fichier n'est pas une image PNG lisible.") from error
        return
    if nom.endswith(".svg"):
        try:
            racine = etree.fromstring(contenu, _parseur())
        except etree.XMLSyntaxError as error:
            raise ValidationError("Ce fichier n'est pas une image SVG lisible.") from error
        if etree.QName(racine).localname != "svg":
            raise ValidationError("Ce fichier n'est pas une image SVG.")
        for element in racine.iter():
            if not isinstance(element.tag, str):
                continue
            if etree.QName(element).localname.lower() in {"script", "foreignobject", "iframe", "embed", "object"}:
                raise ValidationError("L'image SVG contient un script ou un contenu actif : elle est refusée.")
            for attribut, valeur in element.attrib.items():
                if etree.QName(attribut).localname.lower().startswith("on") or "javascript:" in valeur.lower():
                    raise ValidationError("L'image SVG contient un script ou un contenu actif : elle est refusée.")
        return
    raise ValidationError("L'image doit être un fichier PNG ou SVG.")


def couleur(classe) -> str:
    return COULEURS[hashlib.sha256(classe.nom.encode("utf-8")).digest()[0] % len(COULEURS)]


def svg_genere(classe) -> bytes:
    """A round badge with the class's name (its first 28 characters) on its colour."""
    nom = classe.nom if len(classe.nom) <= 28 else classe.nom[:27] + "…"
    return (
        f'<svg xmlns="{NS_SVG}" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="{escape(classe.nom)}">'
        f'<circle cx="128" cy="128" r="124" fill="{couleur(classe)}"/>'
        '<circle cx="128" cy="128" r="108" fill="none" stroke="#ffffff" stroke-width="4"/>'
        '<text x="128" y="120" text-anchor="middle" font-family="sans-serif" font-size="40" fill="#ffffff">★</text>'
        f'<text x="128" y="160" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#ffffff">{escape(nom)}</text>'
        "</svg>"
    ).encode()


def png_genere(classe, taille: int = 128) -> bytes:
    """A round badge in the class's colour as a PNG (pypng; no text: a PNG is drawn pixel by pixel)."""
    r, v, b = (int(couleur(classe)[i : i + 2], 16) for i in (1, 3, 5))
    centre, rayon, anneau = (taille - 1) / 2, taille / 2 - 1, taille / 2 - 8
    lignes = []
    for y in range(taille):
        ligne = []
        for x in range(taille):
            d = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if d > rayon:
                ligne += [0, 0, 0, 0]
            elif abs(d - anneau) < 1.5:
                ligne += [255, 255, 255, 255]
            else:
                ligne += [r, v, b, 255]
        lignes.append(ligne)
    sortie = io.BytesIO()
    png.Writer(taille, taille, greyscale=False, alpha=True).write(sortie, lignes)
    return sortie.getvalue()


def image(classe) -> tuple[bytes, str]:
    """(bytes, content type) of the class's image: the file uploaded, else the SVG drawn."""
    if classe.image:
        with classe.image.open("rb") as fichier:
            contenu = fichier.read()
        return contenu, "image/svg+xml" if classe.image.name.lower().endswith(".svg") else "image/png"
    return svg_genere(classe), "image/svg+xml"


def cuire_png(classe, jeton: str) -> bytes:
    """The class's PNG (uploaded, else drawn) with the credential in an ``iTXt`` chunk
    (keyword ``openbadgecredential``, uncompressed, no language tag)."""
    if classe.image and classe.image.name.lower().endswith(".png"):
        source, _ = image(classe)
    else:
        source = png_genere(classe)
    morceaux = [(t, d) for t, d in png.Reader(bytes=source).chunks() if _nom(t) != "iTXt" or not d.startswith(MOT_CLE_PNG + b"\x00")]
    itxt = MOT_CLE_PNG + b"\x00" + struct.pack("BB", 0, 0) + b"\x00" + b"\x00" + jeton.encode("utf-8")
    morceaux.insert(len(morceaux) - 1, (b"iTXt", itxt))
    sortie = io.BytesIO()
    png.write_chunks(sortie, morceaux)
    return sortie.getvalue()


def _nom(tag) -> str:
    return tag.decode("ascii") if isinstance(tag, bytes) else tag


def cuire_svg(classe, jeton: str) -> bytes:
    """The class's SVG (uploaded, else drawn) with ``<openbadges:credential verify="<JWT>">``."""
    if classe.image and classe.image.name.lower().endswith(".svg"):
        source, _ = image(classe)
    else:
        source = svg_genere(classe)
    racine = etree.fromstring(source, _parseur())
    for ancien in racine.findall(f"{{{NS_OB3}}}credential"):
        racine.remove(ancien)
    element = etree.SubElement(racine, f"{{{NS_OB3}}}credential", nsmap={"openbadges": NS_OB3})
    element.set("verify", jeton)
    return etree.tostring(racine, xml_declaration=True, encoding="utf-8")
