"""Password reset, from the side of the account holder whose inbox an attacker would flood
and of the attacker who wants to learn which accounts exist: mails are limited per client
address and per account, and the answer never changes."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.directory.conftest import make_user

RESET = "/admin/password_reset/"
# Differ on every page drawn, whoever asks: the masked CSRF token and any script nonce.
PER_RENDER = re.compile(r'("CSRF_TOKEN": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]*')


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def accounts(db):
    return [make_user(f"person{n}") for n in range(8)]


def ask(client, email, address):
    """Ask for a reset link as a person would: the form, then the page it leads to."""
    response = client.post(RESET, {"email": email}, REMOTE_ADDR=address, follow=True)
    page = PER_RENDER.sub(r"\1…", response.content.decode())
    return response.redirect_chain, response.status_code, page


def mails_to(email):
    return [message for message in mail.outbox if email in message.to]


def test_one_address_gets_five_reset_mails_an_hour_and_the_same_answer_after(client, accounts):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    answers = [ask(client, user.email, "203.0.113.7") for user in accounts[:5]]
    assert len(mail.outbox) == 5
    chain, status, page = answers[0]
    assert chain == [("/admin/password_reset/done/", 302)] and status == 200
    assert "reset" in page.lower()  # the neutral "we sent an e-mail if ..." page

    limited = ask(client, accounts[5].email, "203.0.113.7")
    assert mails_to(accounts[5].email) == []
    assert limited == answers[0]  # nothing tells the sender it was refused

    # Someone else, at another address, is still served.
    ask(client, accounts[6].email, "198.51.100.20")
    assert len(mails_to(accounts[6].email)) == 1


def test_one_account_gets_three_reset_mails_an_hour_from_any_number_of_addresses(client, accounts):
    target = accounts[0].email
    answers = [ask(client, target, f"192.0.2.{n}") for n in range(1, 4)]
    assert len(mails_to(target)) == 3
    limited = ask(client, target.upper(), "192.0.2.99")  # the same account, however spelt
    assert len(mails_to(target)) == 3
    assert limited == answers[0]
    # The address is not held up for other accounts.
    ask(client, accounts[1].email, "192.0.2.99")
    assert len(mails_to(accounts[1].email)) == 1


def test_an_unknown_account_answers_like_a_known_one(client, accounts):
    known = ask(client, accounts[0].email, "203.0.113.8")
    unknown = ask(client, "nobody@example.org", "203.0.113.9")
    assert unknown == known
    assert mails_to("nobody@example.org") == []
    # Past the limit, still the same.
    for _n in range(6):
        assert ask(client, "nobody@example.org", "203.0.113.9") == known
