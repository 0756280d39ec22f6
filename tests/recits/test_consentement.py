"""Consent that holds (issue 14): who a récit names (recits/consentement.py), the refusal of a récit
whose named or linked learners lack the consent its use needs (internal, COPIL), the withdrawal
(service and page) that takes récits out of every report and tells their authors, and the
selector the COPIL report reads (``recits_publiables``)."""

import re
import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import Apprenant, PorteeConsentement
from pilotage.rapports import contexte_rapport
from recits import services
from recits.consentement import Detecteur, apprenants_nommes, candidats
from recits.models import AvisRetraitConsentement, Recit
from recits.selectors import recits_publiables
from tests import factories as f

pytestmark = pytest.mark.django_db

DATE_RECIT = date(2025, 4, 10)


def _samuel(projet, **kw):
    """Samuel Tessier, 19 at the récit's date, from Mugron. The learners the fixtures made earlier
    carry Faker's random French names: one may be a Tessier or a Samuel (« M. Tessier » then names
    two people, rightly), so theirs are replaced by names no text of this module uses."""
    for i, autre in enumerate(Apprenant.objects.filter(projet=projet).filter(Q(nom__iexact="Tessier") | Q(prenom__iexact="Samuel"))):
        Apprenant.objects.filter(pk=autre.pk).update(prenom=f"Autreprenom{i}", nom=f"Autrenom{i}")
    return f.ApprenantFactory(projet=projet, prenom="Samuel", nom="Tessier", date_naissance=date(2005, 9, 1), commune="Mugron", **kw)


# every way the issue lists to name a learner: (id, title, text)
COMBINAISONS = [
    ("nom-complet", "Le parcours de Samuel Tessier", "Un beau parcours."),
    ("nom-prenom-majuscules", "Un portrait", "Ce matin, **TESSIER Samuel** a signé son contrat."),
    ("prenom-age", "Un portrait", "Samuel, 19 ans, a trouvé sa voie."),
    ("age-avant-prenom", "Un portrait", "À 19 ans, Samuel a trouvé sa voie."),
    ("prenom-initiale", "Un portrait", "Samuel T. a trouvé sa voie."),
    ("initiale-nom", "Un portrait", "S. Tessier a trouvé sa voie."),
    ("civilite-nom", "Un portrait", "M. Tessier a trouvé sa voie."),
    ("prenom-commune", "Un portrait", "Samuel est arrivé l'an dernier. Ce jeune homme de Mugron a trouvé sa voie."),
    ("accents-casse", "Un portrait", "SAMUEL, de MUGRON, a trouvé sa voie."),
]


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize(("titre", "texte"), [c[1:] for c in COMBINAISONS], ids=[c[0] for c in COMBINAISONS])
def test_each_combination_names_the_learner(monde, titre, texte):
    samuel = _samuel(monde["A"])
    f.ApprenantFactory(projet=monde["A"], prenom="Samuel", nom="Dupuy", date_naissance=date(1970, 1, 1), commune="Pau")
    assert apprenants_nommes(monde["A"], titre, texte, au=DATE_RECIT) == [samuel]


@pytest.mark.parametrize(
    "texte",
    [
        "Samuel a trouvé sa voie.",  # a first name alone
        "Le petit Tessier est un jeu de mots.",  # a name alone
        "Samuel s'est installé.",  # « s' » is no initial
        "Samuel, 45 ans, a trouvé sa voie.",  # another age
        "Samuel, de Hagetmau, a trouvé sa voie.",  # another commune
        "Samuel a signé. " + "Le groupe a bien travaillé ce jour-là avec les formateurs du tiers-lieu et les bénévoles. " * 2 + "Mugron",
        "Samuel Tessiers et Samuele Tessier",  # other words
    ],
    ids=["prenom-seul", "nom-seul", "apostrophe", "autre-age", "autre-commune", "commune-trop-loin", "autres-mots"],
)
def test_no_false_positive(monde, texte):
    _samuel(monde["A"])
    assert apprenants_nommes(monde["A"], "Un portrait", texte, au=DATE_RECIT) == []


def test_learner_without_birth_date_matches_any_age_and_another_project_is_not_read(monde):
    sans_date = f.ApprenantFactory(projet=monde["A"], prenom="Inès", nom="Roux", date_naissance=None)
    f.ApprenantFactory(projet=monde["B"], prenom="Karim", nom="Bensaïd")
    assert apprenants_nommes(monde["A"], "Ines, 30 ans, et Karim Bensaïd", au=DATE_RECIT) == [sans_date]


