"""The yearly report as a printable PDF (A4 portrait), drawn on the server with ReportLab.

A title page (the year, the filters, the date, the contents), then one section per page
onwards: its headline figures, its charts drawn with ReportLab's own charts (bar, line,
pie — ECharts only runs in the browser) and its tables, which continue over pages with
their header repeated. Chinese text uses the font the certificates embed
(:func:`jingsai.certification.pdf.register_font`), subset into the file.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from jingsai.certification.pdf import register_font
from jingsai.dashboards.domain.base import Chart, Filters, Section, Table
from jingsai.dashboards.domain.report import describe

PAGE = A4  # 595.3 × 841.9 pt
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
RED = colors.HexColor("#b22222")
INK = colors.HexColor("#222222")
GREY = colors.HexColor("#666666")
RULE = colors.HexColor("#cccccc")
SHADE = colors.HexColor("#f2f2f2")
PALETTE = [
    colors.HexColor(c)
    for c in ("#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622",
              "#bda29a", "#6e7074", "#546570")
]  # fmt: skip
TABLE_ROWS = 300  # rows of one table in print; the workbook has them all
LEGEND = 110  # points kept on a chart's right for its legend (two series or more)
WIDE_TABLE = 9  # columns: more are printed smaller
LABEL_CHARS = 14  # a chart's axis label is cut to this many characters


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, textColor=INK,
                          wordWrap="CJK")  # fmt: skip
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=24, leading=32, textColor=RED),
        "year": ParagraphStyle("year", parent=base, fontSize=40, leading=48, textColor=RED),
        "h1": ParagraphStyle(
            "h1", parent=base, fontSize=17, leading=24, textColor=RED, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=17,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "muted": ParagraphStyle("muted", parent=base, fontSize=9, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "number": ParagraphStyle("number", parent=base, fontSize=8, leading=10, alignment=2),
        # headers wrap between words only (a Chinese header is short)
        "head": ParagraphStyle("head", parent=base, fontSize=8, leading=10, wordWrap=None),
        # a wide table (many columns) in smaller type
        "cell7": ParagraphStyle("cell7", parent=base, fontSize=7, leading=9),
        "number7": ParagraphStyle("number7", parent=base, fontSize=7, leading=9, alignment=2),
        "head7": ParagraphStyle("head7", parent=base, fontSize=7, leading=9, wordWrap=None),
        "figure": ParagraphStyle("figure", parent=base, fontSize=15, leading=19, textColor=RED),
        "figure_label": ParagraphStyle(
            "figure_label", parent=base, fontSize=8, leading=10, textColor=GREY
        ),
    }


def text(value: Any) -> str:
    """A value as printed: thousands separated, dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | Decimal):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _p(value: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text(value)), style)


# --- charts -----------------------------------------------------------------------------


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _axis_fonts(chart, font: str) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.strokeColor = RULE
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = SHADE


def _legend(drawing: Drawing, chart: Chart, font: str, x: float, y: float) -> None:
    if len(chart.series) < 2:
        return
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = font
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], _short(s.name)) for i, s in enumerate(chart.series)
    ]
    drawing.add(legend)


def _values(chart: Chart) -> list[list[float]]:
    return [
        [float(v) if v is not None else 0.0 for v in s.values[: len(chart.labels)]]
        for s in chart.series
    ]


def _bars(chart: Chart, font: str) -> Drawing:
    data = _values(chart)
    labels = [_short(label) for label in chart.labels]
    wide = len(labels) > 8 or max((len(label) for label in labels), default=0) > 6
    legend_space = LEGEND if len(chart.series) > 1 else 0
    if wide:  # horizontal bars: long Chinese names stay readable
        height = max(120, 16 * len(labels) * max(1, len(data)) ** 0.5 + 40)
        drawing = Drawing(WIDTH, height)
        bc = HorizontalBarChart()
        bc.x, bc.y = 110, 20
        bc.width, bc.height = WIDTH - 130 - legend_space, height - 30
        # the first label at the top
        bc.data = [list(reversed(values)) for values in data]
        bc.categoryAxis.categoryNames = list(reversed(labels))
        bc.categoryAxis.labels.boxAnchor = "e"
        bc.categoryAxis.labels.dx = -4
    else:
        height = 190
        drawing = Drawing(WIDTH, height)
        bc = VerticalBarChart()
        bc.x, bc.y = 40, 40
        bc.width, bc.height = WIDTH - 60 - legend_space, height - 55
        bc.data = data
        bc.categoryAxis.categoryNames = labels
        bc.categoryAxis.labels.boxAnchor = "n"
        bc.categoryAxis.labels.dy = -4
    _axis_fonts(bc, font)
    bc.barSpacing = 1
    bc.groupSpacing = 6
    for index in range(len(data)):
        bc.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        bc.bars[index].strokeColor = None
    bc.barLabelFormat = lambda v: text(Decimal(str(v)).normalize() if v % 1 else int(v))
    bc.barLabels.fontName = font
    bc.barLabels.fontSize = 6
    bc.barLabels.boxAnchor = "w" if wide else "s"
    bc.barLabels.dx = 3 if wide else 0
    bc.barLabels.dy = 0 if wide else 2
    drawing.add(bc)
    _legend(drawing, chart, font, WIDTH - LEGEND + 8, height - 10)
    return drawing


