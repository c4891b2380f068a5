"""The Content-Security-Policy, from the side of a visitor whose browser must refuse injected
script: every public page, the admin and the API send a policy that runs scripts only from
this server (no 'unsafe-inline'), loads no plugins and cannot be framed by another site; the
map, the admin's page editors and the referral screens still work under it, with no
violation reported by the browser."""

import pytest
from playwright.sync_api import expect

from tests.directory.conftest import make_user, orgs  # noqa: F401
from website.content_security import is_wagtail_initialiser, tile_source, with_nonce

TILE_HOST = "tile.openstreetmap.org"
PASSWORD = "a-Long-pass-phrase-42"  # make_user's


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response) -> dict[str, list[str]]:
    policy = directives(response)
    scripts = policy["script-src"]
    assert "'self'" in scripts
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert not [source for source in scripts if source.startswith(("http", "*"))]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", f"https://{TILE_HOST}"]
    return policy


@pytest.mark.django_db
def test_public_pages_and_the_api_send_a_strict_policy(client, network):
    service = network["service"]
    for url in (
        "/nl/",
        "/nl/search/?q=woning",
        "/nl/map/",
        service.url,
        "/api/v1/services?q=woning",
        "/api/v1/map?bbox=4.6,50.8,4.8,50.95&zoom=12",
        "/api/v1/docs",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = assert_strict(response)
        assert policy["style-src"] == ["'self'"], url


@pytest.mark.django_db
def test_the_map_script_runs_by_the_nonce_of_its_own_response(client, network):
    first, second = client.get("/nl/map/"), client.get("/nl/map/")
    nonces = []
    for response in (first, second):
        nonce = next(s for s in directives(response)["script-src"] if s.startswith("'nonce-"))
        assert f'<script nonce="{nonce[7:-1]}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
def test_the_admin_sends_the_policy_signed_out_and_signed_in(client, orgs):  # noqa: F811
    assert_strict(client.get("/admin/login/"))
    client.force_login(make_user("curator-csp", is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in assert_strict(response)["style-src"]  # see content_security
    response = client.get(f"/admin/pages/{orgs['own']['location'].pk}/edit/")
    assert response.status_code == 200
    nonce = next(s for s in directives(response)["script-src"] if s.startswith("'nonce-"))
    assert f'<script nonce="{nonce[7:-1]}">initTimeChooser(' in response.content.decode()


def test_only_wagtails_own_initialisers_get_the_admin_nonce():
    page = (
        '<script>initDateChooser("id_valid_from", {"format": "Y-m-d"});</script>'
        '<script>new PageChooser("id_front_door", {"modalUrl": "/admin/choose-page/"});</script>'
        # What markup injected into an admin page might try:
        "<script>alert(document.cookie)</script>"
        '<script>initDateChooser("x", {"a": 1}); fetch("/steal");</script>'
        '<script>new PageChooser("x", {a: fetch("/steal")});</script>'
    )
    signed = with_nonce(page, "N")
    assert signed.count('<script nonce="N">') == 2
    assert "<script>alert(document.cookie)</script>" in signed
    assert not is_wagtail_initialiser('initDateChooser("x", {"a": 1}); fetch("/steal");')


def test_the_tile_host_comes_from_the_tile_url():
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_source("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org:8443"
    )
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None


def watch_violations(context) -> list[str]:
    """Every CSP violation the browser reports, on every page the context opens."""
    seen = []
    context.expose_function("brugCspViolation", lambda text: seen.append(text))
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.brugCspViolation("
        "location.pathname + ': ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + "
        "e.sourceFile + ':' + e.lineNumber))"
    )
    return seen


@pytest.fixture
def csp_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.violations = watch_violations(context)
    context.route(f"**/{TILE_HOST}/**", lambda route: route.abort())
    yield context
    context.close()


@pytest.mark.browser
@pytest.mark.django_db
def test_the_map_shows_its_markers_under_the_policy(site_server, network, csp_context):
    page = csp_context.new_page()
    page.goto(f"{site_server.url}/nl/map/")
    expect(page.locator(".brug-pin, .brug-cluster").first).to_be_visible()
    expect(page.locator("[data-map-status]")).to_contain_text("Diensten op de kaart: 1")
    page.locator(".brug-pin, .brug-cluster").first.click()
    expect(page.locator(".map-popup__title a")).to_have_text("Woonbegeleiding")
    assert csp_context.violations == []


@pytest.mark.browser
@pytest.mark.django_db
def test_a_curator_edits_pages_in_the_admin_with_no_violation(
    site_server,
    orgs,  # noqa: F811
    csp_context,
):
    make_user("boss", is_superuser=True)
    page = csp_context.new_page()
    page.goto(f"{site_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{site_server.url}/admin/")
    own = orgs["own"]

    # The location editor: its opening hours are an inline panel with time pickers.
    page.goto(f"{site_server.url}/admin/pages/{own['location'].pk}/edit/")
    hours = page.locator("#id_opening_hours-FORMS > [data-inline-panel-child]:not(.deleted)")
    expect(hours).to_have_count(1)
    page.locator("#id_opening_hours-ADD").click()
    expect(hours).to_have_count(2)  # Wagtail's InlinePanel script ran

    # The service editor: its summary is typed, the page saved as a draft.
    page.goto(f"{site_server.url}/admin/pages/{own['service'].pk}/edit/")
    page.fill("#id_summary", "Together we look for a home in Leuven.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("has been updated")

    # The organisation editor and the page explorer with its filters.
    page.goto(f"{site_server.url}/admin/pages/{own['organisation'].pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("Buddy Leuven")
    page.goto(f"{site_server.url}/admin/pages/")
    expect(page.locator("h1")).to_be_visible()
    assert csp_context.violations == []


@pytest.mark.browser
@pytest.mark.django_db
def test_the_api_docs_work_under_the_policy(site_server, home, csp_context):
    """A developer reading /api/v1/docs: Swagger UI comes from this server, not a CDN."""
    page = csp_context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2].split(":")[0]))
    page.goto(f"{site_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Brug")
    assert hosts <= {"localhost", "127.0.0.1"}
    assert csp_context.violations == []
