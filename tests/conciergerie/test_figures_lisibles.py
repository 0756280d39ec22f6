"""Figures and words that read right (issue 19, "Figures that read wrong"): role labels by the
person's ``accord``, French empty choices, the login's one word, organisations in alphabetical
order whatever the case and accents, a learner's contact and QPV/ZRR lines."""

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from conciergerie import membres, services
from conciergerie.forms import ConnexionForm, choix_vide_fr, saisie_souple
from conciergerie.models import Adhesion, Preferences
from conciergerie.roles import Accord, Role, libelle_role
from conciergerie.tri import cle_alphabetique, cle_texte
from partenaires.models import Organisation
from pilotage.rapports import contexte_rapport
from tests import factories as f
from tests.connexion import connecter, se_connecter
from tests.formulaires import envoi

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "accord", "attendu"),
    [
        (Role.COORDINATEUR, Accord.FEMININ, "Coordinatrice"),
        (Role.COORDINATEUR, Accord.MASCULIN, "Coordinateur"),
        (Role.COORDINATEUR, Accord.NON_PRECISE, "Coordination"),
        (Role.ADMINISTRATEUR, Accord.FEMININ, "Administratrice"),
        (Role.ADMINISTRATEUR, Accord.NON_PRECISE, "Administration"),
        (Role.FINANCEUR, Accord.FEMININ, "Financeuse"),
        (Role.FINANCEUR, Accord.NON_PRECISE, "Financeur·euse"),
        (Role.PARTENAIRE, Accord.FEMININ, "Partenaire"),
        (Role.COORDINATEUR, "inconnu", "Coordination"),
    ],
)
def test_libelle_du_role_selon_l_accord(role, accord, attendu):
    assert libelle_role(role, accord) == attendu


def test_une_coordinatrice_est_nommee_coordinatrice_dans_l_en_tete_et_la_liste_des_membres():
    admin = f.AdhesionFactory(administrateur=True)
    elle = f.AdhesionFactory(projet=admin.projet)
    lui = f.AdhesionFactory(projet=admin.projet)
    Preferences.objects.create(user=elle.user, accord=Accord.FEMININ)
    Preferences.objects.create(user=lui.user, accord=Accord.MASCULIN)

    html = connecter(elle.user).get(reverse("projet_accueil", args=[admin.projet.pk])).content.decode()
    assert "· Coordinatrice</span>" in html and "Coordinateur" not in html

    html = connecter(admin.user).get(reverse("membres", args=[admin.projet.pk])).content.decode()
    assert "<td>Coordinatrice</td>" in html and "<td>Coordinateur</td>" in html
    assert "<td>Administration</td>" in html  # not said: the function, not a masculine


def test_la_personne_choisit_son_accord_dans_ses_preferences():
    adhesion = f.AdhesionFactory()
    client = connecter(adhesion.user)
    page = client.get(reverse("preferences"))
    assert "Au féminin (coordinatrice, administratrice)" in page.content.decode()
    reponse = client.post(reverse("preferences"), {"resume_quotidien": "on", "accord": Accord.FEMININ})
    assert reponse.status_code == 302
    assert Preferences.objects.get(user=adhesion.user).accord == Accord.FEMININ
    assert "· Coordinatrice</span>" in client.get(reverse("projet_accueil", args=[adhesion.projet.pk])).content.decode()
    # a value from nowhere: refused, nothing changes
    reponse = client.post(reverse("preferences"), {"accord": "neutre"})
    assert reponse.status_code == 200
    assert Preferences.objects.get(user=adhesion.user).accord == Accord.FEMININ
    with pytest.raises(ValidationError):
        services.modifier_preferences(user=adhesion.user, resume_quotidien=True, accord="neutre")


def test_l_administrateur_precise_l_accord_d_un_membre():
    admin = f.AdhesionFactory(administrateur=True)
    membre = f.AdhesionFactory(projet=admin.projet)
    client = connecter(admin.user)
    url = reverse("membre_modifier", args=[admin.projet.pk, membre.pk])
    donnees = envoi(client.get(url))
    donnees.update(role=Role.COORDINATEUR, accord=Accord.FEMININ)
    assert client.post(url, donnees).status_code == 302
    assert Preferences.objects.get(user=membre.user).accord == Accord.FEMININ
    assert "<td>Coordinatrice</td>" in client.get(reverse("membres", args=[admin.projet.pk])).content.decode()
    with pytest.raises(ValidationError):
        membres.changer_role(by=admin.user, adhesion=membre, role=Role.COORDINATEUR, accord="neutre")
    assert Preferences.objects.get(user=membre.user).accord == Accord.FEMININ
    assert Adhesion.objects.get(pk=membre.pk).role_libelle == "Coordinatrice"


