"""Every e-mail through a task: an EMAIL_BACKEND that queues, and the task that delivers.

`QueueingEmailBackend` (the EMAIL_BACKEND outside the tests) turns each outgoing message —
Brug's own (directory.mail), Django's password reset, Wagtail's moderation notices — into a
`deliver_email` task holding its fields as JSON. The task builds the message again and hands
it to the real backend named by BRUG_EMAIL_DELIVERY_BACKEND (SMTP in production). So no
request waits on a mail server: with the database tasks backend the request only writes a
task row, in its own transaction (a rolled-back change sends nothing), and the worker
delivers. An unreachable or refusing server is retried later with backoff
(BRUG_EMAIL_RETRY_DELAYS, core.task_retry); the last failure is logged and leaves the task
FAILED with its traceback. With the immediate backend the task runs at once, as before.

Message-ID and Date are fixed when the message is queued, so a retried (or, after a worker
was killed mid-send, repeated) delivery carries the same id and the date it was written."""

import base64
import logging
import smtplib
from email.mime.base import MIMEBase
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import DNS_NAME, make_msgid
from django_tasks import task

from core.task_retry import retry_later

logger = logging.getLogger(__name__)

FIELDS = ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to")
SUBTYPES = ("content_subtype", "mixed_subtype", "alternative_subtype", "encoding")


class QueueingEmailBackend(BaseEmailBackend):
    """Queues each message as a `deliver_email` task instead of sending it."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                deliver_email.enqueue(to_json(message))
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("Could not queue an e-mail")
                continue
            queued += 1
        return queued


def to_json(message: EmailMessage) -> dict:
    """The message's fields, as JSON a task can carry (lazy strings rendered now)."""
    data = {name: _text(getattr(message, name)) for name in FIELDS}
    headers = {str(k): str(v) for k, v in message.extra_headers.items()}
    present = {k.lower() for k in headers}
    if "message-id" not in present:
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    if "date" not in present:
        headers["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    data["headers"] = headers
    data["attachments"] = [_attachment(a) for a in message.attachments]
    if isinstance(message, EmailMultiAlternatives):
        data["alternatives"] = [
            [str(content), mimetype] for content, mimetype in message.alternatives
        ]
    for name in SUBTYPES:
        value = getattr(message, name, None)
        if value is not None:
            data[name] = str(value)
    return data


def from_json(data: dict) -> EmailMessage:
    """The message again, as the delivery backend expects it."""
    fields = {name: data.get(name) for name in FIELDS}
    if "alternatives" in data:
        message = EmailMultiAlternatives(
            **fields,
            headers=data.get("headers"),
            alternatives=[tuple(a) for a in data["alternatives"]],
        )
    else:
        message = EmailMessage(**fields, headers=data.get("headers"))
    for attachment in data.get("attachments", []):
        content = attachment["content"]
        if attachment.get("base64"):
            content = base64.b64decode(content)
        message.attach(attachment["filename"], content, attachment["mimetype"])
    for name in SUBTYPES:
        if name in data:
            setattr(message, name, data[name])
    return message


def _text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)  # a lazy translation


def _attachment(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        filename = attachment.get_filename()
        content = attachment.get_payload(decode=True)
        mimetype = attachment.get_content_type()
    else:
        filename, content, mimetype = attachment
    if isinstance(content, bytes):
        return {
            "filename": filename,
            "content": base64.b64encode(content).decode("ascii"),
            "base64": True,
            "mimetype": mimetype,
        }
    return {"filename": filename, "content": str(content), "mimetype": mimetype}


def permanent(error: Exception) -> bool:
    """A refusal that a retry cannot change (a 5xx for every recipient, or for the data).
    Authentication and connection errors are retried: an operator can fix those."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def describe(error: Exception) -> str:
    """The error without its message (which can name the recipients)."""
    code = getattr(error, "smtp_code", None)
    return type(error).__name__ + (f" {code}" if code else "")


@task()
def deliver_email(message: dict, attempt: int = 1) -> str:
    """Send one queued message through BRUG_EMAIL_DELIVERY_BACKEND; retry later on SMTP or
    network errors (bounded), and fail loudly after the last attempt."""
    email = from_json(message)
    msgid = email.extra_headers.get("Message-ID", "")
    try:
        get_connection(settings.BRUG_EMAIL_DELIVERY_BACKEND).send_messages([email])
    except (smtplib.SMTPException, OSError) as error:
        reason = describe(error)
        if not permanent(error) and retry_later(
            deliver_email, attempt, settings.BRUG_EMAIL_RETRY_DELAYS, message
        ):
            logger.warning(
                "E-mail %s not delivered (attempt %d, %s): retrying later", msgid, attempt, reason
            )
            return f"retrying: {reason}"
        logger.error(
            "E-mail %s could not be delivered by %s after %d attempt(s): %s",
            msgid,
            settings.BRUG_EMAIL_DELIVERY_BACKEND,
            attempt,
            reason,
        )
        raise
    return "sent"
