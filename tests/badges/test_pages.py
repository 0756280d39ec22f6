"""The badges pages as a coordinator uses them (create a class, propose, issue, revoke, download),
the learner's page section, and the public pages opened without login on real rows."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openbadgeslib.ob3 import OB3Verifier

from badges import services
from badges.models import Badge, BadgeClasse, CleProjet, StatutBadge
from competences.models import Niveau
from tests import factories as f
from tests.badges.outils import badge_delivre, badge_propose, pem_publique

pytestmark = pytest.mark.django_db


def test_creer_un_badge_avec_ses_competences(login):
    projet = f.ProjetFactory()
    coord = f.AdhesionFactory(projet=projet, coordinateur=True).user
    competence = f.CompetenceFactory(bloc__referentiel__projet=projet)
    etrangere = f.CompetenceFactory()
    client = login(coord)
    url = reverse("badgeclasse_create", args=[projet.pk])
    donnees = {"nom": "Garnissage", "description": "Garnir une assise.", "criteres": "Une assise garnie.", "niveau": "4"}
    reponse = client.post(url, {**donnees, "competences": [etrangere.pk]})
    assert reponse.status_code == 200 and not BadgeClasse.objects.exists()
    assert "référentiel du projet" in reponse.content.decode()
    reponse = client.post(url, {**donnees, "competences": [competence.pk]})
    classe = BadgeClasse.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("badgeclasse_detail", args=[projet.pk, classe.pk])
    requise = classe.requises.get()
    assert requise.competence == competence and requise.niveau == Niveau.MAITRISE


def test_une_image_svg_avec_un_script_est_refusee(login):
    projet = f.ProjetFactory()
    client = login(f.AdhesionFactory(projet=projet, coordinateur=True).user)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    reponse = client.post(
        reverse("badgeclasse_create", args=[projet.pk]),
        {"nom": "X", "description": "d", "criteres": "c", "niveau": "3", "image": SimpleUploadedFile("x.svg", svg, "image/svg+xml")},
    )
    assert reponse.status_code == 200 and "contenu actif" in reponse.content.decode()
    assert not BadgeClasse.objects.exists()


def test_proposer_delivrer_et_revoquer_par_les_pages(login):
    badge, coord = badge_propose()
    classe, apprenant = badge.classe, badge.apprenant
    badge.delete()  # proposed again, through the page
    client = login(coord)
    projet = classe.projet
    reponse = client.post(reverse("badge_proposer", args=[projet.pk, classe.pk]), {"apprenant": apprenant.pk})
    badge = Badge.objects.get()
    assert reponse.url == reverse("badge_detail", args=[projet.pk, badge.pk])
    assert "Les critères sont atteints" in client.get(reponse.url).content.decode()
    reponse = client.post(reverse("badge_delivrer", args=[projet.pk, badge.pk]), {})
    assert reponse.status_code == 302
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.DELIVRE
    page = client.get(reverse("badge_detail", args=[projet.pk, badge.pk])).content.decode()
    assert "Badge valide" in page and badge.slug in page
    reponse = client.post(reverse("badge_revoquer", args=[projet.pk, badge.pk]), {"motif": ""})
    assert reponse.status_code == 200
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.DELIVRE
    client.post(reverse("badge_revoquer", args=[projet.pk, badge.pk]), {"motif": "Évaluation erronée"})
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.REVOQUE and badge.motif_revocation == "Évaluation erronée"


def test_un_refus_est_dit_sur_la_page_et_rien_n_est_ecrit(login):
    badge, coord = badge_propose(niveau_atteint=Niveau.NON_ACQUIS)
    reponse = login(coord).post(reverse("badge_delivrer", args=[badge.projet_id, badge.pk]), {})
    assert reponse.status_code == 200
    assert "Les critères du badge ne sont pas atteints" in reponse.content.decode()
    badge.refresh_from_db()
    assert badge.statut == StatutBadge.PROPOSE and badge.jwt == "" and not CleProjet.objects.exists()


@pytest.mark.parametrize("format_", ["png", "svg"])
def test_l_image_cuite_porte_l_attestation_qui_se_verifie(login, format_):
    badge, coord = badge_delivre()
    reponse = login(coord).get(reverse("badge_telecharger", args=[badge.projet_id, badge.pk, format_]))
    assert reponse.status_code == 200 and "attachment" in reponse["Content-Disposition"]
    extraire = OB3Verifier.extract_token_from_png if format_ == "png" else OB3Verifier.extract_token_from_svg
    jeton = extraire(reponse.content)
    assert jeton == badge.jwt
    OB3Verifier(pubkey_pem=pem_publique(CleProjet.objects.get())).verify(jeton)


def test_le_json_porte_le_jwt_et_l_attestation_decodee(login):
    badge, coord = badge_delivre()
    reponse = login(coord).get(reverse("badge_telecharger", args=[badge.projet_id, badge.pk, "json"]))
    contenu = json.loads(reponse.content)
    assert contenu["jwt"] == badge.jwt
    assert contenu["credential"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert contenu["credential"]["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_un_badge_propose_ne_se_telecharge_pas(login):
    badge, coord = badge_propose()
    assert login(coord).get(reverse("badge_telecharger", args=[badge.projet_id, badge.pk, "png"])).status_code == 404


def test_la_fiche_de_l_apprenant_liste_ses_badges_et_suggere_ceux_atteints(login):
    badge, coord = badge_delivre()
    projet = badge.projet
    competence = badge.classe.requises.get().competence
    suggere = f.BadgeClasseFactory(projet=projet, nom="Assise maîtrisée", competences=[(competence, Niveau.ACQUIS)])
    f.BadgeClasseFactory(projet=projet, nom="Hors de portée", competences=[(competence, Niveau.MAITRISE)])
    client = login(coord)
    page = client.get(reverse("apprenant_detail", args=[projet.pk, badge.apprenant_id])).content.decode()
    assert "Couture d&#x27;assise" in page and "délivré le" in page
    assert "Assise maîtrisée" in page and "Hors de portée" not in page
    client.post(reverse("badge_proposer", args=[projet.pk, suggere.pk]), {"apprenant": badge.apprenant_id, "suggere": "1"})
    assert Badge.objects.get(classe=suggere).suggere


def test_la_section_ne_montre_rien_au_partenaire(login):
    badge, _ = badge_delivre()
    adhesion = f.AdhesionFactory(projet=badge.projet, partenaire=True)
    f.EtapeFactory(parcours__apprenant=badge.apprenant, organisation=adhesion.organisation)
    page = login(adhesion.user).get(reverse("apprenant_detail", args=[badge.projet_id, badge.apprenant_id]))
    assert page.status_code == 200
    assert "Open Badges" not in page.content.decode()


def test_les_pages_publiques_s_ouvrent_sans_connexion(client):
    badge, _ = badge_delivre(prenom="Zéphyrine", nom="Quenouille")
    cle = CleProjet.objects.get()
    for url in (
        reverse("badge_public", args=[badge.slug]),
        reverse("badge_verifier"),
        reverse("emetteur_profil", args=[cle.identifiant]),
        reverse("emetteur_jwks", args=[cle.identifiant]),
        reverse("emetteur_statut", args=[cle.identifiant]),
        reverse("badgeclasse_image_publique", args=[badge.classe.identifiant]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        assert b"Quenouille" not in reponse.content and "Zéphyrine".encode() not in reponse.content
    image = client.get(reverse("badgeclasse_image_publique", args=[badge.classe.identifiant]))
    assert image["Content-Type"] == "image/svg+xml" and "sandbox" in image["Content-Security-Policy"]
    # a proposed badge (not signed) has no public page
    propose, _ = badge_propose(projet=badge.projet, email="x@example.org", nom_classe="Autre")
    assert client.get(reverse("badge_public", args=[propose.slug])).status_code == 404


def test_services_refusent_qui_n_est_pas_coordinateur():
    from django.core.exceptions import PermissionDenied

    badge, _ = badge_propose()
    partenaire = f.AdhesionFactory(projet=badge.projet, partenaire=True).user
    with pytest.raises(PermissionDenied):
        services.delivrer_badge(badge=badge, by=partenaire)
    with pytest.raises(PermissionDenied):
        services.proposer_badge(classe=badge.classe, apprenant=badge.apprenant, by=f.UserFactory())


def test_la_section_de_la_fiche_ne_grandit_pas_avec_les_badges_ni_les_evaluations(django_assert_max_num_queries):
    """The section's context: four queries at most, with 5 classes, 3 badges and 20 evaluations."""
    from types import SimpleNamespace

    from badges.selectors import badges_suggeres, section_apprenant
    from conciergerie.models import Adhesion

    badge, coord = badge_delivre()
    projet, eleve = badge.projet, badge.apprenant
    competence = badge.classe.requises.get().competence
    for i in range(4):
        f.BadgeClasseFactory(projet=projet, nom=f"Classe {i}", competences=[(competence, Niveau.ACQUIS if i % 2 else Niveau.MAITRISE)])
    for _ in range(20):
        evaluation = f.EvaluationFactory(apprenant=eleve, referentiel=competence.bloc.referentiel)
        f.NiveauEvaluationFactory(evaluation=evaluation, competence=competence, niveau=Niveau.ACQUIS)
    request = SimpleNamespace(adhesion=Adhesion.objects.get(user=coord, projet=projet))
    with django_assert_max_num_queries(4):
        contexte = section_apprenant({"apprenant": eleve, "request": request})
    assert sorted(c.nom for c in contexte["badges_suggeres"]) == ["Classe 1", "Classe 3"]
    assert sorted(c.nom for c in badges_suggeres(eleve)) == ["Classe 1", "Classe 3"]
    assert [b.classe.nom for b in contexte["badges_apprenant"]] == ["Couture d'assise"]


