"""Production settings from the environment: SMTP (behind the mail queue), the database tasks
backend, and JSON log lines on stdout."""

import json

from tests.security.test_sessions import run_production

SHOW = (
    "from django.conf import settings as s; import json, logging; "
    "logging.getLogger('brug.check').warning('hello'); print(json.dumps({n: getattr(s, n) "
    "for n in ['EMAIL_BACKEND', 'BRUG_EMAIL_DELIVERY_BACKEND', 'TASKS', 'EMAIL_HOST', "
    "'EMAIL_PORT', 'EMAIL_HOST_USER', "
    "'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'DEFAULT_FROM_EMAIL', "
    "'SERVER_EMAIL', 'BRUG_TRUSTED_PROXIES', 'AXES_CLIENT_IP_CALLABLE']}))"
)


def test_smtp_and_proxies_come_from_the_environment_and_logs_are_json_lines():
    shown = run_production(
        "shell",
        "-c",
        SHOW,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="465",
        EMAIL_HOST_USER="brug",
        EMAIL_HOST_PASSWORD="s3cret",  # noqa: S106
        EMAIL_USE_SSL="1",
        DEFAULT_FROM_EMAIL="Brug <brug@example.org>",
        BRUG_TRUSTED_PROXIES="1",
    )
    assert shown.returncode == 0, shown.stderr
    # (The shell's own greeting is not a log line.)
    lines = [json.loads(line) for line in shown.stdout.splitlines() if line.startswith("{")]
    assert lines[-1] == {
        # Every message is queued as a task; the worker delivers it over SMTP.
        "EMAIL_BACKEND": "core.mail_queue.QueueingEmailBackend",
        "BRUG_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "brug",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": False,  # implicit TLS instead
        "EMAIL_USE_SSL": True,
        "DEFAULT_FROM_EMAIL": "Brug <brug@example.org>",
        "SERVER_EMAIL": "Brug <brug@example.org>",
        "BRUG_TRUSTED_PROXIES": 1,
        "AXES_CLIENT_IP_CALLABLE": "core.client_address.client_address",
    }
    logged = [line for line in lines if line.get("logger") == "brug.check"]
    assert logged == [{**logged[0], "level": "WARNING", "message": "hello", "request_id": "-"}]


def test_tls_and_ssl_at_once_are_refused():
    both = run_production(
        "check", EMAIL_HOST="smtp.example.org", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1"
    )
    assert both.returncode != 0
    assert "EMAIL_USE_TLS or EMAIL_USE_SSL, not both" in both.stderr
