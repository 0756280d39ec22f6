"""The demo command: Icifornie as in the COPIL minutes, idempotent (refused in production:
test_demo_refus.py)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from conciergerie.models import Projet
from parcours.models import Apprenant, Etape, StatutEtape, StatutSecu, TypeEtape
from partenaires.models import MembreConsortium, RoleConsortium
from tests.connexion import se_connecter
from tests.partage import lignes_partagees

APPS = {"conciergerie", "partenaires", "parcours", "finances", "recits"}


def counts():
    return {m.__name__: m.objects.count() for m in apps.get_models() if m._meta.app_label in APPS}


def charger_la_demo():
    with override_settings(DEBUG=True):
        call_command("charger_demo")


@pytest.fixture(scope="module")
def demo_du_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module's tests (tests/partage.py); its refusal without DEBUG,
    on an empty database, is in test_demo_refus.py."""
    yield from lignes_partagees(django_db_blocker, charger_la_demo)


@pytest.fixture
def demo(demo_du_module, db, settings):
    settings.DEBUG = True


def test_demo_runs_twice_without_duplicating(demo):
    before = counts()
    call_command("charger_demo")
    call_command("charger_demo", "--si-vide")
    assert counts() == before
    assert before["Apprenant"] >= 12
    assert get_user_model().objects.count() == 5


def test_icifornie_consortium_as_in_the_minutes(demo):
    projet = Projet.objects.get(nom="Icifornie")
    chef = MembreConsortium.objects.get(projet=projet, role=RoleConsortium.CHEF_DE_FILE)
    assert chef.organisation.nom == "Kl'hub"
    noms = set(projet_orgs(projet))
    for attendu in ["AFEPT", "Région Nouvelle-Aquitaine", "Fondation Entreprendre", "AFPA Mont-de-Marsan", "La Smalah"]:
        assert attendu in noms
    etapes = Etape.objects.filter(projet=projet)
    # every step type is covered
    assert set(etapes.values_list("type", flat=True)) == set(TypeEtape.values)
    # the CAP plomberie blocked for a provisional social-security number
    bloquee = etapes.get(statut=StatutEtape.BLOQUEE)
    assert "plomberie" in bloquee.intitule.lower()
    assert bloquee.parcours.apprenant.statut_secu == StatutSecu.PROVISOIRE
    # no social-security number stored anywhere: only its status
    assert not [f.name for f in Apprenant._meta.get_fields() if "numero" in f.name or f.name == "nir"]


def projet_orgs(projet):
    from partenaires.models import Organisation

    return Organisation.objects.filter(projet=projet).values_list("nom", flat=True)


def test_demo_roles_see_what_the_issue_says(demo, client):
    User = get_user_model()
    icifornie = Projet.objects.get(nom="Icifornie")
    partenaire = User.objects.get(username="partenaire")
    followed = Apprenant.objects.visible_to(partenaire)
    assert followed.exists()
    for apprenant in followed:
        assert apprenant.parcours.filter(etapes__organisation__nom="AFEPT").exists()
    assert followed.count() < Apprenant.objects.filter(projet=icifornie).count()
    assert not Apprenant.objects.visible_to(User.objects.get(username="financeur")).exists()
    # the coordinator sees both projects and switches between them
    coord = User.objects.get(username="coordinatrice")
    assert Projet.objects.visible_to(coord).count() == 2


