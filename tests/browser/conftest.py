"""A real Chromium (Debian's package) driven by Playwright against Django's live server."""

import os
import shutil

import pytest

from tests.conftest import require_component

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
    """Session-wide Chromium."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        require_component("Chromium", "install Debian's chromium package (make system-deps)")
    with sync_playwright() as playwright:
        # Playwright gives the browser a fresh, empty profile of its own.
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


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
