"""The finance forms beyond the permission matrix: value sharing (create, edit, its rules), every
update view (a valid post saves, a wrong one changes nothing and says why in French, next to the
field), the hours cap shared by the quick entry and the week grid, French bounds with a comma."""

import html as html_lib
import re
from decimal import Decimal as Dec

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from django.urls import reverse

from finances import forms as fin_forms
from finances.forms import HEURES_MAX_PAR_LIGNE
from finances.models import Depense, ModePartage, PartageValeur, TempsBenevole, Versement
from tests import factories as f

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
CHOIX_INVALIDE = "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."


def erreurs(response, champ: str) -> list[str]:
    """The French messages shown next to ``champ`` (Django's ``id_<champ>_error`` list)."""
    assert response.status_code == 200, "the form should be shown again"
    html = response.content.decode()
    trouve = re.search(rf'<ul class="errorlist" id="id_{champ}_error">(.*?)</ul>', html, re.S)
    return [html_lib.unescape(m) for m in re.findall(r"<li>(.*?)</li>", trouve.group(1))] if trouve else []


def _valeurs(obj, *champs):
    obj.refresh_from_db()
    return tuple(getattr(obj, c) for c in champs)


@pytest.fixture
def coord(monde, login):
    return login(monde["users"]["coordinateur"])


# --- value sharing -----------------------------------------------------------------------------


@pytest.fixture
def partage_ctx(monde):
    a, b = monde["A"], monde["B"]
    of = f.OrganisationFactory(projet=a, of=True, nom="AFEPT")
    autre_of = f.OrganisationFactory(projet=a, of=True, nom="CFPPA")
    return {
        "of": of,
        "session": f.SessionFormationFactory(projet=a, organisation=of, intitule="Titre pro"),
        "session_autre_of": f.SessionFormationFactory(projet=a, organisation=autre_of),
        "session_b": f.SessionFormationFactory(projet=b),
        "apprenant": monde["apprenant_autre"],
        "apprenant_b": monde["apprenant_etranger"],
        "url": reverse("partage_create", args=[a.pk]),
    }


def _partage(ctx, **kw):
    data = {
        "organisation": ctx["of"].pk,
        "session": ctx["session"].pk,
        "apprenant": "",
        "mode": ModePartage.PAR_SESSION,
        "montant": "450.00",
        "date_reception": "",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_partage_par_session_cree(monde, coord, partage_ctx):
    response = coord.post(partage_ctx["url"], _partage(partage_ctx, recu="on", date_reception="2025-05-02"))
    assert response.status_code == 302
    assert response["Location"] == reverse("finances", args=[monde["A"].pk]) + "#partage"
    p = PartageValeur.objects.get()
    assert (p.projet, p.organisation, p.session, p.apprenant, p.mode, p.montant, p.recu, p.date_reception.isoformat()) == (
        monde["A"],
        partage_ctx["of"],
        partage_ctx["session"],
        None,
        ModePartage.PAR_SESSION,
        Dec("450.00"),
        True,
        "2025-05-02",
    )


def test_partage_par_apprenant_cree(monde, coord, partage_ctx):
    data = _partage(partage_ctx, session="", apprenant=partage_ctx["apprenant"].pk, mode=ModePartage.PAR_APPRENANT, montant="120")
    assert coord.post(partage_ctx["url"], data).status_code == 302
    p = PartageValeur.objects.get()
    assert (p.apprenant, p.session, p.mode, p.montant, p.recu) == (
        partage_ctx["apprenant"],
        None,
        ModePartage.PAR_APPRENANT,
        Dec("120"),
        False,
    )


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"session": ""}, "session", "Un partage par session doit indiquer la session."),
        ({"mode": ModePartage.PAR_APPRENANT}, "apprenant", "Un partage par apprenant doit indiquer l'apprenant."),
        ({"session": "session_autre_of"}, "organisation", "L'organisme doit être celui de la session (CFPPA)."),
        ({"session": "session_b"}, "session", CHOIX_INVALIDE),
        ({"mode": ModePartage.PAR_APPRENANT, "apprenant": "apprenant_b"}, "apprenant", CHOIX_INVALIDE),
        ({"recu": "on"}, "date_reception", "Indiquez la date de réception."),
        ({"montant": "-5"}, "montant", "Saisissez un nombre supérieur ou égal à 0."),
        ({"montant": "12,5,3"}, "montant", "Saisissez un nombre, par exemple 1 234,50 ou 7,5."),
    ],
)
def test_partage_refuse_rien_n_est_cree(coord, partage_ctx, modifs, champ, message):
    modifs = {k: (partage_ctx[v].pk if isinstance(v, str) and v in partage_ctx else v) for k, v in modifs.items()}
    response = coord.post(partage_ctx["url"], _partage(partage_ctx, **modifs))
    assert message in erreurs(response, champ)
    assert PartageValeur.objects.count() == 0


