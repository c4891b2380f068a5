"""Admin panels of the directory's own: the point of a location on a small map, and a
term's labels in the order of settings.LANGUAGES."""

from django import forms
from django.conf import settings
from wagtail.admin.panels import InlinePanel, MultiFieldPanel


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