def test_les_choix_vides_sont_en_francais():
    class Formulaire(forms.Form):
        obligatoire = forms.ModelChoiceField(queryset=Organisation.objects.none())
        facultatif = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
        type = forms.TypedChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    form = Formulaire()
    saisie_souple(form)
    assert form.fields["obligatoire"].empty_label == "Choisir…"
    assert form.fields["facultatif"].empty_label == "Non renseigné"
    assert form.fields["type"].choices[0] == ("", "Non renseigné")
    champ = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    choix_vide_fr(champ)
    assert champ.choices[0] == ("", "Choisir…")


def test_les_pages_n_affichent_ni_tirets_ni_cadratin_comme_choix_vide():
    adhesion = f.AdhesionFactory()
    client = connecter(adhesion.user)
    for url in (
        reverse("apprenant_create", args=[adhesion.projet.pk]),
        reverse("apprenant_list", args=[adhesion.projet.pk]),
        reverse("organisation_list", args=[adhesion.projet.pk]),
    ):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
        assert '<option value="">—</option>' not in html, url


def test_la_connexion_dit_identifiant_dans_son_libelle_et_son_erreur(client):
    f.UserFactory(username="camille")
    reponse = se_connecter(client, "camille", "faux")
    html = reponse.content.decode()
    assert "Identifiant</label>" in html
    assert "Identifiant ou mot de passe incorrect" in html
    assert "nom d’utilisateur" not in html and "nom d'utilisateur" not in html
    assert ConnexionForm().fields["username"].label == "Identifiant"


def test_les_organisations_sont_triees_sans_tenir_compte_de_la_casse_ni_des_accents():
    adhesion = f.AdhesionFactory()
    projet = adhesion.projet
    for nom in ("FCP", "Fab'Num", "École de la deuxième chance", "atelier du bois", "Zeste", "Éden"):
        f.OrganisationFactory(projet=projet, nom=nom)
    noms = list(Organisation.objects.filter(projet=projet).order_by(cle_alphabetique("nom"), "pk").values_list("nom", flat=True))
    attendu = ["atelier du bois", "École de la deuxième chance", "Éden", "Fab'Num", "FCP", "Zeste"]
    assert noms == attendu
    assert sorted(noms, key=cle_texte) == attendu  # the same key in Python
    html = connecter(adhesion.user).get(reverse("organisation_list", args=[projet.pk])).content.decode()
    positions = [html.index(nom.replace("'", "&#x27;")) for nom in attendu]
    assert positions == sorted(positions)


def test_la_fiche_apprenant_ecrit_le_contact_et_qpv_zrr_en_toutes_lettres():
    adhesion = f.AdhesionFactory()
    sans = f.ApprenantFactory(projet=adhesion.projet, email="", telephone="", qpv=False, zrr=True)
    avec = f.ApprenantFactory(projet=adhesion.projet, email="a@exemple.fr", telephone="06 12 34 56 78", qpv=True, zrr=True)
    client = connecter(adhesion.user)
    html = client.get(reverse("apprenant_detail", args=[adhesion.projet.pk, sans.pk])).content.decode()
    assert "<dt>Contact</dt><dd>Non renseigné</dd>" in html and "— · —" not in html
    assert "<dt>QPV / ZRR</dt><dd>ZRR</dd>" in html and "— / ZRR" not in html
    html = client.get(reverse("apprenant_detail", args=[adhesion.projet.pk, avec.pk])).content.decode()
    assert "<dd>a@exemple.fr, 06 12 34 56 78</dd>" in html
    assert "<dd>QPV et ZRR</dd>" in html


def test_le_rapport_du_comite_n_ecrit_jamais_un_taux_avec_la_marque_d_un_effectif():
    """Few learners: the committee's PDF masks them; a masked rate reads « s », never « < 5 »."""
    copil = f.CopilFactory()
    for positive in (True, False, True):
        sortie = f.SortieFactory(parcours__projet=copil.projet, parcours__apprenant__projet=copil.projet, date=copil.periode_fin)
        if not positive:
            sortie.resultat = "recherche_emploi"
            sortie.save()
    html = render_to_string("pilotage/rapport_pdf.html", contexte_rapport(copil=copil))
    assert "<dt>Taux de sorties positives</dt><dd>s</dd>" in html
    assert not re.search(r"(Taux|Part)[^<]*</dt><dd>&lt; 5", html)
    figures = re.findall(r'data-indicateur="[a-z_0-9]+">(.*?)</dd>', html, re.S)
    assert figures and not [x for x in figures if " · " in x]  # a count and its rate: « 8 (8,3 %) »