def test_partage_formulaire_ne_propose_que_le_projet(coord, partage_ctx):
    html = coord.get(partage_ctx["url"]).content.decode()

    def options(nom):
        select = re.search(rf'<select name="{nom}".*?</select>', html, re.S).group(0)
        return set(map(int, re.findall(r'<option value="(\d+)"', select)))

    assert options("session") == {partage_ctx["session"].pk, partage_ctx["session_autre_of"].pk}
    assert partage_ctx["apprenant"].pk in options("apprenant") and partage_ctx["apprenant_b"].pk not in options("apprenant")


def test_partage_modifie(monde, coord, partage_ctx):
    p = f.PartageValeurFactory(projet=monde["A"], organisation=partage_ctx["of"], session=partage_ctx["session"])
    url = reverse("partage_update", args=[monde["A"].pk, p.pk])
    assert 'value="300,00"' in coord.get(url).content.decode()
    response = coord.post(url, _partage(partage_ctx, montant="500", recu="on", date_reception="2025-06-01"))
    assert response.status_code == 302
    assert _valeurs(p, "montant", "recu") == (Dec("500"), True)


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"mode": ModePartage.PAR_APPRENANT}, "apprenant", "Un partage par apprenant doit indiquer l'apprenant."),
        ({"session": "session_autre_of", "montant": "999"}, "organisation", "L'organisme doit être celui de la session (CFPPA)."),
        ({"recu": "on", "montant": "999"}, "date_reception", "Indiquez la date de réception."),
    ],
)
def test_partage_modification_refusee_rien_ne_change(monde, coord, partage_ctx, modifs, champ, message):
    p = f.PartageValeurFactory(projet=monde["A"], organisation=partage_ctx["of"], session=partage_ctx["session"])
    avant = _valeurs(p, "mode", "session_id", "apprenant_id", "montant", "recu")
    modifs = {k: (partage_ctx[v].pk if isinstance(v, str) and v in partage_ctx else v) for k, v in modifs.items()}
    response = coord.post(reverse("partage_update", args=[monde["A"].pk, p.pk]), _partage(partage_ctx, **modifs))
    assert message in erreurs(response, champ)
    assert _valeurs(p, "mode", "session_id", "apprenant_id", "montant", "recu") == avant


def test_partage_clean_refuse_ce_qui_vient_d_un_autre_projet(monde, partage_ctx):
    """What the form's choices already prevent, the model refuses too (admin, services)."""
    a = monde["A"]
    org_b = f.OrganisationFactory(projet=monde["B"], of=True)
    cas = [
        (dict(organisation=partage_ctx["of"], session=partage_ctx["session_b"]), "session", "Cette session n'appartient pas à ce projet."),
        (
            dict(organisation=partage_ctx["of"], apprenant=partage_ctx["apprenant_b"], mode=ModePartage.PAR_APPRENANT),
            "apprenant",
            "Cet apprenant n'appartient pas à ce projet.",
        ),
        (
            dict(organisation=org_b, apprenant=partage_ctx["apprenant"], mode=ModePartage.PAR_APPRENANT),
            "organisation",
            "Cet organisme n'appartient pas à ce projet.",
        ),
    ]
    for champs, champ, message in cas:
        champs.setdefault("mode", ModePartage.PAR_SESSION)
        partage = PartageValeur(projet=a, montant=Dec("10"), **champs)
        with pytest.raises(ValidationError) as erreur:
            partage.full_clean()
        assert erreur.value.message_dict[champ] == [message]
    # the right one passes
    PartageValeur(
        projet=a, organisation=partage_ctx["of"], session=partage_ctx["session"], mode=ModePartage.PAR_SESSION, montant=Dec("1")
    ).full_clean()


@pytest.mark.parametrize(
    ("mode", "contrainte"),
    [(ModePartage.PAR_SESSION, "partage_par_session_avec_session"), (ModePartage.PAR_APPRENANT, "partage_par_apprenant_avec_apprenant")],
)
def test_partage_contrainte_en_base(monde, partage_ctx, mode, contrainte):
    with pytest.raises(IntegrityError, match=contrainte), transaction.atomic():
        PartageValeur.objects.create(projet=monde["A"], organisation=partage_ctx["of"], mode=mode, montant=Dec("1"))
    assert PartageValeur.objects.count() == 0


