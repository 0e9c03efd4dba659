"""Importing CIS workbooks: the sample's exact figures, every inconsistency located,
nothing saved on a problem, the section table and its warnings, the engine's rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition
from jingsai.judging.models import Criterion, Mark, Sheet, Stage
from jingsai.worldskills.domain import cis_import
from jingsai.worldskills.domain.sections import section_table
from jingsai.worldskills.domain.store import scheme_data
from jingsai.worldskills.models import Aspect, Calculation, Descriptor, Scheme, Section
from tests.worldskills.conftest import SAMPLE, sample_rows, set_cell, workbook_from

pytestmark = pytest.mark.django_db
MAIN = "CIS Marking Scheme Import"


def test_the_sample_reads_with_its_exact_figures():
    read = cis_import.read_workbook(SAMPLE)
    assert read.ok, read.errors.errors
    scheme = read.scheme
    assert scheme.title == "17 Web Technologies"
    assert [(c.letter, c.mark) for c in scheme.criteria] == [
        ("A", Decimal(30)),
        ("B", Decimal(30)),
        ("C", Decimal(20)),
        ("D", Decimal(20)),
    ]
    assert scheme.total == Decimal(100)
    assert len(scheme.aspects) == 220
    assert sum(a.kind == "M" for a in scheme.aspects) == 201
    assert sum(a.kind == "J" for a in scheme.aspects) == 19
    assert [len(c.aspects) for c in scheme.criteria] == [68, 62, 42, 48]
    assert [c.name for c in scheme.calculations] == [
        "Deduct .25",
        "B4.M5",
        "C1.M11",
        "C2.M1",
        "Deduct .5",
    ]
    first = scheme.criteria[0].subcriteria[0].aspects[0]
    assert (first.code, first.kind, first.max_mark, first.section) == (
        "A1.J1",
        "J",
        Decimal("0.25"),
        4,
    )
    assert first.descriptors[0] == "All common elements are not responsive at all"
    assert first.descriptors[3].startswith("When scaling the browser")
    fifth = scheme.criteria[0].subcriteria[1].aspects[6]  # row 70, under “Header + Hero”
    assert fifth.code == "A2.M5"
    assert fifth.extra == "Deduct 0.25 if transitions are abrupt or not timed correctly"


def test_the_section_table_shows_computed_marks_and_warns_about_the_stated_ones():
    table = section_table(cis_import.read_workbook(SAMPLE).scheme)
    assert [(r.number, r.target, r.computed, r.stated) for r in table.rows] == [
        (1, Decimal(5), Decimal(6), Decimal(15)),
        (2, Decimal(5), Decimal(1), Decimal(15)),
        (3, Decimal(25), Decimal(7), Decimal(27)),
        (4, Decimal(25), Decimal(60), Decimal(23)),
        (5, Decimal(40), Decimal(26), Decimal(20)),
    ]
    assert [r.variation for r in table.rows] == [1, 4, 18, 35, 14]
    assert (table.target, table.computed, table.variation) == (100, 100, 72)
    assert len(table.warnings) == 5
    assert table.warnings[0] == (
        "Section 1: the workbook states 15 aspect marks, but its aspects give 6; "
        "the computed figure is shown."
    )


def test_importing_the_sample_saves_the_scheme_and_the_engine_rows(sample_competition):
    competition = sample_competition
    scheme = Scheme.objects.get(competition=competition)
    assert scheme.title == "17 Web Technologies"
    assert scheme.source_name == SAMPLE.name
    assert Aspect.objects.filter(scheme=scheme).count() == 220
    assert Descriptor.objects.filter(aspect__scheme=scheme).count() == 19 * 4
    assert Calculation.objects.filter(scheme=scheme).count() == 5
    assert list(
        Section.objects.filter(scheme=scheme).values_list("number", "target", "stated")
    ) == [(1, 5, 15), (2, 5, 15), (3, 25, 27), (4, 25, 23), (5, 40, 20)]
    stages = list(Stage.objects.filter(competition=competition).order_by("order"))
    assert [(s.code, s.weight) for s in stages] == [("A", 30), ("B", 30), ("C", 20), ("D", 20)]
    criteria = Criterion.objects.filter(competition=competition)
    assert criteria.count() == 220
    judgement = criteria.filter(kind="judgement")
    assert judgement.count() == 19
    assert set(judgement.values_list("scale", "spread_limit", "aggregation")) == {
        (3, Decimal(1), "mean")
    }
    measurement = criteria.filter(kind="measurement")
    assert set(measurement.values_list("scale", "all_or_nothing")) == {(None, True)}
    first = Criterion.objects.get(competition=competition, code="A1-J1")
    assert (first.max_mark, first.stage.code) == (Decimal("0.25"), "A")
    assert first.worldskills_aspect.descriptors.count() == 4
    for stage in stages:
        total = sum(c.max_mark for c in criteria.filter(stage=stage))
        assert total == stage.weight
    assert AuditEntry.objects.filter(action="worldskills:scheme").count() == 1
    stored = scheme_data(scheme)
    assert len(stored.aspects) == 220


def _errors_of(content: bytes) -> list[tuple[int, str, str]]:
    read = cis_import.read_workbook(content)
    assert not read.ok
    return [(e.row, e.column, e.message) for e in read.errors.errors]


def test_a_criterion_mark_that_is_not_the_sum_of_its_aspects_is_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 15, "K", 31)
    assert _errors_of(workbook_from(rows)) == [
        (15, "K（Mark）", "Criterion A is worth 31 but its aspects add up to 30.")
    ]


def test_an_aspect_without_a_maximum_is_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 41, "K", "")
    errors = _errors_of(workbook_from(rows))
    assert (41, "K（Max Mark）", "The aspect has no maximum mark.") in errors
    # and criterion A no longer adds up (29.5)
    assert (15, "K（Mark）", "Criterion A is worth 30 but its aspects add up to 29.5.") in errors
    assert len(errors) == 2


def test_a_judgement_aspect_without_its_four_descriptors_is_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 27, "F", "")
    set_cell(rows, MAIN, 27, "G", "")
    assert _errors_of(workbook_from(rows)) == [
        (
            23,
            "F（Judg Score）",
            "The judgement aspect needs a description for each score 0–3; missing: 3.",
        )
    ]


def test_a_descriptor_without_text_and_a_score_out_of_range_are_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 26, "G", "")
    set_cell(rows, MAIN, 33, "F", 4)
    errors = _errors_of(workbook_from(rows))
    assert (
        26,
        "G（Extra Aspect Description (Meas or Judg) OR Judgement Score Description (Judg only)）",
        "Score 2 has no description.",
    ) in errors
    assert (33, "F（Judg Score）", "A judgement score is 0, 1, 2 or 3.") in errors
    assert (
        29,
        "F（Judg Score）",
        "The judgement aspect needs a description for each score 0–3; missing: 3.",
    ) in errors


def test_an_unknown_section_and_an_unknown_calculation_are_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 41, "I", 9)
    set_cell(rows, MAIN, 42, "J", "Deduct 1")
    set_cell(rows, MAIN, 43, "J", "Deduct .25")  # a known one is fine
    assert _errors_of(workbook_from(rows)) == [
        (41, "I（WSOS Section）", "Section 9 is not in the occupational standards table."),
        (
            42,
            "J（Calculation Row (Export only)）",
            "The calculation “Deduct 1” is not on the Calculations sheet.",
        ),
    ]


def test_a_bad_aspect_type_and_a_bad_rule_are_located():
    rows = sample_rows()
    set_cell(rows, MAIN, 42, "D", "X")
    set_cell(rows, "Calculations", 2, "D", "DEDUCTION_TYPE:::#x~x#UNIT")
    errors = _errors_of(workbook_from(rows))
    assert (
        42,
        "D（Aspect Type M = Meas J = Judg）",
        "The aspect type is M (measurement) or J (judgement).",
    ) in errors
    assert any(row == 2 and column.startswith("D（") for row, column, _m in errors)
    sheets = {e.sheet for e in cis_import.read_workbook(workbook_from(rows)).errors.errors}
    assert sheets == {"CIS Marking Scheme Import", "Calculations"}


def test_a_refused_workbook_saves_nothing(judging_competition):
    rows = sample_rows()
    set_cell(rows, MAIN, 15, "K", 31)
    result = cis_import.import_scheme(
        actor=None, competition=judging_competition, source=workbook_from(rows)
    )
    assert not result.ok
    assert len(result.errors.errors) == 1
    assert not Scheme.objects.exists()
    assert not Stage.objects.filter(competition=judging_competition).exists()
    assert result.errors.report_xlsx().startswith(b"PK")  # the .xlsx error report


def test_a_file_that_is_not_a_cis_workbook_is_refused_whole(judging_competition):
    from jingsai.common.spreadsheet_import import SpreadsheetRefused

    with pytest.raises(SpreadsheetRefused, match="not an Excel"):
        cis_import.read_workbook(b"plain text, not a workbook")
    rows = sample_rows()
    with pytest.raises(SpreadsheetRefused, match="no sheet"):
        cis_import.read_workbook(workbook_from({"Other": rows[MAIN]}))


def test_a_scheme_without_marks_is_replaced_but_not_once_marks_exist(sample_competition, marked):
    competition = marked["competition"]
    # the small scheme replaced nothing of the sample competition's (another competition)
    assert Aspect.objects.filter(scheme__competition=competition).count() == 5
    again = cis_import.import_scheme(actor=None, competition=competition, source=SAMPLE)
    assert again.ok
    assert Criterion.objects.filter(competition=competition).count() == 220
    assert Scheme.objects.filter(competition=competition).count() == 1
    judge, entry = marked["judges"][0], marked["entries"][0]
    sheet = Sheet.objects.create(competition=competition, judge=judge, entry=entry)
    Mark.objects.create(
        sheet=sheet,
        competition=competition,
        entry=entry,
        criterion=Criterion.objects.get(competition=competition, code="A1-J1"),
        units=10000,
    )
    with pytest.raises(ValidationError, match="Marks have been given"):
        cis_import.import_scheme(actor=None, competition=competition, source=SAMPLE)


def test_a_competition_past_judging_is_refused(make_competition):
    competition = make_competition(status=Competition.Status.PUBLISHED)
    with pytest.raises(ValidationError, match="past judging"):
        cis_import.import_scheme(actor=None, competition=competition, source=SAMPLE)
    assert not Scheme.objects.exists()
