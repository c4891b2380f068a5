"""What a client sees on a cheap phone: readable at 360 px, Arabic mirrored, nothing external."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_home_and_service_fit_a_360px_phone_and_stay_local(
    site_server, network, phone_page, language
):
    for path in ["/", "/organisations/ocmw-leuven/woonbegeleiding/"]:
        phone_page.goto(f"{site_server.url}/{language}{path}")
        assert no_horizontal_scroll(phone_page), path
    hosts = {urlparse(url).hostname for url in phone_page.requested_urls}
    assert hosts <= {"localhost", "127.0.0.1"}


def test_arabic_layout_mirrors(site_server, network, phone_page):
    phone_page.goto(f"{site_server.url}/ar/")
    assert phone_page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = phone_page.locator(".brand").bounding_box()
    # The brand sits at the right-hand edge in a right-to-left layout.
    assert brand["x"] + brand["width"] > 360 - 60


def test_search_from_the_home_page(site_server, network, phone_page):
    phone_page.goto(f"{site_server.url}/nl/")
    phone_page.fill("#q", "betaalbare woning")
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url("**/nl/search/?q=*")
    expect(phone_page.locator(".service-card h3 a")).to_have_text(["Woonbegeleiding"])
    phone_page.locator(".service-card h3 a").click()
    expect(phone_page.locator("h1")).to_have_text("Woonbegeleiding")


def test_language_switcher_keeps_the_page(site_server, network, phone_page):
    phone_page.goto(f"{site_server.url}/nl/organisations/ocmw-leuven/")
    phone_page.locator('.languages a[hreflang="fr"]').click()
    phone_page.wait_for_url("**/fr/organisations/ocmw-leuven/")
    expect(phone_page.locator("h1")).to_have_text("CPAS Louvain")


def test_service_card_prints_on_one_a4(site_server, network, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_server.url}/nl/organisations/ocmw-leuven/woonbegeleiding/")
    pdf = page.pdf(format="A4")
    context.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # page objects, not /Pages


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_search_filters_fold_on_a_phone_and_work_without_javascript(
    site_server, network, browser, language
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto(f"{site_server.url}/{language}/search/?q=woning")
    assert no_horizontal_scroll(page)
    housing = page.locator('input[name="need"][value="housing"]')
    expect(housing).to_be_hidden()  # folded under "Filter results"
    page.locator(".filters > summary").click()
    housing.check()
    page.locator(".filters__actions button").click()
    page.wait_for_url("**need=housing**")
    expect(page.locator(".service-card h3 a")).to_have_count(1)
    expect(page.locator('input[name="need"][value="housing"]')).to_be_checked()
    expect(page.locator(".chips--active a").first).to_be_visible()
    assert no_horizontal_scroll(page)
    assert hosts <= {"localhost", "127.0.0.1"}
    context.close()


def test_search_filters_stand_beside_the_results_on_a_wide_screen(site_server, network, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_server.url}/ar/search/?q=woning")
    housing = page.locator('input[name="need"][value="housing"]')
    expect(housing).to_be_visible()
    filters = page.locator(".filters").bounding_box()
    results = page.locator(".results").bounding_box()
    # Right to left: the filters sit at the start of the line, which is the right.
    assert filters["x"] > results["x"]
    context.close()
