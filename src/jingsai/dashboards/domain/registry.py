"""The dashboard's sections, in order: participation first, then those of
:mod:`jingsai.dashboards.domain.sections` (``ALL``) when that module is there.

:func:`sections` is what the yearly report and the data endpoint use; :func:`dashboard`
adds what the page shows above them (the headline against the targets, last year's).
The report modules (:mod:`.report`, :mod:`.report_pdf`) are optional the same way.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from jingsai.dashboards.domain import compare, participation_section
from jingsai.dashboards.domain.base import Filters, Scope, Section

PACKAGE = "jingsai.dashboards.domain"


def optional(name: str) -> ModuleType | None:
    """``jingsai.dashboards.domain.<name>``, or None when the module does not exist (an
    import error inside an existing module is not hidden)."""
    full = f"{PACKAGE}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as missing:
        if missing.name == full:
            return None
        raise


def other_sections() -> ModuleType | None:
    return optional("sections")


def sections(filters: Filters, scope: Scope, *, last_year: bool = False) -> list[Section]:
    """Every section for these filters, within the reader's scope (``last_year``: the
    other sections' figures beside last year's, as participation's always are)."""
    return [participation_section.build(filters, scope), *_others(filters, scope, last_year)]


def _others(filters: Filters, scope: Scope, last_year: bool = False) -> list[Section]:
    built = [build(filters, scope) for build in getattr(other_sections(), "ALL", [])]
    previous = compare.previous_filters(filters) if last_year else None
    if previous is not None:
        for section, last in zip(built, _others(previous, scope), strict=True):
            compare.add_last_year(section, last, filters.year.year, previous.year.year)
    return built


@dataclass
class Dashboard:
    filters: Filters
    scope: Scope
    previous: Filters | None  # the same filters last year, if there was a programme year
    headline: list[compare.Headline]
    sections: list[Section]

    def as_json(self) -> dict:
        return {
            "year": self.filters.year.year,
            "previous_year": self.previous.year.year if self.previous else None,
            "headline": [
                {
                    "key": h.key,
                    "label": h.label,
                    "value": h.value,
                    "target": h.target,
                    "progress": h.progress,
                    "last": h.last,
                    "change": h.change,
                }
                for h in self.headline
            ],
            "sections": [section_json(s) for s in self.sections],
        }


def section_json(section: Section) -> dict:
    return {
        "key": section.key,
        "title": section.title,
        "figures": [[label, value] for label, value in section.figures],
        "last_year": section.last_year,
        "figures_last": section.figures_last,
        "charts": [chart.as_json() for chart in section.charts],
        "tables": [
            {"key": t.key, "title": t.title, "headers": t.headers, "rows": list(t.rows)}
            for t in section.tables
        ],
    }


def dashboard(filters: Filters, scope: Scope, *, last_year: bool = False) -> Dashboard:
    """What the page shows: participation this year and last, then the other sections
    (beside last year's too when ``last_year``)."""
    this = participation_section.counts(filters, scope)
    previous = compare.previous_filters(filters)
    last = participation_section.counts(previous, scope) if previous is not None else None
    participation = participation_section.build(filters, scope, counted=(this, last, previous))
    return Dashboard(
        filters=filters,
        scope=scope,
        previous=previous,
        headline=compare.headline(this, last),
        sections=[participation, *_others(filters, scope, last_year)],
    )