def test_detection_reads_the_learners_once_and_scales(monde):
    """One query for the candidates, whatever their number; a text is read once (3000 learners)."""
    projet = monde["A"]
    Apprenant.objects.bulk_create(
        [
            Apprenant(projet=projet, reference=f"R{i}", prenom=f"Prenom{i % 400}", nom=f"Nom{i}", situation_entree="rsa", commune="Pau")
            for i in range(3000)
        ]
    )
    cible = _samuel(projet)
    texte = "Samuel T. a trouvé sa voie. " + "Prenom12 est venu à Pau avec un ami. " * 200
    with CaptureQueriesContext(connection) as requetes:
        detecteur = Detecteur(candidats(projet))
    assert len(requetes) == 1
    debut = time.perf_counter()
    nommes = detecteur.nommes("Un portrait", texte, au=DATE_RECIT)
    duree = time.perf_counter() - debut
    assert cible in nommes and len(nommes) == 1 + 8  # Samuel T. and the 8 « Prenom12 » of Pau (commune nearby)
    assert duree < 1.0, duree


# ---------------------------------------------------------------- saving a récit


def _coord(monde, login):
    return login(monde["users"]["coordinateur"])


def _donnees(**kw):
    data = {"titre": "Un portrait", "type": "portrait", "date": DATE_RECIT.isoformat(), "texte": "Un beau parcours."}
    data.update(kw)
    return data


@pytest.mark.parametrize(("titre", "texte"), [c[1:] for c in COMBINAISONS], ids=[c[0] for c in COMBINAISONS])
def test_copil_recit_refused_without_consent_and_accepted_with_copil_consent(monde, login, titre, texte):
    samuel = _samuel(monde["A"])
    client = _coord(monde, login)
    donnees = _donnees(titre=titre, texte=texte, a_presenter_copil="on")
    response = client.post(reverse("recit_create", args=[monde["A"].pk]), donnees)
    assert response.status_code == 200
    champ = "titre" if titre != "Un portrait" else "texte"
    erreur = response.context["form"].errors[champ][0]
    assert erreur.startswith("Samuel Tessier n'a pas donné son consentement à être nommé dans un récit présenté au COPIL")
    assert not Recit.objects.exists()

    samuel.consentement_portee, samuel.consentement_date = PorteeConsentement.COPIL, date(2025, 1, 15)
    samuel.save()
    response = client.post(reverse("recit_create", args=[monde["A"].pk]), donnees)
    assert response.status_code == 302
    assert Recit.objects.get().a_presenter_copil


@pytest.mark.parametrize("avec_consentement", [False, True])
def test_linked_learner_needs_consent_even_when_the_text_only_gives_the_first_name(monde, login, avec_consentement):
    samuel = _samuel(monde["A"], consentant=avec_consentement)
    response = _coord(monde, login).post(
        reverse("recit_create", args=[monde["A"].pk]),
        _donnees(texte="Samuel a trouvé sa voie.", apprenants=[samuel.pk], a_presenter_copil="on"),
    )
    if avec_consentement:
        assert response.status_code == 302
        assert list(Recit.objects.get().apprenants.all()) == [samuel]
    else:
        assert response.context["form"].errors["apprenants"][0].startswith("Samuel Tessier n'a pas donné son consentement")
        assert not Recit.objects.exists()


