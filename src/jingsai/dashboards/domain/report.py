"""The yearly report as a workbook (年度报表): one sheet per dashboard section.

Each sheet holds the section's title and the filters, its headline figures, then each
chart's data as a small table (labels down, one column per series) and each of its
tables. Sheet names are the sections' titles made safe for Excel (at most 31
characters, none of ``[]:*?/\\``, unique). Text cells are neutralised against formulas
(:func:`jingsai.common.spreadsheets.neutralise`); numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.catalogue.models import Brand, Industry, Series, Zone
from jingsai.common.spreadsheets import neutralise
from jingsai.dashboards.domain.base import Filters, Section

SHEET_NAME_MAX = 31
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def describe(filters: Filters) -> list[tuple[str, str]]:
    """The filters as (label, value) lines, "all" for those not narrowed."""
    lines = [(_("Year"), str(filters.year.year))]
    for label, model, value in (
        (_("Series"), Series, filters.series),
        (_("Brand"), Brand, filters.brand),
        (_("Industry"), Industry, filters.industry),
        (_("Zone"), Zone, filters.zone),
    ):
        if value is None:
            text = _("all")
        elif value == 0:
            text = _("none")
        else:
            found = model.objects.filter(pk=value).first()
            text = str(found) if found else f"#{value}"
        lines.append((label, text))
    return lines


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Excel-safe, unique sheet names for these titles."""
    names: list[str] = []
    taken: set[str] = set()
    for index, title in enumerate(titles, start=1):
        base = FORBIDDEN.sub(" ", title).strip().strip("'") or f"{_('Sheet')} {index}"
        name = base[:SHEET_NAME_MAX]
        n = 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(name.lower())
        names.append(name)
    return names


class _Sheet:
    def __init__(self, sheet, formats):
        self.sheet = sheet
        self.formats = formats
        self.row = 0
        self.widths: dict[int, int] = {}

    def write(self, values: Iterable[Any], style: str | None = None) -> None:
        for col, value in enumerate(values):
            self.cell(col, value, style)
        self.row += 1

    def cell(self, col: int, value: Any, style: str | None) -> None:
        fmt = self.formats.get(style) if style else None
        if value is None or value == "":
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(self.row, col, value, fmt)
            text = str(value)
        elif isinstance(value, int | float | Decimal):
            self.sheet.write_number(self.row, col, value, fmt)
            text = str(value)
        elif isinstance(value, dt.datetime):
            self.sheet.write_datetime(
                self.row, col, timezone.localtime(value).replace(tzinfo=None), self.formats["date"]
            )
            text = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            self.sheet.write_datetime(self.row, col, value, self.formats["date"])
            text = "yyyy-mm-dd"
        else:
            text = str(value)
            self.sheet.write_string(self.row, col, neutralise(text), fmt)
        # CJK characters are about twice as wide as Latin ones
        width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
        self.widths[col] = max(self.widths.get(col, 8), min(width + 2, 60))

    def skip(self) -> None:
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, width)


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def xlsx(sections: list[Section], filters: Filters) -> bytes:
    """The report's bytes: one sheet per section, in order."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "heading": workbook.add_format({"bold": True, "font_size": 12}),
        "header": workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1}),
        "label": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "muted": workbook.add_format({"font_color": "#666666"}),
    }
    filters_text = " · ".join(f"{label}: {value}" for label, value in describe(filters))
    made = _("Made on %(date)s") % {"date": timezone.localdate().isoformat()}
    for section, name in zip(sections, sheet_names(s.title for s in sections), strict=True):
        out = _Sheet(workbook.add_worksheet(name), formats)
        out.write([section.title], "title")
        out.write([filters_text], "muted")
        out.write([made], "muted")
        out.skip()
        if section.figures:
            out.write([_("Figures")], "heading")
            last = section.figures_last
            if last is not None:
                out.write(["", str(filters.year.year), str(section.last_year)], "header")
            for index, (label, value) in enumerate(section.figures):
                before = [_number(last[index])] if last is not None else []
                out.write([label, _number(value), *before])
            out.skip()
        for chart in section.charts:
            out.write([f"{chart.title} ({chart.unit})" if chart.unit else chart.title], "heading")
            out.write(["", *(s.name for s in chart.series)], "header")
            for index, label in enumerate(chart.labels):
                values = [s.values[index] if index < len(s.values) else "" for s in chart.series]
                out.write([label, *(_number(v) for v in values)])
            out.skip()
        for table in section.tables:
            out.write([table.title], "heading")
            out.write(table.headers, "header")
            for row in table.rows:
                out.write([_number(v) for v in row])
            out.skip()
        out.finish()
    workbook.close()
    return buffer.getvalue()
