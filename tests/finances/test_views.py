"""Finance pages: what each role sees, the forms, the week grid, uploads, the home to-do."""

from datetime import timedelta
from decimal import Decimal as Dec

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finances.home import taches_finances
from finances.models import Depense, Financement, TempsBenevole
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _financement_du_financeur(monde, **kw):
    return f.FinancementFactory(projet=monde["A"], financeur=monde["adhesions"]["financeur"].organisation, **kw)


def _garnir(financement, n):
    ligne = f.LigneBudgetFactory(financement=financement)
    for i in range(n):
        f.DepenseFactory(ligne=ligne, montant=Dec("100") + i)
        f.TempsBenevoleFactory(projet=financement.projet, financement=financement, personne=f"Bénévole {i}")
    f.VersementFactory(financement=financement)


# --- what each role sees -------------------------------------------------------------------


def test_financeur_voit_son_financement_sans_noms_de_benevoles(monde, login):
    a = monde["A"]
    sien = _financement_du_financeur(monde, intitule="Le sien", plafonne=True)
    _garnir(sien, 2)
    f.FinancementFactory(projet=a, intitule="Celui d'un autre")
    f.PartageValeurFactory(projet=a, montant=Dec("777.00"))
    response = login(monde["users"]["financeur"]).get(reverse("finances", args=[a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le sien" in html and "Celui d&#x27;un autre" not in html and "Celui d'un autre" not in html
    assert "Bénévole 0" not in html  # aggregates only
    assert "Partage de valeur" not in html and "777" not in html
    assert "Saisir du temps bénévole" not in html
    detail = login(monde["users"]["financeur"]).get(reverse("financement_detail", args=[a.pk, sien.pk])).content.decode()
    assert "Bénévole 0" not in detail and "Valorisation du bénévolat" in detail


def test_coordinateur_voit_tout(monde, login):
    a = monde["A"]
    fin = f.FinancementFactory(projet=a, intitule="Deffinov 2025", plafonne=True)
    _garnir(fin, 2)
    f.PartageValeurFactory(projet=a, montant=Dec("777.00"), recu_=True)
    html = login(monde["users"]["coordinateur"]).get(reverse("finances", args=[a.pk])).content.decode()
    assert "Deffinov 2025" in html and "Bénévole 0" in html
    assert "777,00\u00a0€" in html
    assert f'href="/p/{a.pk}/finances/"' in html  # nav link


def test_exemple_du_copil_sur_la_page(monde, login):
    a = monde["A"]
    fin = f.FinancementFactory(projet=a, plafonne=True)
    f.DepenseFactory(ligne__financement=fin, montant=Dec("70000"))
    f.TempsBenevoleFactory(projet=a, financement=fin, heures=Dec("2000"), taux_horaire=Dec("20"))
    html = login(monde["users"]["coordinateur"]).get(reverse("financement_detail", args=[a.pk, fin.pk])).content.decode()
    assert "Plafond dépassé : 10\u202f000,00\u00a0€ au-delà du plafond" in html
    assert "jauge-rouge" in html and "<svg" in html


# --- query budgets ---------------------------------------------------------------------------


def _compter(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["coordinateur", "financeur"])
def test_page_finances_nombre_de_requetes_constant(monde, login, role, django_assert_num_queries):
    a = monde["A"]
    client = login(monde["users"][role])
    url = reverse("finances", args=[a.pk])
    for _ in range(2):
        _garnir(_financement_du_financeur(monde, plafonne=True), 2)
    f.PartageValeurFactory(projet=a)
    client.get(url)  # warm the session
    n = _compter(client, url)
    for _ in range(8):
        _garnir(_financement_du_financeur(monde, plafonne=True), 10)
        f.PartageValeurFactory(projet=a)
    with django_assert_num_queries(n):
        client.get(url)


def test_page_financement_nombre_de_requetes_constant(monde, login, django_assert_num_queries):
    a = monde["A"]
    fin = f.FinancementFactory(projet=a, plafonne=True)
    _garnir(fin, 2)
    client = login(monde["users"]["coordinateur"])
    url = reverse("financement_detail", args=[a.pk, fin.pk])
    client.get(url)
    n = _compter(client, url)
    _garnir(fin, 10)
    with django_assert_num_queries(n):
        client.get(url)


# --- forms -----------------------------------------------------------------------------------


def test_saisie_rapide_taux_par_defaut_du_projet(monde, login):
    a = monde["A"]
    a.taux_horaire_benevolat = Dec("17.50")
    a.save()
    fin = f.FinancementFactory(projet=a)
    client = login(monde["users"]["coordinateur"])
    url = reverse("benevolat_create", args=[a.pk])
    assert 'value="17,50"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "date": "2025-03-03",
            "personne": "Jeanne",
            "activite": "Accueil",
            "financement": fin.pk,
            "heures": "1.333",
            "taux_horaire": "15",
            "valorise": "1",
        },
    )
    assert response.status_code == 200  # 1.333: three decimals refused by the model field
    response = client.post(
        url,
        {
            "date": "2025-03-03",
            "personne": "Jeanne",
            "activite": "Accueil",
            "financement": fin.pk,
            "heures": "2.5",
            "taux_horaire": "15",
            "valorise": "0",
        },
    )
    assert response.status_code == 302
    t = TempsBenevole.objects.get()
    assert (t.projet, t.financement, t.heures, t.valorise, t.valorisation) == (a, fin, Dec("2.5"), False, Dec("37.50"))


def _semaine(lignes, **commun):
    data = {"lundi": "2025-03-05", "activite": "Chantier", "taux_horaire": "15.00", "valorise": "1", **commun}
    data.update(
        {"lignes-TOTAL_FORMS": str(len(lignes)), "lignes-INITIAL_FORMS": "0", "lignes-MIN_NUM_FORMS": "0", "lignes-MAX_NUM_FORMS": "50"}
    )
    for i, ligne in enumerate(lignes):
        for key, value in ligne.items():
            data[f"lignes-{i}-{key}"] = value
    return data


def test_grille_de_la_semaine(monde, login):
    a = monde["A"]
    client = login(monde["users"]["coordinateur"])
    url = reverse("benevolat_semaine", args=[a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _semaine([{"personne": "Jeanne", "jour_0": "2", "jour_2": "3.5"}, {"personne": "Paul", "jour_6": "1"}, {}]))
    assert response.status_code == 302
    rows = sorted(TempsBenevole.objects.values_list("personne", "date", "heures"))
    # the Wednesday 5 March is brought back to Monday 3 March
    assert [(p, d.isoformat(), h) for p, d, h in rows] == [
        ("Jeanne", "2025-03-03", Dec("2.00")),
        ("Jeanne", "2025-03-05", Dec("3.50")),
        ("Paul", "2025-03-09", Dec("1.00")),
    ]


def test_grille_tout_ou_rien_avec_erreurs_par_case(monde, login):
    a = monde["A"]
    client = login(monde["users"]["coordinateur"])
    url = reverse("benevolat_semaine", args=[a.pk])
    response = client.post(
        url,
        _semaine(
            [
                {"personne": "Jeanne", "jour_0": "2"},
                {"personne": "Paul", "jour_1": "30"},
                {"jour_3": "2"},
                {"personne": "X", "jour_4": "abc"},
            ]
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Au plus 24 h par jour." in html
    assert "Indiquez le nom du bénévole." in html
    assert "Saisissez un nombre, par exemple 1 234,50 ou 7,5." in html
    assert "rien n&#x27;a été enregistré" in html
    assert TempsBenevole.objects.count() == 0


def test_creer_financement_ligne_versement(monde, login):
    a = monde["A"]
    financeur = f.OrganisationFactory(projet=a, financeur=True)
    client = login(monde["users"]["coordinateur"])
    response = client.post(
        reverse("financement_create", args=[a.pk]),
        {
            "financeur": financeur.pk,
            "programme": "Région",
            "intitule": "Conciergerie 2025",
            "montant_accorde": "80000",
            "date_debut": "2025-01-01",
            "date_fin": "2024-12-31",
            "plafond_benevolat": "30",
        },
    )
    assert "La fin du financement doit suivre son début." in response.content.decode()
    data = {
        "financeur": financeur.pk,
        "programme": "Région",
        "intitule": "Conciergerie 2025",
        "montant_accorde": "80000",
        "date_debut": "2025-01-01",
        "date_fin": "2025-12-31",
        "plafond_benevolat": "30",
    }
    response = client.post(reverse("financement_create", args=[a.pk]), data)
    assert response.status_code == 302
    fin = Financement.objects.get(projet=a)
    assert (
        client.post(
            reverse("ligne_create", args=[a.pk, fin.pk]), {"categorie": "ingenierie", "libelle": "Ingénierie", "montant_prevu": "16000"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("versement_create", args=[a.pk, fin.pk]), {"type": "acompte", "montant": "40000", "date_limite_demande": "2025-11-15"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("versement_create", args=[a.pk, fin.pk]),
        {"type": "solde", "montant": "40000", "date_demande": "2025-11-15", "date_reception": "2025-11-01"},
    )
    assert "La réception ne peut précéder la demande." in response.content.decode()
    assert fin.lignes.count() == 1 and fin.versements.count() == 1


# --- receipts --------------------------------------------------------------------------------


@pytest.fixture
def depense_url(monde):
    fin = f.FinancementFactory(projet=monde["A"])
    ligne = f.LigneBudgetFactory(financement=fin)
    return reverse("depense_create", args=[monde["A"].pk, fin.pk]), ligne


def _poster(client, url, ligne, fichier):
    return client.post(
        url, {"ligne": ligne.pk, "date": "2025-03-01", "libelle": "Location salle", "montant": "250.00", "justificatif": fichier}
    )


def test_justificatif_pdf_et_png_acceptes(monde, login, depense_url):
    url, ligne = depense_url
    client = login(monde["users"]["coordinateur"])
    assert _poster(client, url, ligne, SimpleUploadedFile("facture.pdf", PDF, "application/pdf")).status_code == 302
    assert _poster(client, url, ligne, SimpleUploadedFile("ticket.PNG", PNG, "image/png")).status_code == 302
    depense = Depense.objects.order_by("pk").first()
    response = client.get(reverse("depense_justificatif", args=[monde["A"].pk, depense.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("programme.exe", EXE, "Le justificatif doit être un PDF ou une image (PNG, JPEG)."),
        ("notes.txt", b"bonjour", "Le justificatif doit être un PDF ou une image (PNG, JPEG)."),
        ("facture.pdf", EXE, "Le contenu du fichier ne correspond pas à un PDF"),
        ("photo.jpg", PDF, "Le contenu du fichier ne correspond pas à une image JPG"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "Le justificatif dépasse la taille maximale de 5 Mo"),
    ],
)
def test_justificatif_refuse(monde, login, depense_url, nom, contenu, message):
    url, ligne = depense_url
    response = _poster(login(monde["users"]["coordinateur"]), url, ligne, SimpleUploadedFile(nom, contenu, "application/octet-stream"))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Depense.objects.count() == 0


def test_justificatif_service_revalide(monde):
    from django.core.exceptions import ValidationError

    from finances import services

    ligne = f.LigneBudgetFactory(financement__projet=monde["A"])
    depense = Depense(ligne=ligne, date=f.TODAY, libelle="x", montant=Dec("1"))
    with pytest.raises(ValidationError):
        services.enregistrer_depense(depense=depense, by=None, nouveau_justificatif=SimpleUploadedFile("a.pdf", EXE))
    assert Depense.objects.count() == 0


# --- home to-do ------------------------------------------------------------------------------


def test_todo_versements_et_plafond(monde, django_assert_max_num_queries):
    a = monde["A"]
    coord = monde["adhesions"]["coordinateur"]
    fin = f.FinancementFactory(projet=a, plafonne=True, programme="Région")
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY + timedelta(days=30), montant=Dec("12345.67"))
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY - timedelta(days=3), montant=Dec("1.00"))
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY + timedelta(days=60), montant=Dec("2.00"))
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY + timedelta(days=10), date_demande=f.TODAY, montant=Dec("3.00"))
    f.DepenseFactory(ligne__financement=fin, montant=Dec("70000"))
    f.TempsBenevoleFactory(projet=a, financement=fin, heures=Dec("1400"), taux_horaire=Dec("20"))  # 28 000 € → 93 %
    with django_assert_max_num_queries(8):
        bloc = taches_finances(user=coord.user, projet=a, adhesion=coord)
    assert [v.montant for v in bloc["versements"]] == [Dec("1.00"), Dec("12345.67")]
    html = render_to_string(bloc["template"], {"bloc": bloc})
    assert "Versement à demander avant le" in html
    assert "Plafond de bénévolat atteint à 93,3\u00a0% <span" in html  # no-break space, as everywhere
    assert "bientôt atteint" not in html  # not « atteint à 93 % bientôt atteint »
    assert "échéance passée" in html


def test_todo_rien_pour_financeur_ni_partenaire(monde):
    a = monde["A"]
    fin = _financement_du_financeur(monde, plafonne=True)
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY)
    for role in ("financeur", "partenaire"):
        adhesion = monde["adhesions"][role]
        assert taches_finances(user=adhesion.user, projet=a, adhesion=adhesion) is None


def test_todo_vide_sans_rien_a_faire(monde):
    coord = monde["adhesions"]["coordinateur"]
    f.FinancementFactory(projet=monde["A"], plafonne=True)
    assert taches_finances(user=coord.user, projet=monde["A"], adhesion=coord) is None


def test_todo_sur_l_accueil_du_projet(monde, login):
    a = monde["A"]
    fin = f.FinancementFactory(projet=a, programme="Région")
    f.VersementFactory(financement=fin, date_limite_demande=f.TODAY + timedelta(days=20))
    accueil = reverse("projet_accueil", args=[a.pk])
    assert "Versement à demander avant le" in login(monde["users"]["coordinateur"]).get(accueil).content.decode()
    assert "Versement à demander avant le" not in login(monde["users"]["financeur"]).get(accueil).content.decode()


def test_prevu_et_depense_par_categorie_en_graphique_svg(monde, login):
    a = monde["A"]
    fin = f.FinancementFactory(projet=a)
    f.DepenseFactory(ligne=f.LigneBudgetFactory(financement=fin, montant_prevu=Dec("1000.00")), montant=Dec("1500.00"))
    html = login(monde["users"]["coordinateur"]).get(reverse("finances", args=[a.pk])).content.decode()
    debut = html.index("<figcaption>Prévu et dépensé par catégorie")
    graphique = html[debut : html.index("</figure>", debut)]
    assert '<span class="barre-libelle">Personnel</span>' in graphique
    assert "1\u202f000,00\u00a0€" in graphique and "1\u202f500,00\u00a0€" in graphique
    assert 'fill="#c4322f"' in graphique  # spent beyond the plan: red
    # the page's own table after it holds the figures: no second one in the chart
    assert "donnees-graphique" not in graphique