def test_internal_consent_is_enough_for_the_team_not_for_the_copil(monde, login):
    _samuel(monde["A"], consentant_interne=True)
    client = _coord(monde, login)
    url = reverse("recit_create", args=[monde["A"].pk])
    response = client.post(url, _donnees(texte="Samuel T. a trouvé sa voie.", a_presenter_copil="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["texte"] == [
        "Samuel Tessier (consentement interne depuis le 15 janvier 2025) n'a pas donné son consentement à être nommé dans un récit "
        "présenté au COPIL : retirez son nom et ce qui le fait reconnaître (initiale, âge, commune), ou enregistrez d'abord son "
        "consentement sur sa fiche."
    ]
    assert not Recit.objects.exists()
    assert client.post(url, _donnees(texte="Samuel T. a trouvé sa voie.")).status_code == 302
    assert not Recit.objects.get().a_presenter_copil


def test_public_consent_covers_the_copil_and_the_scopes_are_ordered(monde):
    assert PorteeConsentement.couvre("public", "copil") and PorteeConsentement.couvre("copil", "interne")
    assert not PorteeConsentement.couvre("interne", "copil") and not PorteeConsentement.couvre("copil", "public")
    assert not PorteeConsentement.couvre("", "interne")
    samuel = _samuel(monde["A"], consentant_public=True)
    recit = f.RecitFactory(projet=monde["A"], texte="Samuel T.")
    recit.a_presenter_copil = True
    services.enregistrer_recit(recit=recit, projet=monde["A"], by=monde["users"]["coordinateur"], apprenants=[samuel])
    assert Recit.objects.get().a_presenter_copil


def test_the_service_refuses_too_and_names_everyone_who_lacks_consent(monde):
    _samuel(monde["A"])
    f.ApprenantFactory(projet=monde["A"], prenom="Léa", nom="Marchand")
    recit = Recit(titre="Léa M.", type="portrait", date=DATE_RECIT, texte="Samuel, 19 ans.", a_presenter_copil=True)
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_recit(recit=recit, projet=monde["A"], by=monde["users"]["coordinateur"])
    assert erreur.value.message_dict["titre"][0].startswith("Léa Marchand n'a pas donné")
    assert erreur.value.message_dict["texte"][0].startswith("Samuel Tessier n'a pas donné")
    assert not Recit.objects.exists()


def test_the_form_explains_the_rule(monde, login):
    response = _coord(monde, login).get(reverse("recit_create", args=[monde["A"].pk]))
    contenu = response.content.decode()
    assert "prénom et initiale, prénom et âge, prénom et commune" in contenu
    assert "Le rapport du COPIL, que lisent partenaires et financeurs" in contenu


# ---------------------------------------------------------------- the selector of the reports


def test_recits_publiables_keeps_only_recits_whose_every_learner_consents(monde):
    projet = monde["A"]
    copil_ok = _samuel(projet, consentant=True)
    interne = f.ApprenantFactory(projet=projet, prenom="Léa", nom="Marchand", consentant_interne=True)
    retire = f.ApprenantFactory(projet=projet, prenom="Hugo", nom="Dupuy", consentant=True, consentement_retire_le=date(2025, 3, 1))
    sans_nom = f.RecitFactory(projet=projet, copil=True, titre="Atelier", texte="Un atelier collectif.")
    nomme_ok = f.RecitFactory(projet=projet, copil=True, titre="Samuel T.")
    lie_interne = f.RecitFactory(projet=projet, copil=True, titre="Un portrait")
    lie_interne.apprenants.add(interne)
    nomme_retire = f.RecitFactory(projet=projet, copil=True, texte="Hugo D. et Samuel Tessier.")
    lie_ok = f.RecitFactory(projet=projet, copil=True)
    lie_ok.apprenants.add(copil_ok)
    with CaptureQueriesContext(connection) as requetes:
        copil = recits_publiables(projet, PorteeConsentement.COPIL, Recit.objects.filter(a_presenter_copil=True).order_by("pk"))
    assert copil == [sans_nom, nomme_ok, lie_ok]
    assert len(requetes) == 3
    assert nomme_retire not in recits_publiables(projet, PorteeConsentement.INTERNE)
    assert lie_interne in recits_publiables(projet, PorteeConsentement.INTERNE)
    assert recits_publiables(projet, PorteeConsentement.PUBLIC, Recit.objects.filter(pk=sans_nom.pk)) == [sans_nom]
    assert retire.consent_a(PorteeConsentement.INTERNE) is False


# ---------------------------------------------------------------- withdrawal


@pytest.fixture
def recits_de_samuel(monde):
    """Samuel (COPIL consent) in three récits to present at the COPIL (linked, named « Samuel T. »,
    named « Samuel, 19 ans »), written by the coordinator; a fourth names nobody."""
    projet, auteur = monde["A"], monde["users"]["coordinateur"]
    auteur.email = "coord@exemple.test"
    auteur.save()
    samuel = _samuel(projet, consentant=True)
    lie = f.RecitFactory(projet=projet, copil=True, auteur=auteur, titre="Lié", date=DATE_RECIT)
    lie.apprenants.add(samuel)
    initiale = f.RecitFactory(projet=projet, copil=True, auteur=auteur, titre="Initiale", texte="Samuel T. a signé.", date=DATE_RECIT)
    age = f.RecitFactory(projet=projet, copil=True, auteur=auteur, titre="Âge", texte="Samuel, 19 ans, a signé.", date=DATE_RECIT)
    autre = f.RecitFactory(projet=projet, copil=True, auteur=auteur, titre="Atelier", texte="Un atelier.", date=DATE_RECIT)
    copil = f.CopilFactory(projet=projet, periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30))
    return {"samuel": samuel, "recits": [lie, initiale, age], "autre": autre, "copil": copil, "auteur": auteur}


