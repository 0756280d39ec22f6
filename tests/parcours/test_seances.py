"""Sessions with séances and attendance (issue 17): the collective step entered once, hours from
attendance, the attendance grid, the calendar and the iCal feed, the signed sheet, and the bad
input each refused with a French message naming the field, nothing written."""

from datetime import date as D
from datetime import time
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours import services, services_seances
from parcours.models import Etape, NatureSession, Parcours, Presence, Seance, StatutEtape, StatutPresence, TypeEtape
from parcours.views_seances import calendrier_ics, echapper_ical, jeton_calendrier
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def groupe(cabinet):
    """A collective formation-développement of the Greta: 9 Mar – 30 Apr 2025, 14 h planned, and
    three learners (two with a path in progress, one without)."""
    projet = cabinet["projet"]
    session = f.SessionFormationFactory(
        projet=projet,
        organisation=cabinet["of"],
        intitule="Développer son entreprise rurale",
        nature=NatureSession.FORMATION_DEVELOPPEMENT,
        date_debut=D(2025, 3, 10),
        date_fin=D(2025, 4, 30),
        heures=Decimal("14"),
        commune="Saint-Flour",
        adresse="3 place d'Armes",
    )
    avec = [f.ParcoursFactory(apprenant__projet=projet, apprenant__nom=nom).apprenant for nom in ("Arnaud", "Bertin")]
    sans = f.ApprenantFactory(projet=projet, nom="Chazal")
    return {"session": session, "apprenants": [*avec, sans], "coord": cabinet["coord"], "projet": projet}


def _ajouter(groupe):
    return services.ajouter_participants(session=groupe["session"], apprenant_ids=[a.pk for a in groupe["apprenants"]], by=groupe["coord"])


def _seance(session, jour, debut=(9, 0), fin=(12, 30), **kwargs):
    seance = Seance(date=jour, heure_debut=time(*debut), heure_fin=time(*fin), **kwargs)
    return services_seances.enregistrer_seance(seance=seance, session=session, by=None)


# ---------------------------------------------------------------- the collective step, entered once


def test_adding_participants_creates_one_step_each_from_the_session(groupe):
    etapes = _ajouter(groupe)
    assert len(etapes) == 3
    for etape in Etape.objects.filter(session=groupe["session"]):
        assert etape.type == TypeEtape.FORMATION_COLLECTIVE  # from the session's nature
        assert (etape.date_debut, etape.date_fin, etape.heures_prevues) == (D(2025, 3, 10), D(2025, 4, 30), Decimal("14"))
        assert etape.organisation_id == groupe["session"].organisation_id
    # the learner without a path got one, named after the session
    assert Parcours.objects.get(apprenant=groupe["apprenants"][2]).intitule == "Développer son entreprise rurale"


def test_an_open_step_of_the_same_type_is_linked_not_duplicated(groupe):
    parcours = groupe["apprenants"][0].parcours.get()
    ouverte = f.EtapeFactory(
        parcours=parcours, type=TypeEtape.FORMATION_COLLECTIVE, organisation=groupe["session"].organisation, date_debut=D(2025, 3, 1)
    )
    _ajouter(groupe)
    ouverte.refresh_from_db()
    assert ouverte.session_id == groupe["session"].pk and ouverte.date_debut == D(2025, 3, 10)
    assert Etape.objects.filter(parcours=parcours).count() == 1


def test_a_participant_added_twice_is_refused_and_nothing_written(groupe):
    _ajouter(groupe)
    nouveau = f.ApprenantFactory(projet=groupe["projet"], nom="Delmas")
    avant = Etape.objects.count()
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_participants(session=groupe["session"], apprenant_ids=[nouveau.pk, groupe["apprenants"][0].pk], by=groupe["coord"])
    assert erreur.value.message_dict["apprenants"] == [f"{groupe['apprenants'][0]} : déjà participant·e de cette session."]
    assert Etape.objects.count() == avant and not Parcours.objects.filter(apprenant=nouveau).exists()


