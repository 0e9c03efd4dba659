"""The dashboard's page and data endpoint show the figures a direct count gives, for
several filter combinations, for everything and within a co-organiser's or an officer's
scope; last year's beside them."""

import itertools

import pytest

from jingsai.competitions.models import Competition
from jingsai.dashboards.domain import compare, participation_section
from jingsai.dashboards.domain.base import Scope
from jingsai.dashboards.domain.figures import Filters, figures
from jingsai.organisations.models import Organisation
from tests.dashboards.conftest import direct
from tests.dashboards_pages.conftest import scoped_direct
from tests.dashboards_pages.helpers import bars, chart, headline_value, payload, section

pytestmark = pytest.mark.django_db


def combinations(p):
    hard = p["series"]["hard-core-industries"].pk
    digital = p["series"]["city-digital-transformation"].pk
    b0, b1 = p["brands"][0].pk, p["brands"][1].pk
    z0 = p["zones"][0].pk
    i0 = p["industries"][0].pk
    return itertools.product((None, hard, digital), (None, b0, b1), (None, i0, 0), (None, z0, 0))


def query(year, series, brand, industry, zone) -> dict:
    params = {"year": year.year}
    for name, value in (("series", series), ("brand", brand), ("industry", industry)):
        if value is not None:
            params[name] = value
    if zone is not None:
        params["zone"] = zone
    return params


def test_scoped_path_over_everything_counts_what_the_cells_hold(busy):
    """The direct count a limited scope uses agrees with the cells when the scope covers
    every competition, or every enterprise."""
    year = busy["years"][0]
    every_competition = Scope(
        competition_ids=frozenset(Competition.objects.values_list("pk", flat=True))
    )
    every_enterprise = Scope(
        enterprise_ids=frozenset(Organisation.objects.values_list("pk", flat=True))
    )
    compared = 0
    for series, brand, industry, zone in combinations(busy):
        filters = Filters(year=year, series=series, brand=brand, industry=industry, zone=zone)
        cells = figures(filters)
        assert participation_section.scoped_counts(filters, every_competition) == cells
        assert participation_section.scoped_counts(filters, every_enterprise) == cells
        compared += 1
    assert compared == 81
    last = busy["years"][1]
    assert participation_section.scoped_counts(Filters(year=last), every_competition) == figures(
        Filters(year=last)
    )


def test_page_and_data_endpoint_equal_direct_counts(board, as_user):
    year = board["years"][0]
    client = as_user("leader")
    shown = 0
    for series, brand, industry, zone in list(combinations(board))[::4]:
        params = query(year, series, brand, industry, zone)
        expected = direct(year, series=series, brand=brand, industry=industry, zone=zone)
        page = client.get("/office/dashboard/", params)
        assert page.status_code == 200
        data = payload(page)
        assert client.get("/office/dashboard/data.json", params).json() == data
        for measure in ("enterprises", "workers", "entries"):
            assert headline_value(page, measure) == expected[measure]["total"], params
            for by in ("series", "brand", "industry", "zone"):
                if measure == "entries":
                    continue
                drawn = bars(chart(data, f"{measure}-by-{by}"))
                assert drawn == expected[measure][f"by_{by}"], (params, measure, by)
        assert bars(chart(data, "entries-by-level")) == expected["entries"]["by_scope"]
        assert bars(chart(data, "entries-by-month")) == expected["entries"]["by_month"]
        headline = {h["key"]: h for h in data["headline"]}
        assert headline["workers"]["target"] == 1_000_000
        assert headline["workers"]["value"] == expected["workers"]["total"]
        shown += 1
    assert shown == 21
    # the data set is not trivial
    everything = direct(year)
    assert everything["workers"]["total"] > 30 and len(everything["workers"]["by_zone"]) > 2


def test_tables_show_the_same_counts_as_the_charts(board, as_user):
    year = board["years"][0]
    page = as_user("admin").get("/office/dashboard/", {"year": year.year})
    expected = direct(year)
    tables = {t["key"]: t for t in section(payload(page))["tables"]}
    by_zone = tables["by-zone"]
    assert by_zone["headers"][:4] == [
        "zone",
        "Enterprises taking part, 2026",
        "Workers taking part, 2026",
        "Approved entries, 2026",
    ]
    names = {z.pk: z.name_en or z.name for z in board["zones"]} | {0: "none"}
    rows = {row[0]: row[1:4] for row in by_zone["rows"]}
    for zone, workers in expected["workers"]["by_zone"].items():
        assert rows[names[zone]][1] == workers
    assert sum(row[3] for row in by_zone["rows"]) == expected["entries"]["total"]
    html = page.content.decode()
    assert 'id="table-participation-by-zone"' in html


