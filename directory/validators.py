"""Field validators for listings: Belgian/Dutch postcodes, phone numbers, enterprise numbers.

Each raises a translated ValidationError that says what a valid value looks like.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

POSTCODE_PATTERNS = {
    "BE": (re.compile(r"^[1-9]\d{3}$"), _("A Belgian postcode has four digits, e.g. 3000.")),
    "NL": (
        re.compile(r"^[1-9]\d{3} ?[A-Z]{2}$"),
        _("A Dutch postcode has four digits and two letters, e.g. 3011 AB."),
    ),
}

_PHONE_ALLOWED = re.compile(r"^\+?[\d\s()./-]+$")


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().upper())


def validate_postcode(value: str, country: str) -> None:
    pattern, message = POSTCODE_PATTERNS.get(country, POSTCODE_PATTERNS["BE"])
    if not pattern.match(normalise_postcode(value)):
        raise ValidationError(message, code="invalid_postcode")


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value or "")
    if not _PHONE_ALLOWED.match(value or "") or not 8 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number of 8 to 15 digits, e.g. 016 24 80 00 or +32 16 24 80 00."),
            code="invalid_phone",
        )


def validate_enterprise_number(value: str) -> None:
    """Belgian enterprise number (KBO/BCE): ten digits, the last two a mod-97 check."""
    digits = re.sub(r"[\s.]", "", (value or "").upper().removeprefix("BE"))
    valid = (
        len(digits) == 10
        and digits.isdigit()
        and digits[0] in "01"
        and 97 - int(digits[:8]) % 97 == int(digits[8:])
    )
    if not valid:
        raise ValidationError(
            _("Enter a valid Belgian enterprise number, e.g. 0212.239.067."),
            code="invalid_enterprise_number",
        )
