"""Exporting to the CIS layout: the sample's round trip, and a scheme built on the platform."""

from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from jingsai.judging.models import Criterion, Stage
from jingsai.worldskills.domain import cis_export, cis_import
from jingsai.worldskills.domain.layout import canonical
from jingsai.worldskills.domain.sections import section_table
from jingsai.worldskills.domain.store import scheme_data, scheme_of
from tests.worldskills.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def test_the_sample_round_trips_through_import_and_export(sample_competition):
    original = cis_import.read_workbook(SAMPLE).scheme
    assert canonical(scheme_data(scheme_of(sample_competition))) == canonical(original)
    exported = cis_export.export_competition(sample_competition)
    again = cis_import.read_workbook(exported)
    assert again.ok, again.errors.errors
    assert canonical(again.scheme) == canonical(original)
    assert len(again.scheme.aspects) == 220
    # the export states the computed aspect marks, so it raises no warning
    assert [r.stated for r in section_table(again.scheme).rows] == [6, 1, 7, 60, 26]
    assert section_table(again.scheme).warnings == []


def test_the_export_keeps_the_layout(sample_competition):
    book = CalamineWorkbook.from_filelike(
        __import__("io").BytesIO(cis_export.export_competition(sample_competition))
    )
    assert book.sheet_names == ["CIS Marking Scheme Import", "Calculations"]
    rows = book.get_sheet_by_name("CIS Marking Scheme Import").to_python(skip_empty_area=False)
    assert rows[0][0] == "17 Web Technologies"
    assert rows[3][:1] == ["Section"] and rows[3][8:11] == [
        "WSOS Marks",
        "Aspect Marks",
        "Variation",
    ]
    headers = [r for r in rows if str(r[0]).startswith("Sub\nCriterion")]
    assert [r[11] for r in headers] == [f"Criterion {x}" for x in "ABCDEFGHI"]
    assert [r[13] for r in headers] == [30, 30, 20, 20, 0, 0, 0, 0, 0]
    assert rows[-1][11:14] == ["Competition", "Total\nMark", 100]
    calculations = book.get_sheet_by_name("Calculations").to_python(skip_empty_area=False)
    assert calculations[2][:3] == ["B4.M5", "CHOICE", True]


def test_a_scheme_built_on_the_platform_is_exported_in_worldskills_terms(judging_competition):
    competition = judging_competition
    theory = Stage.objects.create(
        competition=competition, code="theory", name="Theory", weight=Decimal(30), order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="Practical", weight=Decimal(70), order=2
    )
    Criterion.objects.create(
        competition=competition,
        stage=theory,
        code="T1",
        name="Written test",
        max_mark=Decimal(100),
        kind="measurement",
        order=1,
    )
    for order, (code, top) in enumerate((("P1", 60), ("P2", 40)), start=1):
        Criterion.objects.create(
            competition=competition,
            stage=practical,
            code=code,
            name=f"Task {code}",
            max_mark=Decimal(top),
            kind="judgement",
            order=order,
        )
    read = cis_import.read_workbook(cis_export.export_competition(competition))
    assert read.ok, read.errors.errors
    scheme = read.scheme
    assert [(c.letter, c.name, c.mark) for c in scheme.criteria] == [
        ("A", "Theory", Decimal(30)),
        ("B", "Practical", Decimal(70)),
    ]
    # marks scaled by weight ÷ stage maximum: 100 → 30; 60, 40 → 42, 28
    assert [(a.code, a.kind, a.max_mark) for a in scheme.aspects] == [
        ("A1.M1", "M", Decimal(30)),
        ("B1.J1", "J", Decimal(42)),
        ("B1.J2", "J", Decimal(28)),
    ]
    assert sorted(scheme.aspects[1].descriptors) == [0, 1, 2, 3]
    assert [(s.number, s.target) for s in scheme.sections] == [(1, Decimal(100))]
