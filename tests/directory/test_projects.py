"""Projects with a lifetime on their pages: an ended project stays at its URL with "This
project ended on …" in the visitor's language and a way on (its successor, else similar
running services); a project about to start says when it starts."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from directory.factories import ServicePageFactory, alias_everywhere, publish
from directory.models import ServicePage

from .conftest import shown

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def in_locale(page, code):
    return type(page).objects.get(translation_key=page.translation_key, locale__language_code=code)


def make_project(orgs, slug="woonproject", **dates):
    service = ServicePageFactory(
        parent=orgs["own"]["organisation"],
        title="Woonproject",
        slug=slug,
        summary="Samen een woning zoeken.",
        needs=list(orgs["own"]["service"].needs.all()),
        **dates,
    )
    publish(service)
    alias_everywhere(service)
    return service


def banner(page: str) -> str:
    start = page.index('data-project="')
    return page[start : page.index("</div>", start) if "</div>" in page[start:] else None]


@pytest.mark.parametrize("code, date_words", [("nl", "31 januari 2019"), ("fr", "31 janvier 2019")])
def test_an_ended_project_says_so_and_points_to_its_successor(client, orgs, code, date_words):
    successor = orgs["other"]["service"]
    project = make_project(orgs, project_starts_on=datetime.date(2018, 2, 1))
    project.project_ends_on = datetime.date(2019, 1, 31)
    project.successor = successor
    publish(project)
    assert project.project_state == "ended"

    response = client.get(in_locale(project, code).url)
    assert response.status_code == 200
    page = shown(response)
    with translation.override(code):
        ended = translation.gettext("This project ended on %(date)s.") % {"date": date_words}
        continues = translation.gettext("It continues as:")
    notice = banner(page)
    assert 'data-project="ended"' in notice and ended in notice and continues in notice
    assert f'href="{in_locale(successor, code).url}"' in notice
    assert "CAW Oost housing help" in notice


def test_an_ended_project_without_a_successor_points_to_similar_running_services(client, orgs):
    project = make_project(orgs, project_ends_on=timezone.localdate() - DAY)
    make_project(orgs, slug="ook-gedaan", project_ends_on=timezone.localdate() - DAY)
    notice = banner(shown(client.get(in_locale(project, "en").url)))
    assert "Similar services that are running:" in notice
    running = [orgs["own"]["service"], orgs["other"]["service"]]
    for service in running:
        assert f'href="{in_locale(service, "en").url}"' in notice
    assert "ook-gedaan" not in notice  # another ended project is no way on


@pytest.mark.parametrize("code", ["en", "nl"])
def test_a_project_about_to_start_says_when(client, orgs, code):
    starts = timezone.localdate() + 10 * DAY
    project = make_project(orgs, project_starts_on=starts)
    assert project.project_state == "upcoming"
    page = shown(client.get(in_locale(project, code).url))
    with translation.override(code):
        from django.utils.formats import date_format

        words = translation.gettext("This project starts on %(date)s.") % {
            "date": date_format(starts, "j F Y")
        }
    assert 'data-project="upcoming"' in page and words in page
    assert 'data-project="ended"' not in page


def test_a_service_that_is_no_project_has_no_banner(client, orgs):
    page = shown(client.get(in_locale(orgs["own"]["service"], "en").url))
    assert "data-project=" not in page


def test_the_daily_command_moves_every_language_version(orgs, capsys):
    project = make_project(orgs, project_ends_on=timezone.localdate())
    assert project.project_state == "running"
    ServicePage.objects.filter(translation_key=project.translation_key).update(
        project_ends_on=timezone.localdate() - DAY
    )
    call_command("update_project_states")
    assert "1 projects changed state." in capsys.readouterr().out
    states = ServicePage.objects.filter(translation_key=project.translation_key)
    assert set(states.values_list("project_state", flat=True)) == {"ended"}
    assert states.count() > 1  # the aliases in every language too


def test_the_end_cannot_come_before_the_start(orgs):
    from django.core.exceptions import ValidationError

    project = make_project(orgs, project_starts_on=datetime.date(2020, 1, 1))
    project.project_ends_on = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "project_ends_on" in error.value.message_dict
