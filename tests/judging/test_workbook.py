"""Competition workbooks: read whole or refused with every error located."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jingsai.judging.domain.workbook import WorkbookRefused, read_workbook
from tests.xlsx import xlsx_sheets


def book(**overrides):
    sheets = {
        "competition": [
            ["field", "value"],
            ["slug", "cnc-2026"],
            ["title", "数控车工竞赛"],
            ["awards", "一等奖:34%,二等奖:33%"],
            ["min_total", "60"],
            ["tiebreak", "practical,time"],
        ],
        "stages": [["code", "name", "weight"], ["theory", "理论", 30], ["practical", "实操", 70]],
        "criteria": [
            ["code", "stage", "name", "max", "kind", "aggregation", "spread"],
            ["T1", "theory", "理论考试", 100, "measurement", "mean", None],
            ["P1", "practical", "工艺", 100, "judgement", "trimmed", 20],
        ],
        "entries": [
            ["number", "name", "organisation", "time_seconds"],
            ["A01", "张三", "甲公司", 1200],
            ["A02", "李四", "乙公司", 1100],
            ["A03", "王五", "丙公司", None],
        ],
        "judges": [
            ["code", "name", "organisation"],
            ["J1", "赵", "甲公司"], ["J2", "钱", "实训中心"], ["J3", "孙", "实训中心"],
        ],
        "marks": [
            ["entry", "judge", "criterion", "mark"],
            ["A01", "J2", "T1", 90],
            ["A01", "J2", "P1", 80], ["A01", "J3", "P1", 90],
            ["A02", "J1", "T1", 90],
            ["A02", "J1", "P1", 85], ["A02", "J2", "P1", 85], ["A02", "J3", "P1", 85],
            ["A03", "J3", "T1", 40],
            ["A03", "J1", "P1", 50], ["A03", "J2", "P1", 50], ["A03", "J3", "P1", 50],
        ],
    }  # fmt: skip
    sheets.update(overrides)
    return xlsx_sheets(sheets)


def test_results_from_a_workbook(tmp_path, capsys):
    path = tmp_path / "competition.xlsx"
    path.write_bytes(book())
    call_command("results_workbook", str(path), "--format", "csv")
    # A01: theory 90 → 27; practical (80+90)/2 = 85 → 59.5; total 86.5
    # A02: theory 90 → 27; practical 85 → 59.5; total 86.5; tie on practical; time 1100 < 1200
    # A03: 12 + 35 = 47 (below 60)
    assert capsys.readouterr().out.splitlines() == [
        "rank,entry,name,organisation,total,award,flags",
        "1,A02,李四,乙公司,86.50,一等奖,",
        "2,A01,张三,甲公司,86.50,二等奖,",
        "3,A03,王五,丙公司,47.00,,",
    ]


def test_a_float_typed_mark_is_the_decimal_shown(tmp_path):
    data = book(marks=[["entry", "judge", "criterion", "mark"], ["A01", "J2", "T1", 130.01]])
    with pytest.raises(WorkbookRefused) as refused:  # 130.01 > 100: refused, and shown as typed
        read_workbook(data)
    assert "130.01 is outside 0..100" in str(refused.value)


def test_every_error_is_listed_with_sheet_row_and_column():
    data = book(
        stages=[["code", "name", "weight"], ["theory", "理论", 30], ["practical", "实操", 60]],
        marks=[
            ["entry", "judge", "criterion", "mark"],
            ["A09", "J2", "T1", 50],
            ["A01", "J9", "T1", 50],
            ["A01", "J2", "X1", 50],
            ["A01", "J2", "P1", 101],
            ["A01", "J1", "P1", 70],
            ["A01", "J2", "P1", "abc"],
        ],
    )
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(data)
    found = [(e.sheet, e.row, e.column) for e in refused.value.errors]
    assert found == [
        ("stages", 1, "C"),
        ("marks", 2, "A"),
        ("marks", 3, "B"),
        ("marks", 4, "C"),
        ("marks", 5, "D"),
        ("marks", 6, "B"),  # J1 is of 甲公司, like A01
        ("marks", 7, "D"),
    ]
    assert "sum to 90" in refused.value.errors[0].message


def test_missing_sheet_and_column():
    data = book(judges=[["code", "name"], ["J1", "赵"]])
    sheets = {"competition": [["field", "value"], ["slug", "x"], ["title", "t"]]}
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(xlsx_sheets(sheets))
    assert {e.sheet for e in refused.value.errors} >= {
        "stages",
        "criteria",
        "entries",
        "judges",
        "marks",
    }
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(data)
    assert any("organisation" in e.message for e in refused.value.errors)


def test_command_exits_non_zero_on_a_bad_workbook(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(book(stages=[["code", "name", "weight"], ["theory", "理论", 100]]))
    with pytest.raises(CommandError):
        call_command("results_workbook", str(path))
