"""The public pages without JavaScript: every control shown does something (a real link or a
form), and the ones that need a script are hidden until it runs."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/nl/",
    "/ar/",
    "/nl/needs/housing/",
    "/nl/organisations/",
    "/nl/organisations/ocmw-leuven/",
    "/nl/organisations/ocmw-leuven/woonbegeleiding/",
    "/nl/organisations/ocmw-leuven/woonbegeleiding/?print=1",
    "/nl/organisations/ocmw-leuven/sociaal-huis/",
    "/nl/search/?q=woning",
    "/nl/map/",
    "/uk/organisations/ocmw-leuven/woonbegeleiding/",
]


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def static_text(path: str) -> str:
    with open(finders.find(path), encoding="utf-8") as file:
        return file.read()


def shown_without_javascript(element) -> bool:
    """Not hidden by its `hidden` attribute or the no-JavaScript stylesheet (.needs-js)."""
    for node in [element, *element.parents]:
        if getattr(node, "attrs", None) is None:
            continue
        if node.has_attr("hidden") or "needs-js" in (node.get("class") or []):
            return False
    return True


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_control_on_a_public_page_needs_javascript_to_work(client, network, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = soup(response)
    assert not page.select('a[href="#"]'), url
    assert not page.select('a[href^="javascript:"]'), url
    for button in page.find_all("button"):
        # A button without a form does nothing without a script: it must start hidden.
        if button.get("type") == "button":
            assert not shown_without_javascript(button), (url, str(button))
        else:
            assert button.find_parent("form") or button.get("form"), (url, str(button))
    # The stylesheet that hides script-only parts is loaded when scripting is off.
    noscript = page.head.find("noscript")
    assert noscript is not None and "css/no-js.css" in str(noscript), url


def test_the_no_javascript_stylesheet_hides_script_only_parts():
    assert re.search(
        r"\.needs-js\s*\{\s*display:\s*none\s*!important", static_text("css/no-js.css")
    )
    # The site's stylesheet gives buttons a display of their own: `hidden` must still win.
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none\s*!important", static_text("css/brug.css"))


def test_use_my_location_is_hidden_until_its_script_shows_it(client, network):
    page = soup(client.get("/nl/search/?q=woning"))
    button = page.select_one("[data-locate]")
    assert button is not None and button.has_attr("hidden")
    assert "button.hidden = false" in static_text("search/near.js")


def test_the_map_is_hidden_without_javascript_and_the_list_still_shows(client, network):
    page = soup(client.get("/nl/map/"))
    assert "needs-js" in page.select_one("[data-brug-map]")["class"]
    assert page.select_one(".map-area noscript")
    assert page.select_one("#results")


def test_the_print_link_leads_to_a_printable_card(client, network):
    service = network["service"]
    page = soup(client.get(service.url))
    link = page.select_one("a[data-print]")
    assert link["href"] == f"{service.url}?print=1"
    printable = client.get(link["href"])
    assert printable.status_code == 200
    card = soup(printable)
    # The card alone, laid out for paper on screen too, not for search engines.
    assert card.select_one("h1").get_text(strip=True) == "Woonbegeleiding"
    screen_print = [
        el for el in card.find_all("link", rel="stylesheet") if "print.css" in el["href"]
    ]
    assert any(not el.get("media") for el in screen_print)
    assert card.find("meta", attrs={"name": "robots", "content": "noindex"})
    assert card.select_one("[data-autoprint]") is not None
    assert "data-autoprint" in static_text("js/print.js")
    # The ordinary page is not the printable one.
    assert page.select_one("[data-autoprint]") is None
    assert not page.find("meta", attrs={"name": "robots"})
