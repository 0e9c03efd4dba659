"""What every dashboard section is made of, so that pages, exports and the report share it.

A section is a function ``(filters, scope) -> Section``. It returns plain data:

- :class:`Chart`: labels and one or more series of numbers, drawn by ECharts on
  the page (bar, line or pie) and by ReportLab in the printable report; each
  label may carry a ``drill`` key — the page turns a click on that bar into the
  list behind it (:func:`jingsai.dashboards.domain.drill.rows`);
- :class:`Table`: headers and rows, shown as a table, exported as a sheet of the
  yearly ``.xlsx`` report.

:class:`Scope` narrows every figure to what the reader may see: everything
(programme admins and leadership), the competitions a co-organiser organises,
or an enterprise officer's enterprises (see ``access.policy.dashboard_scope``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jingsai.dashboards.domain.figures import Filters

__all__ = ["Chart", "Filters", "Scope", "Section", "Series", "Table"]


@dataclass(frozen=True)
class Scope:
    """``None`` means no limit; a set limits to those ids (an empty set: nothing)."""

    competition_ids: frozenset[int] | None = None
    enterprise_ids: frozenset[int] | None = None

    @property
    def everything(self) -> bool:
        return self.competition_ids is None and self.enterprise_ids is None


@dataclass
class Series:
    name: str
    values: list[int | Decimal]


@dataclass
class Chart:
    key: str  # unique on the page, e.g. "entries-by-series"
    title: str
    kind: str = "bar"  # "bar", "line" or "pie"
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    drill: list[str] = field(default_factory=list)  # per label: the drill key, or ""
    unit: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "series": [
                {"name": s.name, "values": [float(v) if isinstance(v, Decimal) else v
                                            for v in s.values]}
                for s in self.series
            ],
            "drill": self.drill,
            "unit": self.unit,
        }  # fmt: skip


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]


@dataclass
class Section:
    key: str  # e.g. "participation", "medals"
    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[tuple[str, int | Decimal | str]] = field(default_factory=list)  # headline
    # year over year (compare.add_last_year): last year's value of each figure, in order
    last_year: int | None = None
    figures_last: list[int | Decimal | str | None] | None = None