def test_une_image_png_deposee_est_celle_du_badge_cuit(login):
    import png

    from badges.images import png_genere

    badge, coord = badge_delivre()
    classe = badge.classe
    client = login(coord)
    depot = png_genere(classe, taille=32)
    reponse = client.post(
        reverse("badgeclasse_update", args=[classe.projet_id, classe.pk]),
        {
            "nom": classe.nom,
            "description": classe.description,
            "criteres": classe.criteres,
            "niveau": "3",
            "competences": [r.competence_id for r in classe.requises.all()],
            "image": SimpleUploadedFile("badge.png", depot, "image/png"),
            "_version": client.get(reverse("badgeclasse_update", args=[classe.projet_id, classe.pk])).context["view"].version_affichee,
        },
    )
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    cuit = client.get(reverse("badge_telecharger", args=[classe.projet_id, badge.pk, "png"])).content
    largeur, hauteur, _lignes, _info = png.Reader(bytes=cuit).read()
    assert (largeur, hauteur) == (32, 32)
    assert OB3Verifier.extract_token_from_png(cuit) == badge.jwt
    faux = client.post(
        reverse("badgeclasse_create", args=[classe.projet_id]),
        {
            "nom": "Y",
            "description": "d",
            "criteres": "c",
            "niveau": "3",
            "image": SimpleUploadedFile("y.png", b"pas une image", "image/png"),
        },
    )
    assert "pas une image PNG lisible" in faux.content.decode()