def test_editing_the_session_dates_and_hours_updates_the_steps_but_not_a_leaver(groupe):
    _ajouter(groupe)
    session = groupe["session"]
    parti = groupe["apprenants"][1]
    services.retirer_participant(session=session, apprenant=parti, motif="A trouvé un emploi", date=D(2025, 3, 20), by=groupe["coord"])
    session.date_fin, session.heures = D(2025, 5, 15), Decimal("21")
    services.enregistrer_session(session=session, projet=groupe["projet"], by=groupe["coord"])
    for etape in Etape.objects.filter(session=session).select_related("parcours"):
        if etape.parcours.apprenant_id == parti.pk:
            assert (etape.statut, etape.date_fin, etape.heures_prevues, etape.motif) == (
                StatutEtape.ABANDONNEE,
                D(2025, 3, 20),
                Decimal("14"),
                "A trouvé un emploi",
            )
        else:
            assert (etape.date_fin, etape.heures_prevues, etape.statut) == (D(2025, 5, 15), Decimal("21"), StatutEtape.PREVUE)


def test_leaving_needs_a_reason(groupe):
    _ajouter(groupe)
    with pytest.raises(ValidationError) as erreur:
        services.retirer_participant(session=groupe["session"], apprenant=groupe["apprenants"][0], motif="  ", by=groupe["coord"])
    assert erreur.value.message_dict == {"motif": [services.MESSAGE_MOTIF_DEPART]}
    assert not Etape.objects.filter(statut=StatutEtape.ABANDONNEE).exists()


def test_session_dates_that_would_leave_a_seance_outside_are_refused(groupe):
    _seance(groupe["session"], D(2025, 4, 28))
    session = groupe["session"]
    session.date_fin = D(2025, 4, 15)
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_session(session=session, projet=groupe["projet"], by=groupe["coord"])
    assert "28 avril 2025" in erreur.value.message_dict["date_fin"][0]


# ---------------------------------------------------------------- séances


def test_a_seance_duration_comes_from_its_times_or_is_typed(groupe):
    assert _seance(groupe["session"], D(2025, 3, 10), (9, 0), (12, 30)).duree == Decimal("3.50")
    journee = services_seances.enregistrer_seance(
        seance=Seance(date=D(2025, 3, 11), duree=Decimal("7")), session=groupe["session"], by=None
    )
    assert journee.duree == Decimal("7")
    with pytest.raises(ValidationError) as erreur:
        services_seances.enregistrer_seance(seance=Seance(date=D(2025, 3, 12)), session=groupe["session"], by=None)
    assert "duree" in erreur.value.message_dict


def test_a_seance_outside_the_session_dates_is_refused(groupe):
    with pytest.raises(ValidationError) as erreur:
        _seance(groupe["session"], D(2025, 5, 2))
    assert erreur.value.message_dict["date"] == [
        "La séance du 2 mai 2025 est hors des dates de la session (du 10 mars 2025 au 30 avril 2025)."
    ]
    assert not Seance.objects.exists()


# ---------------------------------------------------------------- attendance and hours


def test_hours_of_a_cohort_come_from_attendance(groupe):
    _ajouter(groupe)
    session = groupe["session"]
    a, b, c = groupe["apprenants"]
    matin = _seance(session, D(2025, 3, 10))  # 3,5 h
    journee = services_seances.enregistrer_seance(seance=Seance(date=D(2025, 3, 17), duree=Decimal("7")), session=session, by=None)
    services_seances.enregistrer_presences(
        seance=matin, lignes=[(a.pk, "present", None), (b.pk, "absent", Decimal("3")), (c.pk, "present", Decimal("2"))], by=None
    )
    services_seances.enregistrer_presences(
        seance=journee, lignes=[(a.pk, "present", None), (b.pk, "excuse", None), (c.pk, "present", None)], by=None
    )
    heures = {e.parcours.apprenant_id: e.heures_realisees for e in Etape.objects.filter(session=session).select_related("parcours")}
    assert heures == {a.pk: Decimal("10.5"), b.pk: Decimal("0"), c.pk: Decimal("9")}
    assert Presence.objects.get(seance=matin, apprenant=b).heures == 0  # absent: 0 h whatever typed
    # a shorter séance moves the full-attendance hours with it
    journee.duree, journee.heure_debut, journee.heure_fin = None, time(9), time(15)
    services_seances.enregistrer_seance(seance=journee, session=session, by=None)
    heures = {e.parcours.apprenant_id: e.heures_realisees for e in Etape.objects.filter(session=session).select_related("parcours")}
    assert heures == {a.pk: Decimal("9.5"), b.pk: Decimal("0"), c.pk: Decimal("8")}
    # deleting a séance takes its hours away
    services_seances.supprimer_seance(seance=journee, by=None)
    assert Etape.objects.get(session=session, parcours__apprenant=a).heures_realisees == Decimal("3.5")


