"""An empty competition workbook to fill in: the sheets and headers of
:data:`jingsai.judging.domain.workbook.SHEETS`, with a small worked example.

The example is a whole, valid competition (it reads without an error and can be
imported as it is); replace its rows with the competition's own. A last sheet,
``notes``, explains the columns; the reader ignores it.
"""

from __future__ import annotations

import io

import xlsxwriter

from jingsai.judging.domain.workbook import OPTIONAL_COLUMNS, SHEETS

EXAMPLE: dict[str, list[list]] = {
    "competition": [
        ["slug", "example-2026"],
        ["title", "数控车工技能竞赛（示例）"],
        ["awards", "一等奖:10%,二等奖:20%,三等奖:30%"],
        ["min_total", 60],
        ["tiebreak", "practical,time"],
    ],
    "stages": [["theory", "理论", 30], ["practical", "实操", 70]],
    "criteria": [
        ["T1", "theory", "理论考试", 100, "measurement", "mean", None],
        ["P1", "practical", "工艺", 60, "judgement", "trimmed", 10],
        ["P2", "practical", "安全文明生产", 40, "judgement", "mean", None],
    ],
    "entries": [
        ["A01", "张三", "上海甲机械有限公司", 1200],
        ["A02", "李四", "上海乙制造有限公司", 1100],
    ],
    "judges": [
        ["J1", "赵裁判", "浦东新区职工实训中心"],
        ["J2", "钱裁判", "浦东新区职工实训中心"],
    ],
    "marks": [
        ["A01", "J1", "T1", 88],
        ["A01", "J1", "P1", 52],
        ["A01", "J2", "P1", 50.5],
        ["A01", "J1", "P2", 36],
        ["A01", "J2", "P2", 35],
        ["A02", "J1", "T1", 91],
        ["A02", "J1", "P1", 49],
        ["A02", "J2", "P1", 51],
        ["A02", "J1", "P2", 38],
        ["A02", "J2", "P2", 37],
    ],
}

NOTES = [
    "Fill in every sheet; keep the sheet names and the headers of row 1.",
    "competition: one setting per row — slug (the competition's code), title, awards "
    "(shares of the ranked entries, e.g. 一等奖:10%,二等奖:20%,三等奖:30%), min_total "
    "(the lowest total that wins an award), tiebreak (stage codes or “time”, in order).",
    "stages: code, name, weight in percent; the weights add up to 100.",
    "criteria: code, stage (a stage code), name, max (the highest mark), kind (judgement: "
    "each judge marks; measurement: one objective mark), aggregation (mean, trimmed or "
    "median), spread (flag when judges' marks differ by more than this; may be empty), "
    "scale (may be empty; e.g. 3: judges give a whole score 0–3 and the mark is max × "
    "score ÷ 3, the WorldSkills judgement rule), all_or_nothing (yes: the mark is 0 or max).",
    "entries: number, name, organisation, time_seconds (for ties broken by time; may be empty).",
    "judges: code, name, organisation; a judge never marks an entry of his own organisation.",
    "marks: one row per mark — entry number, judge code, criterion code, mark "
    "(0 to the criterion's max, at most 4 decimals; for a criterion with a scale, the score).",
    "Columns that may be empty: "
    + ", ".join(f"{sheet}.{column}" for sheet, column in sorted(OPTIONAL_COLUMNS))
    + ".",
    "The example rows describe a whole competition: replace them with your own.",
]


def workbook_template(*, example: bool = True) -> bytes:
    """The workbook as ``.xlsx`` bytes, with the example rows unless ``example=False``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE"})
    text = book.add_format({"num_format": "@"})
    for name, headers in SHEETS.items():
        sheet = book.add_worksheet(name)
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
            sheet.set_column(col, col, 22 if header in ("name", "value", "title") else 14, text)
        for r, row in enumerate(EXAMPLE[name] if example else [], start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, int | float):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, str(value))
        sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("notes")
    notes.set_column(0, 0, 120)
    for r, line in enumerate(NOTES):
        notes.write_string(r, 0, line)
    book.close()
    return buffer.getvalue()