def test_partage_garde_sa_session_et_son_apprenant(monde, partage_ctx):
    par_session = f.PartageValeurFactory(projet=monde["A"], organisation=partage_ctx["of"], session=partage_ctx["session"])
    par_apprenant = f.PartageValeurFactory(
        projet=monde["A"], organisation=partage_ctx["of"], session=None, apprenant=partage_ctx["apprenant"], mode=ModePartage.PAR_APPRENANT
    )
    with pytest.raises(RestrictedError):
        partage_ctx["session"].delete()
    with pytest.raises(RestrictedError):
        partage_ctx["apprenant"].delete()
    assert _valeurs(par_session, "session_id") == (partage_ctx["session"].pk,)
    assert _valeurs(par_apprenant, "apprenant_id") == (partage_ctx["apprenant"].pk,)


# --- update views ------------------------------------------------------------------------------


def _financement_data(fin, **kw):
    data = {
        "financeur": fin.financeur_id,
        "programme": fin.programme,
        "intitule": fin.intitule,
        "montant_accorde": "100000.00",
        "date_debut": "2024-09-01",
        "date_fin": "2027-08-31",
        "plafond_benevolat": "30",
        "plafond_ingenierie": "20",
    }
    data.update(kw)
    return data


def test_financement_modifie(monde, coord):
    fin = f.FinancementFactory(projet=monde["A"], plafonne=True)
    response = coord.post(
        reverse("financement_update", args=[monde["A"].pk, fin.pk]), _financement_data(fin, montant_accorde="90000", plafond_benevolat="25")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("financement_detail", args=[monde["A"].pk, fin.pk])
    assert _valeurs(fin, "montant_accorde", "plafond_benevolat") == (Dec("90000"), Dec("25"))


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"plafond_benevolat": "150"}, "plafond_benevolat", "Saisissez un nombre inférieur ou égal à 100."),
        ({"plafond_ingenierie": "-0.5"}, "plafond_ingenierie", "Saisissez un nombre supérieur ou égal à 0."),
        ({"montant_accorde": "-1"}, "montant_accorde", "Saisissez un nombre supérieur ou égal à 0."),
        ({"date_fin": "2024-08-31"}, "date_fin", "La fin du financement doit suivre son début."),
        ({"financeur": "autre_projet"}, "financeur", CHOIX_INVALIDE),
    ],
)
def test_financement_modification_refusee(monde, coord, modifs, champ, message):
    fin = f.FinancementFactory(projet=monde["A"], plafonne=True)
    if modifs.get("financeur") == "autre_projet":
        modifs["financeur"] = f.OrganisationFactory(projet=monde["B"], financeur=True).pk
    avant = _valeurs(fin, "montant_accorde", "plafond_benevolat", "plafond_ingenierie", "date_fin", "financeur_id")
    response = coord.post(
        reverse("financement_update", args=[monde["A"].pk, fin.pk]), _financement_data(fin, **{"montant_accorde": "90000", **modifs})
    )
    assert message in erreurs(response, champ)
    assert _valeurs(fin, "montant_accorde", "plafond_benevolat", "plafond_ingenierie", "date_fin", "financeur_id") == avant


def _png(largeur=40, hauteur=20) -> bytes:
    import io

    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (largeur, hauteur), (0, 51, 153)).save(tampon, "PNG")
    return tampon.getvalue()


