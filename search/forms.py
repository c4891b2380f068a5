"""The public search form: validates what a visitor typed before any query runs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Need
from search.analysis import has_words

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Please use at most %(limit_value)d characters."),
        },
    )
    need = forms.SlugField(required=False)

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_need(self):
        code = self.cleaned_data["need"]
        if code and not Need.objects.filter(slug=code).exists():
            raise forms.ValidationError(_("This category does not exist."))
        return code

    def has_query(self) -> bool:
        data = self.cleaned_data
        return bool(has_words(data.get("q", "")) or data.get("need"))
