"""The referral network (tests/referrals/conftest.py) and the self-service organisations and
people (tests/directory/conftest.py), for the security tests written from their side."""

from tests.directory.conftest import orgs, people  # noqa: F401
from tests.referrals.conftest import as_user, english, sent, world  # noqa: F401