def test_financement_logo_et_mention(monde, coord, django_capture_on_commit_callbacks):
    """The funder's logo and mention, printed on the attendance sheets (issue 17): uploaded with
    the funding, shown on its page, served through ``visible_to``; a new one replaces the former,
    whose file goes."""
    fin = f.FinancementFactory(projet=monde["A"], plafonne=True)
    url = reverse("financement_update", args=[monde["A"].pk, fin.pk])
    mention = "Opération cofinancée par l'Union européenne (FEADER)"
    response = coord.post(url, _financement_data(fin, mention=mention, logo=SimpleUploadedFile("feader.png", _png(), "image/png")))
    assert response.status_code == 302
    fin.refresh_from_db()
    assert fin.mention == mention and fin.logo.name.startswith(f"projets/{monde['A'].pk}/logos/feader")
    page = coord.get(reverse("financement_detail", args=[monde["A"].pk, fin.pk])).content.decode()
    logo_url = reverse("financement_logo", args=[monde["A"].pk, fin.pk])
    assert f'src="{logo_url}"' in page and html_lib.escape(mention) in page
    servi = coord.get(logo_url)
    assert servi["Content-Type"] == "image/png" and b"".join(servi.streaming_content) == _png()
    # replaced: the former file is deleted once the change is committed
    ancien, stockage = fin.logo.name, fin.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        response = coord.post(
            url, _financement_data(fin, mention=mention, logo=SimpleUploadedFile("feader2.jpg", b"\xff\xd8\xff\xe0jpeg", "image/jpeg"))
        )
    assert response.status_code == 302
    fin.refresh_from_db()
    assert fin.logo.name.endswith(".jpg") and not stockage.exists(ancien) and stockage.exists(fin.logo.name)
    assert coord.get(logo_url)["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("fichier", "message"),
    [
        (("logo.gif", b"GIF89a...."), "Le logo doit être une image PNG ou JPEG."),
        (("logo.png", EXE), "Le contenu du fichier ne correspond pas à une image PNG."),
        (("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024)), "Le logo pèse 1,0 Mo : la limite est de 1 Mo."),
    ],
)
def test_financement_logo_refuse(monde, coord, fichier, message):
    fin = f.FinancementFactory(projet=monde["A"], plafonne=True)
    nom, contenu = fichier
    avant = fin.montant_accorde
    response = coord.post(
        reverse("financement_update", args=[monde["A"].pk, fin.pk]),
        _financement_data(fin, montant_accorde="90000", mention="Changée", logo=SimpleUploadedFile(nom, contenu, "image/png")),
    )
    assert erreurs(response, "logo") == [message]
    fin.refresh_from_db()
    assert (fin.montant_accorde, fin.mention, fin.logo.name or "") == (avant, "", "")


def test_le_service_refuse_un_logo_qui_n_est_pas_une_image(monde):
    """The service checks the file again, whatever form sent it."""
    from finances import services

    fin = f.FinancementFactory(projet=monde["A"])
    with pytest.raises(ValidationError) as refus:
        services.enregistrer_financement(
            financement=fin, projet=monde["A"], by=monde["users"]["coordinateur"], nouveau_logo=SimpleUploadedFile("logo.png", EXE)
        )
    assert refus.value.message_dict == {"logo": ["Le contenu du fichier ne correspond pas à une image PNG."]}


def test_ligne_modifiee_puis_refusee(monde, coord):
    ligne = f.LigneBudgetFactory(financement__projet=monde["A"])
    url = reverse("ligne_update", args=[monde["A"].pk, ligne.pk])
    response = coord.post(url, {"categorie": "ingenierie", "libelle": "Ingénierie AFEST", "montant_prevu": "16000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("financement_detail", args=[monde["A"].pk, ligne.financement_id])
    assert _valeurs(ligne, "categorie", "libelle", "montant_prevu") == ("ingenierie", "Ingénierie AFEST", Dec("16000"))
    response = coord.post(url, {"categorie": "personnel", "libelle": "Autre", "montant_prevu": "-1"})
    assert "Saisissez un nombre supérieur ou égal à 0." in erreurs(response, "montant_prevu")
    response = coord.post(url, {"categorie": "inconnue", "libelle": "Autre", "montant_prevu": "1"})
    assert erreurs(response, "categorie") == ["Sélectionnez un choix valide. inconnue n’en fait pas partie."]
    assert _valeurs(ligne, "categorie", "libelle", "montant_prevu") == ("ingenierie", "Ingénierie AFEST", Dec("16000"))


@pytest.fixture
def depense(monde):
    ligne = f.LigneBudgetFactory(financement__projet=monde["A"])
    return f.DepenseFactory(ligne=ligne, libelle="Location salle", avec_justificatif=True)


def _depense_data(depense, **kw):
    return {"ligne": depense.ligne_id, "date": "2025-03-01", "libelle": "Location salle", "montant": "250.00", **kw}


def test_depense_modifiee_garde_son_justificatif(monde, coord, depense):
    fichier = depense.justificatif.name
    response = coord.post(reverse("depense_update", args=[monde["A"].pk, depense.pk]), _depense_data(depense, libelle="Salle des fêtes"))
    assert response.status_code == 302
    assert _valeurs(depense, "libelle", "montant") == ("Salle des fêtes", Dec("250.00"))
    assert depense.justificatif.name == fichier
    with depense.justificatif.open("rb") as contenu:
        assert contenu.read() == b"%PDF-1.4 facture"


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"justificatif": "exe"}, "justificatif", "Le contenu du fichier ne correspond pas à un PDF"),
        ({"montant": "-3"}, "montant", "Saisissez un nombre supérieur ou égal à 0."),
        ({"montant": "1,234"}, "montant", "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."),
        ({"ligne": "autre_financement"}, "ligne", CHOIX_INVALIDE),
    ],
)
def test_depense_modification_refusee(monde, coord, depense, modifs, champ, message):
    if modifs.get("justificatif") == "exe":
        modifs["justificatif"] = SimpleUploadedFile("faux.pdf", EXE, "application/pdf")
    if modifs.get("ligne") == "autre_financement":
        modifs["ligne"] = f.LigneBudgetFactory(financement__projet=monde["A"]).pk
    avant = _valeurs(depense, "ligne_id", "libelle", "montant", "justificatif")
    response = coord.post(reverse("depense_update", args=[monde["A"].pk, depense.pk]), _depense_data(depense, libelle="Changé", **modifs))
    assert any(message in e for e in erreurs(response, champ)), erreurs(response, champ)
    assert _valeurs(depense, "ligne_id", "libelle", "montant", "justificatif") == avant
    assert Depense.objects.count() == 1


