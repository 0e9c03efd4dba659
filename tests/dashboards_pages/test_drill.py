"""A bar's list holds exactly what the bar counts; its export holds exactly the rows the
list shows; scoped readers drill only into their scope."""

import io
import re

import openpyxl
import pytest

from jingsai.competitions.models import EntryMember
from jingsai.dashboards.domain import drill
from jingsai.dashboards.domain.base import Scope
from jingsai.dashboards.domain.figures import Filters
from jingsai.people.models import Worker
from tests.dashboards.conftest import direct
from tests.dashboards_pages.conftest import scoped_direct
from tests.dashboards_pages.helpers import chart, payload

pytestmark = pytest.mark.django_db

CHARTS = (
    "workers-by-series",
    "enterprises-by-brand",
    "workers-by-industry",
    "enterprises-by-zone",
    "entries-by-level",
    "entries-by-month",
)


def drill_count(client, params: dict, key: str) -> int:
    response = client.get("/office/dashboard/drill/", params | {"key": key})
    assert response.status_code == 200, key
    return response.context["page"].count


def every_row(client, params: dict, key: str) -> list[list[str]]:
    """The rows on screen, page after page."""
    rows, number = [], 1
    while True:
        response = client.get("/office/dashboard/drill/", params | {"key": key, "page": number})
        rows += response.context["rows"]
        if not response.context["page"].has_next:
            return rows
        number += 1


def exported(client, params: dict, key: str) -> tuple[list, list[list[str]]]:
    response = client.get("/office/dashboard/drill.xlsx", params | {"key": key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]

    def shown(value) -> str:
        if value is None:
            return ""
        if hasattr(value, "date"):
            return value.date().isoformat()
        if isinstance(value, int | float):
            return f"{int(value):,}"
        return str(value)

    return list(lines[0]), [[shown(v) for v in line] for line in lines[1:]]


@pytest.mark.parametrize(
    "filters",
    [{}, {"brand": "b0"}, {"zone": "z0"}, {"series": "hard", "industry": "none"}],
    ids=["all", "brand", "zone", "series+no-industry"],
)
def test_every_bar_lists_its_number(board, as_user, filters):
    named = {
        "b0": board["brands"][0].pk,
        "z0": board["zones"][0].pk,
        "hard": board["series"]["hard-core-industries"].pk,
        "none": 0,
    }
    params = {"year": 2026} | {k: named[v] for k, v in filters.items()}
    client = as_user("leader")
    data = payload(client.get("/office/dashboard/", params))
    checked = 0
    for key in CHARTS:
        drawn = chart(data, key)
        for drill_key, value in zip(drawn["drill"], drawn["series"][0]["values"], strict=True):
            assert drill_count(client, params, drill_key) == value, (params, drill_key)
            checked += 1
    for h in data["headline"]:
        assert drill_count(client, params, f"participation:{h['key']}:all") == h["value"]
    assert checked > 5


def test_the_list_is_the_workers_a_direct_count_finds(board, as_user):
    zone = board["zones"][1].pk
    client = as_user("admin")
    key = f"participation:workers-zone:{zone}"
    response = client.get("/office/dashboard/drill/", {"year": 2026, "key": key})
    expected = set(
        EntryMember.objects.filter(
            active=True, entry__status="approved", competition__year__year=2026, worker__zone=zone
        ).values_list("worker_id", flat=True)
    )
    assert (
        response.context["page"].count
        == len(expected)
        == direct(board["years"][0], zone=zone)["workers"]["total"]
    )
    names = {row[0] for row in every_row(client, {"year": 2026}, key)}
    assert names == set(Worker.objects.filter(pk__in=expected).values_list("name", flat=True))
    # ID numbers are masked on screen and in the export
    html = response.content.decode()
    some = Worker.objects.filter(pk__in=expected).first()
    assert some.id_number not in html and some.masked_id_number in html
    _headers, rows = exported(client, {"year": 2026}, key)
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", row[1]) for row in rows)


@pytest.mark.parametrize(
    "key",
    ["participation:workers:all", "participation:entries:all", "participation:enterprises-zone:0"],
)
def test_the_export_holds_exactly_the_rows_on_screen(board, as_user, key):
    client = as_user("leader")
    params = {"year": 2026}
    on_screen = every_row(client, params, key)
    headers, rows = exported(client, params, key)
    assert (
        headers
        == client.get("/office/dashboard/drill/", params | {"key": key}).context["table"].headers
    )
    assert rows == on_screen
    assert len(rows) == drill_count(client, params, key) > 0
    if key == "participation:workers:all":
        assert len(rows) > 25  # more than one page


def test_scoped_drills(board, as_user):
    year = board["years"][0]
    client = as_user("coorganiser")
    expected = scoped_direct(year, competitions=board["coorganised"])
    for measure, n in expected.items():
        assert drill_count(client, {"year": 2026}, f"participation:{measure}:all") == n
    assert expected["workers"] < direct(year)["workers"]["total"]
    data = payload(client.get("/office/dashboard/", {"year": 2026}))
    for key in ("workers-by-zone", "entries-by-level", "enterprises-by-industry"):
        drawn = chart(data, key)
        for drill_key, value in zip(drawn["drill"], drawn["series"][0]["values"], strict=True):
            assert drill_count(client, {"year": 2026}, drill_key) == value
    # last year's bar (the second series) drills into last year's list
    last = board["years"][1]
    assert (
        drill_count(client, {"year": 2025}, "participation:workers:all")
        == scoped_direct(last, competitions=board["coorganised"])["workers"]
    )
    officer = as_user("officer2")
    enterprise = board["officer_enterprise"]
    _headers, rows = exported(officer, {"year": 2026}, "participation:enterprises:all")
    assert [row[0] for row in rows] == [enterprise.name]
    workers = every_row(officer, {"year": 2026}, "participation:workers:all")
    assert {row[2] for row in workers} == {enterprise.name}
    assert len(workers) == scoped_direct(year, enterprises=[enterprise.pk])["workers"]


def test_unknown_keys_and_filters_answer_404(board, as_user):
    client = as_user("leader")
    for key in (
        "",
        "participation",
        "participation:workers:7",
        "participation:nothing:all",
        "participation:workers-level:zone",
        "participation:entries-level:galaxy",
        "participation:entries-month:202613",
        "participation:workers-series:0",
        "participation:workers-series:99999",
        "participation:workers-zone:abc",
        "nosuchsection:x:1",
    ):
        assert client.get("/office/dashboard/drill/", {"year": 2026, "key": key}).status_code == 404
    for params in (
        {"year": "1999"},
        {"year": "x"},
        {"series": "99999"},
        {"brand": "0"},
        {"zone": "-1"},
    ):
        assert client.get("/office/dashboard/", params).status_code == 404, params
        assert client.get("/office/dashboard/data.json", params).status_code == 404, params
    assert client.get("/office/dashboard/", {"industry": "0", "year": 2026}).status_code == 200


def test_a_bar_outside_the_filters_lists_nothing(board):
    year = board["years"][0]
    hard = board["series"]["hard-core-industries"].pk
    digital = board["series"]["city-digital-transformation"].pk
    table = drill.rows(
        f"participation:workers-series:{digital}", Filters(year=year, series=hard), Scope()
    )
    assert table is not None and len(table.rows) == 0
    assert (
        drill.rows(
            "participation:workers:all", Filters(year=year), Scope(competition_ids=frozenset())
        )
        is not None
    )
    assert (
        len(
            drill.rows(
                "participation:workers:all", Filters(year=year), Scope(competition_ids=frozenset())
            ).rows
        )
        == 0
    )
