"""Admin widgets of the directory's own: the needs as a grouped, searchable picker."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class GroupedNeedsWidget(forms.CheckboxSelectMultiple):
    """The needs as checkboxes in one group per main need (the main need first, then its
    sub-needs), so 57 needs read as 14 groups. Without JavaScript that is all; with it, a
    filter box above the groups hides the needs and groups that do not match
    (directory/js/need-picker.js, a static file of ours: nothing from another host).

    The choices' instances must have their parent and labels fetched (ServiceForm does), or
    every label costs queries."""

    template_name = "directory/widgets/grouped_needs.html"
    # Wagtail's own catalogues translate it in every admin language: no new message.
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
        # The template is the project's (templates/directory/), which Django's default form
        # renderer does not search.
        return super().render(name, value, attrs, renderer=TemplatesSetting())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = self.filter_label
        return context
