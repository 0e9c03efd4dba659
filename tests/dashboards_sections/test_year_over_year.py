"""Year over year for every section (``compare=1``), and the yearly report holding exactly
what the screen shows, for each reader's scope."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from jingsai.dashboards.domain import registry
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.organisations.models import Organisation
from jingsai.training.models import Attendance
from tests.dashboards_sections import direct

pytestmark = pytest.mark.django_db


def by_key(built):
    return {s.key: s for s in built}


def test_every_section_beside_last_year(sections_data):
    y2026, y2025 = sections_data["years"]
    with translation.override("en"):
        this = by_key(registry.sections(Filters(year=y2026), Scope(), last_year=True))
        last = by_key(registry.sections(Filters(year=y2025), Scope()))
    assert this["participation"].figures_last is None  # compares in its own way, always
    compared = [s for key, s in this.items() if key != "participation"]
    assert compared
    for section in compared:
        assert section.last_year == 2025
        before = dict(last[section.key].figures)
        assert section.figures_last == [before.get(label) for label, _v in section.figures]
    # independently counted: last year's training hours and certificates
    figures = dict(zip((label for label, _v in this["training"].figures),
                       this["training"].figures_last, strict=True))  # fmt: skip
    expected = direct.training(Filters(year=y2025), Scope())
    assert expected["hours"] > 0
    assert Decimal(figures["Training hours"]) == expected["hours"]
    assert figures["Workers trained"] == expected["workers"]
    certs = dict(zip((label for label, _v in this["certificates"].figures),
                     this["certificates"].figures_last, strict=True))  # fmt: skip
    assert (
        certs["Valid"] == direct.certificates(Filters(year=y2025), Scope())["certificates"]["valid"]
    )


def test_months_are_matched_by_month(sections_data):
    y2026, _y2025 = sections_data["years"]
    with translation.override("en"):
        built = by_key(registry.sections(Filters(year=y2026), Scope(), last_year=True))
    chart = next(c for c in built["training"].charts if c.key == "training-months")
    assert [s.name for s in chart.series] == ["2026", "2025 (last year)"]
    assert all(label.startswith("2026-") for label in chart.labels)
    assert chart.labels == sorted(chart.labels)
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for a in Attendance.objects.filter(present=True, session__course__year=2025).select_related(
        "session"
    ):
        hours[f"2026-{a.session.date.month:02d}"] += a.hours
    assert hours
    shown = dict(zip(chart.labels, chart.series[1].values, strict=True))
    for label, value in hours.items():
        assert Decimal(str(shown[label])) == value
    assert sum(Decimal(str(v)) for v in chart.series[1].values) == sum(hours.values())


def test_nothing_to_compare_before_the_first_year(sections_data):
    _y2026, y2025 = sections_data["years"]
    for section in registry.sections(Filters(year=y2025), Scope(), last_year=True):
        assert section.figures_last is None
        assert all(len(c.series) <= 1 or section.key == "participation" for c in section.charts)


# --- the report is the screen --------------------------------------------------------------


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def norm(value):
    """A value as the screen's data and the workbook both give it."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return str(value)


class Blocks:
    """A sheet's blocks (a title, then rows until a blank row), taken in order by title."""

    def __init__(self, rows):
        self.blocks, current = [], None
        for row in rows:
            if not any(v not in ("", None) for v in row):
                current = None
                continue
            if current is None:
                current = []
                self.blocks.append((str(row[0]), current))
                continue
            current.append(row)
        self.at = 0

    def __getitem__(self, title):
        for index in range(self.at, len(self.blocks)):
            if self.blocks[index][0] == title:
                self.at = index + 1
                return self.blocks[index][1]
        raise KeyError(title)


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer"])
def test_the_report_holds_what_the_screen_shows(sections_data, role):
    comps = sections_data["competitions"]
    gov = Organisation.objects.get(name="浦东新区科技和经济委员会")
    for key in ("ic", "teams", "old"):
        comps[key].co_organisers.add(gov)
    client = client_of(sections_data["world"]["users"][role])
    params = {"year": 2026, "compare": "1"}
    screen = client.get(reverse("backoffice:dashboard_data"), params)
    assert screen.status_code == 200
    data = screen.json()
    answer = client.get(reverse("backoffice:dashboard_report"), params)
    assert answer.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(answer.streaming_content)))
    assert len(book.sheet_names) == len(data["sections"])
    checked = 0
    for section, name in zip(data["sections"], book.sheet_names, strict=True):
        rows = book.get_sheet_by_name(name).to_python()
        assert rows[0][0] == section["title"]
        blocks = Blocks(rows[3:])
        if section["figures"]:
            figures = blocks["Figures"]
            if section["figures_last"] is not None:
                assert [norm(v) for v in figures[0][1:3]] == [norm(2026), norm(2025)]
                figures = figures[1:]
            for index, (label, value) in enumerate(section["figures"]):
                row = figures[index]
                assert row[0] == label
                assert norm(row[1]) == norm(value)
                if section["figures_last"] is not None:
                    assert norm(row[2]) == norm(section["figures_last"][index])
                checked += 1
        for chart in section["charts"]:
            heading = f"{chart['title']} ({chart['unit']})" if chart["unit"] else chart["title"]
            block = blocks[heading]
            assert [str(v) for v in block[0][1 : 1 + len(chart["series"])]] == [
                s["name"] for s in chart["series"]
            ]
            assert [r[0] for r in block[1:]] == chart["labels"]
            for n, series in enumerate(chart["series"], start=1):
                assert [norm(r[n]) for r in block[1:]] == [norm(v) for v in series["values"]]
                checked += len(series["values"])
        for table in section["tables"]:
            block = blocks[table["title"]]
            assert [str(h) for h in block[0][: len(table["headers"])]] == table["headers"]
            body = block[1:]
            assert len(body) == len(table["rows"])
            for got, want in zip(body, table["rows"], strict=True):
                assert [norm(v) for v in got[: len(want)]] == [norm(v) for v in want]
                checked += len(want)
    assert checked > 20


def test_the_report_refuses_those_not_entitled(sections_data):
    for role in ("judge", "worker", "nobody"):
        client = client_of(sections_data["world"]["users"][role])
        for name in ("dashboard_report", "dashboard_report_pdf", "dashboard_data"):
            assert client.get(reverse(f"backoffice:{name}"), {"year": 2026}).status_code == 403


def test_the_page_shows_last_year_beside_each_figure(sections_data):
    client = client_of(sections_data["world"]["users"]["admin"])
    plain = client.get(reverse("backoffice:dashboard"), {"year": 2026}).content.decode()
    page = client.get(reverse("backoffice:dashboard"), {"year": 2026, "compare": "1"})
    html = page.content.decode()
    assert 'name="compare" value="1" checked' in html
    assert 'name="compare" value="1" checked' not in plain
    section = html[html.index('id="section-training"') :]
    section = section[: section.index("</section>")]
    expected = direct.training(Filters(year=sections_data["years"][1]), Scope())
    assert f'<small class="muted yoy">2025: {expected["workers"]}</small>' in section
    # the report buttons carry the comparison
    button = html.index('id="report-xlsx"')
    assert "compare=1" in html[button - 200 : button]
