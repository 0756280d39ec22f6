"""Explicit link texts (RGAA 6.1): a link or button of a row or a page that only says
« Modifier », « Supprimer », « Voir », « Retirer », « Télécharger » or « Relancer » also names its
object, in a visually hidden span (``sr-only``) when the text shown stays short."""

import re
from pathlib import Path

from django.urls import reverse

from tests import factories as f

RACINE = Path(__file__).resolve().parents[2]
VERBES = "Modifier|Supprimer|Voir|Retirer|Télécharger|Relancer|Ouvrir|Détail|Détails"
NU = re.compile(rf"<(a|button)\b[^>]*>\s*({VERBES})\s*</\1>")
# the form page's « Supprimer » sits under the page's title, which names the object being edited,
# and the deletion page's button under « Supprimer … ? »
EXEMPTES = {"components/formulaire.html", "components/confirmation_suppression.html"}


def _gabarits():
    for dossier in [RACINE / "templates", *RACINE.glob("*/templates")]:
        for chemin in dossier.rglob("*.html"):
            yield chemin.relative_to(dossier).as_posix(), chemin.read_text(encoding="utf-8")


def test_aucun_lien_ne_dit_seulement_modifier_supprimer_ou_voir():
    nus = [f"{nom}: {m.group(0)}" for nom, texte in _gabarits() if nom not in EXEMPTES for m in NU.finditer(texte)]
    assert nus == []


def test_le_detecteur_trouve_un_lien_nu():
    assert NU.search('<td><a href="/x/">Modifier</a></td>')
    assert not NU.search('<a href="/x/">Modifier<span class="sr-only"> la ligne « Loyer »</span></a>')


def _nom_accessible(html: str, href: str) -> str:
    lien = re.search(rf'<a href="{re.escape(href)}"[^>]*>(.*?)</a>', html, re.S)
    assert lien, href
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", lien.group(1))).strip()


def test_les_liens_du_tableau_d_un_financement_nomment_leur_ligne(monde, login):
    projet = monde["A"]
    financement = f.FinancementFactory(projet=projet)
    ligne = f.LigneBudgetFactory(financement=financement, libelle="Loyer du tiers-lieu")
    depense = f.DepenseFactory(ligne=ligne, libelle="Facture EDF", avec_justificatif=True)
    versement = f.VersementFactory(financement=financement)
    html = login(monde["users"]["coordinateur"]).get(reverse("financement_detail", args=[projet.pk, financement.pk])).content.decode()
    assert _nom_accessible(html, reverse("ligne_update", args=[projet.pk, ligne.pk])) == "Modifier la ligne « Loyer du tiers-lieu »"
    assert _nom_accessible(html, reverse("depense_update", args=[projet.pk, depense.pk])) == "Modifier la dépense « Facture EDF »"
    assert (
        _nom_accessible(html, reverse("depense_justificatif", args=[projet.pk, depense.pk]))
        == "Télécharger le justificatif de la dépense « Facture EDF »"
    )
    assert _nom_accessible(html, reverse("versement_update", args=[projet.pk, versement.pk])).startswith(
        "Modifier le versement acompte de 30"
    )


def test_les_liens_des_membres_nomment_la_personne(monde, login):
    projet = monde["A"]
    html = login(monde["users"]["administrateur"]).get(reverse("membres", args=[projet.pk])).content.decode()
    coord = monde["adhesions"]["coordinateur"]
    nom = coord.user.get_full_name() or coord.user.username
    assert _nom_accessible(html, reverse("membre_retirer", args=[projet.pk, coord.pk])) == f"Retirer {nom} du projet"