def test_versement_modifie_puis_refuse(monde, coord):
    v = f.VersementFactory(financement__projet=monde["A"], montant=Dec("36000.00"))
    url = reverse("versement_update", args=[monde["A"].pk, v.pk])
    data = {
        "type": "acompte",
        "montant": "36000.00",
        "date_limite_demande": "2025-11-15",
        "date_demande": "2025-10-02",
        "date_reception": "2025-12-10",
    }
    response = coord.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("financement_detail", args=[monde["A"].pk, v.financement_id])
    assert [d.isoformat() for d in _valeurs(v, "date_demande", "date_reception")] == ["2025-10-02", "2025-12-10"]
    response = coord.post(url, {**data, "montant": "1", "date_reception": "2025-10-01"})
    assert erreurs(response, "date_reception") == ["La réception ne peut précéder la demande."]
    response = coord.post(url, {**data, "montant": "-1"})
    assert erreurs(response, "montant") == ["Saisissez un nombre supérieur ou égal à 0."]
    assert _valeurs(v, "montant") == (Dec("36000.00"),)
    assert Versement.objects.get().date_reception.isoformat() == "2025-12-10"


# --- volunteer time: the hours cap shared with the week grid, French bounds ---------------------


def _temps_data(**kw):
    return {
        "date": "2025-03-03",
        "personne": "Jeanne",
        "activite": "Accueil",
        "heures": "2",
        "taux_horaire": "15.00",
        "valorise": "1",
        **kw,
    }


def test_benevolat_modifie(monde, coord):
    fin = f.FinancementFactory(projet=monde["A"])
    t = f.TempsBenevoleFactory(projet=monde["A"], financement=fin, personne="Jeanne")
    url = reverse("benevolat_update", args=[monde["A"].pk, t.pk])
    assert 'name="valorise" value="1"' in coord.get(url).content.decode()
    response = coord.post(url, _temps_data(financement=fin.pk, heures="5.5", valorise="0"))
    assert response.status_code == 302
    assert _valeurs(t, "heures", "valorise", "financement_id") == (Dec("5.5"), False, fin.pk)


@pytest.mark.parametrize(
    ("heures", "message"),
    [
        ("24.01", "Au plus 24 h par jour."),
        ("30", "Au plus 24 h par jour."),
        ("0", "Saisissez un nombre supérieur ou égal à 0,01."),
        ("-2", "Saisissez un nombre supérieur ou égal à 0,01."),
    ],
)
def test_benevolat_heures_bornees_en_saisie_rapide_et_en_modification(monde, coord, heures, message):
    t = f.TempsBenevoleFactory(projet=monde["A"], heures=Dec("3"))
    response = coord.post(reverse("benevolat_create", args=[monde["A"].pk]), _temps_data(heures=heures))
    assert erreurs(response, "heures") == [message]
    assert "0.01" not in response.content.decode().split('id="id_heures_error"')[1].split("</ul>")[0]
    response = coord.post(reverse("benevolat_update", args=[monde["A"].pk, t.pk]), _temps_data(heures=heures))
    assert erreurs(response, "heures") == [message]
    assert TempsBenevole.objects.count() == 1 and _valeurs(t, "heures") == (Dec("3"),)


