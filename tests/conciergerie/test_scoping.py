"""Isolation through the one scoping mechanism: every tenant model, every role."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from badges import models as bad
from competences import models as comp
from conciergerie.models import Invitation, JournalAcces, Projet
from conciergerie.scoping import TenantQuerySet
from finances import models as fin
from parcours import models as par
from partenaires import models as part
from pilotage import models as pil
from recits import models as rec
from rgpd import models as rgpd
from tests import factories as f

# model -> how to create one row inside a given project
CREATEURS = {
    part.Organisation: lambda p: f.OrganisationFactory(projet=p),
    part.Contact: lambda p: f.ContactFactory(organisation__projet=p),
    part.MembreConsortium: lambda p: f.MembreConsortiumFactory(projet=p),
    part.Convention: lambda p: f.ConventionFactory(projet=p),
    par.Apprenant: lambda p: f.ApprenantFactory(projet=p),
    par.Parcours: lambda p: f.ParcoursFactory(apprenant__projet=p),
    par.Etape: lambda p: f.EtapeFactory(parcours__apprenant__projet=p),
    par.SessionFormation: lambda p: f.SessionFormationFactory(projet=p),
    par.Phase: lambda p: f.PhaseFactory(session__projet=p),
    par.Seance: lambda p: f.SeanceFactory(session__projet=p),
    par.Presence: lambda p: f.PresenceFactory(seance__session__projet=p),
    par.Frein: lambda p: f.FreinFactory(apprenant__projet=p),
    par.Sortie: lambda p: f.SortieFactory(parcours__apprenant__projet=p),
    fin.Financement: lambda p: f.FinancementFactory(projet=p),
    fin.LigneBudget: lambda p: f.LigneBudgetFactory(financement__projet=p),
    fin.Depense: lambda p: f.DepenseFactory(ligne__financement__projet=p),
    fin.Versement: lambda p: f.VersementFactory(financement__projet=p),
    fin.TempsBenevole: lambda p: f.TempsBenevoleFactory(projet=p),
    fin.PartageValeur: lambda p: f.PartageValeurFactory(projet=p),
    fin.DerogationEligibilite: lambda p: f.DerogationEligibiliteFactory(financement__projet=p),
    fin.Objectif: lambda p: f.ObjectifFactory(projet=p),
    rec.Activite: lambda p: f.ActiviteFactory(projet=p),
    rec.Recit: lambda p: f.RecitFactory(projet=p),
    rec.Copil: lambda p: f.CopilFactory(projet=p),
    rec.AvisRetraitConsentement: lambda p: f.AvisRetraitConsentementFactory(recit__projet=p),
    bad.BadgeClasse: lambda p: f.BadgeClasseFactory(projet=p),
    bad.Badge: lambda p: f.BadgeFactory(classe__projet=p),
    comp.Referentiel: lambda p: f.ReferentielFactory(projet=p),
    comp.Bloc: lambda p: f.BlocFactory(referentiel__projet=p),
    comp.Competence: lambda p: f.CompetenceFactory(bloc__referentiel__projet=p),
    comp.Evaluation: lambda p: f.EvaluationFactory(apprenant__projet=p),
    comp.NiveauEvaluation: lambda p: f.NiveauEvaluationFactory(evaluation__apprenant__projet=p),
    comp.ComposanteAfest: lambda p: f.ComposanteAfestFactory(etape__parcours__apprenant__projet=p),
    pil.RapportCopil: lambda p: f.RapportCopilFactory(copil__projet=p),
    pil.BilanExcel: lambda p: f.BilanExcelFactory(projet=p),
    JournalAcces: lambda p: JournalAcces.objects.create(projet=p, action="fiche_apprenant", objet_libelle="A-1"),
    Invitation: lambda p: Invitation.objects.create(
        projet=p, user=f.UserFactory(), jeton_hash=f"{p.pk:064d}", expire_le=timezone.now() + timedelta(days=7)
    ),
    rgpd.AvisConservation: lambda p: rgpd.AvisConservation.objects.create(
        projet=p,
        apprenant=f.ApprenantFactory(projet=p),
        derniere_activite=timezone.localdate(),
        annonce_le=timezone.localdate(),
        anonymisation_prevue_le=timezone.localdate(),
    ),
    rgpd.Anonymisation: lambda p: rgpd.Anonymisation.objects.create(
        projet=p, apprenant=f.ApprenantFactory(projet=p), faite_le=timezone.now()
    ),
    rgpd.PurgeConservation: lambda p: rgpd.PurgeConservation.objects.create(projet=p, date=timezone.now()),
}

# the models only a project's administrators read (the access log, the data-protection records)
ADMINISTRATEURS_SEULEMENT = {JournalAcces, Invitation, rgpd.Anonymisation, rgpd.PurgeConservation}


def tenant_models():
    return [
        m
        for m in apps.get_models()
        if isinstance(getattr(m, "objects", None), object)
        and hasattr(m.objects, "visible_to")
        and isinstance(m.objects.all(), TenantQuerySet)
    ]


def test_every_tenant_model_is_covered():
    assert set(tenant_models()) == set(CREATEURS), "ajoutez le nouveau modèle à CREATEURS"


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(CREATEURS), ids=lambda m: m.__name__)
def test_member_of_a_sees_none_of_b(model):
    a, b = f.ProjetFactory(), f.ProjetFactory()
    row_a, row_b = CREATEURS[model](a), CREATEURS[model](b)
    role = {"administrateur": True} if model in ADMINISTRATEURS_SEULEMENT else {"coordinateur": True}
    coord = f.AdhesionFactory(projet=a, **role).user
    visible = set(model.objects.visible_to(coord).values_list("pk", flat=True))
    assert row_a.pk in visible
    assert row_b.pk not in visible
    # narrowing to a project the user is not a member of gives nothing
    assert not model.objects.visible_to(coord, projet=b).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(CREATEURS), ids=lambda m: m.__name__)
def test_outsider_and_anonymous_see_nothing(model):
    from django.contrib.auth.models import AnonymousUser

    CREATEURS[model](f.ProjetFactory())
    assert not model.objects.visible_to(f.UserFactory()).exists()
    assert not model.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_inactive_membership_sees_nothing():
    adhesion = f.AdhesionFactory(coordinateur=True, actif=False)
    f.ApprenantFactory(projet=adhesion.projet)
    assert not par.Apprenant.objects.visible_to(adhesion.user).exists()
    assert not Projet.objects.visible_to(adhesion.user).exists()


@pytest.mark.django_db
def test_projects_visible_are_the_memberships():
    adhesion = f.AdhesionFactory()
    f.ProjetFactory()
    assert list(Projet.objects.visible_to(adhesion.user)) == [adhesion.projet]


def ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.mark.django_db
def test_partner_sees_only_its_organisations_learners_and_steps(monde):
    user = monde["users"]["partenaire"]
    suivi, autre = monde["etape_suivie"], monde["etape_autre"]
    assert ids(par.Apprenant.objects.visible_to(user)) == {monde["apprenant_suivi"].pk}
    assert ids(par.Etape.objects.visible_to(user)) == {suivi.pk}
    assert ids(par.Parcours.objects.visible_to(user)) == {suivi.parcours_id}
    # a second step of the same learner at another organisation stays hidden
    hidden = f.EtapeFactory(parcours=suivi.parcours)
    assert hidden.pk not in ids(par.Etape.objects.visible_to(user))
    assert autre.pk not in ids(par.Etape.objects.visible_to(user))
    # no obstacles, no outcomes (personal), nothing of the money
    f.FreinFactory(apprenant=monde["apprenant_suivi"])
    f.SortieFactory(parcours=suivi.parcours)
    f.FinancementFactory(projet=monde["A"])
    for model in (par.Frein, par.Sortie, fin.Financement, fin.TempsBenevole, rec.Recit):
        assert not model.objects.visible_to(user).exists(), model


@pytest.mark.django_db
def test_partner_sees_its_sessions_and_the_directory(monde):
    user = monde["users"]["partenaire"]
    org = monde["adhesions"]["partenaire"].organisation
    own = f.SessionFormationFactory(projet=monde["A"], organisation=org)
    f.SessionFormationFactory(projet=monde["A"])
    assert ids(par.SessionFormation.objects.visible_to(user)) == {own.pk}
    # and their phases, séances and attendance only
    seance = f.SeanceFactory(session=own)
    f.SeanceFactory(session__projet=monde["A"])
    presence = f.PresenceFactory(seance=seance)
    f.PresenceFactory(seance__session__projet=monde["A"])
    phase = f.PhaseFactory(session=own)
    f.PhaseFactory(session__projet=monde["A"])
    assert ids(par.Seance.objects.visible_to(user)) == {seance.pk}
    assert ids(par.Presence.objects.visible_to(user)) == {presence.pk}
    assert ids(par.Phase.objects.visible_to(user)) == {phase.pk}
    assert (
        part.Organisation.objects.visible_to(user).filter(projet=monde["A"]).count()
        == part.Organisation.objects.filter(projet=monde["A"]).count()
    )


@pytest.mark.django_db
def test_funder_sees_no_personal_data_and_only_its_fundings(monde):
    user = monde["users"]["financeur"]
    org = monde["adhesions"]["financeur"].organisation
    own = f.FinancementFactory(projet=monde["A"], financeur=org)
    other = f.FinancementFactory(projet=monde["A"])
    f.LigneBudgetFactory(financement=own)
    f.DepenseFactory(ligne__financement=other)
    f.ContactFactory(organisation=org)
    assert ids(fin.Financement.objects.visible_to(user)) == {own.pk}
    assert set(fin.LigneBudget.objects.visible_to(user).values_list("financement_id", flat=True)) == {own.pk}
    assert not fin.Depense.objects.visible_to(user).exists()
    for model in (par.Apprenant, par.Parcours, par.Etape, par.Frein, par.Sortie, part.Contact, fin.TempsBenevole, rec.Recit):
        assert not model.objects.visible_to(user).exists(), model


@pytest.mark.django_db
def test_conventions_partner_and_funder_see_those_signed_by_their_organisation(monde):
    org = monde["adhesions"]["partenaire"].organisation
    signed = f.ConventionFactory(projet=monde["A"], parties=[org, f.OrganisationFactory(projet=monde["A"])])
    f.ConventionFactory(projet=monde["A"], parties=[f.OrganisationFactory(projet=monde["A"])])
    assert list(part.Convention.objects.visible_to(monde["users"]["partenaire"])) == [signed]
    assert not part.Convention.objects.visible_to(monde["users"]["financeur"]).exists()
    assert part.Convention.objects.visible_to(monde["users"]["coordinateur"]).count() == 2


@pytest.mark.django_db
def test_several_projects_each_with_its_own_role():
    """A coordinator in A who is a partner in B sees everything of A and only its learners in B."""
    a, b = f.ProjetFactory(), f.ProjetFactory()
    user = f.AdhesionFactory(projet=a, coordinateur=True).user
    adh_b = f.AdhesionFactory(projet=b, partenaire=True, user=user)
    in_a = f.ApprenantFactory(projet=a)
    followed = f.EtapeFactory(parcours__apprenant__projet=b, organisation=adh_b.organisation).parcours.apprenant
    f.EtapeFactory(parcours__apprenant__projet=b)
    user = type(user).objects.get(pk=user.pk)  # fresh object, fresh membership cache
    assert ids(par.Apprenant.objects.visible_to(user)) == {in_a.pk, followed.pk}
    assert ids(par.Apprenant.objects.visible_to(user, projet=b)) == {followed.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(ADMINISTRATEURS_SEULEMENT, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_only_administrators_read_the_data_protection_records(model):
    projet = f.ProjetFactory()
    CREATEURS[model](projet)
    for role in ("coordinateur", "partenaire", "financeur"):
        user = f.AdhesionFactory(projet=projet, **{role: True}).user
        assert not model.objects.visible_to(user).exists(), role
