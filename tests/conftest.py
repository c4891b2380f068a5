"""Shared test set-up: the site skeleton every public page needs, and the Elasticsearch
option. (The database engine — SQLite, or a throw-away PostgreSQL with --postgres — is chosen
before Django starts, by tests/postgres_plugin.py.)"""

import os
from datetime import time

import pytest

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    NeedFactory,
    OpeningHoursFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    TargetGroupFactory,
    alias_everywhere,
    publish,
)
from tests.postgres_plugin import free_port  # noqa: F401 (tests import it from here)


def pytest_addoption(parser):
    # --postgres comes from tests/postgres_plugin.py, which must act before Django starts.
    parser.addoption(
        "--elasticsearch",
        default=os.environ.get("BRUG_TEST_ELASTICSEARCH_URL", ""),
        help="URL of an Elasticsearch 8 node for the search tests (scripts/elasticsearch.sh)",
    )


def pytest_report_header(config):
    database = "postgresql" if config.getoption("--postgres") else "sqlite"
    return f"database: {database}; elasticsearch: {config.getoption('--elasticsearch') or '-'}"


def require_component(missing: str, how: str) -> None:
    """A missing real component fails the test. Only a developer's explicit opt-out
    (BRUG_TEST_ALLOW_SKIP=1, set by `make test-fast`) turns that into a skip, never in CI."""
    message = f"{missing} is not available: {how}"
    if os.environ.get("BRUG_TEST_ALLOW_SKIP") and not os.environ.get("CI"):
        pytest.skip(message)
    pytest.fail(message)


@pytest.fixture
def home(db):
    """The locales, the home page in every language and the organisation list."""
    from website.setup import ensure_site

    return ensure_site()


@pytest.fixture
def organisation_index(home):
    from directory.models import OrganisationIndexPage

    return OrganisationIndexPage.objects.child_of(home).get()


# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would refuse the ORM calls the live-server tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def housing(db):
    housing = NeedFactory(
        slug="housing",
        pictogram="housing",
        labels={"nl": ("Wonen", "woning"), "fr": "Logement", "en": "Housing", "ar": "السكن"},
    )
    NeedFactory(slug="social-housing", parent=housing, labels={"nl": "Sociale woning"})
    return housing


@pytest.fixture
def network(organisation_index, housing):
    """OCMW Leuven (translated into French) with one Dutch-only housing service."""
    from wagtail.models import Locale

    refugees = TargetGroupFactory(slug="recognised-refugee", labels={"nl": "Erkende vluchtelingen"})
    dari = LanguageFactory(code="prs", native_name="دری")
    org = OrganisationPageFactory(
        parent=organisation_index,
        title="OCMW Leuven",
        slug="ocmw-leuven",
        organisation_type="public_social_service",
        short_description="Sociale dienst van de stad Leuven.",
        email="info@ocmw.example.org",
    )
    publish(org)
    french = org.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.title = "CPAS Louvain"
    french.short_description = "Service social de la ville de Louvain."
    publish(french)
    alias_everywhere(org)

    location = LocationPageFactory(parent=org, title="Sociaal Huis", slug="sociaal-huis")
    OpeningHoursFactory(location=location, weekday=0, opens=time(9), closes=time(12))
    OpeningHoursFactory(location=location, weekday=0, opens=time(13, 30), closes=time(16))
    publish(location)
    alias_everywhere(location)

    service = ServicePageFactory(
        parent=org,
        title="Woonbegeleiding",
        slug="woonbegeleiding",
        summary="Hulp bij het zoeken naar een betaalbare woning.",
        needs=[housing.children.get()],
        capacity_status="waiting_list",
        waiting_weeks=6,
        interpreter_available=True,
    )
    service.target_groups.set([refugees])
    service.languages.set([dari])
    service.locations.set([location])
    publish(service)
    alias_everywhere(service)
    # Index sync runs on commit, which tests in a rolled-back transaction never reach.
    from search.sync import rebuild_all

    rebuild_all()
    return {"organisation": org, "location": location, "service": service, "need": housing}
