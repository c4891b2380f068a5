"""Date pickers get ISO dates whatever the language's date format (browsers reject others)."""

from datetime import date

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from referrals.figures_forms import FiguresForm
from referrals.forms import ConsentFields


class _Consent(ConsentFields):
    pass


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_date_inputs_carry_iso_dates_in_every_language(language):
    day = date(2026, 12, 1)
    with translation.override(language):
        consent = _Consent(initial={"consent_valid_until": day})["consent_valid_until"]
        assert 'value="2026-12-01"' in str(consent)
        for name, field in FiguresForm.base_fields.items():
            if isinstance(field.widget, forms.DateInput):
                html = field.widget.render(name, day)
                assert 'value="2026-12-01"' in html, (language, name, html)
        # And a date typed by the browser's picker is read back.
        assert (
            _Consent(data={"consent_valid_until": "2026-12-01"})
            .fields["consent_valid_until"]
            .clean("2026-12-01")
            == day
        )
