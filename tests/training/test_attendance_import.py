"""Attendance from .xlsx: every row or none, each problem with its row and column."""

import io
from decimal import Decimal

import pytest

from jingsai.common.spreadsheet_import import SpreadsheetRefused
from jingsai.training.domain import enrolment
from jingsai.training.domain.attendance import import_attendance, template
from jingsai.training.models import Attendance
from tests.factories import WorkerFactory
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["身份证号码", "姓名", "是否出勤", "学时"]


@pytest.fixture
def trainees(world, course):
    a = WorkerFactory(employer=world["ours"], name="赵一")
    b = WorkerFactory(employer=world["theirs"], name="钱二")
    enrolment.enrol(actor=None, course=course, workers=[a, b])
    return a, b


def run(session, rows):
    return import_attendance(
        actor=None, session=session, source=io.BytesIO(xlsx_bytes([HEADER, *rows]))
    )


def test_a_clean_file_records_everyone(trainees, sessions):
    a, b = trainees
    result = run(sessions[0], [[a.id_number, a.name, "是", ""], [b.id_number, b.name, "否", ""]])
    assert not result.errors and result.saved == 2
    rows = {r.worker_id: r for r in Attendance.objects.all()}
    assert (rows[a.pk].present, rows[a.pk].hours, rows[a.pk].source) == (True, 3, "import")
    assert (rows[b.pk].present, rows[b.pk].hours) == (False, 0)
    # fewer hours for a late arrival; a second import replaces the first
    result = run(sessions[0], [[a.id_number, a.name, "是", "2.5"]])
    assert not result.errors
    assert Attendance.objects.get(worker=a).hours == Decimal("2.5")
    assert Attendance.objects.count() == 2


def test_every_problem_is_reported_and_nothing_is_saved(world, trainees, sessions):
    a, b = trainees
    stranger = WorkerFactory(employer=world["ours"], name="孙三")  # not enrolled
    rows = [
        [a.id_number, a.name, "是", ""],  # row 2: fine
        ["310115199001011234", "周四", "是", ""],  # row 3: unknown (valid-looking) number
        [b.id_number, "钱三", "是", ""],  # row 4: name does not match
        [stranger.id_number, stranger.name, "是", ""],  # row 5: not enrolled
        [a.id_number, a.name, "否", ""],  # row 6: twice in the file
        [b.id_number, b.name, "也许", ""],  # row 7: neither 是 nor 否
        [b.id_number.lower(), b.name, "是", "4"],  # row 8: more than the session (and twice)
        ["", "吴五", "是", "abc"],  # row 9: no number, hours not a number
    ]
    result = run(sessions[0], rows)
    assert not Attendance.objects.exists()
    found = {(e.row, e.column.split("（")[0], e.message) for e in result.errors.errors}
    messages = {(row, column): message for row, column, message in found}
    assert "No worker is registered" in messages[(3, "A")]
    assert "does not match" in messages[(4, "B")]
    assert "not enrolled" in messages[(5, "A")]
    assert "also on row 2" in messages[(6, "A")]
    assert "是" in messages[(7, "C")]
    assert "at most the session's 3" in messages[(8, "D")]
    assert "missing" in messages[(9, "A")]
    assert "not a number" in messages[(9, "D")]
    assert not any(row == 2 for row, _c, _m in found)
    assert result.errors.report_xlsx()[:2] == b"PK"


def test_hours_for_an_absent_worker_or_in_hundredths_are_refused(trainees, sessions):
    a, b = trainees
    result = run(
        sessions[0], [[a.id_number, a.name, "否", "2"], [b.id_number, b.name, "是", "1.25"]]
    )
    messages = [e.message for e in result.errors.errors]
    assert any("absent worker has no hours" in m for m in messages)
    assert any("steps of 0.1" in m for m in messages)
    assert not Attendance.objects.exists()


def test_a_file_without_the_headers_is_refused_whole(trainees, sessions):
    with pytest.raises(SpreadsheetRefused, match="是否出勤"):
        import_attendance(
            actor=None,
            session=sessions[0],
            source=io.BytesIO(xlsx_bytes([["身份证号码", "姓名"], ["x", "y"]])),
        )


def test_template_has_the_chinese_headers():
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(template())).get_sheet_by_index(0)
    assert [h.rstrip(" *") for h in sheet.to_python()[0]] == HEADER
