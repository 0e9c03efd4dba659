"""Attendance (考勤): taken on the day on a phone, or imported from ``.xlsx``.

Only workers enrolled on the course are recorded. A present worker counts the
session's hours unless fewer are given (a late arrival); an absent one counts
none. Saving again replaces what was recorded for the same worker.

The import (columns 身份证号码, 姓名, 是否出勤 (是/否), 学时 optional) is all or
nothing: an unknown ID number, a name that does not match, a worker not
enrolled, an unreadable 是否出勤, hours that are not a number or out of range
(more than the session, not in steps of 0.1, given for an absent worker) and a
repeated ID number are each reported with sheet, row and column, and nothing is
saved unless there is no problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.masking import mask_name
from jingsai.common.spreadsheet_import import (
    ColumnSpec,
    ErrorCollector,
    cell_text,
    number_too_long_for_excel,
    open_table,
    template_xlsx,
)
from jingsai.people.models import Worker
from jingsai.training.domain.hours import plain
from jingsai.training.models import Attendance, Enrolment, Session

ID_NUMBER = ColumnSpec("id_number", "身份证号码", width=22, example="310115198001011238")
NAME = ColumnSpec("name", "姓名", example="张三")
PRESENT = ColumnSpec("present", "是否出勤", aliases=("出勤",), example="是")
HOURS = ColumnSpec("hours", "学时", required=False, width=10, example="")
COLUMNS = [ID_NUMBER, NAME, PRESENT, HOURS]

YES = {"是", "出勤", "到", "y", "yes", "1", "√", "✓", "true"}
NO = {"否", "缺勤", "未到", "n", "no", "0", "×", "✗", "false"}
BATCH = 900


class AttendanceRefused(ValidationError):  # noqa: N818 (a refusal shown to the user)
    pass


def enrolled_worker_ids(session: Session) -> set[int]:
    return set(
        Enrolment.objects.filter(
            course_id=session.course_id, status=Enrolment.Status.ENROLLED
        ).values_list("worker_id", flat=True)
    )


def check_hours(value: Decimal, session: Session) -> str | None:
    """Why ``value`` cannot be a present worker's hours for ``session`` (None: it can)."""
    if value <= 0 or value > session.hours:
        return _("The hours must be more than 0 and at most the session's %(max)s.") % {
            "max": plain(session.hours)
        }
    if value != value.quantize(Decimal("0.1")):
        return _("Give the hours in steps of 0.1.")
    return None


def _save(*, actor: Any, session: Session, marks: dict[int, tuple[bool, Decimal]], source: str):
    """Replace the attendance of these workers (worker id → (present, hours))."""
    by = actor if getattr(actor, "is_authenticated", False) else None
    existing = {
        a.worker_id: a
        for a in Attendance.objects.select_for_update().filter(
            session=session, worker_id__in=list(marks)
        )
    }
    changed = []
    new = []
    for worker_id, (present, hours) in marks.items():
        row = existing.get(worker_id)
        if row is None:
            new.append(
                Attendance(
                    session=session,
                    worker_id=worker_id,
                    present=present,
                    hours=hours,
                    source=source,
                    recorded_by=by,
                )
            )
        elif (row.present, row.hours) != (present, hours) or row.source != source:
            row.present, row.hours, row.source, row.recorded_by = present, hours, source, by
            changed.append(row)
    Attendance.objects.bulk_create(new, batch_size=1000)
    for row in changed:
        row.save(update_fields=["present", "hours", "source", "recorded_by", "recorded_at"])
    from jingsai.dashboards.domain import worker_facts

    worker_facts.attendance_changed(session.pk, marks)  # the dashboard's copy, same transaction
    audit.record(
        actor=actor,
        action=f"training:attendance:{source}",
        obj=session,
        after={
            "present": sorted(w for w, (p, _h) in marks.items() if p),
            "absent": sorted(w for w, (p, _h) in marks.items() if not p),
            "hours": {str(w): str(h) for w, (p, h) in marks.items() if p and h != session.hours},
        },
    )
    return len(new) + len(changed)


def record(
    *,
    actor: Any,
    session: Session,
    present: Mapping[int, bool],
    hours: Mapping[int, Decimal] | None = None,
) -> int:
    """Record attendance on the page: worker id → present; hours default to the session's."""
    hours = hours or {}
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        enrolled = enrolled_worker_ids(session)
        strangers = [w for w in present if w not in enrolled]
        if strangers:
            raise AttendanceRefused(_("Only workers enrolled on the course can be recorded."))
        marks: dict[int, tuple[bool, Decimal]] = {}
        for worker_id, here in present.items():
            value = Decimal(0)
            if here:
                value = hours.get(worker_id) or session.hours
                problem = check_hours(value, session)
                if problem:
                    raise AttendanceRefused(problem)
            marks[worker_id] = (bool(here), value)
        if not marks:
            return 0
        return _save(actor=actor, session=session, marks=marks, source=Attendance.Source.WEB)