def test_withdrawal_takes_the_recits_out_of_the_next_report_and_tells_the_author(
    monde, recits_de_samuel, django_capture_on_commit_callbacks
):
    r = recits_de_samuel
    avant = contexte_rapport(copil=r["copil"])["recits"]
    assert {x.pk for x in avant} == {x.pk for x in [*r["recits"], r["autre"]]}

    with django_capture_on_commit_callbacks(execute=True):
        retires = services.retirer_consentement(apprenant=r["samuel"], by=monde["users"]["coordinateur"])
    assert {x.pk for x in retires} == {x.pk for x in r["recits"]}
    r["samuel"].refresh_from_db()
    assert r["samuel"].consentement_retire_le == timezone.localdate()
    assert r["samuel"].history.first().history_user == monde["users"]["coordinateur"]
    # the récits stay, no longer to present at the COPIL
    assert Recit.objects.filter(a_presenter_copil=False).count() == 3
    # the next report: only the récit that names nobody
    contexte = contexte_rapport(copil=r["copil"])
    assert contexte["recits"] == [r["autre"]]
    html = render_to_string("pilotage/rapport_pdf.html", contexte)
    assert "Samuel" not in html and "Initiale" not in html
    # the author: a notice on the home page and an e-mail (no name, no title)
    assert AvisRetraitConsentement.objects.filter(destinataire=r["auteur"]).count() == 3
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coord@exemple.test"]
    assert "a retiré son consentement" in message.body and "Samuel" not in message.body and "Initiale" not in message.body
    assert reverse("recit_detail", args=[monde["A"].pk, r["recits"][0].pk]) in message.body


def test_even_a_recit_marked_again_by_hand_stays_out_of_the_report(monde, recits_de_samuel):
    r = recits_de_samuel
    services.retirer_consentement(apprenant=r["samuel"], by=monde["users"]["coordinateur"])
    Recit.objects.filter(pk=r["recits"][1].pk).update(a_presenter_copil=True)  # e.g. through /admin/
    assert contexte_rapport(copil=r["copil"])["recits"] == [r["autre"]]


def test_the_author_reads_the_notice_on_the_home_page(monde, recits_de_samuel, login):
    services.retirer_consentement(apprenant=recits_de_samuel["samuel"], by=monde["users"]["administrateur"])
    contenu = login(monde["users"]["coordinateur"]).get(reverse("projet_accueil", args=[monde["A"].pk])).content.decode()
    assert "Récits retirés des rapports" in contenu
    assert contenu.count("une personne que ce récit nomme a retiré son consentement") == 3
    autre = login(monde["users"]["administrateur"]).get(reverse("projet_accueil", args=[monde["A"].pk])).content.decode()
    assert "Récits retirés des rapports" not in autre  # not its récits


