"""Sessions of the staff who see referral data: they end with the browser and on the server
within 12 hours, sign-out works from every admin screen, a password change signs out the
other sessions; production sends HSTS for a year and passes `check --deploy`."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.referrals.conftest import PASSWORD, as_user, english, sent, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TWELVE_HOURS = datetime.timedelta(hours=12)


@pytest.fixture(autouse=True)
def fresh_limits():
    from django.core.cache import cache

    cache.clear()  # the reset mails' rate limits (directory/accounts.py)
    yield
    cache.clear()


def sign_in(username, **extra):
    """A fresh browser that signs in through the admin's login form."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/admin/login/")
    token = page.cookies["csrftoken"].value
    data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, **extra}
    response = browser.post("/admin/login/", data)
    assert response.status_code == 302, "the sign-in failed"
    return browser, response


def stored_session(browser) -> Session:
    return Session.objects.get(session_key=browser.cookies["sessionid"].value)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("remember", [False, True], ids=["plain", "remember-me ticked"])
def test_a_staff_session_ends_with_the_browser_and_within_12_hours(world, remember):  # noqa: F811
    before = timezone.now()
    browser, response = sign_in("coach", **({"remember": "on"} if remember else {}))
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert stored_session(browser).expire_date <= before + TWELVE_HOURS + datetime.timedelta(
        seconds=5
    )
    assert 'name="remember"' not in browser.get("/admin/login/").content.decode()


def test_a_session_older_than_12_hours_is_refused_on_a_referral_screen(world, sent):  # noqa: F811
    browser, _response = sign_in("coach")
    screen = f"/admin/referrals/{sent.pk}/"
    assert browser.get(screen).status_code == 200
    # Twelve hours and a minute later (the stored session's clock moved back by as much).
    session = stored_session(browser)
    session.expire_date -= TWELVE_HOURS + datetime.timedelta(minutes=1)
    session.save()
    response = browser.get(screen)
    assert sent_to_login(response)
    assert "Amina" not in response.content.decode()


def sign_out_form(page: str) -> tuple[str, str]:
    """The sign-out URL the admin's account menu posts to, and the page's CSRF token."""
    config = json.loads(re.search(r'id="wagtail-config"[^>]*>(.*?)</script>', page, re.S)[1])
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S)
    assert props, "no admin menu on this screen"
    logout = re.findall(r'"(/admin/logout/)"', props[1])
    assert logout, "no sign-out in the account menu"
    return logout[0], config["CSRF_TOKEN"]


@pytest.mark.parametrize(
    ("who", "screen"),
    [
        ("coach", "/admin/referrals/"),
        ("coach", "/admin/referrals/new/"),
        ("coach", "referral"),
        ("intake", "/admin/referrals/inbox/"),
        ("receiver_manager", "/admin/figures/"),
        ("receiver_manager", "/admin/figures/caseload/"),
        ("receiver_manager", "/admin/figures/gaps/"),
        ("curator", "/admin/people/"),
        ("curator", "/admin/duplicates/"),
        ("curator", "/admin/reports/listings/"),
    ],
)
def test_sign_out_from_an_admin_screen_ends_the_session(world, sent, who, screen):  # noqa: F811
    browser, _response = sign_in(who)
    screen = f"/admin/referrals/{sent.pk}/" if screen == "referral" else screen
    page = browser.get(screen)
    assert page.status_code == 200
    logout, token = sign_out_form(page.content.decode())
    response = browser.post(logout, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=browser.cookies["sessionid"].value).exists()
    assert sent_to_login(browser.get(screen))
    assert sent_to_login(browser.get("/admin/"))


def test_a_password_change_signs_out_the_other_sessions(world, sent):  # noqa: F811
    elsewhere, _response = sign_in("coach")
    screen = f"/admin/referrals/{sent.pk}/"
    assert elsewhere.get(screen).status_code == 200
    # The coach resets the password from another browser, by the link in the e-mail.
    browser = Client()
    browser.post("/admin/password_reset/", {"email": "coach@example.org"})
    link = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", mail.outbox[-1].body)
    form = browser.get(link[1], follow=True).redirect_chain[-1][0]
    new = "A-new-bridge-2027"
    assert browser.post(form, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sent_to_login(elsewhere.get(screen))


def run_production(*args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-strong-random-looking-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "brug.example.org",
        "DATABASE_URL": "sqlite:////tmp/brug-check-deploy.sqlite3",
    }
    # As a deployment has it: none of the test run's own variables (tests/conftest.py).
    for name in ("BRUG_SSL_REDIRECT", "BRUG_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_the_deployment_check_and_sends_hsts_for_a_year():
    # One process (Django starts in seconds): the deployment check, then the settings.
    shown = run_production(
        "shell",
        "-c",
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); "
        "from django.conf import settings as s; import json; print(json.dumps({n: getattr(s, n) "
        "for n in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_AGE', "
        "'SESSION_EXPIRE_AT_BROWSER_CLOSE']}))",
    )
    assert shown.returncode == 0, shown.stderr
    assert "System check identified no issues" in shown.stdout
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 43200,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }
