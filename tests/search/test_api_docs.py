"""/api/v1/docs works offline (Swagger UI from this server's static files, allowed by the
Content-Security-Policy) and the OpenAPI schema describes and types every parameter."""

import re

import pytest
from django.contrib.staticfiles import finders

from search import query as search_query
from search import schema as search_schema

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_only_this_servers_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(ref.endswith("swagger-ui-bundle.js") for ref in references)
    for ref in references:
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")), ref
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "http" not in scripts


def operations(client) -> dict[str, dict[str, dict]]:
    schema = client.get("/api/v1/openapi.json").json()
    return {
        path: {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for path in ("/api/v1/services", "/api/v1/map", "/api/v1/suggest")
    }


def test_every_api_parameter_is_described_and_typed(client):
    for path, parameters in operations(client).items():
        for name, parameter in parameters.items():
            assert parameter.get("description"), (path, name)
            assert parameter["schema"].get("type"), (path, name)


def test_flags_are_booleans_numbers_are_numbers_and_lists_are_arrays(client):
    services = operations(client)["/api/v1/services"]
    for spec in search_schema.FLAG_FILTERS:
        assert services[spec.param]["schema"]["type"] == "boolean", spec.param
    for spec in search_schema.LIST_FILTERS:
        assert services[spec.param]["schema"] == {
            "type": "array",
            "items": {"type": "string"},
            "description": spec.description,
        }
    for name in ("page", "page_size", "eligible_age"):
        assert services[name]["schema"]["type"] == "integer", name
    for name in ("lat", "lon", "radius_km"):
        assert services[name]["schema"]["type"] == "number", name
    assert services["page_size"]["schema"]["maximum"] == search_query.MAX_PAGE_SIZE
    assert services["lat"]["schema"]["minimum"] == -90
    assert services["sort"]["schema"]["enum"] == list(search_query.SORTS)
    suggest = operations(client)["/api/v1/suggest"]
    assert suggest["limit"]["schema"]["type"] == "integer"


def test_bbox_and_zoom_are_required_on_the_map_only(client):
    found = operations(client)
    services, map_parameters = found["/api/v1/services"], found["/api/v1/map"]
    assert services["bbox"]["required"] is False
    assert "zoom" not in services
    assert map_parameters["bbox"]["required"] is True
    assert map_parameters["zoom"]["required"] is True
    assert map_parameters["zoom"]["schema"]["type"] == "integer"
    assert (
        map_parameters["zoom"]["schema"]["minimum"],
        map_parameters["zoom"]["schema"]["maximum"],
    ) == (0, 20)
    required = {name for name, p in {**services, **map_parameters}.items() if p["required"]}
    assert required == {"bbox", "zoom"}


def test_a_boolean_as_swagger_sends_it_is_understood(client, network):
    """Swagger UI sends true/false for a boolean parameter: both work as the documentation
    says, and a wrong value still gets the form's message in the visitor's language."""
    assert client.get("/api/v1/services", {"free": "false"}).status_code == 200
    assert client.get("/api/v1/services", {"free": "true"}).status_code == 200
    answer = client.get("/api/v1/map", {"lang": "fr", "bbox": "4.6,50.8,4.8,50.95"})
    assert answer.status_code == 400
    assert "zoom" in answer.json()["errors"]
    assert "Give the zoom level" not in answer.json()["errors"]["zoom"][0]
