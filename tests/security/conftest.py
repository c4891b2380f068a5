"""The browser tests of tests/security share the session's one Chromium (tests/browser):
importing the fixture into each module would start a second Playwright, which refuses to
run inside the first one's event loop."""

from tests.browser.conftest import browser  # noqa: F401