# --- import --------------------------------------------------------------------------


@dataclass
class AttendanceImport:
    rows: int = 0
    saved: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)


def template() -> bytes:
    return template_xlsx(
        COLUMNS,
        sheet=_("attendance"),
        notes=[
            _("One row per enrolled worker: ID number, name, 是 (present) or 否 (absent)."),
            _("学时 (hours) is optional: blank counts the session's hours for a present worker."),
            _("The file is imported whole or not at all."),
        ],
    )


def _read_present(text: str) -> bool | None:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def _known(numbers: list[str]) -> dict[str, tuple[int, str]]:
    known: dict[str, tuple[int, str]] = {}
    for i in range(0, len(numbers), BATCH):
        for pk, number, name in Worker.objects.filter(
            id_number__in=numbers[i : i + BATCH]
        ).values_list("pk", "id_number", "name"):
            known[number] = (pk, name)
    return known


def import_attendance(*, actor: Any, session: Session, source, size=None) -> AttendanceImport:
    table = open_table(source, COLUMNS, size=size)
    result = AttendanceImport(rows=len(table.rows), errors=ErrorCollector(table.sheet))
    errors = result.errors
    session = Session.objects.select_related("course").get(pk=session.pk)
    numbers = {}
    for row in table.rows:
        raw = row.get("id_number")
        if raw is not None and not number_too_long_for_excel(raw):
            numbers[row.number] = cell_text(raw).upper()
    known = _known(sorted(set(numbers.values()) - {""}))
    enrolled = enrolled_worker_ids(session)
    seen: dict[str, int] = {}
    marks: dict[int, tuple[bool, Decimal]] = {}
    for row in table.rows:
        number = numbers.get(row.number, "")
        name = cell_text(row.get("name")).replace(" ", "")
        worker = None
        if number_too_long_for_excel(row.get("id_number")):
            errors.add(
                table,
                row,
                "id_number",
                _(
                    "The ID number was stored as a number and Excel has changed its last "
                    "digits; format the column as text and type it again."
                ),
            )
        elif not number:
            errors.add(table, row, "id_number", _("The ID number is missing."))
        elif number in seen:
            errors.add(
                table,
                row,
                "id_number",
                _("This ID number is also on row %(row)d of the file.") % {"row": seen[number]},
            )
        else:
            seen[number] = row.number
            found = known.get(number)
            if found is None:
                errors.add(
                    table, row, "id_number", _("No worker is registered under this ID number.")
                )
            elif not name:
                errors.add(table, row, "name", _("The name is missing."))
            elif found[1] != name:
                errors.add(
                    table,
                    row,
                    "name",
                    _(
                        "The name does not match the worker registered under this ID number "
                        "(%(name)s)."
                    )
                    % {"name": mask_name(found[1])},
                )
            elif found[0] not in enrolled:
                errors.add(table, row, "id_number", _("This worker is not enrolled on the course."))
            else:
                worker = found[0]
        present = _read_present(cell_text(row.get("present")))
        if present is None:
            errors.add(table, row, "present", _("Write 是 (present) or 否 (absent)."))
        hours_text = cell_text(row.get("hours"))
        value = session.hours if present else Decimal(0)
        if hours_text:
            try:
                given = Decimal(hours_text)
            except InvalidOperation:
                errors.add(table, row, "hours", _("The hours are not a number."))
                continue
            if not given.is_finite():
                errors.add(table, row, "hours", _("The hours are not a number."))
                continue
            if present is False:
                if given != 0:
                    errors.add(table, row, "hours", _("An absent worker has no hours."))
                    continue
            elif present:
                problem = check_hours(given, session)
                if problem:
                    errors.add(table, row, "hours", problem)
                    continue
                value = given
        if worker is not None and present is not None:
            marks[worker] = (present, value)
    if errors:
        return result
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        if set(marks) - enrolled_worker_ids(locked):  # a cancellation meanwhile
            raise AttendanceRefused(
                _("The enrolments changed during the import; import the file again.")
            )
        _save(actor=actor, session=locked, marks=marks, source=Attendance.Source.IMPORT)
        result.saved = len(marks)
    return result
