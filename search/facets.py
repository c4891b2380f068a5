"""The search page's filters in plain Python: the request's parameters, the facet counts and
the taxonomy turned into groups of options (labels in the visitor's language, counts, checked
state), active-filter chips and links that keep every parameter but the one they change.

The view stays thin and the template only loops. Labels come from a fixed number of queries
(needs, target groups, languages and tags, each with its labels), whatever the number of
options.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from directory import eligibility
from directory.models import Language, Need, NeedLabel, TargetGroup, TargetGroupLabel
from directory.models.organisations import OrganisationType
from directory.models.taxonomy import display_label_rows
from search import schema
from search.entries_cache import rebuilt_when_public_changes
from search.query import ELIGIBILITY_PARAMETERS, FLAG_FILTERS, LIST_FILTERS, SORTS, SearchQuery

# The SearchQuery attribute behind each list parameter.
QUERY_ATTRIBUTES = {spec.param: spec.query_attribute for spec in schema.LIST_FILTERS}
PLACE_PARAMETERS = ("near", "lat", "lon", "radius_km")
# Parameters the form has no control for; kept as hidden inputs when the form is sent again.
HIDDEN_PARAMETERS = ("lang", "page_size", "lat", "lon", "bbox")
# What "clear all filters" keeps: the words and how the visitor reads the results.
KEPT_ON_CLEAR = ("q", "lang", "page_size")
RADIUS_CHOICES_KM = (2, 5, 10, 25, 50)
# Longer groups show this many options and fold the rest under "show more".
VISIBLE_OPTIONS = 8

LEGENDS = {spec.param: spec.label for spec in schema.LIST_FILTERS}
FLAGS_LEGEND = _("Show only")
FLAG_LABELS = {spec.param: spec.label for spec in schema.FLAG_FILTERS}
# Filters that widen the results (off by default): their own group, without counts.
WIDENING = {spec.param: spec.label for spec in schema.WIDENING_FILTERS}
WIDENING_LEGEND = _("Projects")
SORT_LABELS = {
    "relevance": _("Best match"),
    "distance": _("Nearest first"),
    "name": _("Name (A–Z)"),
}
# The client a coach describes (directory.eligibility), as the form asks.
CLIENT_LEGEND = _("Your client can use it")
CLIENT_LABELS = {p.param: p.label for p in schema.CLIENT_PARAMETERS}
CLIENT_GENDERS = {"women": _("Woman or girl"), "men": _("Man or boy")}
# Names of the parameters in error messages, with where the visitor can fix them.
PARAMETER_LABELS = {
    **CLIENT_LABELS,
    "q": _("Search words"),
    **LEGENDS,
    **FLAG_LABELS,
    "near": _("Place"),
    "radius_km": _("Distance"),
    "lat": _("Latitude"),
    "lon": _("Longitude"),
    "bbox": _("Map area"),
    "sort": _("Sort by"),
    "page": _("Page"),
    "page_size": _("Results per page"),
    "lang": _("Language of your words"),
}
FIELD_ANCHORS = {
    "q": "q",
    "near": "near",
    "radius_km": "radius",
    "sort": "sort",
    **{name: f"filter-{name}" for name in LIST_FILTERS},
    **{flag: f"filter-{flag}" for flag in (*FLAG_FILTERS, *WIDENING)},
    **{name: name.replace("_", "-") for name in ELIGIBILITY_PARAMETERS},
}


def is_filtered(query: SearchQuery) -> bool:
    """Whether the visitor asked for anything at all: words, a filter, a place or an area."""
    return bool(
        query.has_text
        or query.point
        or query.bbox
        or any(getattr(query, attribute) for attribute in QUERY_ATTRIBUTES.values())
        or any(getattr(query, flag) for flag in (*FLAG_FILTERS, *WIDENING))
        or bool(query.client)
    )


def hidden_note(hidden: dict[str, int]) -> str:
    """ "12 services are hidden because your client cannot use them: 8 not for this
    residence status, 4 outside the service area." (empty when none are)."""
    total = hidden.get("total", 0) if hidden else 0
    if not total:
        return ""
    head = ngettext(
        "%(count)s service is hidden because your client cannot use it",
        "%(count)s services are hidden because your client cannot use them",
        total,
    ) % {"count": total}
    reasons = [
        f"{hidden[reason]} {eligibility.REASON_LABELS[reason]}"
        for reason in (*eligibility.REASONS, eligibility.PATHWAY)
        if hidden.get(reason)
    ]
    return f"{head}: {', '.join(reasons)}." if reasons else f"{head}."


