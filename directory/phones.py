"""Phone numbers of imported records (an HSDS package, an initiatives list), parsed with
`phonenumbers` and stored in E.164.

The directory's own check (directory.validators.validate_phone) counts digits; an outside
file needs more: "+32 16 24 80 00" and "+31 16 24 80 00" are different numbers in different
countries, and "0000000000" is no number at all. A number without a country code is read as
one of the location's country (Belgian by default).
"""

import phonenumbers
from django.utils.translation import gettext as _


class PhoneError(ValueError):
    pass


def to_e164(number: str, country: str = "BE") -> str:
    """The number in E.164 ("+3216248000"), or PhoneError saying why it is not a number."""
    try:
        parsed = phonenumbers.parse(number or "", country or "BE")
    except phonenumbers.NumberParseException:
        raise PhoneError(_("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError(_("This is not a phone number.")) from None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
