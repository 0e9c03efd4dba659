"""The WorldSkills sample, broken copies of it, and a small scheme marked by hand."""

import io
import pathlib
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation
from python_calamine import CalamineWorkbook

from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import panel
from jingsai.worldskills.domain import cis_export, cis_import
from jingsai.worldskills.domain.layout import (
    AspectData,
    CalculationData,
    CriterionData,
    SchemeData,
    SectionData,
    SubCriterionData,
    aspect_codes,
)
from tests.factories import OrganisationFactory, WorkerFactory

SAMPLE = (
    pathlib.Path(__file__).parent / "data" / "wsuk-web-technologies-2024-national-final-cis.xlsx"
)
DESCRIPTORS = {0: "none", 1: "some", 2: "most", 3: "all"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def sample_rows() -> dict[str, list[list]]:
    """Both sheets of the sample as lists of cells (1-based row n is index n - 1)."""
    book = CalamineWorkbook.from_path(str(SAMPLE))
    return {
        name: [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        for name in book.sheet_names
    }


def workbook_from(rows: dict[str, list[list]]) -> bytes:
    """Rows back into an .xlsx (formulas as their values)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    for name, lines in rows.items():
        sheet = book.add_worksheet(name)
        for r, cells in enumerate(lines):
            for c, value in enumerate(cells):
                if value == "" or value is None:
                    continue
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def set_cell(rows, sheet: str, row: int, column: str, value) -> None:
    """Set the cell at Excel row ``row`` and column letter ``column``."""
    line = rows[sheet][row - 1]
    index = ord(column) - ord("A")
    while len(line) <= index:
        line.append("")
    line[index] = value


def small_scheme() -> SchemeData:
    """Criterion A (3.75): A1.J1 1.5 (section 1), A1.M1 1 all or nothing (2), A1.M2 0.75
    with “Deduct .25” (1), A1.M3 0.5 with the choice rule “Pick” (2);
    criterion B (2): B1.J1 2 (2). Sections: 1 (target 3) gets 2.25, 2 (target 2.75) 3.5."""
    sub_a = SubCriterionData(
        "A1",
        "Build",
        "1",
        [
            AspectData("J", "Quality of finish", Decimal("1.5"), 1, descriptors=dict(DESCRIPTORS)),
            AspectData("M", "Door fitted", Decimal(1), 2),
            AspectData("M", "Errors counted", Decimal("0.75"), 1, calculation="Deduct .25"),
            AspectData("M", "Cabling", Decimal("0.5"), 2, calculation="Pick"),
        ],
    )
    sub_b = SubCriterionData(
        "B1",
        "Present",
        "2",
        [AspectData("J", "Presentation", Decimal(2), 2, descriptors=dict(DESCRIPTORS))],
    )
    for sub in (sub_a, sub_b):
        aspect_codes(sub)
    return SchemeData(
        "99 Test Skill",
        sections=[
            SectionData(1, "Work organisation", Decimal(3)),
            SectionData(2, "Installation", Decimal("2.75")),
        ],
        criteria=[
            CriterionData("A", "Build", Decimal("3.75"), [sub_a]),
            CriterionData("B", "Present", Decimal(2), [sub_b]),
        ],
        calculations=[
            CalculationData(
                "Deduct .25",
                "REGULAR_DIFFERENCE_DEDUCTION",
                True,
                [
                    ("DEDUCTION_TYPE", "", "UNIT"),
                    ("TARGET_VALUE", "0E-8", ""),
                    ("DIFFERENCE", "1.00000000", ""),
                    ("DIFFERENCE_TYPE", "", "UNIT"),
                    ("DEDUCTION", "0.25000000", ""),
                ],
            ),
            CalculationData(
                "Pick",
                "CHOICE",
                True,
                [
                    ("CHOICE1_LABEL", "", "Full Marks"),
                    ("CHOICE1_DEDUCTION", "0E-8", ""),
                    ("CHOICE2_LABEL", "", "Partly"),
                    ("CHOICE2_DEDUCTION", "0.25000000", ""),
                    ("CHOICE3_LABEL", "", "No Marks"),
                    ("CHOICE3_DEDUCTION", "0.75000000", ""),
                ],
            ),
        ],
    )


@pytest.fixture
def judging_competition(make_competition):
    return make_competition(status=Competition.Status.JUDGING)


@pytest.fixture
def sample_competition(judging_competition):
    result = cis_import.import_scheme(
        actor=None, competition=judging_competition, source=SAMPLE, source_name=SAMPLE.name
    )
    assert result.ok, result.errors.errors
    return judging_competition


@pytest.fixture
def marked(judging_competition):
    """The small scheme with three entries (E1–E3) and three judges (J1–J3) on each."""
    competition = judging_competition
    result = cis_import.import_scheme(
        actor=None,
        competition=competition,
        source=cis_export.write_workbook(small_scheme()),
        source_name="small.xlsx",
    )
    assert result.ok, result.errors.errors
    neutral = OrganisationFactory(name="上海丁评审中心")
    entries = []
    for n in (1, 2, 3):
        enterprise = OrganisationFactory(name=f"上海参赛{n}有限公司")
        WorkerFactory(employer=enterprise)
        entries.append(
            Entry.objects.create(
                competition=competition,
                enterprise=enterprise,
                status=Entry.Status.APPROVED,
                number=f"E{n}",
            )
        )
    judges = [
        panel.add_judge(
            actor=None,
            competition=competition,
            code=f"J{n}",
            name=f"Judge {n}",
            organisation=neutral,
            is_chief=(n == 3),
        )
        for n in (1, 2, 3)
    ]
    panel.assign_many(actor=None, judges=judges, entries=entries)
    return {"competition": competition, "entries": entries, "judges": judges}
