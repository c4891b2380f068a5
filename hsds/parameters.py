"""The HSDS API's query parameters, checked by one form (errors in the feed's language, as
the search API's are: search.query), and the feed's locale."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core.languages import content_codes
from search.query import MAX_QUERY_LENGTH, FlagField

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# 500 km: the whole of Belgium and the Netherlands from anywhere in them.
MAX_PROXIMITY_METRES = 500_000


# The parameters the OpenAPI document types as integer or boolean.
TYPED_IN_THE_DOCUMENT = ("page", "per_page", "minimal", "full", "full_service", "top_only")


class HsdsParameters(forms.Form):
    """Every parameter of every HSDS endpoint (each endpoint reads the ones it knows)."""

    search = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE)
    locale = forms.ChoiceField(required=False)
    format = forms.ChoiceField(required=False, choices=[("json", "json")])
    taxonomy_term_id = forms.UUIDField(required=False)
    taxonomy_id = forms.UUIDField(required=False)
    organization_id = forms.UUIDField(required=False)
    parent_id = forms.UUIDField(required=False)
    modified_after = forms.DateTimeField(required=False)
    minimal = FlagField()
    full = FlagField()
    full_service = FlagField()
    top_only = FlagField()
    postcode = forms.CharField(required=False, max_length=10)
    proximity = forms.FloatField(required=False, min_value=1, max_value=MAX_PROXIMITY_METRES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [("", "")] + [
            (code, name)
            for code, name in settings.WAGTAIL_CONTENT_LANGUAGES
            if code in content_codes()
        ]

    def clean_search(self):
        return " ".join(self.cleaned_data["search"].split())

    def clean_postcode(self):
        return "".join(self.cleaned_data["postcode"].split()).upper()

    def clean(self):
        data = super().clean()
        # An integer or boolean parameter given without a value (`?page=`, `?full=`) is not
        # the parameter left out: the document types it, and "" is of neither type.
        for name in TYPED_IN_THE_DOCUMENT:
            if self.data.get(name, None) == "" and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        if data.get("proximity") is not None and not data.get("postcode"):
            self.add_error("proximity", _("Give a postcode to measure the proximity from."))
        return data

    def errors_by_name(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}


def feed_language(request) -> str:
    """The feed's content language: `locale`, else the best of Accept-Language, else the
    site's default. An unknown `locale` is the form's error, not a silent fallback."""
    asked = request.GET.get("locale", "")
    codes = content_codes()
    if asked in codes:
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in codes:
            return base
    return settings.LANGUAGE_CODE