def test_a_failed_email_keeps_the_withdrawal_and_the_notice(monde, recits_de_samuel, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "tests.recits.test_consentement.BoiteEnPanne"
    with django_capture_on_commit_callbacks(execute=True):
        services.retirer_consentement(apprenant=recits_de_samuel["samuel"], by=monde["users"]["coordinateur"])
    assert AvisRetraitConsentement.objects.count() == 3
    assert Apprenant.objects.get(pk=recits_de_samuel["samuel"].pk).consentement_retire


class BoiteEnPanne:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP injoignable")


@pytest.mark.parametrize("role", ["partenaire", "financeur"])
def test_withdrawal_service_refuses_partner_and_funder(monde, recits_de_samuel, role):
    with pytest.raises(PermissionDenied):
        services.retirer_consentement(apprenant=recits_de_samuel["samuel"], by=monde["users"][role])
    assert not Apprenant.objects.get(pk=recits_de_samuel["samuel"].pk).consentement_retire
    assert Recit.objects.filter(a_presenter_copil=True).count() == 4


@pytest.mark.parametrize(
    ("le", "message"),
    [
        (date(2024, 12, 1), "Le retrait ne peut pas précéder le consentement."),
        (date.today() + timedelta(days=3), "La date du retrait est dans le futur."),
    ],
)
def test_withdrawal_with_a_bad_date_changes_nothing(monde, recits_de_samuel, le, message):
    with pytest.raises(ValidationError) as erreur:
        services.retirer_consentement(apprenant=recits_de_samuel["samuel"], by=monde["users"]["coordinateur"], le=le)
    assert erreur.value.messages == [message]
    assert Recit.objects.filter(a_presenter_copil=True).count() == 4
    assert not AvisRetraitConsentement.objects.exists()


def test_withdrawal_page(monde, recits_de_samuel, login):
    samuel = recits_de_samuel["samuel"]
    client = login(monde["users"]["coordinateur"])
    fiche = client.get(reverse("apprenant_detail", args=[monde["A"].pk, samuel.pk])).content.decode()
    url = reverse("consentement_retrait", args=[monde["A"].pk, samuel.pk])
    assert url in fiche and "Consentement COPIL depuis le 15 janvier 2025" in fiche
    page = client.get(url).content.decode()
    assert "3 récits à présenter au COPIL le nomment" in page
    # a date in the future: refused next to its field, nothing changed
    demain = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"le": demain})
    assert response.context["form"].errors["le"] == ["La date du retrait est dans le futur."]
    assert not Apprenant.objects.get(pk=samuel.pk).consentement_retire
    response = client.post(url, {"le": timezone.localdate().isoformat()}, follow=True)
    assert "3 récits retirés du COPIL, auteurs prévenus." in response.content.decode()
    fiche = response.content.decode()
    assert "Consentement retiré le" in fiche and url not in fiche  # nothing left to withdraw
    # twice: refused with a French message
    response = client.post(url, {"le": timezone.localdate().isoformat()})
    assert response.context["form"].non_field_errors() == [services.MESSAGE_PAS_DE_CONSENTEMENT]


def test_a_new_consent_after_a_withdrawal_is_in_force_again(monde, recits_de_samuel, login):
    samuel = recits_de_samuel["samuel"]
    services.retirer_consentement(apprenant=samuel, by=monde["users"]["coordinateur"], le=date(2025, 2, 1))
    samuel = Apprenant.objects.get(pk=samuel.pk)
    samuel.consentement_date = date(2025, 3, 1)
    samuel.full_clean()
    samuel.save()
    assert samuel.consentement_retire_le is None and samuel.consent_a(PorteeConsentement.COPIL)


def test_the_copil_page_shows_the_recits_the_report_leaves_out(monde, login):
    projet = monde["A"]
    _samuel(projet)  # no consent: e.g. a récit marked before the rule, or through /admin/
    f.RecitFactory(projet=projet, copil=True, titre="Samuel T. à l'atelier", date=DATE_RECIT)
    f.RecitFactory(projet=projet, copil=True, titre="Un atelier", date=DATE_RECIT)
    copil = f.CopilFactory(projet=projet, periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30))
    response = _coord(monde, login).get(reverse("copil_detail", args=[projet.pk, copil.pk]))
    assert [r.titre for r in response.context["recits_a_presenter"]] == ["Un atelier"]
    assert [r.titre for r in response.context["recits_ecartes"]] == ["Samuel T. à l'atelier"]
    assert "Écartés du rapport faute de consentement" in response.content.decode()
    assert [r.titre for r in contexte_rapport(copil=copil)["recits"]] == ["Un atelier"]


def test_the_morning_digest_carries_the_notice_without_title_nor_name(monde, recits_de_samuel):
    from conciergerie.resume import envoyer_resumes

    services.retirer_consentement(apprenant=recits_de_samuel["samuel"], by=monde["users"]["administrateur"])
    mail.outbox.clear()
    assert envoyer_resumes() >= 1
    (message,) = [m for m in mail.outbox if m.to == ["coord@exemple.test"]]
    assert "Récits retirés des rapports" in message.body
    ligne = re.search(r"Récits retirés des rapports \(consentement retiré\) : (\d+)", " ".join(message.body.split()))
    assert ligne and int(ligne[1]) == AvisRetraitConsentement.objects.filter(destinataire__email="coord@exemple.test").count() > 0
    assert reverse("projet_accueil", args=[monde["A"].pk]) in message.alternatives[0][0]
    assert "Samuel" not in message.body and "Initiale" not in message.body
