"""An enterprise officer registers his workers for a competition by uploading a roster:
the template downloaded from the page, a file with one bad row refused whole with every
problem located (sheet, row, column) and an error report to download, then the corrected
file imported."""

import datetime as dt
import io

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from tests.factories import make_id_number

pytestmark = pytest.mark.e2e

NEW_WORKERS = [  # name, ID number, phone, trade, skill level
    (
        "陈一鸣",
        make_id_number(birth=dt.date(1990, 3, 1), seq=101),
        "13912340001",
        "数控车工",
        "高级工",
    ),
    ("林二强", make_id_number(birth=dt.date(1991, 4, 2), seq=102), "", "数控车工", "3"),
    ("黄三丽", make_id_number(birth=dt.date(1992, 5, 3), seq=204), "", "钳工", ""),
]
LAST = make_id_number(birth=dt.date(1993, 6, 4), seq=305)  # the last row's ID number
LAST_MISTYPED = LAST[:-1] + ("1" if LAST[-1] != "1" else "2")  # a wrong check character


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}  # the UI's default language


@pytest.fixture
def open_competition(e2e_world):
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="浦东新区数控车工技能竞赛",
        series=Series.objects.get(code="hard-core-industries"),
        organiser=Organisation.objects.get(kind=Organisation.Kind.UNION),
        registration_opens=timezone.now() - dt.timedelta(days=1),
        registration_closes=timezone.now() + dt.timedelta(days=10),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.OPEN)
    competition.refresh_from_db()
    return competition


def workbook_rows(data: bytes, sheet: int = 0) -> tuple[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.sheet_names[sheet], book.get_sheet_by_index(sheet).to_python()


def roster_file(path, sheet: str, headers: list[str], rows: list[list[str]]):
    """An .xlsx as an officer fills it: the template's headers, ID numbers as text."""
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet(sheet)
    for c, header in enumerate(headers):
        ws.write_string(0, c, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value:
                ws.write_string(r, c, value)
    workbook.close()
    return path


def test_officer_uploads_a_roster_with_a_bad_row_then_a_good_one(
    e2e_world, open_competition, sign_in, live_server, tmp_path, screenshot
):
    competition = open_competition
    known = e2e_world["our_worker"]  # already registered: the roster finds him by his number
    workers_before = Worker.objects.count()
    page = sign_in("officer")
    page.goto(f"{live_server.url}/office/competitions/{competition.pk}/")
    page.click(f"main a[href='/office/competitions/{competition.pk}/roster/']")
    page.wait_for_url(f"{live_server.url}/office/competitions/{competition.pk}/roster/")

    # the template, from the page: its sheet and headers make the officer's file
    with page.expect_download() as template:
        page.click("main a[href$='/roster/template.xlsx']")
    sheet, rows = workbook_rows(template.value.path().read_bytes())
    headers = [str(h) for h in rows[0]]
    assert [h.rstrip(" *") for h in headers] == [
        "姓名",
        "身份证号码",
        "手机号码",
        "工种",
        "技能等级",
    ]
    assert headers[:2] == ["姓名 *", "身份证号码 *"]  # required columns are marked
    assert len(rows) == 1  # headers only: the example is on the notes sheet

    good_rows = [
        [known.name, known.id_number, "", "电工", "高级工"],
        *[list(w) for w in NEW_WORKERS],
    ]
    bad = roster_file(
        tmp_path / "roster-bad.xlsx",
        sheet,
        headers,
        [*good_rows, ["吴四海", LAST_MISTYPED, "", "", ""]],
    )

    page.set_input_files("#id_file", str(bad))
    page.click("main form button[type=submit]")
    result = page.locator("#roster-result")
    expect(result.locator("[role=alert]")).to_be_visible()
    assert "未导入任何记录" in result.locator("[role=alert]").inner_text()
    cells = result.locator("tbody tr").all()
    assert len(cells) == 1  # one problem: the last row's ID number
    sheet_cell, row_cell, column_cell, reason_cell = cells[0].locator("td").all_inner_texts()
    assert (sheet_cell, row_cell) == (sheet, "6")  # header row 1, five rows: the bad one is 6
    assert column_cell == "B（身份证号码 *）"  # the column's letter and header as in the file
    assert "校验码" in reason_cell
    assert page.url.endswith("/roster/")
    # all or nothing: no entry, no worker from the four good rows
    assert not Entry.objects.filter(competition=competition).exists()
    assert Worker.objects.count() == workers_before
    screenshot(page, "roster-errors")

    with page.expect_download() as report:
        page.click("#roster-result a[href*='/roster/report/']")
    assert report.value.suggested_filename == "roster-errors.xlsx"
    _, lines = workbook_rows(report.value.path().read_bytes())
    assert len(lines) == 2  # the headers and the one problem
    assert lines[1][:3] == [sheet, 6, "B（身份证号码 *）"]
    assert "校验码" in lines[1][3]
    assert lines[1][4] == LAST_MISTYPED  # the value as typed, so that it can be found

    # the corrected file: every row imported, the new workers registered
    good = roster_file(
        tmp_path / "roster-good.xlsx", sheet, headers, [*good_rows, ["吴四海", LAST, "", "", ""]]
    )
    page.set_input_files("#id_file", str(good))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/office/competitions/{competition.pk}/entries/")
    expect(page.locator("main .notice-success")).to_contain_text("已导入 5 个报名")
    expect(page.locator("main .notice-success")).to_contain_text("新登记职工 4 名")
    listed = page.inner_text("main table")
    for name in (known.name, "陈一鸣", "林二强", "黄三丽", "吴四海"):
        assert name in listed
    assert LAST not in page.content()  # ID numbers are not shown in full
    screenshot(page, "roster-imported")

    entries = Entry.objects.filter(competition=competition)
    assert entries.count() == 5
    assert set(entries.values_list("enterprise", flat=True)) == {e2e_world["ours"].pk}
    members = EntryMember.objects.filter(competition=competition).select_related("worker")
    assert sorted(m.worker.id_number for m in members) == sorted(
        [known.id_number, LAST, *(w[1] for w in NEW_WORKERS)]
    )
    assert Worker.objects.count() == workers_before + 4
    chen = Worker.objects.get(id_number=NEW_WORKERS[0][1])
    assert (chen.name, chen.employer, chen.skill_level) == ("陈一鸣", e2e_world["ours"], 3)