def test_demo_accounts_log_in_and_see_the_home_page(demo, client):
    assert se_connecter(client, "coordinatrice", "demo").status_code == 302
    response = client.get("/", follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Icifornie</h1>" in content  # her first project, though she has two
    assert "Versement à demander" in content or "Suivi" in content  # the to-do
    coteaux = Projet.objects.get(nom="Tiers-lieu des Coteaux")
    projets = client.get("/projets/").content.decode()
    assert "Icifornie" in projets and "Tiers-lieu des Coteaux" in projets
    # the project she opened last is where she comes back
    client.get(f"/p/{coteaux.pk}/")
    assert client.get("/").url == f"/p/{coteaux.pk}/"


def test_partner_list_shows_only_afept_learners(demo, client):
    icifornie = Projet.objects.get(nom="Icifornie")
    assert se_connecter(client, "partenaire", "demo").status_code == 302
    html = client.get(f"/p/{icifornie.pk}/apprenants/").content.decode()
    assert "Marchand" in html  # Léa, in formation distribuée at AFEPT
    assert "Darrigade" not in html  # Marc has no step at AFEPT
    assert "Fourcade" not in html  # the other project's learner
    client.logout()
    assert se_connecter(client, "financeur", "demo").status_code == 302
    assert client.get(f"/p/{icifornie.pk}/apprenants/").status_code == 403


def test_demo_region_funding_near_its_volunteer_cap(demo, client):
    """The COPIL's worry, visible from `make run`: the Région funding at 92 % of its 30 % cap."""
    from finances.models import Financement
    from finances.selectors import Niveau, syntheses

    icifornie = Projet.objects.get(nom="Icifornie")
    region = Financement.objects.get(projet=icifornie, programme="Région Nouvelle-Aquitaine")
    plafond = syntheses([region])[0].plafond
    assert (plafond.depenses, plafond.limite, plafond.valorise) == (
        Decimal("42510.65"),
        Decimal("18218.85"),
        Decimal("16762.50"),
    )
    assert (plafond.utilisation, plafond.niveau, plafond.au_dela) == (Decimal("92.01"), Niveau.ORANGE, Decimal("0"))
    assert se_connecter(client, "coordinatrice", "demo").status_code == 302
    detail = client.get(f"/p/{icifornie.pk}/financements/{region.pk}/").content.decode()
    assert '<figure class="jauge jauge-orange">' in detail
    assert "Plafond bientôt atteint : 92\u00a0% du plafond" in detail
    accueil = client.get(f"/p/{icifornie.pk}/").content.decode()
    assert "Plafond de bénévolat atteint à 92\u00a0%" in accueil


def test_demo_programme_funder_sees_both_projects_side_by_side_and_no_learner_name(demo, client):
    """`make run`: the national programme's account opens the roll-up of the two consortia."""
    assert se_connecter(client, "programme", "demo").status_code == 302
    response = client.get("/synthese/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Icifornie" in html and "Tiers-lieu des Coteaux" in html
    assert "Moyennes sur 2\u00a0projets" in html
    for apprenant in Apprenant.objects.all():
        assert apprenant.nom not in html, apprenant.nom
    # its own money only: the Deffinov fundings, not the Régions' nor the Fondation's
    assert "90\u202f000,00\u00a0€" in html  # 50 000 + 40 000 granted
    assert "120\u202f000" not in html


def test_demo_copil_report_is_generated_with_the_dashboard_figures(demo, client, django_capture_on_commit_callbacks):
    """`make run`: the upcoming COPIL of Icifornie (its operational phase, up to today) gets its
    report; the PDF prints the learners the funder's dashboard counts for the same period."""
    import io
    import re

    import pypdf

    from pilotage.models import RapportCopil, StatutRapport
    from recits.models import Copil

    icifornie = Projet.objects.get(nom="Icifornie")
    copil = Copil.objects.filter(projet=icifornie).latest("date")
    assert se_connecter(client, "coordinatrice", "demo").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/p/{icifornie.pk}/copils/{copil.pk}/rapport/")
    rapport = RapportCopil.objects.get(copil=copil)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    client.logout()

    assert se_connecter(client, "financeur", "demo").status_code == 302
    periode = {"debut": f"{copil.periode_debut:%Y-%m-%d}", "fin": f"{copil.periode_fin:%Y-%m-%d}"}
    tableau = client.get(f"/p/{icifornie.pk}/tableau-de-bord/", periode).content.decode()
    accompagnes = re.search(r'data-indicateur="accompagnes">([^<]+)<', tableau).group(1).strip()
    assert accompagnes not in {"0", "< 5"}  # the demo's learners are in this period
    contenu = b"".join(client.get(f"/p/{icifornie.pk}/rapports/{rapport.pk}/telecharger/").streaming_content)
    texte = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(contenu)).pages)
    texte = " ".join(texte.replace("\u00a0", " ").split())
    assert "Apprenants accompagnés" in texte
    assert re.search(rf"(^|\D){re.escape(accompagnes)}(\D|$)", texte)
    for apprenant in Apprenant.objects.filter(projet=icifornie):
        assert f"{apprenant.prenom} {apprenant.nom}" not in texte


def test_demo_admin_gives_the_code_that_code_totp_demo_prints(demo, client, settings):
    """`make run`: the administrator needs a second factor as any administrator does; its key is
    the documented one and `python manage.py code_totp_demo admin` prints the code to type."""
    import io
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = get_user_model().objects.get(username="admin")
    appareil = TOTPDevice.objects.get(user=admin, confirmed=True)
    assert appareil.bin_key == b32decode("CONCIERGERIEDEMOCONCIERGERIEDEMO")
    sortie = io.StringIO()
    call_command("code_totp_demo", "admin", stdout=sortie)
    code = sortie.getvalue().strip()
    assert code in {f"{totp(appareil.bin_key, drift=pas):06d}" for pas in (-1, 0)}  # 30 s steps: this one, or the one before
    icifornie = Projet.objects.get(nom="Icifornie")
    assert se_connecter(client, "admin", "demo").status_code == 302
    assert client.get(f"/p/{icifornie.pk}/").url.startswith("/compte/double-facteur/")
    assert client.post("/compte/double-facteur/", {"code": code, "next": f"/p/{icifornie.pk}/"}).url == f"/p/{icifornie.pk}/"
    assert "<h1>Icifornie</h1>" in client.get(f"/p/{icifornie.pk}/").content.decode()
    # the other accounts have none
    assert TOTPDevice.objects.count() == 1
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("code_totp_demo", "admin")