def _line(chart: Chart, font: str) -> Drawing:
    height = 190
    drawing = Drawing(WIDTH, height)
    lc = HorizontalLineChart()
    lc.x, lc.y = 40, 40
    legend_space = LEGEND if len(chart.series) > 1 else 0
    lc.width, lc.height = WIDTH - 60 - legend_space, height - 55
    lc.data = _values(chart)
    lc.categoryAxis.categoryNames = [_short(label) for label in chart.labels]
    lc.categoryAxis.labels.boxAnchor = "n"
    lc.categoryAxis.labels.dy = -4
    _axis_fonts(lc, font)
    for index in range(len(lc.data)):
        lc.lines[index].strokeColor = PALETTE[index % len(PALETTE)]
        lc.lines[index].strokeWidth = 1.5
        lc.lines[index].symbol = makeMarker("FilledCircle", size=3)
    drawing.add(lc)
    _legend(drawing, chart, font, WIDTH - LEGEND + 8, height - 10)
    return drawing


def _pie(chart: Chart, font: str) -> Drawing:
    height = 180
    drawing = Drawing(WIDTH, height)
    values = _values(chart)[0] if chart.series else []
    shown = [(label, v) for label, v in zip(chart.labels, values, strict=False) if v > 0]
    pie = Pie()
    pie.x, pie.y = 40, 15
    pie.width = pie.height = height - 30
    pie.data = [v for _l, v in shown]
    pie.labels = None
    pie.simpleLabels = True
    pie.slices.strokeColor = colors.white
    for index in range(len(shown)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = height + 40, height - 20
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 12
    total = sum(v for _l, v in shown) or 1
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], f"{label}  {text(_int(v))}  ({v * 100 / total:.1f}%)")
        for i, (label, v) in enumerate(shown)
    ]
    drawing.add(legend)
    return drawing


def _int(value: float) -> int | Decimal:
    return int(value) if value == int(value) else Decimal(str(value))


def drawing(chart: Chart, font: str) -> Drawing:
    """A chart as a ReportLab drawing (bar, line or pie)."""
    if not chart.labels or not chart.series:
        empty = Drawing(WIDTH, 24)
        empty.add(String(0, 8, _("No data."), fontName=font, fontSize=9, fillColor=GREY))
        return empty
    if chart.kind == "pie":
        return _pie(chart, font)
    if chart.kind == "line":
        return _line(chart, font)
    return _bars(chart, font)


# --- tables -----------------------------------------------------------------------------


def _widths(header: list[str], rows: list[list], font: str, size: float = 8) -> list[float]:
    """Numbers and short columns keep their width; long text columns share the rest."""

    def width(value: str) -> float:
        return pdfmetrics.stringWidth(value, font, size) + 7

    columns = len(header)
    # a header may wrap between words (a Chinese one fits in 60 pt: 6 characters)
    natural = [
        min(width(h), max(44, *(min(width(w), 60) for w in h.split() or [""]))) for h in header
    ]
    numeric = [True] * columns
    for row in rows[:60]:
        for col, value in enumerate(row[:columns]):
            natural[col] = max(natural[col], width(text(value)))
            if value not in (None, "") and not _is_number(value):
                numeric[col] = False
    natural = [min(w, 220) for w in natural]
    if sum(natural) <= WIDTH:
        return natural
    fixed = [col for col in range(columns) if numeric[col] or natural[col] <= 60]
    flexible = [col for col in range(columns) if col not in fixed]
    room = WIDTH - sum(natural[col] for col in fixed)
    wanted = sum(natural[col] for col in flexible)
    if not flexible or room < 40 * len(flexible):  # too many columns: everything shrinks
        scale = WIDTH / sum(natural)
        return [w * scale for w in natural]
    return [
        natural[col] if col in fixed else natural[col] * room / wanted for col in range(columns)
    ]


