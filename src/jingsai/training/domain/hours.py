"""Training hours (学时): the sum of a worker's present attendances' hours.

Totals are one grouped query each (never one per worker): by worker for a
course or a competition's training (the entry prerequisite), and for one
worker by course, by competition and by year (the course's year).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from jingsai.training.models import Attendance

ZERO = Decimal(0)


def plain(value: Decimal | None) -> str:
    """Hours as people write them: 12, 7.5 (never 12.0 or 1.2E+1)."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _present():
    return Attendance.objects.filter(present=True)


def by_worker(
    *, course_id: int | None = None, competition_id: int | None = None, worker_ids=None
) -> dict[int, Decimal]:
    """Worker id → hours, of one course or of a competition's training; one query.

    ``worker_ids`` narrows it to some workers (a small list, e.g. a web
    registration); a roster import leaves it out and reads the whole
    competition's training at once.
    """
    rows = _present()
    if course_id is not None:
        rows = rows.filter(session__course_id=course_id)
    if competition_id is not None:
        rows = rows.filter(session__course__competition_id=competition_id)
    if worker_ids is not None:
        rows = rows.filter(worker_id__in=list(worker_ids))
    return dict(rows.values_list("worker_id").annotate(total=Sum("hours")).order_by())


def competition_hours(competition_id: int, worker_ids: Iterable[int]) -> dict[int, Decimal]:
    """Hours of the competition's training for these workers (absent ones: none)."""
    ids = list(worker_ids)
    if not ids:
        return {}
    return by_worker(competition_id=competition_id, worker_ids=ids)


@dataclass
class WorkerHours:
    total: Decimal = ZERO
    by_course: dict[int, Decimal] = field(default_factory=dict)
    by_competition: dict[int, Decimal] = field(default_factory=dict)
    by_year: dict[int, Decimal] = field(default_factory=dict)


def of_worker(worker_id: int) -> WorkerHours:
    """One worker's hours in all, per course, per competition and per year; one query."""
    result = WorkerHours()
    rows = (
        _present()
        .filter(worker_id=worker_id)
        .values_list(
            "session__course_id", "session__course__competition_id", "session__course__year"
        )
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for course_id, competition_id, year, total in rows:
        result.total += total
        result.by_course[course_id] = result.by_course.get(course_id, ZERO) + total
        if competition_id is not None:
            result.by_competition[competition_id] = (
                result.by_competition.get(competition_id, ZERO) + total
            )
        result.by_year[year] = result.by_year.get(year, ZERO) + total
    return result
