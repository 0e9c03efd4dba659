"""The import base: rows as tuples of cells, read by column key."""

import datetime as dt

import pytest

from jingsai.common.spreadsheet_import import (
    ColumnSpec,
    ErrorCollector,
    Row,
    SpreadsheetRefused,
    _read,
    cell_text,
)

COLUMNS = [ColumnSpec("name", "姓名"), ColumnSpec("phone", "手机号码", required=False)]


def test_rows_keep_the_cells_of_the_wanted_columns_in_order():
    table = _read(
        "名单",
        iter(
            [
                ["备注", "手机号码", "姓名"],
                ["x", "139", "孙三"],
                ["", "  ", " "],  # blank in every wanted column: skipped
                ["y", None, "李四"],
                ["z", 13900001111.0, ""],
            ]
        ),
        COLUMNS,
    )
    assert table.keys == ("phone", "name")
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("139", "孙三")),
        (4, (None, "李四")),
        (5, (13900001111.0, "")),
    ]
    assert table.rows[0].values == {"phone": "139", "name": "孙三"}
    assert table.rows[1].get("name") == "李四"
    assert table.rows[1].get("team") is None
    assert (table.index("name"), table.index("team")) == (1, None)
    assert table.rows[0] == Row(2, ("139", "孙三"), ("phone", "name"))
    assert table.column_letters == {"phone": "B", "name": "C"}


def test_short_rows_and_a_single_column():
    table = _read("名单", iter([["姓名"], ["孙三"], [], ["李四", "多余"]]), COLUMNS[:1])
    assert [(r.number, r.cells) for r in table.rows] == [(2, ("孙三",)), (4, ("李四",))]
    table = _read("名单", iter([["x", "姓名"], ["1"], ["2", "王五"]]), COLUMNS[:1])
    assert [(r.number, r.cells) for r in table.rows] == [(3, ("王五",))]


def test_headers_without_rows_are_refused():
    with pytest.raises(SpreadsheetRefused):
        _read("名单", iter([["姓名"], ["  "], [None]]), COLUMNS)


def test_errors_show_the_cell_as_written():
    table = _read("名单", iter([["姓名", "手机号码"], ["孙三", 1391234.0]]), COLUMNS)
    errors = ErrorCollector(table.sheet)
    errors.add(table, table.rows[0], "phone", "bad")
    errors.add(table, table.rows[0], None, "whole row")
    assert [(e.row, e.column, e.value) for e in errors.errors] == [
        (2, "B（手机号码）", "1391234.0"),
        (2, "", ""),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (" abc ", "abc"),
        ("\u3000孙三 ", "孙三"),
        ("３１０１１５", "310115"),
        ("11010519491231002ｘ", "11010519491231002x"),
        (True, "1"),
        (13900001111.0, "13900001111"),
        (1.5, "1.5"),
        (dt.datetime(2026, 1, 2, 3, 4), "2026-01-02"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (7, "7"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text
