"""Capacity under enrolment, and hours that accumulate per course, competition and year."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.training.domain import attendance, courses, enrolment, hours
from jingsai.training.domain.enrolment import EnrolmentRefused
from jingsai.training.models import Attendance, Enrolment
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_capacity_is_enforced_with_the_reason(world, course):
    ours = world["ours"]
    four = [WorkerFactory(employer=ours) for _ in range(4)]
    enrolment.enrol(actor=None, course=course, workers=four[:2])
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment.enrol(actor=None, course=course, workers=four[2:])  # all or nothing
    assert "The course is full: 3 places, 2 taken" in refused.value.messages[0]
    assert Enrolment.objects.filter(course=course).count() == 2
    enrolment.enrol(actor=None, course=course, workers=[four[2]])
    with pytest.raises(EnrolmentRefused):
        enrolment.enrol(actor=None, course=course, workers=[four[3]])
    # a cancelled place is free again, and the cancelled worker may come back later
    enrolment.cancel(actor=None, enrolment=Enrolment.objects.get(worker=four[0]))
    enrolment.enrol(actor=None, course=course, workers=[four[3]])
    with pytest.raises(EnrolmentRefused, match="full"):
        enrolment.enrol(actor=None, course=course, workers=[four[0]])
    enrolment.cancel(actor=None, enrolment=Enrolment.objects.get(worker=four[1]))
    enrolment.enrol(actor=None, course=course, workers=[four[0]])
    assert Enrolment.objects.get(worker=four[0]).status == "enrolled"
    assert Enrolment.objects.filter(course=course).count() == 4  # one row per worker


def test_enrolling_twice_is_refused_by_name(world, course):
    worker = world["our_worker"]
    enrolment.enrol(actor=None, course=course, workers=[worker])
    with pytest.raises(EnrolmentRefused, match=worker.name):
        enrolment.enrol(actor=None, course=course, workers=[worker])


def test_capacity_cannot_drop_below_the_enrolled(world, course):
    enrolment.enrol(actor=None, course=course, workers=[WorkerFactory() for _ in range(3)])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already enrolled"):
        courses.update_course(actor=None, course=course, capacity=2)
    courses.update_course(actor=None, course=course, capacity=5)


def test_hours_accumulate_per_course_competition_and_year(
    world, centre, competition, course, sessions
):
    worker = world["our_worker"]
    enrolment.enrol(actor=None, course=course, workers=[worker])
    attendance.record(actor=None, session=sessions[0], present={worker.pk: True})
    attendance.record(
        actor=None,
        session=sessions[1],
        present={worker.pk: True},
        hours={worker.pk: Decimal("1.5")},
    )
    # a free-standing course of another year
    other = courses.create_course(actor=None, title="安全生产", year=2025, organiser=centre)
    session = courses.add_session(
        actor=None, course=other, date=dt.date(2025, 5, 1), starts_at=dt.time(14),
        ends_at=dt.time(16), hours=Decimal(2),
    )  # fmt: skip
    enrolment.enrol(actor=None, course=other, workers=[worker])
    attendance.record(actor=None, session=session, present={worker.pk: True})
    totals = hours.of_worker(worker.pk)
    assert totals.total == Decimal("6.5")
    assert totals.by_course == {course.pk: Decimal("4.5"), other.pk: Decimal(2)}
    assert totals.by_competition == {competition.pk: Decimal("4.5")}
    assert totals.by_year == {2026: Decimal("4.5"), 2025: Decimal(2)}
    assert hours.by_worker(competition_id=competition.pk) == {worker.pk: Decimal("4.5")}


def test_absent_counts_no_hours_and_recording_again_replaces(world, course, sessions):
    worker = world["our_worker"]
    enrolment.enrol(actor=None, course=course, workers=[worker])
    attendance.record(actor=None, session=sessions[0], present={worker.pk: True})
    attendance.record(actor=None, session=sessions[0], present={worker.pk: False})
    row = Attendance.objects.get()
    assert (row.present, row.hours, row.source) == (False, 0, "web")
    assert hours.of_worker(worker.pk).total == 0


def test_only_enrolled_workers_are_recorded(world, course, sessions):
    with pytest.raises(attendance.AttendanceRefused):
        attendance.record(actor=None, session=sessions[0], present={world["their_worker"].pk: True})
    assert not Attendance.objects.exists()


def test_hours_above_the_session_are_refused(world, course, sessions):
    worker = world["our_worker"]
    enrolment.enrol(actor=None, course=course, workers=[worker])
    with pytest.raises(attendance.AttendanceRefused, match="at most"):
        attendance.record(
            actor=None,
            session=sessions[0],
            present={worker.pk: True},
            hours={worker.pk: Decimal(4)},
        )
