"""Checks from an .xlsx file: all or nothing, every problem with sheet, row and column."""

import io

import pytest
from python_calamine import CalamineWorkbook

from jingsai.common.models import AuditEntry
from jingsai.common.spreadsheet_import import SpreadsheetRefused
from jingsai.labour.domain import checks_import, services
from jingsai.labour.models import Check, KindTally
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["参赛编号或项目名称", "检查类型", "考核人", "检查日期", "检查情况", "安全", "质量"]


def number(league, site):
    return league["sites"][site].entry.number


def run(league, rows, period=None):
    data = xlsx_bytes([HEADER, *rows], sheet="检查")
    return checks_import.import_checks(
        actor=None, period=period or league["periods"][0], source=io.BytesIO(data)
    )


def test_a_clean_file_is_imported_and_counts_at_once(league):
    result = run(
        league,
        [
            [number(league, "A"), "自查", "", "2026-01-15", "现场整洁", 90, 40],
            ["项目B", "抽查", "judge", "2026-01-16", "", "100", "41.5"],
            [number(league, "A"), "互查", "互查员", "", "", 70, 35],
        ],
    )
    assert not result.errors and result.checks == 3
    checks = Check.objects.filter(period=league["periods"][0])
    assert {(c.participant.name, c.kind, c.source, c.status) for c in checks} == {
        ("项目A", "self", "import", "submitted"),
        ("项目B", "spot", "import", "submitted"),
        ("项目A", "mutual", "import", "submitted"),
    }
    assert KindTally.objects.filter(period=league["periods"][0]).count() == 3
    assert AuditEntry.objects.filter(action="checks:import").exists()


def test_every_problem_is_reported_and_nothing_is_saved(league):
    result = run(
        league,
        [
            ["项目A", "自查", "", "", "", 90, 40],  # fine
            ["项目Z", "抽查", "judge", "", "", 90, 40],  # unknown participant
            ["项目B", "巡查", "judge", "", "", 90, 40],  # unknown kind
            ["项目B", "抽查", "", "", "", 90, 40],  # no assessor
            ["项目B", "抽查", "互查员", "", "", 90, 40],  # assessor of the other kind
            ["项目D", "互查", "互查员", "", "", 90, 40],  # conflict: his own builder's site
            ["项目C", "抽查", "judge", "昨天", "", 101, ""],  # bad date, over max, missing
            ["项目A", "自查", "", "", "", 90, 40],  # the same check twice
        ],
    )
    found = {(e.row, e.column.split("（")[0], e.message) for e in result.errors.errors}
    assert result.checks == 0 and not Check.objects.exists()
    rows = sorted({row for row, _c, _m in found})
    assert rows == [3, 4, 5, 6, 7, 8, 9]
    assert (3, "A", "No participant of this competition has this entry number or name.") in found
    assert any(row == 4 and col == "B" for row, col, _m in found)
    assert any(row == 6 and "mutual" in message for row, _c, message in found)
    assert any(row == 7 and "belongs to" in message for row, _c, message in found)
    assert any(row == 8 and col == "D" for row, col, _m in found)
    assert any(row == 8 and col == "F" and "0 to 100" in message for row, col, message in found)
    assert any(row == 8 and col == "G" and "no mark" in message for row, col, message in found)
    assert any(row == 9 and "rows 2 and 9" in message for row, _c, message in found)
    report = CalamineWorkbook.from_filelike(io.BytesIO(result.errors.report_xlsx()))
    lines = report.get_sheet_by_index(0).to_python()
    assert len(lines) == len(result.errors.errors) + 1


def test_a_submitted_check_is_not_overwritten_and_a_confirmed_period_refuses(league):
    services.save_check(
        actor=None,
        period=league["periods"][0],
        participant=league["sites"]["B"],
        kind="spot",
        assessor=league["spot"],
        values={"safety": "1", "quality": "1"},
        submit=True,
    )
    result = run(league, [["项目B", "抽查", "judge", "", "", 90, 40]])
    assert result.errors.errors[0].message == "This check is already submitted and locked."
    services.confirm(actor=None, period=league["periods"][0])
    with pytest.raises(SpreadsheetRefused, match="confirmed"):
        run(league, [["项目B", "抽查", "judge", "", "", 90, 40]])


def test_the_template_has_the_indicator_columns(league):
    book = CalamineWorkbook.from_filelike(io.BytesIO(checks_import.template(league["league"])))
    header = book.get_sheet_by_index(0).to_python()[0]
    assert [h.rstrip(" *") for h in header] == HEADER
