"""Admin widgets of the directory's own: the needs as a grouped, searchable picker."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.telepath import register
from wagtail.admin.telepath.widgets import RadioSelectAdapter


class PageFieldCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes of a page's own field (see PageFieldCheckboxesAdapter)."""


class GroupedNeedsWidget(PageFieldCheckboxes):
    """The needs as checkboxes in one group per main need (the main need first, then its
    sub-needs), so 57 needs read as 14 groups. Without JavaScript that is all; with it, a
    filter box above the groups hides the needs and groups that do not match
    (directory/js/need-picker.js, a static file of ours: nothing from another host).

    The choices' instances must have their parent and labels fetched (ServiceForm does), or
    every label costs queries."""

    # A message the catalogues already have (the search page's button): nothing new to translate.
    filter_label = _("Search")

    class Media:
        css = {"all": ["directory/need-picker.css"]}
        js = ["directory/js/need-picker.js"]

    def optgroups(self, name, value, attrs=None):
        by_main = {}
        for index, (choice, label) in enumerate(self.choices):
            need = getattr(choice, "instance", None)
            main = need.parent if need is not None and need.parent_id else need
            key = main.pk if main is not None else None
            if key not in by_main:
                order = (main.sort_order, main.slug) if main is not None else (0, "")
                by_main[key] = (order, str(main) if main is not None else "", [], index)
            option_value = "" if choice is None else choice
            selected = str(option_value) in value
            options = by_main[key][2]
            option = self.create_option(
                name, option_value, label, selected, index, subindex=len(options), attrs=attrs
            )
            # The main need itself heads its group.
            if need is not None and not need.parent_id:
                options.insert(0, option)
            else:
                options.append(option)
        return [group for _order, *group in sorted(by_main.values(), key=lambda g: g[0])]

    def render(self, name, value, attrs=None, renderer=None):
        """Written here, not with a template: a template's loops over 57 options and their
        attributes were most of this widget's time on the service edit page."""
        widget = self.get_context(name, value, attrs)["widget"]
        element_id = widget["attrs"].get("id")
        parts = [
            format_html(
                '<div class="brug-need-picker" data-brug-need-picker data-filter-label="{}"{}>\n',
                widget["filter_label"],
                format_html(' id="{}"', element_id) if element_id else "",
            )
        ]
        for group, options, _index in widget["optgroups"]:
            parts.append(
                format_html(
                    '  <fieldset class="brug-need-picker__group">\n    <legend>{}</legend>\n',
                    group,
                )
            )
            for option in options:
                option_id = option["attrs"].get("id")
                parts.append(
                    format_html(
                        '    <div class="brug-need-picker__option"><label{}><input type="{}" '
                        'name="{}" value="{}"{}> {}</label></div>\n',
                        format_html(' for="{}"', option_id) if option_id else "",
                        option["type"],
                        option["name"],
                        str(option["value"]),
                        _attributes(option["attrs"]),
                        option["label"],
                    )
                )
            parts.append("  </fieldset>\n")
        parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = self.filter_label
        return context


def _attributes(attrs: dict) -> str:
    """An input's attributes as Django's widget templates write them (True: the name alone,
    False: left out)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PageFieldCheckboxesAdapter(RadioSelectAdapter):
    """Wagtail packs every widget of the edit form for its client-side panels, rendering it a
    second time as a template for new copies. A page's own field is never copied: the client
    only reads and sets it through the inputs the form rendered (`getByName`), so the
    template need not carry every option again (the needs, languages and locations of the
    service form were rendered twice)."""

    def js_args(self, widget):
        return [mark_safe('<div id="__ID__"></div>')]  # noqa: S308 (a constant)


register(PageFieldCheckboxesAdapter(), PageFieldCheckboxes)


class OrganisationPicker(PageFieldCheckboxes):
    """The organisations a referral pathway is reserved for: checkboxes of the chosen ones
    only, never every organisation (thousands of options), and a search field above them
    (directory/js/organisation-picker.js, asking the admin's organisation search) that adds
    a ticked checkbox for the one chosen. Without JavaScript, chosen ones can be unticked."""

    search_label = _("Search for an organisation")

    class Media:
        js = ["directory/js/organisation-picker.js"]

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is not None:
            chosen = [v for v in value if str(v).isdecimal()]
            self.choices = [choices.choice(page) for page in queryset.filter(pk__in=chosen)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = choices

    def render(self, name, value, attrs=None, renderer=None):
        from django.urls import reverse

        return format_html(
            '<div data-brug-organisation-picker data-name="{}" data-search-url="{}" '
            'data-search-label="{}">{}</div>',
            name,
            reverse("directory_organisation_search"),
            self.search_label,
            super().render(name, value, attrs, renderer),
        )
