"""The managers' figures in Wagtail's admin: outcomes, caseload and gaps, each a page with a
filter form, charts with the same numbers in a table, and CSV/XLSX exports through Wagtail's
SpreadsheetExportMixin (directory.spreadsheets: no CSV cell runs as a formula). Thin: the
figures come from referrals.analytics, referrals.caseload and referrals.gaps; who sees which
from referrals.scope; every number went through referrals.privacy. Exports are written to
the audit log (who exported which figures).
"""

import datetime
from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from directory.spreadsheets import SafeSpreadsheetExportMixin
from referrals import analytics, caseload, gaps, privacy
from referrals.figures_forms import DIMENSION_LABELS, FiguresForm, quick_periods
from referrals.models import DeclineReason
from referrals.scope import scope_for

OUTCOME_LABELS = {
    "sent": gettext_lazy("Sent"),
    "accepted": gettext_lazy("Accepted"),
    "declined": gettext_lazy("Declined"),
    "completed": gettext_lazy("Completed"),
    "no_show": gettext_lazy("No-show"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "redirected": gettext_lazy("Redirected"),
    "open": gettext_lazy("Still open"),
}
RATE_LABELS = {
    "acceptance": gettext_lazy("Acceptance rate"),
    "completion": gettext_lazy("Completion rate"),
    "no_show": gettext_lazy("No-show rate"),
}
TIME_LABELS = {
    "to_acceptance": gettext_lazy("From sent to accepted"),
    "to_intake": gettext_lazy("From sent to intake"),
}
SERIES_LABELS = {
    "sent": gettext_lazy("Sent"),
    "accepted": gettext_lazy("Accepted"),
    "declined": gettext_lazy("Declined"),
    "declined_full": gettext_lazy("Declined: full"),
    "completed": gettext_lazy("Completed"),
    "no_show": gettext_lazy("No-show"),
}


class ExportRow(OrderedDict):
    """One figure in an export: the table it belongs to, its row, the figure and the value
    (a number, or the suppressed text)."""


def export_row(table, row, figure, value) -> ExportRow:
    if isinstance(value, privacy.Cell):
        value = value.value if value.value is not None else value.text
    return ExportRow(table=str(table), row=str(row), figure=str(figure), value=value)


def chart(kind, labels, series: dict, horizontal=False) -> dict:
    """Chart.js data: numbers, None where the table shows "< 5" (drawn as "< 5")."""
    return {
        "type": kind,
        "horizontal": horizontal,
        "labels": [str(label) for label in labels],
        "datasets": [
            {
                "label": str(name),
                "data": [cell.value for cell in cells],
                "suppressed": [cell.suppressed for cell in cells],
            }
            for name, cells in series.items()
        ],
    }


class FiguresView(SafeSpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    kind = ""
    shown_fields: tuple[str, ...] = ()
    header_icon = "table"
    list_export = ["table", "row", "figure", "value"]
    export_headings = {
        "table": gettext_lazy("Table"),
        "row": gettext_lazy("Row"),
        "figure": gettext_lazy("Figure"),
        "value": gettext_lazy("Value"),
    }

    def dispatch(self, request, *args, **kwargs):
        self.scope = scope_for(request.user)
        if self.scope is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        default = analytics.default_filters()
        data.setdefault("start", default.start.isoformat())
        data.setdefault("end", default.end.isoformat())
        data.setdefault("threshold", str(caseload.default_threshold()))
        self.form = FiguresForm(data, scope=self.scope)
        if not self.form.is_valid():
            return self.render_to_response(self.get_context_data(figures=None), status=400)
        self.filters = self.form.filters()
        figures = analytics.cached(
            self.kind, self.scope, self.cache_key(), lambda: self.compute(self.filters)
        )
        if self.is_export:
            rows = [*self.filter_rows(), *self.export_rows(figures)]
            log(
                instance=request.user,
                action="brug.figures.exported",
                user=request.user,
                data={"figures": self.kind, "filters": self.filters.key, "scope": self.scope.key},
            )
            return self.as_spreadsheet(rows, request.GET.get("export"))
        return self.render_to_response(self.get_context_data(figures=figures))

    def cache_key(self) -> str:
        return self.filters.key

    def compute(self, filters):
        raise NotImplementedError

    def export_rows(self, figures):
        raise NotImplementedError

    def to_row_dict(self, item):
        return item

    def get_heading(self, queryset, field):
        return self.headings[field]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Headings now, in the manager's language (a CSV streams after the request ends).
        self.headings = {k: str(v) for k, v in self.export_headings.items()}
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_filename(self):
        return f"brug-{self.kind}-{self.filters.start:%Y-%m-%d}-{self.filters.end:%Y-%m-%d}"

    def filter_rows(self):
        table = _("Filters")
        yield export_row(table, "", _("From"), self.filters.start.isoformat())
        yield export_row(table, "", _("Until"), self.filters.end.isoformat())
        yield export_row(table, "", _("Scope"), self.scope_label())
        for name in (
            "receiving_organisation",
            "service",
            "need",
            "referring_organisation",
            "coach",
        ):
            value = getattr(self.filters, name)
            if value:
                label = dict(self.form.fields[name].choices).get(value, value)
                yield export_row(table, "", self.form.fields[name].label, label)
        yield export_row(table, "", _("Privacy"), privacy.NOTE)

    def scope_label(self) -> str:
        if self.scope.network:
            return _("The whole network")
        from wagtail.models import Page

        titles = Page.objects.filter(pk__in=self.scope.organisations).values_list(
            "title", flat=True
        )
        return _("Referrals sent or received by %(organisations)s") % {
            "organisations": ", ".join(titles)
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        params = self.request.GET.copy()
        params.pop("export", None)
        context.update(
            form=self.form,
            kind=self.kind,
            shown_fields=self.shown_fields,
            scope_label=self.scope_label(),
            privacy_note=privacy.NOTE,
            tabs=[
                ("outcomes", _("Outcomes"), reverse("figures_outcomes")),
                ("caseload", _("Caseload"), reverse("figures_caseload")),
                ("gaps", _("Gaps"), reverse("figures_gaps")),
                ("network", _("Network map"), reverse("figures_network")),
                ("gaps_map", _("Gaps map"), reverse("figures_gaps_map")),
            ],
            querystring=params.urlencode(),
            quick_periods=[
                (label, start.isoformat(), end.isoformat())
                for label, start, end in quick_periods(today)
            ],
            csv_url=self.csv_export_url if kwargs.get("figures") is not None else "",
            xlsx_url=self.xlsx_export_url if kwargs.get("figures") is not None else "",
        )
        return context


class OutcomesView(FiguresView):
    kind = "outcomes"
    shown_fields = (
        "start",
        "end",
        "receiving_organisation",
        "service",
        "need",
        "referring_organisation",
        "coach",
        "interval",
        "by",
    )
    page_title = gettext_lazy("Referral outcomes")
    template_name = "referrals/figures/outcomes.html"

    def cache_key(self):
        return f"{self.filters.key}|{self.form.chosen_dimension()}"

    def compute(self, filters):
        return analytics.outcomes(self.scope, filters, self.form.chosen_dimension())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is None or figures.too_few:
            return context
        interval = self.filters.interval
        period_labels = [period_label(row["period"], interval) for row in figures.trend]
        context.update(
            summary=[(OUTCOME_LABELS[k], figures.counts[k]) for k in OUTCOME_LABELS],
            declines=[(label, figures.declines[value]) for value, label in DeclineReason.choices],
            rates=[(RATE_LABELS[k], figures.rates[k]) for k in RATE_LABELS],
            times=[(TIME_LABELS[k], figures.times[k]) for k in TIME_LABELS],
            trend=[
                (label, [row[name] for name in analytics.TREND_SERIES])
                for label, row in zip(period_labels, figures.trend, strict=True)
            ],
            trend_series=[SERIES_LABELS[name] for name in analytics.TREND_SERIES],
            trend_chart=chart(
                "bar",
                period_labels,
                {
                    SERIES_LABELS[name]: [row[name] for row in figures.trend]
                    for name in ("sent", "accepted", "completed", "declined")
                },
            ),
            outcome_chart=chart(
                "bar",
                [OUTCOME_LABELS[k] for k in analytics.PARTITION],
                {_("Referrals"): [figures.counts[k] for k in analytics.PARTITION]},
                horizontal=True,
            ),
            breakdown_label=DIMENSION_LABELS[figures.dimension],
            breakdown_series=[SERIES_LABELS[name] for name in analytics.BREAKDOWN_SERIES],
            breakdown=[
                (row["label"], [row[name] for name in analytics.BREAKDOWN_SERIES], row)
                for row in figures.breakdown[: analytics.BREAKDOWN_ROWS_SHOWN]
            ],
            breakdown_more=max(0, figures.breakdown_total - analytics.BREAKDOWN_ROWS_SHOWN),
        )
        return context

    def export_rows(self, figures):
        if figures.too_few:
            yield export_row(_("Summary"), "", OUTCOME_LABELS["sent"], figures.counts["sent"])
            yield export_row(_("Overdue now"), "", _("Referrals"), figures.overdue)
            return
        summary = _("Summary")
        for key, label in OUTCOME_LABELS.items():
            yield export_row(summary, "", label, figures.counts[key])
        yield export_row(_("Overdue now"), "", _("Referrals"), figures.overdue)
        for value, label in DeclineReason.choices:
            yield export_row(
                _("Declined by reason"), label, _("Referrals"), figures.declines[value]
            )
        for key, label in RATE_LABELS.items():
            yield export_row(_("Rates (%)"), "", label, figures.rates[key])
        for key, label in TIME_LABELS.items():
            table = _("Days: %(what)s") % {"what": label}
            yield export_row(table, "", _("Median"), figures.times[key]["p50"])
            yield export_row(table, "", _("90th percentile"), figures.times[key]["p90"])
            yield export_row(table, "", _("Referrals counted"), figures.times[key]["n"])
        trend = _("Per week") if self.filters.interval == analytics.WEEK else _("Per month")
        for row in figures.trend:
            label = period_label(row["period"], self.filters.interval)
            for name in analytics.TREND_SERIES:
                yield export_row(trend, label, SERIES_LABELS[name], row[name])
        table = _("By %(dimension)s") % {
            "dimension": str(DIMENSION_LABELS[figures.dimension]).lower()
        }
        for row in figures.breakdown:
            for name in analytics.BREAKDOWN_SERIES:
                yield export_row(table, row["label"], SERIES_LABELS[name], row[name])
            yield export_row(table, row["label"], RATE_LABELS["acceptance"], row["acceptance"])
            yield export_row(table, row["label"], RATE_LABELS["completion"], row["completion"])


def period_label(day: datetime.date, interval: str) -> str:
    if interval == analytics.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


class CaseloadView(FiguresView):
    kind = "caseload"
    shown_fields = ("start", "end", "interval", "threshold")
    page_title = gettext_lazy("Caseload and waiting times")
    template_name = "referrals/figures/caseload.html"

    def cache_key(self):
        return f"{self.filters.key}|{self.form.chosen_threshold()}"

    def compute(self, filters):
        return caseload.caseload(self.scope, filters, self.form.chosen_threshold())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is None:
            return context
        labels = [period_label(day, self.filters.interval) for day in figures.period_starts]
        context.update(
            periods=labels,
            caseload_chart=chart(
                "line",
                labels,
                {
                    _("Open referrals of coaches"): figures.totals["coaches"],
                    _("Open referrals of intake workers"): figures.totals["intake_workers"],
                },
            ),
            coach_chart=chart(
                "bar",
                [row["label"] for row in figures.coaches[:30]],
                {_("Open referrals"): [row["open"] for row in figures.coaches[:30]]},
                horizontal=True,
            ),
        )
        return context

    def export_rows(self, figures):
        labels = [period_label(day, self.filters.interval) for day in figures.period_starts]
        yield export_row(_("Caseload"), "", _("Overload from"), figures.threshold)
        for table, rows in (
            (_("Coaches"), figures.coaches),
            (_("Intake workers"), figures.intake_workers),
        ):
            for row in rows:
                yield export_row(table, row["label"], _("Open now"), row["open"])
                overloaded = {True: _("yes"), False: "", None: privacy.HIDDEN}[row["overloaded"]]
                yield export_row(table, row["label"], _("Overloaded"), overloaded)
                for label, cell in zip(labels, row["history"], strict=True):
                    yield export_row(table, row["label"], _("Open at the end of %s") % label, cell)
        for row in figures.unassigned:
            yield export_row(_("Waiting for an answer"), row["label"], _("Referrals"), row["open"])
        table = _("Waiting times per service")
        for row in figures.services:
            name = f"{row['label']} ({row['organisation']})"
            yield export_row(table, name, _("Capacity"), row["capacity"])
            yield export_row(table, name, _("Declared waiting (weeks)"), row["waiting_weeks"] or "")
            yield export_row(table, name, _("Referrals received"), row["received"])
            yield export_row(table, name, _("Referrals with an intake"), row["intakes"])
            yield export_row(table, name, _("Median days from sent to intake"), row["median_days"])


class GapsView(FiguresView):
    kind = "gaps"
    shown_fields = ("start", "end")
    page_title = gettext_lazy("Gaps in the network")
    template_name = "referrals/figures/gaps.html"

    def compute(self, filters):
        return gaps.gaps(self.scope, filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is not None:
            context["languages"] = dict(
                (code, translation.get_language_info(code)["name_local"])
                for code in {row["language"] for row in figures.queries}
                if code in dict(translation.trans_real.get_languages())
            )
        return context

    def export_rows(self, figures):
        table = _("Needs with few or no services")
        for row in figures.coverage:
            yield export_row(table, row["municipality"], row["need"], row["services"])
        table = _("Services declining because they are full")
        for row in figures.full:
            name = f"{row['label']} ({row['organisation']})"
            yield export_row(table, name, _("Referrals received"), row["received"])
            yield export_row(table, name, _("Declined: full"), row["full"])
            yield export_row(table, name, _("Share declined as full (%)"), row["share"])
            yield export_row(table, name, _("Capacity"), row["capacity"])
        table = _("Searches that found nothing")
        for row in figures.queries:
            yield export_row(table, row["text"], row["language"], row["count"])
