"""`load_synthetic_entries`: marked entries in bulk, kept by a rebuild, removed on demand."""

import pytest
from django.core.management import call_command

from search.models import SearchEntry
from search.sync import rebuild_all
from search.synthetic import synthetic_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_backend(settings):
    settings.ELASTICSEARCH_URL = ""
    settings.BRUG_SEARCH_BACKEND = "search.backends.database.DatabaseBackend"


def test_synthetic_entries_are_added_kept_by_a_rebuild_and_removed(database_backend, network):
    real = SearchEntry.objects.count()
    assert real > 0
    call_command("load_synthetic_entries", "5")
    added = synthetic_entries().count()
    assert 5 <= added <= 10  # one or two locations a service
    assert SearchEntry.objects.count() == real + added

    # A rebuild drops the entries of services that are gone, not the synthetic ones.
    rebuild_all()
    assert synthetic_entries().count() == added
    assert SearchEntry.objects.count() == real + added

    call_command("load_synthetic_entries", "--remove")
    assert not synthetic_entries().exists()
    assert SearchEntry.objects.count() == real
