"""Spreadsheet exports that cannot be turned against the person who opens them.

A CSV cell whose text starts with = + - @ (or a tab or carriage return) is run as a formula
by Excel and LibreOffice: a service named `=HYPERLINK("http://…","…")` would become a link
(or worse) in a curator's or manager's spreadsheet. Every CSV export of the product goes
through `SafeSpreadsheetExportMixin`, which prefixes such text with a single quote (the
OWASP rule). Wagtail's own exports (the aging-pages, locked-pages and workflow reports, the
snippet and model listings) show page titles an editor typed, so `protect_wagtail_exports()`
(called when the app is ready) gives Wagtail's base class the same writer. Only text is
touched: a number, even a negative one, stays a number. XLSX needs nothing more: Wagtail's
writer already stores a would-be formula as text.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a CSV cell that a spreadsheet shows as text and never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_wagtail_get_heading = SpreadsheetExportMixin.get_heading


def write_csv_row(self, writer, row_dict):
    return writer.writerow(
        {
            name: neutralise(self.preprocess_field_value(name, value, self.FORMAT_CSV))
            for name, value in row_dict.items()
        }
    )


def get_heading(self, queryset, field):
    return neutralise(_wagtail_get_heading(self, queryset, field))


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV/XLSX export with every CSV cell (headings too) neutralised."""

    write_csv_row = write_csv_row
    get_heading = get_heading


def protect_wagtail_exports() -> None:
    """Every view built on Wagtail's export mixin, Wagtail's own reports included, writes
    CSV through the safe writer (a subclass of Wagtail's mixin that nobody lists here could
    otherwise export a formula)."""
    SpreadsheetExportMixin.write_csv_row = write_csv_row
    SpreadsheetExportMixin.get_heading = get_heading
