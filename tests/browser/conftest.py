"""Browser-test fixtures around the session's one Chromium (`browser`, in tests/conftest.py:
the security tests use it too, and a second Playwright cannot start inside the first)."""

import pytest


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
