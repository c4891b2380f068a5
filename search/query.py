"""The one search query every view and the API use: parsed and validated from request
parameters, answered by whichever backend is configured (search.backends)."""

from dataclasses import dataclass, field, make_dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from directory import eligibility, pathways
from directory.geocoding import PlaceError, resolve_place
from directory.models import Need
from search import analysis, schema
from search.clusters import MAX_ZOOM

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
SORTS = ("relevance", "distance", "name")
LIST_FILTERS = tuple(f.param for f in schema.LIST_FILTERS)
FLAG_FILTERS = tuple(f.param for f in schema.FLAG_FILTERS)
# The client a coach describes once: only services they can use (directory.eligibility).
ELIGIBILITY_PARAMETERS = tuple(p.param for p in schema.CLIENT_PARAMETERS)

# One attribute per filter of the schema: a list of values, or a flag.
FilterValues = make_dataclass(
    "FilterValues",
    [
        (f.query_attribute, list[str], field(default_factory=list))
        if f.kind == schema.LIST
        else (f.query_attribute, bool, field(default=False))
        for f in schema.FILTERS
    ],
    namespace={"__doc__": "What a query asks of each filter of search.schema."},
)


@dataclass
class SearchQuery(FilterValues):
    """What to search: the words, the schema's filters (FilterValues), the client, the place
    or area, the order and the page."""

    text: str = ""
    language: str = settings.LANGUAGE_CODE
    eligible_status: str = ""
    eligible_age: int | None = None
    eligible_postcodes: frozenset[str] = frozenset()
    eligible_gender: str = ""
    # Not a parameter: the organisations (keys) the signed-in coach refers from (for_coach).
    coach_organisations: frozenset[str] = frozenset()
    point: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    @property
    def client(self) -> eligibility.Client:
        """The client described with the eligible_* parameters (empty: no filtering)."""
        return eligibility.Client(
            status=self.eligible_status,
            age=self.eligible_age,
            postcodes=self.eligible_postcodes,
            gender=self.eligible_gender,
            organisations=self.coach_organisations,
        )

    @property
    def has_text(self) -> bool:
        return analysis.has_words(self.text)

    @property
    def can_relax(self) -> bool:
        """Whether "any of the words" can find more than "every word"."""
        return len(set(analysis.tokens(self.text))) > 1

    def needs_with_children(self) -> set[str]:
        if not self.need:
            return set()
        slugs = set(self.need)
        slugs.update(Need.objects.filter(parent__slug__in=self.need).values_list("slug", flat=True))
        return slugs