def _table(table: Table, styles, font: str) -> list:
    rows = []
    count = 0
    for count, row in enumerate(table.rows, start=1):
        if count > TABLE_ROWS:
            break
        rows.append(list(row))
    flow: list = [Paragraph(escape(table.title), styles["h2"])]
    if not rows:
        flow.append(Paragraph(escape(_("No data.")), styles["muted"]))
        return flow
    header = [text(h) for h in table.headers]
    small = "7" if len(header) > WIDE_TABLE else ""
    widths = _widths(header, rows, font, 7 if small else 8)
    data = [[Paragraph(escape(h), styles[f"head{small}"]) for h in header]] + [
        [_p(v, styles[("number" if _is_number(v) else "cell") + small]) for v in row]
        for row in rows
    ]
    grid = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flow.append(grid)
    if count > TABLE_ROWS:
        flow.append(
            Paragraph(
                escape(_("The first %(n)s rows; the workbook holds them all.") % {"n": TABLE_ROWS}),
                styles["muted"],
            )
        )
    return flow


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _figures(section: Section, styles) -> list:
    if not section.figures:
        return []
    per_row = 3
    last = section.figures_last or [None] * len(section.figures)

    def caption(label: str, before) -> str:
        if section.last_year is None:
            return label
        return f"{label} ({section.last_year}: {'—' if before is None else text(before)})"

    cells = [
        [
            Paragraph(escape(text(value)), styles["figure"]),
            Paragraph(escape(caption(label, before)), styles["figure_label"]),
        ]
        for (label, value), before in zip(section.figures, last, strict=True)
    ]
    grid_rows = []
    for start in range(0, len(cells), per_row):
        chunk = cells[start : start + per_row]
        chunk += [["", ""]] * (per_row - len(chunk))
        grid_rows.append([c[0] for c in chunk])
        grid_rows.append([c[1] for c in chunk])
    grid = PdfTable(grid_rows, colWidths=[WIDTH / per_row] * per_row, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
            + [("BOTTOMPADDING", (0, r), (-1, r), 8) for r in range(1, len(grid_rows), 2)]
        )
    )
    return [grid, Spacer(1, 4)]


# --- the document -----------------------------------------------------------------------


def render(sections: list[Section], filters: Filters) -> bytes:
    """The report's bytes."""
    font = register_font()
    styles = _styles(font)
    year = filters.year.year
    title = _("Labour and skills competitions: yearly report")
    made = timezone.localdate()
    story: list = [
        Spacer(1, 60 * mm),
        Paragraph(escape(str(year)), styles["year"]),
        Paragraph(escape(title), styles["title"]),
        Spacer(1, 10 * mm),
    ]
    for label, value in describe(filters):
        story.append(Paragraph(f"{escape(label)}: {escape(value)}", styles["base"]))
    story.append(
        Paragraph(escape(_("Made on %(date)s") % {"date": made.isoformat()}), styles["base"])
    )
    story.append(Spacer(1, 10 * mm))
    story.append(Paragraph(escape(_("Contents")), styles["h2"]))
    for number, section in enumerate(sections, start=1):
        story.append(Paragraph(f"{number}. {escape(section.title)}", styles["base"]))
    for number, section in enumerate(sections, start=1):
        story.append(PageBreak())
        story.append(Paragraph(f"{number}. {escape(section.title)}", styles["h1"]))
        story.extend(_figures(section, styles))
        for chart in section.charts:
            heading = f"{chart.title} ({chart.unit})" if chart.unit else chart.title
            story.append(
                KeepTogether([Paragraph(escape(heading), styles["h2"]), drawing(chart, font)])
            )
        for table in section.tables:
            story.extend(_table(table, styles, font))

    footer = f"{title} · {year}"

    def on_page(canvas, doc) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, 10 * mm, str(doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title} {year}",
        author=_("Jingsai"),
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
