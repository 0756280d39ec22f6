import pytest

from tests import factories as f


@pytest.fixture
def cabinet(db, login):
    """A project with a coordinator (logged in), a partner OF and a consortium of two members."""
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    projet = adhesion.projet
    of = f.MembreConsortiumFactory(projet=projet, organisation__type="organisme_formation", organisation__nom="Greta").organisation
    tiers_lieu = f.MembreConsortiumFactory(projet=projet, chef_de_file=True, organisation__nom="La Smalah").organisation
    hors_consortium = f.OrganisationFactory(projet=projet, nom="Hors consortium")
    partenaire = f.AdhesionFactory(projet=projet, role="partenaire", organisation=of, user__username="greta")
    return {
        "projet": projet,
        "coord": adhesion.user,
        "client": login(adhesion.user),
        "of": of,
        "tiers_lieu": tiers_lieu,
        "hors_consortium": hors_consortium,
        "partenaire": partenaire.user,
    }