def test_icifornie_has_a_collective_session_with_seances_and_attendance(demo):
    """Issue 17: the formation-développement of Icifornie, its phases, séances and attendance; the
    participants' hours come from attendance."""
    from decimal import Decimal

    from parcours.models import Etape, Presence, SessionFormation

    session = SessionFormation.objects.get(nature="formation_developpement", projet__nom="Icifornie")
    assert list(session.phases.values_list("nom", flat=True)) == ["Diagnostic partagé", "Ateliers", "Plan d'action"]
    assert session.seances.count() == 6 and Presence.objects.filter(seance__session=session).count() == 24
    etapes = Etape.objects.filter(session=session).select_related("parcours__apprenant")
    heures = {e.parcours.apprenant.prenom: e.heures_realisees for e in etapes}
    # 8 + 3,5 + 3,5 + 3,5 h, but: Mathilde excused the first day, Thierry absent once, Bruno 2 h, Sandrine excused, Olivier 2,5 h
    assert heures == {
        "Gaëlle": Decimal("18.5"),
        "Thierry": Decimal("15"),
        "Mathilde": Decimal("10.5"),
        "Olivier": Decimal("17.5"),
        "Sandrine": Decimal("15"),
        "Bruno": Decimal("17"),
    }
    assert {e.type for e in etapes} == {"formation_collective"}


def test_the_casmau_afest_with_its_framework_and_evaluations(demo, client):
    """Issue 18: the co-built framework (3 blocs, 10 competences), two learners evaluated at entry
    and exit, the AFEST with its four components (Maryse's still misses the reflexive phase)."""
    from competences import selectors
    from competences.models import Competence, Evaluation, Referentiel

    icifornie = Projet.objects.get(nom="Icifornie")
    referentiel = Referentiel.objects.get(projet=icifornie)
    assert referentiel.blocs.count() == 3 and Competence.objects.filter(bloc__referentiel=referentiel).count() == 10
    assert sorted(Evaluation.objects.filter(projet=icifornie).values_list("apprenant__prenom", "moment")) == [
        ("Hélène", "entree"),
        ("Hélène", "sortie"),
        ("Maryse", "entree"),
        ("Maryse", "sortie"),
    ]
    etapes = list(Etape.objects.filter(projet=icifornie, type=TypeEtape.AFEST).order_by("parcours__apprenant__prenom"))
    completudes = selectors.completude_afest(etapes, selectors.composantes_de(etapes))
    assert [(c.etape.parcours.apprenant.prenom, c.manquantes) for c in completudes] == [("Hélène", []), ("Maryse", ["Phase réflexive"])]
    # the coordinator's view of Hélène's page: the radar chart, entry against exit
    se_connecter(client, "coordinatrice", "demo")
    helene = etapes[0].parcours.apprenant
    page = client.get(f"/p/{icifornie.pk}/apprenants/{helene.pk}/").content.decode()
    assert '<svg class="radar"' in page and "Traçabilité AFEST" in page


def test_demo_has_targets_and_a_funding_with_an_eligibility_rule(demo):
    """Issue 17: a target per project and per funding; FEADER excludes the agents publics, one
    of whom a coordinator's override makes eligible (the formation-développement's two agents
    publics: Sandrine by override, Olivier not — his 17,5 h of attendance are not eligible)."""
    from finances.models import DerogationEligibilite, Financement, Objectif
    from finances.selectors import eligibilites

    for projet in Projet.objects.all():
        assert Objectif.objects.filter(projet=projet, financement__isnull=True).exists(), projet
        for financement in Financement.objects.filter(projet=projet):
            assert Objectif.objects.filter(financement=financement).exists(), financement
    feader = Financement.objects.get(programme__startswith="FEADER")
    assert feader.statuts_exclus == ["agent_public"]
    # the EU fund's mention, printed on the group's attendance sheets
    assert "l'Europe investit dans les zones rurales" in feader.mention
    assert DerogationEligibilite.objects.filter(financement=feader, eligible=True).count() == 1
    (e,) = eligibilites([feader])
    assert e.eligibles == e.participants - 1 and e.heures - e.heures_eligibles == Decimal("17.5")