class FlagField(forms.TypedChoiceField):
    """true/false (or 1/0); empty: false."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", ""), ("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")],
            coerce=lambda v: v in ("true", "1"),
            required=False,
            empty_value=False,
            **kwargs,
        )


def _filter_field(spec: schema.Filter) -> forms.Field:
    if spec.kind == schema.FLAG:
        return FlagField()
    return forms.MultipleChoiceField(required=False)


class SearchParameters(forms.Form):
    """Validation of the public parameters; errors come out in the visitor's language. The
    filters' fields come from the schema (search.schema.FILTERS)."""

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)
    lang = forms.ChoiceField(required=False, choices=settings.LANGUAGES)
    eligible_status = forms.ChoiceField(
        required=False, choices=[("", "")] + eligibility.ResidenceStatus.choices
    )
    eligible_age = forms.IntegerField(required=False, min_value=0, max_value=eligibility.MAX_AGE)
    eligible_municipality = forms.CharField(required=False, max_length=100)
    eligible_gender = forms.ChoiceField(
        required=False, choices=[("", "")] + eligibility.Gender.choices
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)
    near = forms.CharField(required=False, max_length=100)
    radius_km = forms.FloatField(required=False, min_value=0.1, max_value=500)
    bbox = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    # Validated in this order (so errors are listed in it): words, filters, the rest.
    field_order = ["q", "lang", *(f.param for f in schema.FILTERS)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in schema.FILTERS:
            self.fields[spec.param] = _filter_field(spec)
            if spec.choices is not None:
                self.fields[spec.param].choices = [(v, v) for v in spec.choices()]
        self.order_fields(self.field_order)

    @classmethod
    def declared_fields_and_filters(cls) -> dict[str, forms.Field]:
        """Every field, in the form's order, without the database's choices (for the API's
        documentation, search.api_parameters)."""
        fields = {**cls.base_fields, **{spec.param: _filter_field(spec) for spec in schema.FILTERS}}
        order = [*cls.field_order, *(name for name in fields if name not in cls.field_order)]
        return {name: fields[name] for name in order}

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_eligible_municipality(self):
        text = " ".join(self.cleaned_data["eligible_municipality"].split())
        if not text:
            self.cleaned_data["eligible_postcodes"] = frozenset()
            return text
        self.cleaned_data["eligible_postcodes"] = eligibility.client_postcodes(text)
        return text

    def clean_bbox(self):
        raw = self.cleaned_data["bbox"]
        if not raw:
            return None
        try:
            west, south, east, north = (float(p) for p in raw.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give the area as west,south,east,north in degrees.")
            ) from None
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise forms.ValidationError(_("Longitudes must be between -180 and 180."))
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError(_("Latitudes must be between -90 and 90."))
        if south > north:
            raise forms.ValidationError(_("South must not be above north."))
        if west > east:
            raise forms.ValidationError(_("West must not be east of east."))
        return (west, south, east, north)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (
            (lat is None) != (lon is None)
            and not self.has_error("lat")
            and not self.has_error("lon")
        ):
            self.add_error("lon", _("Give both lat and lon."))
        near = data.get("near")
        if near and lat is None:
            try:
                place = resolve_place(near)
            except PlaceError as error:
                self.add_error("near", str(error))
            else:
                data["lat"], data["lon"] = place.lat, place.lon
                data["place"] = place
        if data.get("sort") == "distance" and data.get("lat") is None and not self.errors:
            self.add_error("sort", _("Sorting by distance needs a place (near, or lat and lon)."))
        return data

    def to_query(self, default_language: str) -> SearchQuery:
        d = self.cleaned_data
        point = (d["lat"], d["lon"]) if d.get("lat") is not None else None
        return SearchQuery(
            text=d["q"],
            language=d.get("lang") or default_language,
            **{f.query_attribute: d[f.param] for f in schema.FILTERS},
            eligible_status=d.get("eligible_status") or "",
            eligible_age=d.get("eligible_age"),
            eligible_postcodes=d.get("eligible_postcodes") or frozenset(),
            eligible_gender=d.get("eligible_gender") or "",
            point=point,
            radius_km=d.get("radius_km") if point else None,
            bbox=d["bbox"],
            sort=_sort(d.get("sort"), bool(point), analysis.has_words(d["q"])),
            page=d.get("page") or 1,
            page_size=d.get("page_size") or 20,
        )


def _sort(asked: str | None, has_point: bool, has_words: bool) -> str:
    """Nearest first around a place, unless words make relevance mean something."""
    if asked and not (asked == "relevance" and has_point and not has_words):
        return asked
    return "distance" if has_point and not has_words else "relevance"


class MapParameters(SearchParameters):
    """The search parameters plus the map's area (required) and zoom level."""

    zoom = forms.IntegerField(
        min_value=0,
        max_value=MAX_ZOOM,
        error_messages={
            "required": _("Give the zoom level: a whole number from 0 to 20."),
            "invalid": _("Give the zoom level: a whole number from 0 to 20."),
            "max_value": _("Give the zoom level: a whole number from 0 to 20."),
            "min_value": _("Give the zoom level: a whole number from 0 to 20."),
        },
    )

    bbox = forms.CharField(
        max_length=100,
        error_messages={"required": _("Give the map area as bbox=west,south,east,north.")},
    )


class SuggestParameters(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)
    limit = forms.IntegerField(required=False, min_value=1, max_value=20)
    lang = forms.ChoiceField(required=False, choices=settings.LANGUAGES)


def for_coach(query: SearchQuery | None, user) -> SearchQuery | None:
    """The query of a signed-in coach who describes a client: pathways reserved for partners
    their organisations are not among then count as services the client cannot use through
    them (directory.pathways); anyone else's query is left as it is."""
    if query is not None and query.client and user.is_authenticated:
        organisations = pathways.referring_organisations(user)
        query.coach_organisations = frozenset(pathways.organisation_keys(organisations))
    return query


def parse(params, default_language: str) -> tuple[SearchQuery | None, dict[str, list[str]]]:
    """A validated query, or the errors per parameter (translated)."""
    form = SearchParameters(params)
    if not form.is_valid():
        return None, _errors(form)
    return form.to_query(default_language), {}


def parse_map(params, default_language: str):
    """A validated map query and zoom level, or the errors per parameter (translated)."""
    form = MapParameters(params)
    if not form.is_valid():
        return None, None, _errors(form)
    return form.to_query(default_language), form.cleaned_data["zoom"], {}


def _errors(form) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}
