"""Fixtures for the security tests, written from the side of the people they protect: the
referral network (tests/referrals), the self-service organisations and people
(tests/directory). The session's one Chromium (`browser`) is in tests/conftest.py."""

from tests.directory.conftest import orgs, people  # noqa: F401
from tests.referrals.conftest import as_user, english, sent, world  # noqa: F401
