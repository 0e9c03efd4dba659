"""Training (赛训合一): courses and sessions in the caller's scope, a session's
attendance, and recording it (``training.domain.attendance.record``).

Lists need ``policy.can_browse_training`` (403) and come from
``policy.courses_visible_to``; a session's attendance lists the enrolments the
caller may see (``policy.enrolments_visible_to``: all for the course's managers
and leadership, an officer's own workers); recording needs
``policy.can_take_attendance`` (the course's managers).
"""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import Id
from jingsai.api.schemas.others import (
    AttendanceIn,
    AttendanceOut,
    AttendanceSavedOut,
    CourseOut,
    SessionOut,
)
from jingsai.api.scoping import record_personal_data, require, visible_or_404
from jingsai.common.masking import mask_id_number
from jingsai.training.domain import attendance as attendance_service
from jingsai.training.models import Attendance, Course, Enrolment, Session

router = Router(tags=["training"], auth=required_auth)

TRAINEES = "trainees' names and masked ID numbers"


@router.get(
    "/courses", response={200: paged(CourseOut), codes_4xx: ErrorOut}, url_name="course_list"
)
def course_list(request, page: Query[PageIn]):
    require(policy.can_browse_training, request.user)
    return page_of(policy.courses_visible_to(request.user).order_by("-year", "-id"), page)


def _course(request, course_id: int) -> Course:
    require(policy.can_browse_training, request.user)
    return visible_or_404(policy.courses_visible_to(request.user), pk=course_id)


def _session(course: Course, session_id: int) -> Session:
    return visible_or_404(Session.objects.filter(course=course), pk=session_id)


@router.get(
    "/courses/{int:course_id}/sessions",
    response={200: paged(SessionOut), codes_4xx: ErrorOut},
    url_name="session_list",
)
def session_list(request, course_id: Id, page: Query[PageIn]):
    course = _course(request, course_id)
    return page_of(Session.objects.filter(course=course).order_by("date", "starts_at", "id"), page)


ATTENDANCE = "/courses/{int:course_id}/sessions/{int:session_id}/attendance"


@router.get(
    ATTENDANCE, response={200: paged(AttendanceOut), codes_4xx: ErrorOut}, url_name="attendance"
)
def attendance(request, course_id: Id, session_id: Id, page: Query[PageIn]):
    """The session's attendance for the enrolled workers the caller may see."""
    course = _course(request, course_id)
    session = _session(course, session_id)
    enrolments = (
        policy.enrolments_visible_to(request.user, course)
        .filter(status=Enrolment.Status.ENROLLED)
        .select_related("worker")
        .order_by("worker__name", "id")
    )
    result = page_of(enrolments, page)
    marks = {
        a.worker_id: a
        for a in Attendance.objects.filter(
            session=session, worker_id__in=[e.worker_id for e in result["items"]]
        )
    }
    items = []
    for enrolment in result["items"]:
        mark = marks.get(enrolment.worker_id)
        items.append(
            {
                "worker_id": enrolment.worker_id,
                "name": enrolment.worker.name,
                "id_number": mask_id_number(enrolment.worker.id_number),
                "enrolled": True,
                "recorded": mark is not None,
                "present": mark.present if mark else None,
                "hours": mark.hours if mark else None,
            }
        )
    result["items"] = items
    record_personal_data(request, rows=len(items), what=TRAINEES)
    return result


@router.put(
    ATTENDANCE,
    response={200: AttendanceSavedOut, codes_4xx: ErrorOut},
    url_name="attendance_record",
)
def attendance_record(request, course_id: Id, session_id: Id, payload: AttendanceIn):
    """Record who was present (and a late arrival's hours); replaces what was recorded for
    the same workers. Only workers enrolled on the course are accepted."""
    course = _course(request, course_id)
    require(policy.can_take_attendance, request.user, course)
    session = _session(course, session_id)
    present = {row.worker_id: row.present for row in payload.records}
    hours = {row.worker_id: row.hours for row in payload.records if row.hours is not None}
    saved = attendance_service.record(
        actor=request.user, session=session, present=present, hours=hours
    )
    return {"saved": saved}