def test_a_co_organiser_sees_his_competitions_only(board, as_user):
    year = board["years"][0]
    mine = board["coorganised"]
    client = as_user("coorganiser")
    for params, series, zone in (
        ({"year": 2026}, None, None),
        (
            {"year": 2026, "series": board["series"]["hard-core-industries"].pk},
            board["series"]["hard-core-industries"].pk,
            None,
        ),
        ({"year": 2026, "zone": board["zones"][0].pk}, None, board["zones"][0].pk),
        ({"year": 2026, "zone": 0}, None, 0),
    ):
        page = client.get("/office/dashboard/", params)
        assert page.status_code == 200
        expected = scoped_direct(year, competitions=mine, series=series, zone=zone)
        for measure, n in expected.items():
            assert headline_value(page, measure) == n, (params, measure)
        data = client.get("/office/dashboard/data.json", params).json()
        assert {h["key"]: h["value"] for h in data["headline"]} == expected
    page = client.get("/office/dashboard/", {"year": 2026})
    everything = direct(year)
    assert 0 < headline_value(page, "workers") < everything["workers"]["total"]
    assert "competitions you organise or co-organise" in page.content.decode()
    # series of competitions he does not co-organise are not drawn
    data = payload(page)
    assert set(bars(chart(data, "workers-by-series"))) == {
        board["series"]["hard-core-industries"].pk
    }
    # last year: his 2025 competition
    last = board["years"][1]
    headline = {h["key"]: h for h in data["headline"]}
    assert headline["workers"]["last"] == scoped_direct(last, competitions=mine)["workers"]
    assert headline["workers"]["last"] > 0


def test_an_officer_sees_his_enterprise_only(board, as_user):
    year = board["years"][0]
    enterprise = board["officer_enterprise"]
    client = as_user("officer2")
    for params, zone in (({"year": 2026}, None), ({"year": 2026, "zone": 0}, 0)):
        page = client.get("/office/dashboard/", params)
        expected = scoped_direct(year, enterprises=[enterprise.pk], zone=zone)
        for measure, n in expected.items():
            assert headline_value(page, measure) == n, (params, measure)
    page = client.get("/office/dashboard/", {"year": 2026})
    assert headline_value(page, "enterprises") == 1
    assert headline_value(page, "workers") > 0
    assert "your enterprise" in page.content.decode()
    # the first officer's enterprise has no entries at all
    page = as_user("officer").get("/office/dashboard/", {"year": 2026})
    assert headline_value(page, "workers") == headline_value(page, "enterprises") == 0


def test_year_over_year(board, as_user):
    this, last = board["years"]
    client = as_user("leader")
    hard = board["series"]["hard-core-industries"].pk
    for params, series in (({"year": 2026}, None), ({"year": 2026, "series": hard}, hard)):
        data = client.get("/office/dashboard/data.json", params).json()
        assert data["previous_year"] == 2025
        expected_this = direct(this, series=series)
        expected_last = direct(last, series=series)
        headline = {h["key"]: h for h in data["headline"]}
        for measure in ("enterprises", "workers", "entries"):
            assert headline[measure]["last"] == expected_last[measure]["total"]
            assert (
                headline[measure]["change"]
                == expected_this[measure]["total"] - expected_last[measure]["total"]
            )
        by_series = chart(data, "workers-by-series")
        assert [s["name"] for s in by_series["series"]] == ["2026", "2025 (last year)"]
        assert bars(by_series, 1) == expected_last["workers"]["by_series"]
        assert bars(by_series, 0) == expected_this["workers"]["by_series"]
        table = next(t for t in section(data)["tables"] if t["key"] == "year-over-year")
        assert table["headers"][1:3] == ["2026", "2025"]
        workers_row = next(r for r in table["rows"] if r[0] == "Workers taking part")
        assert workers_row[1:4] == [
            expected_this["workers"]["total"],
            expected_last["workers"]["total"],
            expected_this["workers"]["total"] - expected_last["workers"]["total"],
        ]
    assert expected_last["workers"]["total"] > 0
    # 2025 has no year before it: one series, no comparison
    page = client.get("/office/dashboard/", {"year": 2025})
    data = payload(page)
    assert data["previous_year"] is None
    assert len(chart(data, "workers-by-series")["series"]) == 1
    assert headline_value(page, "workers") == direct(last)["workers"]["total"]
    assert "nothing to compare with" in page.content.decode()


def test_percentages():
    assert compare.percent(1, 3) == compare.Decimal("33.3")
    assert compare.percent(2, 3) == compare.Decimal("66.7")
    assert compare.percent(5, 0) is None
    head = compare.Headline("workers", "w", 1500, 1000, 2000)
    assert head.progress == compare.Decimal("150.0") and head.bar == 1000
    assert head.change == -500 and head.change_percent == compare.Decimal("-25.0")


def test_the_section_is_plain_data_for_every_renderer(board):
    """Labels, titles and names are plain strings (the PDF report and ECharts take them as
    they are), values plain numbers; every label has a drill key."""
    from jingsai.dashboards.domain import registry

    year = board["years"][0]
    section = registry.sections(Filters(year=year), Scope())[0]
    assert section.key == "participation"
    assert len(section.charts) == 10
    for drawn in section.charts:
        assert type(drawn.title) is str
        assert all(type(label) is str for label in drawn.labels), drawn.key
        assert all(type(s.name) is str for s in drawn.series)
        assert all(type(v) is int for s in drawn.series for v in s.values)
        assert len(drawn.drill) == len(drawn.labels) and all(drawn.drill)
    for table in section.tables:
        assert all(type(h) is str for h in table.headers)
        assert all(type(row[0]) is str for row in table.rows)


def test_progress_text():
    assert compare.Headline("w", "w", 15, 1_000_000).progress_text == "< 0.1"
    assert compare.Headline("w", "w", 0, 1_000_000).progress_text == "0.0"
    assert compare.Headline("w", "w", 5000, 10_000).progress_text == "50.0"
    assert compare.Headline("w", "w", 5000).progress_text == ""