def test_benevolat_taux_negatif_refuse_en_francais(monde, coord):
    response = coord.post(reverse("benevolat_create", args=[monde["A"].pk]), _temps_data(taux_horaire="-1"))
    assert erreurs(response, "taux_horaire") == ["Saisissez un nombre supérieur ou égal à 0."]
    assert not TempsBenevole.objects.exists()


def _semaine(cellule, **commun):
    data = {"lundi": "2025-03-03", "activite": "Chantier", "taux_horaire": "15.00", "valorise": "1", **commun}
    data.update({"lignes-TOTAL_FORMS": "1", "lignes-INITIAL_FORMS": "0", "lignes-MIN_NUM_FORMS": "0", "lignes-MAX_NUM_FORMS": "50"})
    data.update({"lignes-0-personne": "Jeanne", "lignes-0-jour_0": cellule})
    return data


def test_meme_plafond_d_heures_en_saisie_rapide_et_dans_la_grille(monde, coord):
    """One constant: the most a quick-entry line and a grid cell take, and one cent more refused."""
    a = monde["A"]
    trop = str(HEURES_MAX_PAR_LIGNE + Dec("0.01"))
    assert coord.post(reverse("benevolat_create", args=[a.pk]), _temps_data(heures=trop)).status_code == 200
    grille = coord.post(reverse("benevolat_semaine", args=[a.pk]), _semaine(trop))
    assert "Au plus 24 h par jour." in html_lib.unescape(grille.content.decode())
    assert not TempsBenevole.objects.exists()
    assert coord.post(reverse("benevolat_create", args=[a.pk]), _temps_data(heures=str(HEURES_MAX_PAR_LIGNE))).status_code == 302
    assert coord.post(reverse("benevolat_semaine", args=[a.pk]), _semaine(str(HEURES_MAX_PAR_LIGNE))).status_code == 302
    assert list(TempsBenevole.objects.values_list("heures", flat=True)) == [HEURES_MAX_PAR_LIGNE] * 2


@pytest.mark.parametrize(
    ("cellule", "commun", "message"),
    [
        ("0", {}, "Saisissez un nombre supérieur ou égal à 0,01."),
        ("2", {"taux_horaire": "-1"}, "Saisissez un nombre supérieur ou égal à 0."),
    ],
)
def test_grille_bornes_en_francais(monde, coord, cellule, commun, message):
    response = coord.post(reverse("benevolat_semaine", args=[monde["A"].pk]), _semaine(cellule, **commun))
    html = html_lib.unescape(response.content.decode())
    assert response.status_code == 200 and message in html
    assert "0.01" not in html.split("<form", 1)[1].replace('min="0.01"', "").replace('step="0.01"', "")
    assert not TempsBenevole.objects.exists()


def test_toutes_les_bornes_des_formulaires_en_francais_avec_une_virgule(monde):
    """Every bound of every decimal field of the finance forms: a French message, a decimal comma."""
    projet, user = monde["A"], monde["users"]["coordinateur"]
    fin = f.FinancementFactory(projet=projet)
    formulaires = [
        fin_forms.FinancementForm(projet=projet, user=user),
        fin_forms.LigneBudgetForm(),
        fin_forms.DepenseForm(financement=fin),
        fin_forms.VersementForm(),
        fin_forms.TempsBenevoleForm(projet=projet, user=user),
        fin_forms.SemaineForm(projet=projet, user=user),
        fin_forms.LigneSemaineForm(),
        fin_forms.PartageValeurForm(projet=projet, user=user),
    ]
    vus = 0
    for form in formulaires:
        for nom, champ in form.fields.items():
            if not hasattr(champ, "decimal_places"):
                continue
            bornes = [v for v in champ.validators if hasattr(v, "limit_value")]
            assert bornes, f"{type(form).__name__}.{nom}: no bound checked by the form"
            for v in bornes:
                hors = v.limit_value - Dec("1000") if v.code == "min_value" else v.limit_value + Dec("1000")
                with pytest.raises(ValidationError) as erreur:
                    v(hors)
                message = erreur.value.messages[0]
                assert re.fullmatch(r"(Saisissez un nombre (supérieur|inférieur) ou égal à|Au plus) [\d,]+( h par jour)?\.", message), (
                    message
                )
                assert not re.search(r"\d\.\d", message), message
                vus += 1
    assert vus == 27  # 5 + 1 + 1 + 1 + 3 + 1 + 14 + 1
