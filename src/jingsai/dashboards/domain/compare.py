"""Year over year (同比): the same figures, narrowed the same way, for the programme year
before (the calendar year before; when there is none, nothing is compared).

Series, brands, industries and zones are the catalogue's, shared by every year, so the
same filter ids narrow both years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.domain.base import Chart, Filters, Section, Series, Table

ONE_DECIMAL = Decimal("0.1")


def previous_year(year: ProgrammeYear) -> ProgrammeYear | None:
    return ProgrammeYear.objects.filter(year=year.year - 1).first()


def previous_filters(filters: Filters) -> Filters | None:
    """The same filters for last year, or None when there is no programme year before."""
    last = previous_year(filters.year)
    return replace(filters, year=last) if last is not None else None


def percent(part: int, whole: int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (half up); None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@dataclass(frozen=True)
class Headline:
    """A headline figure: this year's value, its target, last year's value."""

    key: str  # "enterprises", "workers", "entries"
    label: str
    value: int
    target: int | None = None
    last: int | None = None

    @property
    def progress(self) -> Decimal | None:
        """Percentage of the target reached."""
        return percent(self.value, self.target)

    @property
    def progress_text(self) -> str:
        """The percentage as shown: "< 0.1" rather than "0.0" once anything counts."""
        progress = self.progress
        if progress is None:
            return ""
        if progress == 0 and self.value > 0:
            return "< 0.1"
        return str(progress)

    @property
    def bar(self) -> int:
        """The progress bar's value, at most 100."""
        return min(self.value, self.target or 0)

    @property
    def change(self) -> int | None:
        return None if self.last is None else self.value - self.last

    @property
    def change_percent(self) -> Decimal | None:
        return None if self.last is None else percent(self.value - self.last, self.last)


def headline(this: dict, last: dict | None) -> list[Headline]:
    """Enterprises and workers taking part against the targets, approved entries."""

    def last_of(measure):
        return last[measure]["total"] if last is not None else None

    return [
        Headline(
            "enterprises",
            _("Enterprises taking part"),
            this["enterprises"]["total"],
            this["targets"]["enterprises"],
            last_of("enterprises"),
        ),
        Headline(
            "workers",
            _("Workers taking part"),
            this["workers"]["total"],
            this["targets"]["workers"],
            last_of("workers"),
        ),
        Headline(
            "entries", _("Approved entries"), this["entries"]["total"], None, last_of("entries")
        ),
    ]


def figures(this: dict, last: dict | None) -> list[tuple[str, int | Decimal | str]]:
    """The headline as (label, value) pairs, for the report and the data endpoint."""
    out: list[tuple[str, int | Decimal | str]] = []
    for item in headline(this, last):
        out.append((item.label, item.value))
        if item.target:
            out.append((_("%(figure)s: target") % {"figure": item.label}, item.target))
            out.append(
                (_("%(figure)s: share of target (%%)") % {"figure": item.label}, item.progress)
            )
        if last is not None:
            out.append(
                (
                    _("%(figure)s: %(year)s") % {"figure": item.label, "year": last["year"]},
                    item.last,
                )
            )
    return out


def table(this: dict, last: dict, this_year: int, last_year: int) -> Table:
    """Year over year: each headline figure, both years, the change and its percentage."""
    rows = []
    for item in headline(this, last):
        change_percent = item.change_percent
        rows.append(
            [
                item.label,
                item.value,
                item.last,
                item.change,
                change_percent if change_percent is not None else "",
            ]
        )
    return Table(
        key="year-over-year",
        title=_("Year over year"),
        headers=[_("figure"), str(this_year), str(last_year), _("change"), _("change (%)")],
        rows=rows,
    )


# --- the other sections: their figures and charts beside last year's ----------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")  # a month label, "2026-03"


def add_last_year(section: Section, last: Section, this_year: int, last_year: int) -> None:
    """Put last year's values beside this year's: each figure's (by its label) in
    ``section.figures_last``, and for each bar or line chart with one series a second
    series "2025 (last year)" over the labels of both years (a month is matched by its
    month: 2026-03 with 2025-03), this year's series then named by its year, as in the
    participation charts. Pie charts and tables are left as they are."""
    before = dict(last.figures)
    section.last_year = last_year
    section.figures_last = [before.get(label) for label, _value in section.figures]
    charts = {chart.key: chart for chart in last.charts}
    for chart in section.charts:
        old = charts.get(chart.key)
        if old is None or chart.kind == "pie" or len(chart.series) != 1 or len(old.series) != 1:
            continue
        _merge(chart, old, str(this_year), _("%(year)s (last year)") % {"year": last_year})


def _merge(chart: Chart, old: Chart, this_name: str, name: str) -> None:
    this_year = next((m[1] for m in map(MONTH.match, chart.labels) if m), None)

    def key(label: str) -> str:
        found = MONTH.match(label)
        return f"month-{found[2]}" if found else label

    def shown(label: str) -> str:
        found = MONTH.match(label)
        return f"{this_year}-{found[2]}" if found and this_year else label

    now = {key(label): i for i, label in enumerate(chart.labels)}
    then = {key(label): i for i, label in enumerate(old.labels)}
    added = [k for k in then if k not in now]
    labels = list(chart.labels) + [shown(old.labels[then[k]]) for k in added]
    drill = list(chart.drill or [""] * len(chart.labels))
    drill += [old.drill[then[k]] if old.drill else "" for k in added]
    values = list(chart.series[0].values) + [0] * len(added)
    previous = [old.series[0].values[then[k]] if k in then else 0 for k in [*now, *added]]
    if chart.kind == "line" and added:  # months stay in calendar order
        order = sorted(range(len(labels)), key=lambda i: labels[i])
        labels, drill, values, previous = (
            [seq[i] for i in order] for seq in (labels, drill, values, previous)
        )
    chart.labels = labels
    chart.drill = drill
    chart.series = [Series(this_name, values), Series(name, previous)]
