"""The yearly report: a workbook with one sheet per section holding its figures, charts'
data and tables, and a printable PDF with a title page, the charts and Chinese text."""

import io

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from jingsai.dashboards.domain import report, report_pdf, sections
from jingsai.dashboards.domain.base import Chart, Filters, Scope, Section, Series, Table

pytestmark = pytest.mark.django_db


def build(filters, scope=None):
    return [make(filters, scope or Scope()) for make in sections.ALL]


def cells(sheet) -> list[list]:
    return sheet.to_python()


def test_one_sheet_per_section_with_its_figures(sections_data):
    f = Filters(year=sections_data["years"][0], zone=sections_data["zones"][1].pk)
    built = build(f)
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx(built, f)))
    assert len(book.sheet_names) == len(built) == len(sections.ALL)
    for section, name in zip(built, book.sheet_names, strict=True):
        rows = cells(book.get_sheet_by_name(name))
        assert rows[0][0] == section.title
        assert "Zone: Zhangjiang" in rows[1][0]
        found = {row[0]: row[1] for row in rows if len(row) > 1 and row[0]}
        for label, value in section.figures:
            assert found[label] == (value if isinstance(value, str) else float(value))
        # every chart's data and every table are on the sheet, under their titles
        titles = [row[0] for row in rows]
        cursor = 0
        for chart in section.charts:
            heading = f"{chart.title} ({chart.unit})" if chart.unit else chart.title
            start = cursor = titles.index(heading, cursor)
            assert rows[start + 1][1 : 1 + len(chart.series)] == [s.name for s in chart.series]
            for offset, label in enumerate(chart.labels, start=2):
                assert rows[start + offset][0] == label
                assert rows[start + offset][1] == float(chart.series[0].values[offset - 2])
        for table in section.tables:
            start = cursor = titles.index(table.title, cursor + 1)
            assert [str(h) for h in rows[start + 1][: len(table.headers)]] == table.headers
            body = rows[start + 2 : start + 2 + len(table.rows)]
            assert [r[0] for r in body] == [
                v if isinstance(v, str) else float(v) for v in (row[0] for row in table.rows)
            ]


def test_medal_figures_in_the_workbook_equal_the_screen(sections_data):
    f = Filters(year=sections_data["years"][0])
    medals_section = sections.ALL[1](f, Scope())
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx([medals_section], f)))
    rows = cells(book.get_sheet_by_index(0))
    table = next(t for t in medals_section.tables if t.key == "medals-zone")
    start = [r[0] for r in rows].index(table.title)
    for offset, row in enumerate(table.rows, start=2):
        assert rows[start + offset][: len(row)] == [
            float(v) if not isinstance(v, str) else v for v in row
        ]


def test_sheet_names_are_safe_and_unique():
    long = "劳动和技能竞赛红旗统计：按标段/片区[2026]*很长很长很长很长很长很长的标题"
    names = report.sheet_names([long, long, "Medal table", "medal table", "", "a?b"])
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 for n in names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    assert names[0].startswith("劳动和技能竞赛红旗统计")
    assert names[1].endswith("(2)") and names[3] == "medal table (2)"


def test_text_cells_never_run_as_formulas(sections_data):
    f = Filters(year=sections_data["years"][0])
    section = Section(
        key="x", title="x", tables=[Table(key="t", title="t", headers=["a"], rows=[["=1+1"]])]
    )
    rows = cells(CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx([section], f)))
                 .get_sheet_by_index(0))  # fmt: skip
    assert ["'=1+1"] in rows


def pdf_text(data: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(data)
    return len(document), "".join(
        document[i].get_textpage().get_text_range() for i in range(len(document))
    )


def test_the_pdf_has_a_title_page_the_sections_and_chinese_text(sections_data):
    f = Filters(year=sections_data["years"][0])
    with translation.override("zh-hans"):
        built = build(f)
        data = report_pdf.render(built, f)
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert pages >= 1 + len(built)  # the title page, then a page or more per section
    assert "2026" in text
    for section in built:
        assert section.title in text
    # Chinese from the data: award levels, enterprises, blocks, courses
    for word in ("一等奖", "上海测试企业", "前滩", "数控车工集训"):
        assert word in text, word
    first_page = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    for section in built:
        assert section.title in first_page  # the contents
    assert b"WenQuanYi" in data  # the Chinese font is embedded


def test_the_pdf_draws_every_kind_of_chart_and_empty_ones(world):
    from jingsai.catalogue.models import ProgrammeYear

    f = Filters(year=ProgrammeYear.objects.get(year=2026))
    section = Section(
        key="x",
        title="图表",
        figures=[("数量", 3)],
        charts=[
            Chart(key="a", title="柱状图", labels=["浦东新区一号企业", "二"],
                  series=[Series("甲", [3, 4]), Series("乙", [1, 2])]),
            Chart(key="b", title="折线图", kind="line", labels=["2026-01", "2026-02"],
                  series=[Series("工时", [1.5, 2])]),
            Chart(key="c", title="饼图", kind="pie", labels=["一等奖", "二等奖"],
                  series=[Series("奖项", [1, 3])]),
            Chart(key="d", title="空图", labels=[], series=[]),
            Chart(key="e", title="多类", labels=[f"类别{i}" for i in range(30)],
                  series=[Series("n", list(range(30)))]),
        ],
        tables=[Table(key="t", title="表", headers=["名称", "数"],
                      rows=[[f"第{i}行", i] for i in range(400)])],
    )  # fmt: skip
    _pages, text = pdf_text(report_pdf.render([section], f))
    for word in (
        "柱状图",
        "折线图",
        "饼图",
        "空图",
        "浦东新区一号企业",
        "二等奖",
        "类别29",
        "第299",
    ):
        assert word in text, word
    assert "第300" not in text  # tables are cut in print; the workbook has every row