def test_hours_saved_on_the_grid_reach_a_dashboard_read_before(groupe):
    """The dashboard's figures are kept per project until its next write (pilotage.memo): the
    attendance sheet, written in bulk, moves the project's revision."""
    from pilotage.indicateurs import Periode, calculer

    _ajouter(groupe)
    a = groupe["apprenants"][0]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    periode = Periode(D(2025, 1, 1), D(2025, 12, 31))
    avant = calculer([groupe["projet"]], periode).etapes
    services_seances.enregistrer_presences(seance=seance, lignes=[(a.pk, "present", None)], by=None)
    apres = calculer([groupe["projet"]], periode).etapes
    assert (apres.heures_realisees - avant.heures_realisees) == Decimal("3.5")


def test_hours_above_the_seance_duration_refuse_the_whole_sheet(groupe):
    _ajouter(groupe)
    a, b, _ = groupe["apprenants"]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    with pytest.raises(ValidationError) as erreur:
        services_seances.enregistrer_presences(seance=seance, lignes=[(a.pk, "present", None), (b.pk, "present", Decimal("4"))], by=None)
    assert erreur.value.message_dict == {f"heures_{b.pk}": [f"{b} : 4 h de présence dépassent la durée de la séance (3,5 h)."]}
    assert not Presence.objects.exists()
    assert not Etape.objects.filter(heures_realisees__gt=0).exists()


def test_a_learner_who_is_not_a_participant_refuses_the_sheet(groupe):
    _ajouter(groupe)
    seance = _seance(groupe["session"], D(2025, 3, 10))
    intrus = f.ApprenantFactory(projet=groupe["projet"])
    with pytest.raises(ValidationError):
        services_seances.enregistrer_presences(seance=seance, lignes=[(intrus.pk, "present", None)], by=None)
    assert not Presence.objects.exists()


def test_a_leaver_is_expected_at_seances_before_leaving_only(groupe):
    _ajouter(groupe)
    parti = groupe["apprenants"][1]
    services.retirer_participant(session=groupe["session"], apprenant=parti, motif="Déménagement", date=D(2025, 3, 20), by=groupe["coord"])
    avant, apres = _seance(groupe["session"], D(2025, 3, 17)), _seance(groupe["session"], D(2025, 3, 24))
    assert parti in services_seances.participants_de_seance(avant)
    assert parti not in services_seances.participants_de_seance(apres)


def test_the_step_form_shows_attendance_hours_read_only(groupe, cabinet):
    _ajouter(groupe)
    etape = Etape.objects.filter(session=groupe["session"]).first()
    url = reverse("etape_update", args=[groupe["projet"].pk, etape.pk])
    assert "Calculées à partir des feuilles de présence" not in unescape(cabinet["client"].get(url).content.decode())
    _seance(groupe["session"], D(2025, 3, 10))
    html = unescape(cabinet["client"].get(url).content.decode())
    assert "Calculées à partir des feuilles de présence" in html
    assert (
        'name="heures_realisees"' in html
        and "disabled" in html.split('name="heures_realisees"')[1][:200] + html.split('name="heures_realisees"')[0][-200:]
    )


# ---------------------------------------------------------------- pages


def _grille(cabinet, seance):
    return reverse("seance_presences", args=[cabinet["projet"].pk, seance.pk])


def _post_grille(client, url, valeurs):
    page = client.get(url)
    version = page.context["champs_caches"].split('value="')[1].split('"')[0]
    return client.post(url, {"_version": version, **valeurs})


def test_the_grid_saves_a_whole_seance_in_one_post(groupe, cabinet):
    _ajouter(groupe)
    a, b, c = groupe["apprenants"]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    reponse = _post_grille(
        cabinet["client"],
        _grille(cabinet, seance),
        {
            f"statut_{a.pk}": "present",
            f"heures_{a.pk}": "",
            f"statut_{b.pk}": "excuse",
            f"statut_{c.pk}": "present",
            f"heures_{c.pk}": "2,5",
        },
    )
    assert reponse.status_code == 302
    assert {p.apprenant_id: (p.statut, p.heures) for p in Presence.objects.all()} == {
        a.pk: ("present", Decimal("3.5")),
        b.pk: ("excuse", Decimal("0")),
        c.pk: ("present", Decimal("2.5")),
    }


