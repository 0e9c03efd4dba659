"""A participant's period scores as an inline SVG line chart, rendered on the server.

No JavaScript and no chart library: the SVG is built from escaped fragments
(:func:`django.utils.html.format_html`), so a name or a period label typed by a
user is always text. The chart is an image with a ``<title>`` and a ``<desc>``
(which lists every value) for screen readers; each point carries its value as a
label and as a ``<title>`` tooltip. A period with a red flag is drawn as a flag
and a vetoed one as a cross, each explained in the legend (never colour alone);
a confirmed but unpublished period is a hollow point. A period without a score
(not assessed) breaks the line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 78  # margins: axis labels left and below
LINE = "#1565c0"
FLAG = "#c62828"
VETO = "#424242"
GRID = "#9e9e9e"


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the period, on the x axis
    value: Decimal | None  # None: not assessed in that period
    flag: bool = False
    vetoed: bool = False
    unpublished: bool = False
    rank: int | None = None


def two(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def coordinate(value: float) -> str:
    return f"{value:.1f}"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _axis(points: Sequence[ChartPoint]) -> tuple[int, int]:
    """The y axis's top and tick step: 0 to 100 by 20, or further (bonus points) to the
    next tick above the best score."""
    best = max((p.value for p in points if p.value is not None), default=Decimal(0))
    step = 20 * max(1, math.ceil(float(best) / 200.0))
    return max(100, math.ceil(float(best) / step) * step), step


def point_text(point: ChartPoint) -> str:
    """What a point says (its tooltip, and its line in the description)."""
    if point.value is None:
        return _("%(period)s: not assessed") % {"period": point.label}
    parts = [_("%(period)s: %(score)s") % {"period": point.label, "score": two(point.value)}]
    if point.rank is not None:
        parts.append(_("rank %(rank)s") % {"rank": point.rank})
    if point.flag:
        parts.append(_("red flag"))
    if point.vetoed:
        parts.append(_("vetoed"))
    if point.unpublished:
        parts.append(_("unpublished"))
    return ", ".join(parts)


def _marker(point: ChartPoint, x: float, y: float) -> SafeString:
    tip = point_text(point)
    cx, cy = coordinate(x), coordinate(y)
    if point.vetoed:
        d = (
            f"M{x - 6:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 6:.1f} "
            f"M{x - 6:.1f} {y + 6:.1f} L{x + 6:.1f} {y - 6:.1f}"
        )
        shape = format_html(
            '<path class="chart-veto" d="{}" stroke="{}" stroke-width="3" fill="none"/>', d, VETO
        )
    elif point.flag:
        d = (
            f"M{x:.1f} {y:.1f} L{x:.1f} {y - 22:.1f} L{x + 14:.1f} {y - 17:.1f} "
            f"L{x:.1f} {y - 12:.1f} Z"
        )
        shape = format_html(
            '<path class="chart-flag" d="{}" fill="{}" stroke="{}" stroke-width="1.5"/>'
            '<circle cx="{}" cy="{}" r="4" fill="{}"/>',
            d,
            FLAG,
            FLAG,
            cx,
            cy,
            FLAG,
        )
    else:
        shape = format_html(
            '<circle class="chart-point" cx="{}" cy="{}" r="4.5" fill="{}" stroke="{}" '
            'stroke-width="2"/>',
            cx,
            cy,
            "#ffffff" if point.unpublished else LINE,
            LINE,
        )
    label_y = y + 18 if point.flag else y - 9
    return format_html(
        '<g class="chart-mark"><title>{}</title>{}'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="currentColor">{}</text>'
        "</g>",
        tip,
        shape,
        cx,
        coordinate(label_y),
        two(point.value),
    )


def score_chart(
    points: Sequence[ChartPoint],
    *,
    title: str,
    chart_id: str = "score-chart",
    y_label: str | None = None,
    x_label: str | None = None,
) -> SafeString:
    """The SVG of ``points`` (in period order); an empty string when there are none."""
    if not points:
        return SafeString("")
    y_label = y_label if y_label is not None else _("score")
    x_label = x_label if x_label is not None else _("period")
    top, tick_step = _axis(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(points)

    def x_of(index: int) -> float:
        return LEFT + step * (index + 0.5)

    def y_of(value: Decimal) -> float:
        return TOP + plot_h * (1 - float(value) / top)

    grid = []
    for tick in range(0, top + 1, tick_step):
        y = y_of(Decimal(tick))
        grid.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.5" '
                'stroke-dasharray="3 3"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" '
                'fill="currentColor">{}</text>',
                LEFT,
                coordinate(y),
                WIDTH - RIGHT,
                coordinate(y),
                GRID,
                LEFT - 6,
                coordinate(y + 4),
                tick,
            )
        )
    x_labels = [
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="currentColor" '
            'transform="rotate(-35 {} {})">{}</text>',
            coordinate(x_of(i)),
            HEIGHT - BOTTOM + 16,
            coordinate(x_of(i)),
            HEIGHT - BOTTOM + 16,
            point.label,
        )
        for i, point in enumerate(points)
    ]
    # The line, broken where a period has no score.
    segments, current = [], []
    for i, point in enumerate(points):
        if point.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x_of(i):.1f},{y_of(point.value):.1f}")
    if current:
        segments.append(current)
    lines = [
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
            " ".join(segment),
            LINE,
        )
        for segment in segments
        if len(segment) > 1
    ]
    markers = [
        _marker(point, x_of(i), y_of(point.value))
        for i, point in enumerate(points)
        if point.value is not None
    ]
    description = "; ".join(point_text(point) for point in points)
    legend = _legend(points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="score-chart" id="{id}" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" '
        'aria-labelledby="{id}-title {id}-desc" font-family="inherit">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<g class="chart-grid">{grid}</g>'
        '<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="currentColor"/>'
        '<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="currentColor"/>'
        '<text x="14" y="{mid}" text-anchor="middle" font-size="12" fill="currentColor" '
        'transform="rotate(-90 14 {mid})">{y_label}</text>'
        '<text x="{xmid}" y="{h_minus}" text-anchor="middle" font-size="12" '
        'fill="currentColor">{x_label}</text>'
        '<g class="chart-x-labels">{x_labels}</g>'
        '<g class="chart-line">{lines}</g>'
        '<g class="chart-points">{markers}</g>'
        "{legend}"
        "</svg>",
        id=chart_id,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=description,
        grid=_join(grid),
        left=LEFT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        right=WIDTH - RIGHT,
        mid=coordinate(TOP + plot_h / 2),
        y_label=y_label,
        xmid=coordinate(LEFT + plot_w / 2),
        h_minus=HEIGHT - 4,
        x_label=x_label,
        x_labels=_join(x_labels),
        lines=_join(lines),
        markers=_join(markers),
        legend=legend,
    )


def _legend(points: Sequence[ChartPoint]) -> SafeString:
    """Explains the flag, cross and hollow point, when the chart has them."""
    entries = []
    if any(p.flag and p.value is not None for p in points):
        entries.append(
            (
                format_html(
                    '<path d="M0 6 L0 -8 L10 -4 L0 0 Z" fill="{}" stroke="{}"/>', FLAG, FLAG
                ),
                _("red flag"),
            )
        )
    if any(p.vetoed and p.value is not None for p in points):
        entries.append(
            (
                format_html(
                    '<path d="M-4 -6 L6 4 M-4 4 L6 -6" stroke="{}" stroke-width="3"/>', VETO
                ),
                _("vetoed (scores zero)"),
            )
        )
    if any(p.unpublished and p.value is not None for p in points):
        entries.append(
            (
                format_html(
                    '<circle cx="1" cy="-1" r="4.5" fill="#ffffff" stroke="{}" stroke-width="2"/>',
                    LINE,
                ),
                _("unpublished"),
            )
        )
    if not entries:
        return SafeString("")
    items = [
        format_html(
            '<g transform="translate({} 14)">{}<text x="14" y="3" font-size="11" '
            'fill="currentColor">{}</text></g>',
            LEFT + 8 + 150 * i,
            symbol,
            text,
        )
        for i, (symbol, text) in enumerate(entries)
    ]
    return format_html('<g class="chart-legend">{}</g>', _join(items))


def participant_chart(history, *, chart_id: str = "score-chart") -> SafeString:
    """The chart of a :class:`~jingsai.labour.domain.history.ParticipantHistory`."""
    points = [
        ChartPoint(
            label=line.period.name,
            value=line.score.score if line.score else None,
            flag=line.flag,
            vetoed=line.vetoed,
            unpublished=not line.published,
            rank=line.score.rank if line.score else None,
        )
        for line in history.lines
    ]
    title = _("Period scores of %(name)s") % {"name": history.participant.name}
    return score_chart(points, title=title, chart_id=chart_id)
