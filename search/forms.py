"""The public search form: validates what a visitor typed before any query runs."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Need

MAX_QUERY_LENGTH = 200


def _has_words(text: str) -> bool:
    """True when the text has a letter or digit (not only punctuation or direction marks)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


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
        return bool(_has_words(data.get("q", "")) or data.get("need"))
