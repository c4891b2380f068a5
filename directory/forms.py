"""Admin forms of the directory's pages."""

from decimal import Decimal

from wagtail.admin.forms import WagtailAdminPageForm

from directory.confidentiality import MUNICIPALITY_PRECISION, municipality_centre
from directory.geocoding import locate_address

ADDRESS_FIELDS = ("street", "house_number", "postcode", "municipality", "country")
POINT_FIELDS = ("latitude", "longitude")


class TranslatorFieldsMixin:
    """A translator (and nothing more) changes only the translatable fields of a page: every
    other field is disabled, so it keeps its saved value whatever is posted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None or not self.instance.pk:
            return
        from directory.roles import translating_only
        from directory.translation_state import translatable_fields

        if translating_only(self.for_user, self.instance):
            keep = set(translatable_fields(type(self.instance)))
            for name, form_field in self.fields.items():
                if name not in keep:
                    form_field.disabled = True


class TranslatablePageForm(TranslatorFieldsMixin, WagtailAdminPageForm):
    """The admin form of the directory's pages without a form of their own."""


class LocationPageForm(TranslatorFieldsMixin, WagtailAdminPageForm):
    """Puts a location on the map when it is saved.

    A pin the editor placed (or coordinates typed in) is kept, with precision "manual". When
    the address is new or changed, or there is no point yet, the address is geocoded
    (directory.geocoding: online if configured, else or on failure the postcode's point);
    geocoding never stops a save. A confidential location is put on its municipality's centre
    whatever the pin says, and its street address is never sent to an online geocoder."""

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in ADDRESS_FIELDS + POINT_FIELDS):
            return cleaned
        if cleaned.get("confidential"):
            centre = municipality_centre(
                cleaned.get("municipality") or "",
                cleaned.get("postcode") or "",
                cleaned.get("country") or "",
            )
            cleaned["latitude"] = round_decimal(centre[0]) if centre else None
            cleaned["longitude"] = round_decimal(centre[1]) if centre else None
            cleaned["coordinate_precision"] = MUNICIPALITY_PRECISION if centre else ""
            return cleaned
        given = [cleaned.get(name) is not None for name in POINT_FIELDS]
        if any(given) and not all(given):
            return cleaned  # half a point: the model's validation says what is missing
        has_point = all(given)
        pin_moved = any(name in self.changed_data for name in POINT_FIELDS)
        address_changed = any(name in self.changed_data for name in ADDRESS_FIELDS)
        if has_point and pin_moved:
            cleaned["coordinate_precision"] = "manual"
        elif address_changed or not has_point:
            found = locate_address(*(cleaned.get(name) or "" for name in ADDRESS_FIELDS))
            if found is not None:
                cleaned["latitude"] = round_decimal(found.latitude)
                cleaned["longitude"] = round_decimal(found.longitude)
                cleaned["coordinate_precision"] = found.precision
            elif address_changed:
                # The old point belonged to the old address.
                cleaned["latitude"] = cleaned["longitude"] = None
                cleaned["coordinate_precision"] = ""
        return cleaned


def round_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))
