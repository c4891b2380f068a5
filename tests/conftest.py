"""Shared test set-up: the real components (a missing one fails, see require_component) and
the site skeleton every public page needs. The database is SQLite, or the PostgreSQL named by
BRUG_TEST_DATABASE_URL (scripts/test.sh starts a throw-away cluster for its second pass)."""

import os
import shutil
import socket
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
from tests.layers import _brug_layer, _brug_layers, _django_db_helper, layered, order_by_layer
from tests.site_server import _site_server_thread, site_server

# Fixtures for every test, defined in their own modules.
__all__ = ["_brug_layer", "_brug_layers", "_django_db_helper", "_site_server_thread", "site_server"]


def pytest_addoption(parser):
    parser.addoption(
        "--elasticsearch",
        default=os.environ.get("BRUG_TEST_ELASTICSEARCH_URL", ""),
        help="URL of an Elasticsearch 8 node for the search tests (scripts/elasticsearch.sh)",
    )


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_itemcollected(item):
    """Mark the cases that run against the Elasticsearch node (`-m "not elasticsearch"`), and
    those that touch no database (scripts/test.sh runs them in one database pass only)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    on_node = callspec is not None and callspec.params.get("search_backend") == "elasticsearch"
    if on_node or "elasticsearch_backend" in fixtures:
        item.add_marker(pytest.mark.elasticsearch)
    if not (fixtures & DATABASE_FIXTURES or item.get_closest_marker("django_db")):
        item.add_marker(pytest.mark.no_database)


@pytest.hookimpl(trylast=True)  # after pytest-django has put transactional tests last
def pytest_collection_modifyitems(config, items):
    """Put the tests that share a data layer side by side (tests/layers.py)."""
    order_by_layer(items)


def pytest_sessionfinish(session):
    from tests.shared_index import drop_all

    drop_all()  # the search tests' shared indices (tests/shared_index.py)


@pytest.fixture(scope="session")
def django_db_use_migrations(request):
    """Migrate, unless a migrated SQLite database is saved (tests/migrated_template.py)."""
    from tests import migrated_template

    if request.config.getvalue("nomigrations"):
        return False
    return not (migrated_template.applies() and migrated_template.path().exists())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_use_migrations, django_db_blocker):
    """pytest-django's set-up, then the saved migrated database copied in (or saved)."""
    from tests import migrated_template

    if migrated_template.applies():
        saved = migrated_template.path()
        with django_db_blocker.unblock():
            if not django_db_use_migrations and saved.exists():
                migrated_template.restore(saved)
            elif django_db_use_migrations:
                migrated_template.save(saved)
    return django_db_setup


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {database}; elasticsearch: {config.getoption('--elasticsearch') or '-'}"


def require_component(missing: str, how: str) -> None:
    """A missing real component fails the test. Only a developer's explicit opt-out
    (BRUG_TEST_ALLOW_SKIP=1, set by `make test-fast`) turns that into a skip, never in CI."""
    message = f"{missing} is not available: {how}"
    if os.environ.get("BRUG_TEST_ALLOW_SKIP") and not os.environ.get("CI"):
        pytest.skip(message)
    pytest.fail(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Session-wide Chromium (Debian's package) driven by Playwright: defined here, once, for
    tests/browser and the browser cases of tests/security."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        require_component("Chromium", "install Debian's chromium package (make system-deps)")
    from django.db import connections

    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # While Playwright's event loop runs in this thread, asgiref looks connections up in a
        # context variable instead of the thread's storage, which would open a second
        # connection (outside the test's transaction). Keep the thread's own connections.
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        # Playwright gives the browser a fresh, empty profile of its own.
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def empty_cache():
    """The shared cache, empty before and after the test: it outlives a test's transaction."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def kept_cards(settings, empty_cache):
    """Search results' cards kept in the shared cache (search.cards), as in production."""
    settings.BRUG_CARD_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def _fresh_per_revision_values():
    """The public pages' per-process values (search.entries_cache.rebuilt_when_public_changes)
    start empty: a rolled-back test can leave a revision the next test's data repeats."""
    from search.entries_cache import clear_per_revision

    clear_per_revision()


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """After a live-server test, close its browser pages and wait for the requests they left in
    flight: the server shares the test's SQLite connection, and a request still reading a table
    makes the flush between tests fail ("database table is locked") and leaves rows behind.
    Autouse fixtures of this conftest are set up after pytest-django's database fixtures, so
    this runs before the flush."""
    yield
    if "live_server" not in request.fixturenames:
        return
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    httpd = getattr(request.getfixturevalue("live_server").thread, "httpd", None)
    for thread in list(getattr(httpd, "_threads", None) or ()):
        thread.join(timeout=60)
        assert not thread.is_alive(), "a live-server request did not finish within 60 s"


@pytest.fixture
def wagtail_admin_search(settings):
    """Wagtail's own index kept up to date on save, as in the product (the test settings turn
    it off for speed). Ask for it before the fixtures that make pages."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": True}
    }


@layered()
def home():
    """The locales, the home page in every language and the organisation list."""
    from website.setup import ensure_site

    return ensure_site()


@layered("home")
def organisation_index(home):
    from directory.models import OrganisationIndexPage

    return OrganisationIndexPage.objects.child_of(home).get()


# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would refuse the ORM calls the live-server tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@layered()
def housing():
    housing = NeedFactory(
        slug="housing",
        pictogram="housing",
        labels={"nl": ("Wonen", "woning"), "fr": "Logement", "en": "Housing", "ar": "السكن"},
    )
    NeedFactory(slug="social-housing", parent=housing, labels={"nl": "Sociale woning"})
    return housing


def index_entries() -> None:
    # Index sync runs on commit, which tests in a rolled-back transaction never reach: the
    # layer's search entries are built once, with its data.
    from search.sync import rebuild_entries

    rebuild_entries()


def index_for_search(_value, layer) -> None:
    """The test's search index: the layer's own (tests/shared_index.py), or built afresh when
    the test made the data alone."""
    from search.sync import rebuild_all
    from tests.shared_index import index_layer

    if layer is None:
        rebuild_all()
    else:
        index_layer(layer)


@layered("organisation_index", "housing", each_layer=index_entries, each_test=index_for_search)
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
    return {"organisation": org, "location": location, "service": service, "need": housing}