def test_the_grid_refuses_hours_above_the_duration_next_to_the_row(groupe, cabinet):
    _ajouter(groupe)
    a, b, c = groupe["apprenants"]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    reponse = _post_grille(
        cabinet["client"],
        _grille(cabinet, seance),
        {f"statut_{a.pk}": "present", f"statut_{b.pk}": "present", f"heures_{b.pk}": "5", f"statut_{c.pk}": "absent"},
    )
    assert reponse.status_code == 200
    assert f"{b} : 5 h de présence dépassent la durée de la séance (3,5 h)." in unescape(reponse.content.decode())
    assert not Presence.objects.exists()


def test_the_grid_refuses_a_sheet_saved_by_someone_else_meanwhile(groupe, cabinet):
    _ajouter(groupe)
    a, b, c = groupe["apprenants"]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    url = _grille(cabinet, seance)
    version = cabinet["client"].get(url).context["champs_caches"].split('value="')[1].split('"')[0]
    services_seances.enregistrer_presences(seance=seance, lignes=[(a.pk, "absent", None)], by=None)
    reponse = cabinet["client"].post(
        url, {"_version": version, f"statut_{a.pk}": "present", f"statut_{b.pk}": "present", f"statut_{c.pk}": "present"}
    )
    assert reponse.status_code == 200 and "modifiée par quelqu'un d'autre" in unescape(reponse.content.decode())
    assert Presence.objects.get().statut == StatutPresence.ABSENT


def test_tous_presents_resets_the_rows_without_saving(groupe, cabinet):
    _ajouter(groupe)
    a = groupe["apprenants"][0]
    seance = _seance(groupe["session"], D(2025, 3, 10))
    services_seances.enregistrer_presences(seance=seance, lignes=[(a.pk, "absent", None)], by=None)
    html = cabinet["client"].get(_grille(cabinet, seance) + "?tous=presents").content.decode()
    assert f'name="statut_{a.pk}" value="present"' in html and "checked" in html.split(f'name="statut_{a.pk}" value="present"')[1][:40]
    assert Presence.objects.get().statut == StatutPresence.ABSENT


def test_participants_page_adds_and_names_a_duplicate(groupe, cabinet):
    url = reverse("session_participants", args=[groupe["projet"].pk, groupe["session"].pk])
    a, b, _ = groupe["apprenants"]
    assert cabinet["client"].post(url, {"apprenants": [a.pk]}).status_code == 302
    reponse = cabinet["client"].post(url, {"apprenants": [a.pk, b.pk]})
    assert reponse.status_code == 200
    assert f"{a} : déjà participant·e de cette session." in unescape(reponse.content.decode())
    assert Etape.objects.filter(session=groupe["session"]).count() == 1


def test_signed_sheet_upload_and_download(groupe, cabinet, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seance = _seance(groupe["session"], D(2025, 3, 10))
    url = reverse("seance_feuille_signee", args=[groupe["projet"].pk, seance.pk])
    faux = SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    reponse = cabinet["client"].post(url, {"feuille_signee": faux})
    assert reponse.status_code == 200 and "n'est pas ce que son extension annonce" in unescape(reponse.content.decode())
    exe = SimpleUploadedFile("scan.exe", b"MZ", content_type="application/octet-stream")
    assert "un PDF, un JPEG ou un PNG" in cabinet["client"].post(url, {"feuille_signee": exe}).content.decode()
    seance.refresh_from_db()
    assert not seance.feuille_signee
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    assert cabinet["client"].post(url, {"feuille_signee": png}).status_code == 302
    fichier = cabinet["client"].get(reverse("seance_feuille_signee_fichier", args=[groupe["projet"].pk, seance.pk]))
    assert fichier["Content-Type"] == "image/png" and b"".join(fichier.streaming_content).startswith(b"\x89PNG")


def test_signed_sheet_size_limit(groupe, monkeypatch):
    monkeypatch.setattr(services_seances, "TAILLE_MAX_FEUILLE", 10)
    seance = _seance(groupe["session"], D(2025, 3, 10))
    with pytest.raises(ValidationError) as erreur:
        services_seances.deposer_feuille(seance=seance, fichier=SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 20), by=None)
    assert "la limite est de 10 Mo" in erreur.value.message_dict["feuille_signee"][0]


def _png() -> bytes:
    import io

    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (60, 30), (0, 51, 153)).save(tampon, "PNG")
    return tampon.getvalue()


