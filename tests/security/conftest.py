"""Fixtures for the security tests, written from the side of the people they protect: the
referral network (tests/referrals), the self-service organisations and people
(tests/directory), and the session's one Chromium (tests/browser) — importing that fixture
into each module would start a second Playwright, which refuses to run inside the first
one's event loop."""

from tests.browser.conftest import browser  # noqa: F401
from tests.directory.conftest import orgs, people  # noqa: F401
from tests.referrals.conftest import as_user, english, sent, world  # noqa: F401
