"""The taxonomy admin shows a term's languages side by side: a listing column with every
interface language's label (gaps marked), and the edit form's label rows in the order of
settings.LANGUAGES whatever order they were added in."""

import html

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

from directory.factories import NeedFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client, home):
    user = get_user_model().objects.create_superuser("curator", "curator@example.org", "pw")
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(
        preferred_language="en"
    )
    client.force_login(user)
    return client


@pytest.fixture
def shelter():
    # Added out of order, as a curator might over the years.
    return NeedFactory(
        slug="shelter",
        labels={"uk": "Притулок", "ar": "مأوى", "nl": "Opvang", "fa": "سرپناه", "fr": "Abri"},
    )


def test_the_need_listing_shows_every_languages_label_and_the_gaps(curator_client, shelter):
    page = html.unescape(curator_client.get("/admin/snippets/directory/need/").content.decode())
    assert '<span lang="uk" dir="auto"><b>uk</b> Притулок</span>' in page
    assert '<span lang="ti" dir="auto"><b>ti</b> —</span>' in page
    order = [page.index(f"<b>{code}</b>") for code in ("nl", "fr", "en", "ar", "uk", "fa", "es")]
    assert order == sorted(order)


def test_the_target_group_listing_shows_the_labels_too(curator_client):
    TargetGroupFactory(slug="women", labels={"nl": "Vrouwen", "so": "Haweenka"})
    page = html.unescape(
        curator_client.get("/admin/snippets/directory/targetgroup/").content.decode()
    )
    assert "<b>so</b> Haweenka" in page and "<b>tr</b> —" in page


def test_the_edit_form_shows_the_labels_in_the_order_of_the_languages(curator_client, shelter):
    response = curator_client.get(f"/admin/snippets/directory/need/edit/{shelter.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f'value="{label}"') for label in ("Opvang", "Abri", "مأوى")]
    positions += [page.index(f'value="{label}"') for label in ("Притулок", "سرپناه")]
    assert positions == sorted(positions)


def test_a_reordered_form_still_saves_each_label_with_its_language(curator_client, shelter):
    url = f"/admin/snippets/directory/need/edit/{shelter.pk}/"
    form = curator_client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    formset = form.formsets["labels"]
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-MIN_NUM_FORMS": "1",
            f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for child in formset.forms:
        for name in ("id", "language", "label", "synonyms"):
            value = child[name].value()
            data[child.add_prefix(name)] = "" if value is None else value
        if child.instance.language == "uk":
            data[child.add_prefix("synonyms")] = "житло, притулок"
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    labels = {row.language: (row.label, row.synonyms) for row in shelter.labels.all()}
    assert labels["uk"] == ("Притулок", "житло, притулок")
    assert labels["nl"] == ("Opvang", "")
