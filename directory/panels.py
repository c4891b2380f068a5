"""Admin panels of the directory's own: the point of a location on a small map, a term's
labels in the order of settings.LANGUAGES, and the "source changed" warning on a translation."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.panels import InlinePanel, MultiFieldPanel, Panel


class PointPanel(MultiFieldPanel):
    """Latitude, longitude and precision, with a map whose pin an editor can drag (the
    precision then becomes "manual"). Leaflet comes from the project's static files."""

    class BoundPanel(MultiFieldPanel.BoundPanel):
        template_name = "directory/panels/point_panel.html"

        @property
        def media(self):
            return super().media + forms.Media(
                css={"all": ["vendor/leaflet/leaflet.css", "directory/point-picker.css"]},
                js=["vendor/leaflet/leaflet.js", "directory/js/point-picker.js"],
            )

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["tile_url"] = settings.MAP_TILE_URL
            context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
            return context


class LanguageInlinePanel(InlinePanel):
    """Inline rows with a `language` field, shown in settings.LANGUAGES order (whatever order
    they were added in), so a curator reads a term's languages side by side and spots gaps."""

    class BoundPanel(InlinePanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.form is None:
                return
            order = {code: position for position, (code, _name) in enumerate(settings.LANGUAGES)}
            self.children.sort(
                key=lambda child: order.get(child.form["language"].value(), len(order))
            )


class TranslationStatePanel(Panel):
    """On a translation's edit page: a warning when its source changed since the translation
    was brought in line with it (directory.translation_state), with a link to the changes."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/panels/translation_state.html"

        @cached_property
        def state(self):
            from directory.translation_state import state_of

            page = self.instance
            if page is None or not page.pk or page.alias_of_id:
                return None
            return state_of(page)

        def is_shown(self):
            return self.state is not None and self.state.outdated

        def get_context_data(self, parent_context=None):
            from directory.translation_state import field_labels

            context = super().get_context_data(parent_context)
            model = type(self.instance)
            context["changed"] = ", ".join(field_labels(model, self.state.changed_fields))
            context["changes_url"] = reverse(
                "directory_translation_changes", args=[self.instance.pk]
            )
            return context