def group_counts(response) -> dict[str, dict[str, int]]:
    """Facet counts as a visitor reads them next to a checkbox: a list in use counted without
    its own selection, so the counts say how many services each value brings (the backends
    answer it so, in the same call: search.backends.base.selected_groups)."""
    return {name: dict(response.facets.get(name, {})) for name in (*LIST_FILTERS, *FLAG_FILTERS)}


class Links:
    """Links to this page that keep every current parameter except the ones they change.

    Built with QueryDict, so values are encoded once and repeated parameters stay repeated.
    Empty values (an empty box sends `near=`) and the page number are left out: a link that
    changes what is shown starts again at page 1.
    """

    def __init__(self, path: str, params: QueryDict):
        self.path = path
        self.params = QueryDict(mutable=True)
        for name, values in params.lists():
            kept = [v for v in values if v.strip()]
            if kept and name != "page":
                self.params.setlist(name, kept)

    def _url(self, params: QueryDict) -> str:
        encoded = params.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path

    def _copy(self) -> QueryDict:
        return self.params.copy()

    def page(self, number: int) -> str:
        params = self._copy()
        if number > 1:
            params["page"] = str(number)
        return self._url(params)

    def without(self, name: str, value: str | None = None) -> str:
        """Without one value of a repeatable parameter, or without the parameter."""
        params = self._copy()
        remaining = [v for v in params.getlist(name) if value is not None and v != value]
        if remaining:
            params.setlist(name, remaining)
        else:
            params.pop(name, None)
        return self._url(params)

    def without_place(self) -> str:
        """Without the place; sorting by distance goes with it (it needs a place)."""
        params = self._copy()
        for name in PLACE_PARAMETERS:
            params.pop(name, None)
        if params.get("sort") == "distance":
            params.pop("sort")
        return self._url(params)

    def without_client(self) -> str:
        """The same search for anyone: without the client's description."""
        params = self._copy()
        for name in ELIGIBILITY_PARAMETERS:
            params.pop(name, None)
        return self._url(params)

    def without_parameter(self, name: str) -> str:
        """For an error: the same search without the parameter that was wrong."""
        if name in ("near", "lat", "lon"):
            return self.without_place()
        return self.without(name)

    def with_text(self, text: str) -> str:
        params = self._copy()
        params["q"] = text
        return self._url(params)

    def cleared(self) -> str:
        params = QueryDict(mutable=True)
        for name in KEPT_ON_CLEAR:
            if name in self.params:
                params.setlist(name, self.params.getlist(name))
        return self._url(params)


@dataclass
class PageLink:
    """One entry of the pagination: a page number with its link, or a gap (no number)."""

    number: int | None
    url: str = ""
    current: bool = False


def page_links(links: Links, page_obj) -> dict:
    """Previous, numbered (elided) and next links, each keeping every parameter."""
    paginator = page_obj.paginator
    pages = [
        PageLink(None)
        if number == paginator.ELLIPSIS
        else PageLink(number, links.page(number), number == page_obj.number)
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    ]
    return {
        "previous": links.page(page_obj.number - 1) if page_obj.has_previous() else "",
        "next": links.page(page_obj.number + 1) if page_obj.has_next() else "",
        "pages": pages,
    }


