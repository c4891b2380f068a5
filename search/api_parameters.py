"""The API's query parameters, documented from the forms that check them (search.query): each
parameter's OpenAPI type, limits, choices and whether it is required come from its form field,
its description from search.schema or from DESCRIPTIONS, so the documentation cannot drift
from the rules.

At run time every parameter arrives as text and the form validates it, so that a wrong value
gets the form's message in the visitor's language rather than pydantic's in English."""

from django import forms
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from search import query as search_query
from search import schema as search_schema

DESCRIPTIONS = {
    "q": "Words to search for, in any of the site's languages; empty: every service.",
    "lang": "Language of the answer's texts and messages (a UI language code); "
    "the request's language when empty.",
    "lat": "Latitude of the point to search around, in degrees (with lon).",
    "lon": "Longitude of the point to search around, in degrees (with lat).",
    "near": "A place to search around instead of lat and lon: a postcode or a municipality.",
    "radius_km": "Only services within this many kilometres of the point (with near, "
    "or lat and lon).",
    "bbox": "Only services in this area: west,south,east,north in degrees.",
    "sort": "relevance, distance (needs a place) or name; by default relevance, or nearest "
    "first around a place when no words are given.",
    "page": "The page of results, from 1.",
    "page_size": f"Results per page (1–{search_query.MAX_PAGE_SIZE}; default 20).",
    "zoom": "The map's zoom level, 0–20.",
    "limit": "At most this many suggestions (1–20; default 8).",
}
SPEC_DESCRIPTIONS = {
    spec.param: spec.description
    for spec in (*search_schema.FILTERS, *search_schema.CLIENT_PARAMETERS)
}


def field_schema(field: forms.Field) -> dict:
    """The JSON schema of what a form field accepts."""
    if isinstance(field, search_query.FlagField):
        return {"type": "boolean"}
    if isinstance(field, forms.MultipleChoiceField):
        return {"type": "array", "items": {"type": "string"}}
    if isinstance(field, forms.IntegerField | forms.FloatField):
        # A FloatField is an IntegerField to Django: ask for the float first.
        schema = {"type": "number" if isinstance(field, forms.FloatField) else "integer"}
        for key, value in (("minimum", field.min_value), ("maximum", field.max_value)):
            if value is not None:
                schema[key] = value
        return schema
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [str(value) for value, _label in field.choices if value]}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def declared(form_class: type[forms.Form]) -> dict[str, forms.Field]:
    """A form's fields, with the search filters' for the search forms."""
    if issubclass(form_class, search_query.SearchParameters):
        return form_class.declared_fields_and_filters()
    return dict(form_class.base_fields)


def parameters(name: str, form_class: type[forms.Form], **descriptions: str) -> type[Schema]:
    """The ninja schema of a form's parameters (descriptions: overrides for this endpoint)."""

    def document(schema: dict, _model) -> None:
        fields = declared(form_class)
        schema["properties"] = {
            param: {
                **field_schema(field),
                "description": descriptions.get(param)
                or SPEC_DESCRIPTIONS.get(param)
                or DESCRIPTIONS[param],
            }
            for param, field in fields.items()
        }
        required = [param for param, field in fields.items() if field.required]
        schema.pop("required", None)
        if required:
            schema["required"] = required

    base = type(
        f"{name}Base",
        (Schema,),
        {"model_config": ConfigDict(json_schema_extra=document), "__module__": __name__},
    )
    lists = {spec.param for spec in search_schema.LIST_FILTERS}
    names = list(declared(form_class))
    return create_model(
        name,
        __base__=base,
        **{
            param: (list[str], Field([])) if param in lists else (str | None, Field(None))
            for param in names
        },
    )
