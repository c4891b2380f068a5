"""Every e-mail through a task (core/mail_queue.py): Wagtail's moderation notices and Brug's
own mails are queued by the EMAIL_BACKEND and delivered by the task through the delivery
backend; a mail server that cannot be reached never fails the request, and the delivery is
tried again later by the worker (run_after), never by waiting."""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.mail_queue import deliver_email, permanent
from directory.mail import send
from tests.conftest import free_port

from .test_moderation import submit_change

pytestmark = pytest.mark.django_db

DELIVER = "core.mail_queue.deliver_email"


@pytest.fixture
def queued_mail(settings):
    """The product's EMAIL_BACKEND (Django's test runner puts locmem in its place), delivering
    to locmem; the tasks each e-mail went through are listed."""
    settings.EMAIL_BACKEND = "core.mail_queue.QueueingEmailBackend"
    settings.BRUG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(record)
    yield enqueued
    task_enqueued.disconnect(record)


@pytest.fixture
def editor(people):
    client = Client()
    client.force_login(people["editor"])
    return client


def test_moderation_mails_go_through_a_task_and_arrive(editor, orgs, queued_mail):
    submit_change(editor, orgs["own"]["service"], title="Kot zoeken")
    to_curators = [m for m in mail.outbox if "curator@example.org" in m.to]
    assert to_curators and "Kot zoeken" in to_curators[0].body
    deliveries = [r for r in queued_mail if r.task.module_path == DELIVER]
    assert len(deliveries) == len(mail.outbox) >= 1
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in deliveries)
    # Fixed when queued: a retried delivery keeps its id and date.
    assert to_curators[0].extra_headers["Message-ID"].endswith(">")
    assert to_curators[0].extra_headers["Date"]


def test_brugs_own_mails_go_through_a_task(queued_mail):
    assert send("someone@example.org", "referrals/email/update", {"url": "/x"}, "fr")
    [message] = mail.outbox
    assert message.to == ["someone@example.org"]
    assert [r.task.module_path for r in queued_mail] == [DELIVER]


def test_every_field_of_a_message_survives_the_queue(queued_mail):
    message = EmailMultiAlternatives(
        "Onderwerp é",
        "Tekst",
        "Brug <noreply@example.org>",
        ["a@example.org"],
        cc=["c@example.org"],
        bcc=["b@example.org"],
        reply_to=["r@example.org"],
        headers={"X-Brug": "1"},
    )
    message.attach_alternative("<p>Tekst</p>", "text/html")
    message.attach("lijst.csv", "a,b\n", "text/csv")
    message.attach("logo.png", b"\x89PNG\x00", "image/png")
    assert message.send() == 1
    [got] = mail.outbox
    assert (got.subject, got.body, got.from_email) == ("Onderwerp é", "Tekst", message.from_email)
    assert (got.to, got.cc, got.bcc, got.reply_to) == (
        ["a@example.org"],
        ["c@example.org"],
        ["b@example.org"],
        ["r@example.org"],
    )
    assert got.extra_headers["X-Brug"] == "1"
    assert [tuple(a) for a in got.alternatives] == [("<p>Tekst</p>", "text/html")]
    assert [tuple(a) for a in got.attachments] == [
        ("lijst.csv", "a,b\n", "text/csv"),
        ("logo.png", b"\x89PNG\x00", "image/png"),
    ]
    assert "b@example.org" in got.recipients()


@pytest.fixture
def unreachable_smtp(settings, queued_mail):
    """The database tasks backend, and SMTP on a port where nothing listens."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BRUG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.BRUG_EMAIL_RETRY_DELAYS = (60, 300)


def run_in_worker(row: DBTaskResult) -> DBTaskResult:
    """What `db_worker` does with a claimed row (its own code, in this test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test",
    )
    row.claim("test")
    worker.run_task(row)
    row.refresh_from_db()
    return row


def test_an_unreachable_mail_server_never_fails_the_request_and_is_retried_later(
    editor, orgs, unreachable_smtp, caplog
):
    submit_change(editor, orgs["own"]["service"], title="Kot zoeken")  # the request succeeds
    rows = DBTaskResult.objects.filter(task_path=DELIVER)
    assert rows.exists() and {r.status for r in rows} == {TaskResultStatus.READY}
    assert mail.outbox == []

    first = rows.order_by("enqueued_at").first()
    before = timezone.now()
    first = run_in_worker(first)
    assert first.status == TaskResultStatus.SUCCESSFUL  # this attempt is done: a retry waits
    assert first.return_value.startswith("retrying: ConnectionRefusedError")
    [retry] = DBTaskResult.objects.filter(task_path=DELIVER, args_kwargs__kwargs__attempt=2)
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after >= before + timedelta(seconds=60)  # later, not now
    assert retry.args_kwargs["args"] == first.args_kwargs["args"]  # the same message
    assert not DBTaskResult.objects.ready().filter(pk=retry.pk).exists()  # not due yet

    # The last attempt fails the task, loudly; nothing is retried after it.
    with (
        caplog.at_level(logging.ERROR, logger="core.mail_queue"),
        pytest.raises(ConnectionRefusedError),
    ):
        deliver_email.call(*first.args_kwargs["args"], attempt=3)
    assert "could not be delivered" in caplog.text and "after 3 attempt(s)" in caplog.text
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__attempt=4).exists()


def test_a_refusal_for_every_recipient_is_not_retried():
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")})
    assert permanent(refused)
    assert not permanent(smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"later")}))
    assert not permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not permanent(ConnectionRefusedError())


def test_the_password_reset_mail_goes_through_a_task(client, queued_mail):
    from django.core.cache import cache

    from tests.directory.conftest import make_user

    cache.clear()  # the reset's rate limits
    user = make_user("forgetful")
    response = client.post("/admin/password_reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email] and "/admin/password_reset/" in message.body
    assert [r.task.module_path for r in queued_mail] == [DELIVER]
    cache.clear()