@dataclass
class Option:
    """One checkbox: a parameter value with its label, count and state."""

    name: str
    value: str
    label: str
    count: int | None  # None when nothing was searched yet
    checked: bool
    id: str = ""
    children: list["Option"] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def disabled(self) -> bool:
        # A flag that no current result has would only empty the list.
        return self.count == 0 and not self.checked

    @property
    def shown(self) -> bool:
        return self.count is None or self.count > 0 or self.checked or bool(self.children)

    @property
    def any_checked(self) -> bool:
        return self.checked or any(child.checked for child in self.children)


@dataclass
class Group:
    """A fieldset of checkboxes for one parameter; long ones fold after VISIBLE_OPTIONS."""

    name: str
    legend: str
    options: list[Option]
    more: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"filter-{self.name}"

    @property
    def more_open(self) -> bool:
        return any(option.any_checked for option in self.more)


@dataclass
class Choice:
    """An <option> of a select."""

    value: str
    label: str
    selected: bool


@dataclass
class Chip:
    """An active filter, shown as a link that removes it."""

    label: str
    url: str


@dataclass
class ProblemParameter:
    """A parameter the visitor must fix: its name, the messages, where to fix it, and the
    same search without it."""

    name: str
    label: str
    messages: list[str]
    anchor: str
    url: str


@dataclass
class ClientFields:
    """The "your client" fieldset: what was entered, with the choices to offer."""

    statuses: list[Choice]
    age: str
    municipality: str
    genders: list[Choice]

    @property
    def given(self) -> bool:
        return bool(
            self.age
            or self.municipality
            or any(c.selected and c.value for c in [*self.statuses, *self.genders])
        )


@dataclass
class FilterPanel:
    groups: list[Group]
    near: str
    radius_choices: list[Choice]
    sort_choices: list[Choice]
    chips: list[Chip]
    clear_url: str
    hidden: list[tuple[str, str]]
    problems: list[ProblemParameter]
    topics: list[Need]  # main needs, for the topic tiles
    links: Links
    client: ClientFields | None = None

    @property
    def active_count(self) -> int:
        return len(self.chips)

    @property
    def links_without_client(self) -> str:
        return self.links.without_client()


