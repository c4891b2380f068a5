"""Accessibility as a gate: axe-core (vendored, tests/browser/vendor/axe-core) finds no
violation on any public template or main referral screen, in Dutch and in Arabic (right to
left); every public template and referral screen fits phones 320 to 390 px wide without
scrolling sideways; and a keyboard gets past the filters, sees where it is and uses the map."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from directory.models import LocationPage, Need, OrganisationPage, ServicePage
from tests.referrals.conftest import referral_form, world  # noqa: F401 - the referral network

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TILES = "**/tile.openstreetmap.org/**"
LANGUAGES = ["nl", "ar"]
PHONE = {"width": 360, "height": 740}


def axe_report(page) -> str:
    """axe-core's violations on the page as it is now, one readable block each ('' if none)."""
    page.add_script_tag(path=AXE)
    # All of axe's rules for WCAG 2.x A/AA and its best practices, and WCAG 2.2's target size.
    violations = page.evaluate(
        """async () => (await axe.run(document, {
                resultTypes: ["violations"], rules: {"target-size": {enabled: true}}})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n =>
                n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " "))}))"""
    )
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    - {node[:300]}" for node in v["nodes"][:5])
        for v in violations
    )


# What sticks out of the screen on either side inside `scope`, unless a box of its own (inside
# `scope`) clips or scrolls it, like a map's tiles: in a right-to-left page what sticks out
# on the right cannot be scrolled to and never shows in scrollWidth, and in Wagtail's admin
# the document never scrolls sideways (its main box clips instead).
STICKING_OUT = """(scope) => {
    const root = document.querySelector(scope), width = document.documentElement.clientWidth;
    const clipped = node => {
        for (let up = node.parentElement; up && up !== root; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== "visible") return true;
        }
        return false;
    };
    return [...root.querySelectorAll("*")].filter(node => {
        const box = node.getBoundingClientRect();
        return box.width > 1 && (box.right > width + 1 || box.left < -1) && !clipped(node);
    }).slice(0, 5).map(node => node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
        + [...node.classList].map(name => "." + name).join("")
        + " (" + Math.round(node.getBoundingClientRect().width) + " px)");
}"""
FITS = f"""(scope) => document.documentElement.scrollWidth <= document.documentElement.clientWidth
    && ({STICKING_OUT})(scope).length === 0"""


def overflow(page, name: str, path: str, scope: str = "body") -> str:
    """'' when the page fits the screen, else what sticks out. Waited for: layouts settle as
    fonts, maps and lists load."""
    try:
        page.wait_for_function(FITS, arg=scope, timeout=5000)
    except PlaywrightTimeoutError:
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        wide = ", ".join(page.evaluate(STICKING_OUT, scope)) or "-"
        return (
            f"{name} ({path}) is {width[0]} px wide on a {width[1]}-px screen; sticking out: {wide}"
        )
    return ""


def fits_phones(page, name: str, path: str, scope: str = "body") -> list[str]:
    """The page as it is, resized across phone widths (320 to 390 px): what does not fit.
    Ends at PHONE's width."""
    failures = []
    for width in (320, 390, PHONE["width"]):
        page.set_viewport_size({**PHONE, "width": width})
        if wide := overflow(page, name, path, scope):
            failures.append(wide)
    return failures


def public_paths(language: str) -> dict[str, str]:
    """One page of every public template, in `language`."""

    def localized(url: str) -> str:
        return url.replace("/nl/", f"/{language}/", 1)

    def first(model):
        return model.objects.live().filter(locale__language_code="nl").order_by("path").first()

    service = (
        ServicePage.objects.live()
        .filter(locale__language_code="nl", locations__isnull=False)
        .order_by("path")
        .first()
    )
    need = Need.objects.filter(parent__isnull=True).order_by("slug").first()
    return {
        "home": f"/{language}/",
        "search results": f"/{language}/search/?q=woning",
        "search, no results": f"/{language}/search/?q=zzqqxx",
        "map": f"/{language}/map/",
        "need": f"/{language}/needs/{need.slug}/",
        "organisations": localized(first(OrganisationPage).get_parent().url),
        "organisation": localized(first(OrganisationPage).url),
        "service": localized(service.url),
        "location": localized(first(LocationPage).url),
        "feedback form": f"/{language}/services/{service.pk}/feedback/",
        "correction form": f"/{language}/services/{service.pk}/suggest/",
        "not found": f"/{language}/no-such-page/",
    }


