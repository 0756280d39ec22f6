"""The error summary at the top of a form (conciergerie/templatetags/erreurs.py,
components/resume_erreurs.html): "Le formulaire contient N erreurs", a link to each field with its
label and message, the errors of no field too; on every kind of form page."""

import re
from html import unescape

from django import forms
from django.template import Context, Template
from django.urls import reverse

from tests.finances.test_views import _semaine


def _resume(html: str) -> str:
    trouve = re.search(r'<div class="resume-erreurs" role="alert" tabindex="-1" data-resume-erreurs>(.*?)</div>', html, re.S)
    assert trouve, "pas de résumé des erreurs"
    return unescape(re.sub(r"\s+", " ", trouve.group(1)))


def _liens(resume: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', resume)


class Essai(forms.Form):
    nom = forms.CharField(label="Nom de famille")
    age = forms.IntegerField(label="Âge")
    cache = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.cleaned_data.get("nom") == "Dupond":
            raise forms.ValidationError("Ce nom est déjà pris.")
        return self.cleaned_data


def _rendre(*formulaires) -> str:
    noms = " ".join(f"f{i}" for i in range(len(formulaires)))
    gabarit = Template("{% load erreurs %}{% resume_erreurs " + noms + " %}")
    return gabarit.render(Context({f"f{i}": f for i, f in enumerate(formulaires)}))


def test_un_formulaire_non_envoye_ou_valide_n_a_pas_de_resume():
    assert _rendre(Essai()).strip() == ""
    form = Essai({"nom": "Martin", "age": "30"})
    assert form.is_valid()
    assert _rendre(form).strip() == ""


def test_chaque_erreur_est_un_lien_vers_son_champ_avec_son_libelle():
    form = Essai({"nom": "", "age": "trente"})
    form.is_valid()
    resume = _resume(_rendre(form))
    assert "Le formulaire contient 2 erreurs" in resume
    assert _liens(resume) == [("id_nom", "Nom de famille : Ce champ est obligatoire."), ("id_age", "Âge : Saisissez un nombre entier.")]


def test_une_erreur_sans_champ_est_listee_sans_lien_et_au_singulier():
    form = Essai({"nom": "Dupond", "age": "30"})
    form.is_valid()
    resume = _resume(_rendre(form))
    assert "Le formulaire contient 1 erreur<" in resume
    assert "<li>Ce nom est déjà pris.</li>" in resume and _liens(resume) == []


def test_plusieurs_formulaires_et_un_formset_partagent_un_resume():
    premier = Essai({"nom": "", "age": "1"})
    Lignes = forms.formset_factory(Essai, extra=0)
    lignes = Lignes(
        {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-nom": "A", "form-0-age": "1", "form-1-nom": "B", "form-1-age": "x"}
    )
    premier.is_valid(), lignes.is_valid()
    resume = _resume(_rendre(premier, lignes))
    assert "Le formulaire contient 2 erreurs" in resume
    assert _liens(resume) == [
        ("id_nom", "Nom de famille : Ce champ est obligatoire."),
        ("id_form-1-age", "Âge, ligne 2 : Saisissez un nombre entier."),
    ]


def test_la_page_formulaire_commune_montre_le_resume_en_tete(monde, login):
    client = login(monde["users"]["coordinateur"])
    response = client.post(reverse("apprenant_create", args=[monde["A"].pk]), {"prenom": "Léa"})
    assert response.status_code == 200
    html = response.content.decode()
    resume = _resume(html)
    assert re.search(r"Le formulaire contient \d+ erreurs", resume)
    cibles = dict(_liens(resume))
    assert cibles["id_nom"].endswith(": Ce champ est obligatoire.")
    for ancre in cibles:  # each link leads to a field of the page
        assert f'id="{ancre}"' in html
    # at the top of the form, before its first field
    assert html.index("data-resume-erreurs") < html.index('id="id_prenom"')
    assert html.count("data-resume-erreurs") == 1


def test_la_connexion_refusee_a_son_resume(db, client):
    response = client.post(reverse("connexion"), {"username": "personne", "password": "faux"})
    resume = _resume(response.content.decode())
    assert "Le formulaire contient 1 erreur<" in resume and "<li>" in resume


def test_la_grille_de_la_semaine_resume_les_erreurs_de_ses_lignes(monde, login):
    client = login(monde["users"]["coordinateur"])
    url = reverse("benevolat_semaine", args=[monde["A"].pk])
    response = client.post(url, _semaine([{"personne": "Jeanne", "jour_0": "2"}, {"personne": "Paul", "jour_1": "30"}]))
    assert response.status_code == 200
    resume = _resume(response.content.decode())
    assert "Le formulaire contient 1 erreur<" in resume
    assert [ancre for ancre, _ in _liens(resume)] == ["id_lignes-1-jour_1"]
    assert "ligne 2 : Au plus 24 h par jour." in resume


def test_l_action_groupee_resume_l_action_et_son_formulaire_en_un(monde, login):
    client = login(monde["users"]["coordinateur"])
    apprenant = monde["apprenant_suivi"]
    url = reverse("apprenant_actions", args=[monde["A"].pk])
    response = client.post(url, {"apprenant": [apprenant.pk], "action": "cloture", "cloture-date": "pas une date"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("data-resume-erreurs") == 1
    ancres = [ancre for ancre, _ in _liens(_resume(html))]
    assert ancres and all(a.startswith("id_cloture-") for a in ancres)  # not the other actions' fields
    response = client.post(url, {"apprenant": [apprenant.pk]})
    html = response.content.decode()
    assert [ancre for ancre, _ in _liens(_resume(html))] == ["id_action_0"] and 'id="id_action_0"' in html


def test_le_depot_d_un_fichier_d_import_a_son_resume(monde, login):
    client = login(monde["users"]["administrateur"])
    response = client.post(reverse("import_fichier", args=[monde["A"].pk, "apprenants"]), {})
    resume = _resume(response.content.decode())
    assert _liens(resume) == [("id_fichier", "Fichier à importer : Choisissez un fichier.")]
