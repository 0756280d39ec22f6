"""Each project's revision (conciergerie/revisions.py): every kind of write to a project's data
moves it, in the writing transaction, and only that project's; writes that feed no figure, and
rolled-back ones, leave it."""

import pytest
from django.db import transaction

from conciergerie import revisions
from conciergerie.models import ActionAcces, EcritureProjet, JournalAcces, Projet
from parcours.models import Apprenant
from partenaires.models import Contact
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def deux():
    a, b = f.ProjetFactory(), f.ProjetFactory()
    return a, b, f.ApprenantFactory(projet=a), f.ApprenantFactory(projet=b)


def _lire(*projets):
    return revisions.revisions([p.pk for p in projets])


ECRITURES = {
    "save": lambda a, app: f.ApprenantFactory(projet=a),
    "modification": lambda a, app: (setattr(app, "nom", "Autre"), app.save()),
    "delete": lambda a, app: app.delete(),
    "queryset_update": lambda a, app: Apprenant.objects.filter(projet=a).update(qpv=True),
    "queryset_delete": lambda a, app: Apprenant.objects.filter(projet=a).delete(),
    "bulk_create": lambda a, app: Apprenant.objects.bulk_create([f.ApprenantFactory.build(projet=a)]),
    "bulk_update": lambda a, app: (setattr(app, "zrr", True), Apprenant.objects.bulk_update([app], ["zrr"])),
    # a model whose project is along a path (organisation__projet)
    "chemin": lambda a, app: f.ContactFactory(organisation=f.OrganisationFactory(projet=a)),
    "chemin_update": lambda a, app: Contact.objects.filter(organisation__projet=a).update(nom="X"),
    "projet": lambda a, app: (setattr(a, "territoire", "Creuse"), a.save()),
}


@pytest.mark.parametrize("ecriture", ECRITURES.values(), ids=ECRITURES.keys())
def test_every_kind_of_write_moves_its_projects_revision_and_no_other(deux, ecriture):
    a, b, app_a, _ = deux
    f.ContactFactory(organisation=f.OrganisationFactory(projet=a))
    avant = _lire(a, b)
    ecriture(a, app_a)
    apres = _lire(a, b)
    assert apres[a.pk] != avant[a.pk]
    assert apres[b.pk] == avant[b.pk]


#: the model each kind of write above writes to
ECRIT = {
    "chemin": "partenaires.contact",
    "chemin_update": "partenaires.contact",
    "projet": "conciergerie.projet",
}
AUTRE = frozenset({"competences.evaluation"})


def _detail(projet):
    return revisions.revisions_detaillees([projet.pk])[projet.pk]


@pytest.mark.parametrize("nom", ECRITURES)
def test_every_kind_of_write_moves_the_revision_of_the_model_it_wrote_to_and_no_other(deux, nom):
    """A figure that reads other models only is kept (pilotage.memo's ``modeles``)."""
    a, _, app_a, _ = deux
    f.ContactFactory(organisation=f.OrganisationFactory(projet=a))
    ecrit = frozenset({ECRIT.get(nom, "parcours.apprenant")})
    avant = _detail(a)
    ECRITURES[nom](a, app_a)
    apres = _detail(a)
    assert apres.cle(ecrit) != avant.cle(ecrit)
    assert apres.cle(AUTRE) == avant.cle(AUTRE)
    assert apres.cle() != avant.cle()


def test_a_delete_that_empties_other_models_columns_moves_their_revision_too(deux):
    """Deleting a prescriber sets its learners' ``prescripteur`` to NULL, in SQL no signal
    follows: the learners' revision moves with the organisations'."""
    a, _, app_a, _ = deux
    prescripteur = f.OrganisationFactory(projet=a)
    Apprenant.objects.filter(pk=app_a.pk).update(prescripteur=prescripteur)
    apprenants = frozenset({"parcours.apprenant"})
    avant = _detail(a)
    prescripteur.delete()
    apres = _detail(a)
    assert Apprenant.objects.get(pk=app_a.pk).prescripteur_id is None
    assert apres.cle(apprenants) != avant.cle(apprenants)
    assert apres.cle(AUTRE) == avant.cle(AUTRE)


def test_the_rows_written_before_the_model_was_named_move_every_revision(deux):
    a, _, _, _ = deux
    avant = _detail(a)
    EcritureProjet.objects.create(projet=a)  # as migrated: ``modele`` empty
    apres = _detail(a)
    assert apres.cle(AUTRE) != avant.cle(AUTRE)


def test_a_write_that_feeds_no_figure_leaves_it(deux):
    a, b, _, _ = deux
    avant = _lire(a)
    JournalAcces.objects.create(projet=a, user=f.UserFactory(), action=ActionAcces.values[0], objet_libelle="Fiche")
    assert _lire(a) == avant


def test_a_rolled_back_write_leaves_it(deux):
    a, _, _, _ = deux
    avant = _lire(a)
    with pytest.raises(RuntimeError), transaction.atomic():
        f.ApprenantFactory(projet=a)
        assert _lire(a) != avant  # seen by the writing transaction itself
        raise RuntimeError
    assert _lire(a) == avant


def test_the_revision_moves_with_the_data_in_one_transaction(deux):
    """Inside the writing transaction the new revision and the new data are read together: a
    reader in another transaction sees both or neither (the row is inserted, not counted after
    commit)."""
    a, _, _, _ = deux
    avant = EcritureProjet.objects.filter(projet=a).count()
    with transaction.atomic():
        f.ApprenantFactory(projet=a)
        f.ApprenantFactory(projet=a)
        assert EcritureProjet.objects.filter(projet=a).count() == avant + 2


def test_a_project_read_before_cannot_bring_back_an_older_revision(deux):
    a, _, _, _ = deux
    lu_avant = Projet.objects.get(pk=a.pk)
    revisions.reviser_tout()
    nouvelle = Projet.objects.get(pk=a.pk).revision
    assert nouvelle != lu_avant.revision
    lu_avant.nom = "Renommé"
    lu_avant.save()
    assert Projet.objects.get(pk=a.pk).revision == nouvelle


def test_the_nightly_compaction_empties_the_rows_and_draws_every_project_anew(deux):
    a, b, _, _ = deux
    avant = _lire(a, b)
    assert EcritureProjet.objects.count() > 0
    supprimees = revisions.compacter()
    assert supprimees > 0 and EcritureProjet.objects.count() == 0
    apres = _lire(a, b)
    assert apres[a.pk] != avant[a.pk] and apres[b.pk] != avant[b.pk]


def test_a_project_created_again_with_the_same_id_starts_elsewhere():
    premier = f.ProjetFactory()
    pk, revision = premier.pk, premier.revision
    premier.delete()
    second = f.ProjetFactory(pk=pk)
    assert second.revision != revision


def test_a_migration_run_draws_every_project_anew(deux):
    """A data migration writes through historical models, which no signal follows."""
    from django.core.management import call_command

    a, b, _, _ = deux
    avant = _lire(a, b)
    call_command("migrate", verbosity=0)
    apres = _lire(a, b)
    assert apres[a.pk] != avant[a.pk] and apres[b.pk] != avant[b.pk]