def test_printable_sheet_names_participants_and_funders(groupe, cabinet):
    """The sheet as printed (read back with pypdf): each expected participant on a line, the
    signature column, and each funding covering the day — its mention (or funder and programme)
    and its logo, drawn in the PDF; a funding that ended before the séance is not there."""
    import io

    import pypdf
    from django.core.files.base import ContentFile

    from pilotage.views_emargement import Soutien, financeurs_de_seance

    _ajouter(groupe)
    projet = groupe["projet"]
    f.FinancementFactory(
        projet=projet, financeur__nom="Communauté de communes", programme="FEADER", date_debut=D(2025, 1, 1), date_fin=D(2025, 12, 31)
    )
    f.FinancementFactory(
        projet=projet,
        financeur__nom="Région",
        programme="Pacte",
        mention="Avec le concours de la Région et de l'Union européenne",
        logo=ContentFile(_png(), name="region.png"),
        date_debut=D(2025, 1, 1),
        date_fin=D(2025, 12, 31),
    )
    f.FinancementFactory(projet=projet, financeur__nom="Fondation close", date_debut=D(2024, 1, 1), date_fin=D(2024, 12, 31))
    seance = _seance(groupe["session"], D(2025, 3, 10))

    soutiens = financeurs_de_seance(seance)
    assert [s.mention for s in soutiens] == ["Communauté de communes — FEADER", "Avec le concours de la Région et de l'Union européenne"]
    assert soutiens[0] == Soutien("Communauté de communes — FEADER") and soutiens[1].logo.startswith("data:image/png;base64,")

    reponse = cabinet["client"].get(reverse("seance_emargement_pdf", args=[projet.pk, seance.pk]))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    page = pypdf.PdfReader(io.BytesIO(reponse.content)).pages[0]
    texte = " ".join(page.extract_text().split())
    for nom in ("Arnaud", "Bertin", "Chazal"):
        assert nom in texte
    assert "Signature" in texte and "Développer son entreprise rurale" in texte
    assert "Communauté de communes — FEADER" in texte and "Avec le concours de la Région et de l'Union européenne" in texte
    assert "Fondation close" not in texte
    assert len(page.images) == 1  # the Région's logo


def test_a_phase_is_created_renamed_and_deleted_its_seances_staying(groupe, cabinet):
    """Phases are optional and edited like the séances; a phase deleted leaves its séances,
    without a phase; a phase without a name is refused with a French message, nothing changed."""
    from parcours.models import Phase

    projet, session, client = groupe["projet"], groupe["session"], cabinet["client"]
    reponse = client.post(reverse("phase_create", args=[projet.pk, session.pk]), {"nom": "Diagnostic", "ordre": "1"})
    assert reponse.status_code == 302
    phase = Phase.objects.get(session=session)
    seance = _seance(session, D(2025, 3, 10), phase=phase)
    page = client.get(reverse("sessionformation_detail", args=[projet.pk, session.pk])).content.decode()
    assert reverse("phase_update", args=[projet.pk, phase.pk]) in page
    url = reverse("phase_update", args=[projet.pk, phase.pk])
    assert client.post(url, {"nom": "Diagnostic partagé", "ordre": "2"}).status_code == 302
    phase.refresh_from_db()
    assert (phase.nom, phase.ordre) == ("Diagnostic partagé", 2)
    refus = client.post(url, {"nom": "", "ordre": "3"})
    assert refus.status_code == 200 and "Ce champ est obligatoire." in unescape(refus.content.decode())
    phase.refresh_from_db()
    assert (phase.nom, phase.ordre) == ("Diagnostic partagé", 2)
    suppression = reverse("phase_delete", args=[projet.pk, phase.pk])
    assert client.get(suppression).status_code == 200
    reponse = client.post(suppression)
    assert reponse.status_code == 302 and reponse["Location"] == reverse("sessionformation_detail", args=[projet.pk, session.pk])
    assert not Phase.objects.filter(pk=phase.pk).exists()
    seance.refresh_from_db()
    assert seance.phase_id is None


# ---------------------------------------------------------------- calendar and iCal


