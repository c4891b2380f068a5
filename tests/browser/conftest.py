"""Browser-test fixtures around the session's one Chromium (`browser`, in tests/conftest.py:
the security tests use it too, and a second Playwright cannot start inside the first)."""

import pytest
from django.core.management import call_command

from tests.layers import layered


@pytest.fixture
def phone_page(browser):
    """A 360-px-wide phone screen that records every request the page makes."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


# The self-service fixtures: two organisations and a person in each role.
from tests.directory.conftest import orgs, people  # noqa: E402, F401


@layered("home")
def demo(home):
    """The first 14 organisations of the demo network (the first four: OCMW, Caritas, CGG and
    the CAW with its safe house), in the search index."""
    from search.sync import rebuild_all

    call_command("load_demo", limit=14)
    rebuild_all()  # on commit in the product, which a test's transaction never reaches
