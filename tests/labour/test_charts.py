"""The participant's score chart: a well-formed, accessible SVG with one mark per scored
period, flags and vetoes marked (not by colour alone), and every user text escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from jingsai.labour.charts import ChartPoint, participant_chart, score_chart
from jingsai.labour.domain import history, services
from tests.labour.test_league import first_period

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def marks(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-mark"]


POINTS = [
    ChartPoint("2026年1月", Decimal("85.80"), rank=4),
    ChartPoint("2026年2月", Decimal("89.80"), flag=True, rank=1),
    ChartPoint("2026年3月", Decimal("0.00"), vetoed=True, rank=5),
    ChartPoint("2026年4月", None),
    ChartPoint("2026年5月", Decimal("91.25"), unpublished=True, rank=2),
]


def test_one_mark_per_scored_period_with_its_value_and_tooltip():
    root = parse(score_chart(POINTS, title="项目A"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "score-chart-title score-chart-desc"
    assert root.find(f"{SVG}title").text == "项目A"
    desc = root.find(f"{SVG}desc").text
    assert "2026年1月: 85.80" in desc and "2026年4月: not assessed" in desc
    found = marks(root)
    assert len(found) == 4  # the period not assessed has no mark
    values = [m.find(f"{SVG}text").text for m in found]
    assert values == ["85.80", "89.80", "0.00", "91.25"]
    tips = [m.find(f"{SVG}title").text for m in found]
    assert tips[0] == "2026年1月: 85.80, rank 4"
    assert tips[1] == "2026年2月: 89.80, rank 1, red flag"
    assert tips[2] == "2026年3月: 0.00, rank 5, vetoed"
    assert tips[3] == "2026年5月: 91.25, rank 2, unpublished"
    # axis labels: one per period, and the axes' names
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in ("2026年1月", "2026年4月", "score", "period", "0", "100"):
        assert label in texts


def test_flags_vetoes_and_unpublished_are_marked_and_explained():
    root = parse(score_chart(POINTS, title="t"))
    classes = [e.get("class") for e in root.iter()]
    assert classes.count("chart-flag") == 1
    assert classes.count("chart-veto") == 1
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [
        "red flag",
        "vetoed (scores zero)",
        "unpublished",
    ]
    hollow = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert len(hollow) == 2  # the unpublished point and its legend symbol


def test_a_period_without_a_score_breaks_the_line():
    root = parse(score_chart(POINTS, title="t"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1  # 1–3 joined; 5 stands alone after the gap
    assert len(lines[0].get("points").split()) == 3


def test_no_legend_without_marks_and_nothing_without_points():
    root = parse(
        score_chart([ChartPoint("1", Decimal(50)), ChartPoint("2", Decimal(60))], title="t")
    )
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend"]
    assert score_chart([], title="t") == ""


def test_the_y_axis_grows_past_100_with_bonus_points():
    root = parse(score_chart([ChartPoint("1", Decimal("104.5"))], title="t"))
    assert "120" in [t.text for t in root.iter(f"{SVG}text")]


def test_user_text_is_escaped():
    evil = '<script>alert("x")</script>&'
    svg = score_chart(
        [ChartPoint(evil, Decimal(1)), ChartPoint('"><b>', Decimal(2))],
        title=evil,
        chart_id='c" onload="x',
    )
    assert "<script>" not in svg and "<b>" not in svg and 'onload="x"' not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == evil
    assert evil in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.django_db
def test_the_chart_of_a_participants_history(league):
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    services.publish(actor=None, period=p1)
    site_c = league["sites"]["C"]
    site_c.name = "<script>alert(1)</script>"
    site_c.save()
    chart = participant_chart(history.participant_history(site_c), chart_id="c1")
    assert "&lt;script&gt;" in chart and "<script>" not in chart
    root = parse(chart)
    assert root.get("id") == "c1"
    assert len(marks(root)) == 1
    assert [e.get("class") for e in root.iter()].count("chart-veto") == 1
    chart_d = parse(participant_chart(history.participant_history(league["sites"]["D"])))
    assert [e.get("class") for e in chart_d.iter()].count("chart-flag") == 1
    # the open period 2 is not in the history at all
    assert len(history.participant_history(league["sites"]["D"], published_only=False).lines) == 1