class Vocabulary:
    """Every term a filter can show, with its labels, in a fixed number of queries."""

    def __init__(self):
        # Only the label rows a label is shown from (the active and the default language):
        # every term has one in each of twelve languages.
        self.needs = list(
            Need.objects.prefetch_related(
                Prefetch("labels", queryset=display_label_rows(NeedLabel, "need"))
            )
        )
        self.target_groups = list(
            TargetGroup.objects.prefetch_related(
                Prefetch("labels", queryset=display_label_rows(TargetGroupLabel, "target_group"))
            )
        )
        self.languages = list(Language.objects.all())
        self.tags = list(
            Tag.objects.filter(directory_servicetag_items__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("name", flat=True)
        )

    def labels(self, name: str) -> list[tuple[str, str]]:
        """(value, label) pairs for a list parameter, in the taxonomy's order."""
        if name == "need":
            return [(n.slug, n.label()) for n in self.needs]
        if name == "target_group":
            return [(g.slug, g.label()) for g in self.target_groups]
        if name == "language":
            return [(lang.code, lang.name) for lang in self.languages]
        if name == "org_type":
            return [(value, str(label)) for value, label in OrganisationType.choices]
        return [(tag, tag) for tag in self.tags]


current_vocabulary = rebuilt_when_public_changes(Vocabulary)  # read-only, shared by requests


def build_panel(
    params: QueryDict,
    links: Links,
    counts: dict[str, dict[str, int]] | None,
    errors: dict[str, list[str]] | None = None,
    query: SearchQuery | None = None,
) -> FilterPanel:
    """Everything the filter form, the chips and the error summary show.

    `counts` is None when nothing was searched (no parameters, or invalid ones): every option
    is shown then, without a count. Checked states come from the parameters as sent, so a form
    with an error keeps what the visitor chose; the sort shown is the one applied (`query`),
    which is by distance when a place is given without words.
    """
    errors = errors or {}
    vocabulary = current_vocabulary()
    groups = [_group(name, params, counts, vocabulary) for name in LIST_FILTERS]
    for group in groups:
        group.errors = errors.get(group.name, [])
    flags = [
        Option(
            name=flag,
            value="true",
            label=str(FLAG_LABELS[flag]),
            count=None if counts is None else counts.get(flag, {}).get("true", 0),
            checked=_flag_on(params.get(flag)),
            id=f"filter-{flag}",
            errors=errors.get(flag, []),
        )
        for flag in FLAG_FILTERS
    ]
    applied_sort = query.sort if query is not None else params.get("sort", "relevance")
    # Topics first, then the yes/no filters, then the longer lists.
    groups.insert(1, Group(name="flags", legend=str(FLAGS_LEGEND), options=flags))
    widening = [
        Option(
            name=flag,
            value="true",
            label=str(label),
            count=None,
            checked=_flag_on(params.get(flag)),
            id=f"filter-{flag}",
            errors=errors.get(flag, []),
        )
        for flag, label in WIDENING.items()
    ]
    groups.append(Group(name="widening", legend=str(WIDENING_LEGEND), options=widening))
    return FilterPanel(
        groups=[group for group in groups if group.options or group.errors],
        near=params.get("near", ""),
        radius_choices=_radius_choices(params.get("radius_km", "")),
        sort_choices=[Choice(sort, str(SORT_LABELS[sort]), sort == applied_sort) for sort in SORTS],
        chips=_chips(params, links, vocabulary),
        clear_url=links.cleared(),
        hidden=[
            (name, value)
            for name in HIDDEN_PARAMETERS
            if not (name in ("lat", "lon") and params.get("near"))
            for value in params.getlist(name)
            if value.strip()
        ],
        problems=[
            ProblemParameter(
                name=name,
                label=str(PARAMETER_LABELS.get(name, "")),
                messages=messages,
                anchor=FIELD_ANCHORS.get(name, ""),
                url=links.without_parameter(name) if name in PARAMETER_LABELS else links.cleared(),
            )
            for name, messages in errors.items()
        ],
        topics=[need for need in vocabulary.needs if need.parent_id is None],
        links=links,
        client=_client_fields(params),
    )


def _client_fields(params: QueryDict) -> ClientFields:
    status = params.get("eligible_status", "")
    gender = params.get("eligible_gender", "")
    return ClientFields(
        statuses=[Choice("", gettext("Any status"), not status)]
        + [
            Choice(value, str(label), value == status)
            for value, label in eligibility.ResidenceStatus.choices
        ],
        age=params.get("eligible_age", ""),
        municipality=params.get("eligible_municipality", ""),
        genders=[Choice("", gettext("Not relevant"), not gender)]
        + [Choice(value, str(label), value == gender) for value, label in CLIENT_GENDERS.items()],
    )


def _flag_on(raw: str | None) -> bool:
    return raw in ("true", "1")


def _group(name: str, params: QueryDict, counts, vocabulary: Vocabulary) -> Group:
    chosen = set(params.getlist(name))
    group_counts = None if counts is None else counts.get(name, {})
    if name == "tag":
        chosen = {value.lower() for value in chosen}

    def option(value: str, label: str, index: int) -> Option:
        key = value.lower() if name == "tag" else value
        return Option(
            name=name,
            value=value,
            label=label,
            count=None if group_counts is None else group_counts.get(key, 0),
            checked=key in chosen,
            id=f"filter-{name}-{index}",
        )

    if name == "need":
        options = _need_tree(vocabulary, option)
    else:
        options = [
            option(value, label, index)
            for index, (value, label) in enumerate(vocabulary.labels(name))
        ]
        if name == "tag" and group_counts is not None:
            # Free words have no order of their own: the most common first.
            options.sort(key=lambda o: -(o.count or 0))
    options = [o for o in options if o.shown]
    return Group(
        name=name,
        legend=str(LEGENDS[name]),
        options=options[:VISIBLE_OPTIONS],
        more=options[VISIBLE_OPTIONS:],
    )


def _need_tree(vocabulary: Vocabulary, option) -> list[Option]:
    """Main needs with their sub-needs beneath; a sub-need shows when it has services or is
    chosen, a main need when it has services, is chosen or holds a shown sub-need."""
    options = {need.pk: option(need.slug, need.label(), need.pk) for need in vocabulary.needs}
    tops = []
    for need in vocabulary.needs:
        current = options[need.pk]
        if need.parent_id is None:
            tops.append(current)
        elif current.shown and need.parent_id in options:
            options[need.parent_id].children.append(current)
    return tops


def _radius_choices(raw: str) -> list[Choice]:
    try:
        current = float(raw) if raw.strip() else None
    except ValueError:
        current = None
    values = list(RADIUS_CHOICES_KM)
    if current is not None and current > 0 and current not in values:
        values = sorted([*values, current])  # a radius from a link stays selected
    choices = [Choice("", gettext("Any distance"), current is None)]
    for km in values:
        label = gettext("%(km)s km") % {"km": floatformat(km, -1)}
        choices.append(Choice(f"{km:g}", label, km == current))
    return choices


def _chips(params: QueryDict, links: Links, vocabulary: Vocabulary) -> list[Chip]:
    chips = []
    labels = {name: dict(vocabulary.labels(name)) for name in LIST_FILTERS}
    labels["tag"] = {tag.lower(): tag for tag in vocabulary.tags}
    for name in LIST_FILTERS:
        for value in dict.fromkeys(v for v in params.getlist(name) if v.strip()):
            key = value.lower() if name == "tag" else value
            chips.append(Chip(labels[name].get(key, value), links.without(name, value)))
    for flag, label in {**FLAG_LABELS, **WIDENING}.items():
        if _flag_on(params.get(flag)):
            chips.append(Chip(str(label), links.without(flag)))
    place = params.get("near", "").strip()
    radius = params.get("radius_km", "").strip()
    if place or params.get("lat", "").strip():
        place = place or gettext("the chosen point")
        if radius:
            label = gettext("Within %(km)s km of %(place)s") % {
                "km": _number(radius),
                "place": place,
            }
        else:
            label = gettext("Near %(place)s") % {"place": place}
        chips.append(Chip(label, links.without_place()))
    if params.get("bbox", "").strip():
        chips.append(Chip(gettext("In the map area"), links.without("bbox")))
    chips += _client_chips(params, links)
    return chips


def _client_chips(params: QueryDict, links: Links) -> list[Chip]:
    chips = []
    status = params.get("eligible_status", "").strip()
    if status in eligibility.ResidenceStatus.values:
        label = eligibility.ResidenceStatus(status).label
        chips.append(
            Chip(
                gettext("Client: %(status)s") % {"status": label}, links.without("eligible_status")
            )
        )
    age = params.get("eligible_age", "").strip()
    if age:
        chips.append(
            Chip(gettext("Client aged %(age)s") % {"age": age}, links.without("eligible_age"))
        )
    place = params.get("eligible_municipality", "").strip()
    if place:
        chips.append(
            Chip(
                gettext("Client lives in %(place)s") % {"place": place},
                links.without("eligible_municipality"),
            )
        )
    gender = params.get("eligible_gender", "").strip()
    if gender in CLIENT_GENDERS:
        chips.append(
            Chip(
                gettext("Client: %(gender)s") % {"gender": CLIENT_GENDERS[gender]},
                links.without("eligible_gender"),
            )
        )
    return chips


def _number(raw: str) -> str:
    try:
        return floatformat(float(raw), -1)
    except ValueError:
        return raw


__all__ = [
    "Chip",
    "FilterPanel",
    "Group",
    "Links",
    "Option",
    "PageLink",
    "build_panel",
    "group_counts",
    "hidden_note",
    "is_filtered",
    "page_links",
]
