"""The spoken-language filter names each language in the visitor's own interface language, in
every one of settings.LANGUAGES (Dari included, which CLDR files as Afghan Persian)."""

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

DARI = {
    "nl": "Dari",
    "fr": "dari",
    "en": "Dari",
    "ar": "الدارية",
    "uk": "дарі",
    "ru": "дари",
    "fa": "دری",
    "ps": "دري",
    "ti": "ዳሪ",
    "so": "Dari",
    "tr": "Darice",
    "es": "darí",
}


def test_every_ui_language_is_covered(settings):
    assert set(DARI) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("ui", sorted(DARI))
def test_the_language_filter_speaks_the_visitors_language(client, network, ui):
    response = client.get(f"/{ui}/search/", {"q": "woonbegeleiding"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    box = page.select_one('input[type="checkbox"][name="language"][value="prs"]')
    label = page.select_one(f'label[for="{box["id"]}"] .option__label')
    assert label.get_text(strip=True) == DARI[ui]