@pytest.fixture
def checked_page(browser):
    """A phone-sized page on which axe may be injected (the site's CSP forbids inline
    scripts, and Playwright's waiting functions are evaluated), with the map tiles
    unreachable as in CI."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    yield page
    context.close()


def settle(page, name: str, width: int) -> None:
    """Wait for what a page adds after loading: the map's markers come from the API (on the
    search page the map shows beside the list on wide screens only)."""
    if name == "map" or (name == "search results" and width > PHONE["width"]):
        expect(page.locator(".brug-cluster, .brug-pin").first).to_be_visible()
        # "Services on the map: 12", not "Loading the map…"
        expect(page.locator("[data-map-status]")).to_have_text(re.compile(r"\d"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_template_passes_axe_and_fits_a_phone(
    site_server, demo, checked_page, language
):
    page = checked_page
    failures = []
    for width in (PHONE["width"], 1280):
        page.set_viewport_size({**PHONE, "width": width})
        for name, path in public_paths(language).items():
            if width > PHONE["width"] and name not in ("search results", "map"):
                continue  # only these two change their layout beyond the phone's
            page.goto(f"{site_server.url}{path}")
            settle(page, name, width)
            if width == PHONE["width"]:
                failures += fits_phones(page, name, path)
            report = axe_report(page)
            if report:
                failures.append(f"{name} ({path}) at {width} px:\n{report}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_referral_screens_pass_axe_and_fit_a_phone(
    site_server,
    world,  # noqa: F811
    client,
    checked_page,
    language,
):
    from wagtail.users.models import UserProfile

    coach = world["users"]["coach"]
    profile = UserProfile.get_for_user(coach)
    profile.preferred_language = language
    profile.save()
    client.force_login(coach)
    response = client.post("/admin/referrals/new/", referral_form(world))
    assert response.status_code == 302, response.content
    checked_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_server.url}]
    )
    page = checked_page
    failures = []
    screens = {
        "referral list": "/admin/referrals/",
        "new referral": f"/admin/referrals/new/?service={world['service'].pk}",
        "referral detail": response["Location"],
    }
    for name, path in screens.items():
        page.goto(f"{site_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        # Wagtail's main box clips what is too wide: look inside it.
        failures += fits_phones(page, name, path, "main")
        report = axe_report(page)
        if report:
            failures.append(f"{name} ({path}):\n{report}")
    assert not failures, "\n".join(failures)


def test_skip_links_and_a_focus_ring_on_every_control(site_server, demo, checked_page):
    page = checked_page
    page.goto(f"{site_server.url}/nl/search/?q=woning")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link[href='#main']")
    expect(skip).to_be_focused()
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 40
    # Past the search box, before the filters' checkboxes: straight to the results.
    page.locator("#search-form button[type=submit]").focus()
    page.keyboard.press("Tab")
    to_results = page.locator("a.skip-link[href='#results']")
    expect(to_results).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#results a").first).to_be_focused()

    # Every control of a form, reached with Tab, shows a ring (a textarea too).
    page.goto(f"{site_server.url}{public_paths('nl')['correction form']}")
    page.locator("#main").focus()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(() => { const node = document.activeElement, style = getComputedStyle(node);
                return {tag: node.tagName.toLowerCase(), type: node.type || "",
                        style: style.outlineStyle, width: parseFloat(style.outlineWidth)}; })()"""
        )
        seen.append(focused["tag"])
        assert focused["style"] == "solid" and focused["width"] >= 2, focused
        if focused["tag"] == "button":
            break
    assert {"textarea", "button"} <= set(seen), seen


def test_map_clusters_are_named_and_popups_take_and_return_the_focus(
    site_server, demo, checked_page
):
    from tests.browser.test_map import zoom_until_markers

    page = checked_page
    page.goto(f"{site_server.url}/ar/map/")
    cluster = page.locator(".brug-cluster").first
    expect(cluster).to_have_attribute("role", "button")
    # Leaflet's zoom buttons speak the visitor's language too, not English.
    arabic = re.compile(r"^[\u0600-\u06ff ]+$")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", arabic)
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("aria-label", arabic)
    # Read from one element at once: the markers are redrawn whenever the map moves.
    count, name = cluster.evaluate(
        "node => [node.textContent.trim(), node.getAttribute('aria-label') || '']"
    )
    # The count alone told nothing: "5 services here", in the visitor's language.
    assert count.isdigit() and count in name and re.search(r"[^\d\s]{3}", name), (count, name)

    zoom_until_markers(page)
    pin = page.locator(".brug-pin").first
    link = page.locator(".map-popup__title a")
    for _attempt in range(3):
        # The last zoom may still redraw the markers, taking the focused one away: try again.
        pin.focus()
        page.keyboard.press("Enter")
        try:
            expect(link).to_be_focused(timeout=3000)
            break
        except AssertionError:
            continue
    expect(link).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".map-popup")).to_have_count(0)
    expect(pin).to_be_focused()
    # The close button gives the focus back too, and speaks the visitor's language.
    page.keyboard.press("Enter")
    expect(link).to_be_focused()
    close = page.locator(".leaflet-popup-close-button")
    expect(close).to_have_attribute("aria-label", re.compile(r"^[\u0600-\u06ff ]+$"))
    close.press("Enter")
    expect(page.locator(".map-popup")).to_have_count(0)
    expect(pin).to_be_focused()