def test_calendar_month_and_week_show_the_seances(groupe, cabinet):
    _seance(groupe["session"], D(2025, 3, 12))
    url = reverse("calendrier", args=[groupe["projet"].pk])
    mois = cabinet["client"].get(url, {"date": "2025-03-01"}).content.decode()
    assert "Mars 2025" in mois and "09:00 Développer son entreprise rurale" in mois
    semaine = cabinet["client"].get(url, {"vue": "semaine", "date": "2025-03-12"}).content.decode()
    assert "Semaine du 10 mars 2025 au 16 mars 2025" in semaine and "3,5 h" in semaine
    assert "Développer" not in cabinet["client"].get(url, {"vue": "semaine", "date": "2025-03-20"}).content.decode()


def test_ical_escaping_and_folding():
    assert echapper_ical("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    session = f.SessionFormationFactory.build(intitule="Atelier, numérique ; " + "é" * 60, commune="Aurillac", date_debut=D(2025, 3, 1))
    seance = Seance(pk=7, session=session, date=D(2025, 3, 3), heure_debut=time(9), heure_fin=time(12), duree=Decimal("3"))
    from django.utils import timezone

    texte = calendrier_ics([seance], maintenant=timezone.now())
    assert texte.startswith("BEGIN:VCALENDAR\r\n") and texte.endswith("END:VCALENDAR\r\n")
    assert "\n" not in texte.replace("\r\n", "")
    assert all(len(ligne.encode()) <= 75 for ligne in texte.split("\r\n"))
    assert "DTSTART;TZID=Europe/Paris:20250303T090000" in texte
    assert "SUMMARY:Atelier\\, numérique \\; " in texte


def test_ical_feed_gives_what_the_user_may_see(groupe, cabinet, client):
    propre = _seance(groupe["session"], D(2025, 3, 12))
    autre_session = f.SessionFormationFactory(projet=groupe["projet"], intitule="Autre OF", date_debut=D(2025, 3, 1))
    _seance(autre_session, D(2025, 3, 12))
    partenaire = cabinet["partenaire"]  # the Greta's: sees its own sessions only
    url = reverse("calendrier_ical", kwargs={"user_id": partenaire.pk, "jeton": jeton_calendrier(partenaire)})
    from django.utils import timezone

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "localdate", lambda: D(2025, 3, 1))
        reponse = client.get(url)
    texte = reponse.content.decode()
    assert reponse["Content-Type"].startswith("text/calendar")
    assert f"UID:seance-{propre.pk}@conciergerie" in texte and "Autre OF" not in texte
    assert client.get(url.replace(jeton_calendrier(partenaire), "0" * 32)).status_code == 404
    # a new password revokes the URL
    partenaire.set_password("un-autre-mot-de-passe-123")
    partenaire.save()
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- query budgets


def _grand_groupe(cabinet, participants, seances):
    projet = cabinet["projet"]
    session = f.SessionFormationFactory(projet=projet, organisation=cabinet["of"], date_debut=D(2025, 3, 1), date_fin=D(2025, 6, 30))
    apprenants = [f.ParcoursFactory(apprenant__projet=projet).apprenant for _ in range(participants)]
    services.ajouter_participants(session=session, apprenant_ids=[a.pk for a in apprenants], by=None)
    liste = [f.SeanceFactory(session=session, date=D(2025, 3, 3 + i)) for i in range(seances)]
    for seance in liste:
        services_seances.enregistrer_presences(seance=seance, lignes=[(a.pk, "present", None) for a in apprenants], by=None)
    return session, liste


def _requetes(client, url, **params) -> int:
    client.get(url, params)  # the session's first writes (the project remembered) left out
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url, params).status_code == 200
    return len(requetes)


def test_query_budgets_constant_in_participants_and_seances(cabinet):
    """The grid, the session's page and the calendar read as many rows in the same number of
    queries for 2 participants × 2 séances as for 15 × 8."""
    client, projet = cabinet["client"], cabinet["projet"]
    comptes = []
    for participants, seances in ((2, 2), (15, 8)):
        session, liste = _grand_groupe(cabinet, participants, seances)
        comptes.append(
            (
                _requetes(client, reverse("seance_presences", args=[projet.pk, liste[0].pk])),
                _requetes(client, reverse("sessionformation_detail", args=[projet.pk, session.pk])),
                _requetes(client, reverse("calendrier", args=[projet.pk]), date="2025-03-01"),
            )
        )
    assert comptes[0] == comptes[1]
    grille, detail, calendrier = comptes[0]
    assert grille <= 12 and detail <= 12 and calendrier <= 8, comptes
