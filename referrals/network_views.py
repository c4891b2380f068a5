"""The managers' maps: the network (partnerships and referral flows, referrals.network) and
the gaps per municipality (referrals.gaps), each a folium map (referrals.network_maps) with
the same numbers in a table beside it and CSV/XLSX exports. Thin, like the other figures
pages (referrals.figures_views: who may see them, the period form, caching, the export and
its audit entry); only the period applies here."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Partnership
from referrals import analytics, gaps, network, network_maps
from referrals.figures_views import FiguresView, export_row


class MapFiguresView(FiguresView):
    shown_fields = ("start", "end")
    header_icon = "site"

    def period(self) -> analytics.Filters:
        # The other filters of the figures narrow referrals; these maps take the period only.
        return analytics.Filters(start=self.filters.start, end=self.filters.end)

    def cache_key(self) -> str:
        return self.period().key

    def filter_rows(self):
        table = _("Filters")
        yield export_row(table, "", _("From"), self.filters.start.isoformat())
        yield export_row(table, "", _("Until"), self.filters.end.isoformat())
        yield export_row(table, "", _("Scope"), self.scope_label())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is not None:
            context["map"] = self.draw(figures)
        return context

    def draw(self, figures) -> dict:
        raise NotImplementedError


class NetworkMapView(MapFiguresView):
    kind = "network"
    page_title = gettext_lazy("Network map")
    template_name = "referrals/figures/network.html"

    def compute(self, filters):
        return network.network(self.scope, self.period())

    def draw(self, figures):
        return network_maps.network_map(figures)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is not None:
            context.update(
                unplaced=sorted(
                    (p.name for p in figures.places.values() if p.point is None),
                    key=str.casefold,
                ),
                network_note=network_note(),
                other_label=other_label(),
                total_label=total_label(),
                kind_heading=kind_heading(),
            )
        return context

    def export_rows(self, figures):
        yield export_row(_("Filters"), "", _("Privacy"), network_note())
        table = _("Referral flows")
        for flow in figures.flows:
            row = f"{flow.source.name} → {flow.target.name}"
            yield export_row(table, row, _("Referrals"), flow.count)
        if figures.other is not None:
            yield export_row(table, other_label(), _("Referrals"), figures.other)
        yield export_row(table, total_label(), _("Referrals"), figures.total)
        table = _("Partnerships")
        for line in figures.partnerships:
            row = f"{line.organisation.name} – {line.partner.name}"
            yield export_row(table, row, kind_heading(), line.kind_label)
            yield export_row(
                table, row, _("From"), line.starts_on.isoformat() if line.starts_on else ""
            )
            yield export_row(
                table, row, _("Until"), line.ends_on.isoformat() if line.ends_on else ""
            )


def kind_heading() -> str:
    return capfirst(Partnership._meta.get_field("kind").verbose_name)


def other_label() -> str:
    return _("Other referrals between organisations")


def total_label() -> str:
    return _("All referrals between organisations")


def network_note() -> str:
    return _(
        "A flow of fewer than 5 referrals, or one that would let a smaller one be worked "
        "out, is not shown on its own; a manager sees by name the flows of their own "
        "organisations. The others are counted together as “Other referrals between "
        "organisations”."
    )


class GapsMapView(MapFiguresView):
    kind = "gaps_map"
    page_title = gettext_lazy("Gaps map")
    template_name = "referrals/figures/gaps_map.html"

    def compute(self, filters):
        _municipalities, needs, _rows, matrix = gaps.coverage()
        return {"needs": needs, "rows": gaps.by_municipality(needs, matrix)}

    def draw(self, figures):
        return network_maps.gaps_map(figures["rows"], len(figures["needs"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = kwargs.get("figures")
        if figures is not None:
            context["legend"] = network_maps.legend(len(figures["needs"]))
            context["areas"] = any(f["shape"] == "area" for f in context["map"]["features"])
        return context

    def export_rows(self, figures):
        table = _("Main needs per municipality")
        for row in figures["rows"]:
            yield export_row(table, row.name, _("Needs without a service"), len(row.uncovered))
            yield export_row(table, row.name, _("Needs with one service"), len(row.few))
            yield export_row(table, row.name, _("Needs"), ", ".join(row.uncovered))
