"""Forms that take effect once: a double click, a retried POST or a replayed token must not
make a second record.

Two mechanisms, both settled by a unique constraint in the same transaction as the record:

- **Submission keys**, for signed-in people's "create" forms (a referral, a message, an
  invitation). The form carries a random UUID4 made when it is rendered (`SubmissionKeyField`);
  the record stores it in a `submission_key` column, unique together with the person who
  made it. `create_once` inserts the record; when the insert hits the constraint, an earlier
  POST with the same key won, and its record is returned instead. Keys are scoped by person:
  a key copied into someone else's POST makes that person's own record, never shows them the
  first one's.
- **Single-use stamps**, for the public, anonymous forms (a suggestion, client feedback): the
  signed timestamp stays the spam check, and `use_stamp` records a hash of it as used
  (`UsedStamp`, the hash is the primary key) with the record, so it is accepted once within
  its lifetime. Only the hash and the day it expires are kept; `prune_used_stamps` (run by
  `manage.py prune_feedback`) deletes them after that day.
"""

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import UsedStamp

STAMP_MAX_AGE = 86400  # a form is not kept open for days


class SubmissionKeyField(forms.UUIDField):
    """A hidden, fresh UUID4 in every rendered form (a re-shown form keeps the one it was
    posted with, so correcting an error and sending again still counts once).

    A POST without a valid key — a page opened before keys existed — is accepted as a plain
    create (None): refusing it would throw away what the person typed."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            return None


def create_once(model, key, owner: dict, create):
    """`create()` makes a `model` row carrying `key` (its `submission_key`, unique with the
    `owner` fields), in one transaction. Returns (row, True); or (the earlier row, False) when
    a POST with the same key and owner already made one — whatever `create()` wrote is rolled
    back then. Without a key it is a plain create."""
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if key is None:
            raise
        # On PostgreSQL a concurrent twin's insert waits for the first to commit, then fails
        # here; the first one's row is visible to this new statement.
        earlier = model.objects.filter(submission_key=key, **owner).first()
        if earlier is None:
            raise  # some other constraint: not a replay
        return earlier, False


# Single-use stamps ---------------------------------------------------------------------------


class AlreadySent(Exception):
    """This form (its stamp) was already sent once."""


def new_stamp(salt: str) -> str:
    """The signed moment a public form was shown, with a random part so that two forms shown
    at the same instant still have different stamps."""
    return signing.dumps({"t": time.time(), "n": secrets.token_urlsafe(9)}, salt=salt)


def read_stamp(stamp: str, salt: str) -> float:
    """When the form was shown; raises signing.SignatureExpired or signing.BadSignature."""
    payload = signing.loads(stamp, salt=salt, max_age=STAMP_MAX_AGE)
    # A page opened before the random part existed carries the bare timestamp.
    started = payload.get("t") if isinstance(payload, dict) else payload
    if not isinstance(started, int | float):
        raise signing.BadSignature("no timestamp")
    return float(started)


def use_stamp(stamp: str, started: float) -> None:
    """Record the stamp as used, in the caller's transaction; AlreadySent if it was."""
    expires = timezone.localdate(datetime.fromtimestamp(started + STAMP_MAX_AGE, tz=UTC))
    try:
        with transaction.atomic():
            UsedStamp.objects.create(digest=_digest(stamp), expires_on=expires)
    except IntegrityError:
        raise AlreadySent from None


def _digest(stamp: str) -> str:
    return hashlib.sha256(stamp.encode()).hexdigest()


def prune_used_stamps(today=None) -> int:
    """Forget stamps past their lifetime (they are refused as expired anyway)."""
    today = today or timezone.localdate()
    deleted, _per_model = UsedStamp.objects.filter(
        expires_on__lt=today - timedelta(days=1)
    ).delete()
    return deleted
