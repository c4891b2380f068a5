"""Client feedback: three anonymous questions on the service page, in the visitor's language,
with pictograms; rate-limited, nothing identifying stored; aggregates (at least five answers)
for the organisation and the curators only, never public."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from directory.models import ServiceFeedback
from tests.directory.conftest import shown

pytestmark = pytest.mark.django_db

ANSWER = {"got_help": "yes", "waited": "weeks", "recommend": "maybe", "website": ""}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def service_url(orgs, language="en"):
    return f"/{language}/organisations/buddy/buddy-housing/"


def answer(client, orgs, language="en", address="10.0.0.1", **overrides):
    page = client.get(service_url(orgs, language))
    stamp = page.context["feedback_form"]["stamp"].value()
    service = orgs["own"]["service"]
    return client.post(
        f"/{language}/services/{service.pk}/feedback/",
        {**ANSWER, "stamp": stamp, **overrides},
        REMOTE_ADDR=address,
    )


def test_the_service_page_asks_three_questions_with_pictograms_and_sets_no_cookie(orgs):
    client = Client(enforce_csrf_checks=True)
    response = client.get(service_url(orgs, "fr"))
    page = shown(response)
    for question in ("Avez-vous reçu de l’aide", "attendu", "ami"):
        assert question.lower() in page.lower(), question
    assert "/static/directory/feedback/got_help-yes.svg" in page
    assert not response.cookies  # no session, no CSRF cookie on the service page


def test_an_answer_is_stored_without_anything_that_identifies_the_person(orgs):
    client = Client(enforce_csrf_checks=True)  # the form needs no CSRF cookie
    response = answer(client, orgs, language="ar", by_coach="on")
    assert response.status_code == 200
    assert "<h1>شكرًا</h1>" in shown(response)  # in the visitor's language
    row = ServiceFeedback.objects.get()
    assert row.service == orgs["own"]["service"]
    assert (row.got_help, row.waited, row.recommend, row.language, row.by_coach) == (
        "yes", "weeks", "maybe", "ar", True,
    )  # fmt: skip
    stored = {f.name for f in ServiceFeedback._meta.concrete_fields}
    assert stored == {"id", "service", "got_help", "waited", "recommend", "language", "by_coach",
                      "received_on"}  # fmt: skip


def test_a_missing_answer_is_refused_and_can_be_sent_again(client, orgs):
    response = answer(client, orgs, got_help="")
    assert response.status_code == 400
    assert "Please choose an answer." in shown(response)
    assert not ServiceFeedback.objects.exists()
    assert answer(client, orgs).status_code == 200  # the failed try used up nothing
    assert ServiceFeedback.objects.count() == 1


def test_one_answer_per_service_a_day_and_a_limit_per_hour(client, orgs, settings):
    assert answer(client, orgs).status_code == 200
    again = answer(client, orgs)
    assert again.status_code == 429
    assert "already answered" in shown(again)
    assert answer(client, orgs, address="10.0.0.2").status_code == 200  # someone else
    settings.BRUG_FEEDBACK_RATE_PER_HOUR = 0
    assert answer(client, orgs, address="10.0.0.3").status_code == 429
    assert ServiceFeedback.objects.count() == 2


def test_bots_are_thanked_and_ignored(client, orgs):
    assert answer(client, orgs, website="http://spam.example").status_code == 200
    assert not ServiceFeedback.objects.exists()


def add_answers(service, count, **fields):
    for _ in range(count):
        ServiceFeedback.objects.create(
            service=service,
            **{
                **{"got_help": "yes", "waited": "days", "recommend": "yes", "language": "nl"},
                **fields,
            },  # fmt: skip
        )


def test_aggregates_for_the_organisation_and_curators_only_from_five_answers(client, orgs, people):
    own, other = orgs["own"]["service"], orgs["other"]["service"]
    add_answers(own, 3)
    add_answers(own, 1, got_help="no", recommend="no")
    add_answers(other, 2)
    client.force_login(people["editor"])
    report = shown(client.get("/admin/reports/feedback/"))
    assert "Buddy Leuven housing help" in report and "CAW Oost housing help" not in report
    assert "Fewer than 5 answers: not shown" in report and "75%" not in report

    add_answers(own, 1, got_help="partly")
    report = shown(client.get("/admin/reports/feedback/"))
    # Five answers (3 yes, 1 partly, 1 no): shown, but "No: 20%" would be one person — the
    # answers are banded counts, not per cent.
    assert "Yes: < 5" in report and "Partly: < 5" in report and "No: < 5" in report
    assert "20%" not in report and "60%" not in report and "5–9" in report

    client.force_login(people["curator"])
    report = shown(client.get("/admin/reports/feedback/"))
    assert "CAW Oost housing help" in report
    for outsider in ("coach", "other_editor"):
        client.force_login(people[outsider])
        response = client.get("/admin/reports/feedback/")
        if outsider == "coach":
            assert response.status_code in (302, 403)
        else:
            assert "Buddy Leuven housing help" not in shown(response)


def test_feedback_is_never_shown_to_the_public(client, orgs):
    add_answers(orgs["own"]["service"], 6)
    page = shown(client.get(service_url(orgs)))
    assert "%" not in page and "★" not in page and "Would recommend" not in page
    answer_json = client.get("/api/v1/services", {"q": "housing"}).content.decode()
    assert "feedback" not in answer_json and "recommend" not in answer_json


def test_old_answers_are_pruned(orgs):
    add_answers(orgs["own"]["service"], 2)
    ServiceFeedback.objects.filter(pk=ServiceFeedback.objects.first().pk).update(
        received_on=timezone.localdate() - timedelta(days=800)
    )
    call_command("prune_feedback")
    assert ServiceFeedback.objects.count() == 1
