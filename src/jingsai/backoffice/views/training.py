"""Training (赛训合一) in the back office: courses, sessions, enrolment, attendance
taken on a phone or imported from ``.xlsx``, and each worker's hours.

A course must be among those the user sees (404), and the page's policy must
allow him (403): course managers (programme admins, the organisers of the
course's competition, the staff of the organisation that runs it) change
courses, sessions and attendance and enrol anyone; an enterprise officer enrols
and sees only his enterprise's workers. Sessions and enrolments named in a URL
belong to the course (404). The rules live in :mod:`jingsai.training.domain`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.training_forms import AttendanceImportForm, CourseForm, SessionForm
from jingsai.backoffice.views import import_reports
from jingsai.backoffice.views.querystrings import query_without_page
from jingsai.common.pagination import paginate
from jingsai.common.search import classify_search, search_by_name
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT
from jingsai.common.spreadsheets import Column, XlsxExport
from jingsai.people.models import Worker
from jingsai.training.domain import attendance as attendance_service
from jingsai.training.domain import courses as course_service
from jingsai.training.domain import enrolment as enrolment_service
from jingsai.training.domain.hours import by_worker, plain
from jingsai.training.models import Attendance, Course, Enrolment, Session

IMPORT_ERRORS_SHOWN = 200
CANDIDATES_SHOWN = 50


def visible_course(request, pk) -> Course:
    return get_visible_or_404(
        policy.courses_visible_to(request.user).select_related(
            "competition", "organiser", "competition__year"
        ),
        pk=pk,
    )


def managed_course(request, pk) -> Course:
    course = visible_course(request, pk)
    if not policy.can_manage_course(request.user, course):
        raise PermissionDenied
    return course


def _session_of(course: Course, session_pk) -> Session:
    return get_object_or_404(Session.objects.select_related("course"), pk=session_pk, course=course)


# --- courses -----------------------------------------------------------------------


@requires(policy.can_browse_training)
def course_list(request):
    courses = policy.courses_visible_to(request.user).select_related("competition", "organiser")
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        courses = courses.filter(year=int(year))
    competition = request.GET.get("competition", "").strip()
    if competition.isdigit():
        courses = courses.filter(competition_id=int(competition))
    q = request.GET.get("q", "").strip()
    if q:
        courses = courses.filter(title__icontains=q[:100])
    courses = courses.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
    ).order_by("-year", "-id")
    return render(
        request,
        "backoffice/training/course_list.html",
        {
            "page": paginate(courses, page=request.GET.get("page")),
            "query": query_without_page(request.GET),
            "year": year,
            "q": q,
            "can_create": policy.can_create_course(request.user),
        },
    )


@requires(policy.can_create_course)
def course_create(request):
    initial = {}
    wanted = request.GET.get("competition", "")
    if wanted.isdigit():
        competition = policy.competitions_for_courses(request.user).filter(pk=wanted).first()
        if competition is not None:
            initial = {"competition": competition, "year": competition.year.year}
    form = CourseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            course = course_service.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Course created."))
            return redirect("backoffice:training_course_detail", pk=course.pk)
    return render(
        request,
        "backoffice/training/form.html",
        {"form": form, "title": _("New course"), "course": None},
    )


@requires(policy.can_create_course)
def course_edit(request, pk):
    course = managed_course(request, pk)
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course_service.update_course(
                actor=request.user, course=Course.objects.get(pk=course.pk), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:training_course_detail", pk=pk)
    return render(
        request,
        "backoffice/training/form.html",
        {"form": form, "title": _("Edit course"), "course": course},
    )


def _hours_rows(request, course: Course):
    """The enrolments the user may see, each with its worker's hours on the course."""
    enrolments = list(
        policy.enrolments_visible_to(request.user, course)
        .select_related("worker__employer")
        .order_by("worker__employer__name", "worker__name", "id")
    )
    hours = by_worker(course_id=course.pk, worker_ids=[e.worker_id for e in enrolments])
    for enrolment in enrolments:
        enrolment.hours = hours.get(enrolment.worker_id, Decimal(0))
        enrolment.hours_text = plain(enrolment.hours)
    return enrolments


@requires(policy.can_browse_training)
def course_detail(request, pk):
    course = visible_course(request, pk)
    sessions = list(
        Session.objects.filter(course=course).annotate(
            present=Count("attendances", filter=Q(attendances__present=True)),
            recorded=Count("attendances"),
        )
    )
    enrolments = _hours_rows(request, course)
    manages = policy.can_manage_course(request.user, course)
    required = course.competition.required_training_hours if course.competition else None
    for enrolment in enrolments:
        enrolment.short = required is not None and enrolment.hours < required
    return render(
        request,
        "backoffice/training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "total_hours": plain(sum((s.hours for s in sessions), Decimal(0))),
            "enrolments": enrolments,
            "enrolled": enrolment_service.enrolled_count(course),
            "required": plain(required) if required is not None else "",
            "manages": manages,
            "can_enrol": policy.can_enrol(request.user, course),
        },
    )


class HoursExport(XlsxExport):
    """Each visible enrolled worker's hours: per session and in all (ID numbers masked)."""

    personal_data = "workers' names, masked ID numbers and training hours"

    sheet_name = "training hours"
    filename = "training-hours.xlsx"

    def __init__(self, course: Course, enrolments, sessions):
        self.course = course
        self.enrolments = enrolments
        self.sessions = sessions
        self.filename = f"training-{course.pk}-hours.xlsx"
        self.columns = [
            Column(pgettext("person", "name"), 10),
            Column(_("resident ID number"), 22),
            Column(_("employer"), 32),
            Column(_("status"), 10),
            *[Column(f"{s.date:%Y-%m-%d} {s.starts_at:%H:%M}", 16) for s in sessions],
            Column(_("training hours"), 12),
        ]

    def rows(self):
        marks: dict[tuple[int, int], Attendance] = {
            (a.session_id, a.worker_id): a
            for a in Attendance.objects.filter(
                session__in=self.sessions, worker_id__in=[e.worker_id for e in self.enrolments]
            )
        }
        for enrolment in self.enrolments:
            cells = []
            for session in self.sessions:
                mark = marks.get((session.pk, enrolment.worker_id))
                if mark is None:
                    cells.append("")
                elif mark.present:
                    cells.append(mark.hours)
                else:
                    cells.append(_("absent"))
            yield [
                enrolment.worker.name,
                enrolment.worker.masked_id_number,
                enrolment.worker.employer.name,
                enrolment.get_status_display(),
                *cells,
                enrolment.hours,
            ]


@requires(policy.can_browse_training)
def course_export(request, pk):
    course = visible_course(request, pk)
    sessions = list(Session.objects.filter(course=course))
    return HoursExport(course, _hours_rows(request, course), sessions).response(request)


# --- sessions ----------------------------------------------------------------------


@requires(policy.can_create_course)
def session_edit(request, pk, session_pk=None):
    course = managed_course(request, pk)
    session = _session_of(course, session_pk) if session_pk else None
    initial = {} if session else {"place": course.place, "trainer": course.trainers[:100]}
    form = SessionForm(request.POST or None, instance=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                course_service.add_session(actor=request.user, course=course, **form.cleaned_data)
            else:
                course_service.update_session(
                    actor=request.user,
                    session=Session.objects.get(pk=session.pk),
                    **form.cleaned_data,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:training_course_detail", pk=pk)
    return render(
        request,
        "backoffice/training/form.html",
        {
            "form": form,
            "title": _("Edit session") if session else _("Add a session"),
            "course": course,
        },
    )


# --- enrolment ---------------------------------------------------------------------


@requires(policy.can_browse_training)
def enrol(request, pk):
    course = visible_course(request, pk)
    if not policy.can_enrol(request.user, course):
        raise PermissionDenied
    scope = policy.workers_enrollable_by(request.user, course)
    if request.method == "POST":
        chosen = list(dict.fromkeys(int(v) for v in request.POST.getlist("worker") if v.isdigit()))
        found = {w.pk: w for w in scope.filter(pk__in=chosen)}
        if len(found) != len(chosen):
            raise PermissionDenied  # a worker the user may not enrol (a crafted request)
        try:
            done = enrolment_service.enrol(
                actor=request.user, course=course, workers=[found[pk] for pk in chosen]
            )
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)d workers enrolled.") % {"n": len(done)})
            return redirect("backoffice:training_course_detail", pk=pk)
    term = classify_search(request.GET.get("q"))
    manages = policy.can_manage_course(request.user, course)
    if term.kind == "id_number":
        candidates = scope.filter(id_number=term.value)
    else:
        found_by_name = search_by_name(scope, term)
        if found_by_name is not None:
            candidates = found_by_name
        elif manages:  # anyone on the platform: only by a search
            candidates = Worker.objects.none()
        else:
            candidates = scope.order_by("name", "id")
    page = paginate(
        candidates.select_related("employer"),
        page=request.GET.get("page"),
        page_size=CANDIDATES_SHOWN,
    )
    enrolled = set(
        Enrolment.objects.filter(
            course=course,
            status=Enrolment.Status.ENROLLED,
            worker_id__in=[w.pk for w in page.items],
        ).values_list("worker_id", flat=True)
    )
    return render(
        request,
        "backoffice/training/enrol.html",
        {
            "course": course,
            "page": page,
            "query": query_without_page(request.GET),
            "q": request.GET.get("q", ""),
            "enrolled": enrolled,
            "taken": enrolment_service.enrolled_count(course),
            "needs_search": manages and term.kind not in ("id_number", "name", "initials"),
        },
    )


@requires(policy.can_browse_training)
@require_POST
def enrolment_cancel(request, pk, enrolment_pk):
    course = visible_course(request, pk)
    enrolment = get_object_or_404(  # someone else's worker: not even there
        policy.enrolments_visible_to(request.user, course).select_related("worker", "course"),
        pk=enrolment_pk,
    )
    if not policy.can_cancel_enrolment(request.user, enrolment):
        raise PermissionDenied  # seen (leadership reads every enrolment) but not his to change
    enrolment_service.cancel(actor=request.user, enrolment=enrolment)
    messages.success(
        request, _("%(name)s is no longer enrolled.") % {"name": enrolment.worker.name}
    )
    return redirect("backoffice:training_course_detail", pk=pk)


# --- attendance --------------------------------------------------------------------


@requires(policy.can_create_course)
def attendance(request, pk, session_pk):
    """Taken on the day on a phone: one big present / absent choice per enrolled worker."""
    course = visible_course(request, pk)
    if not policy.can_take_attendance(request.user, course):
        raise PermissionDenied
    session = _session_of(course, session_pk)
    enrolments = list(
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED)
        .select_related("worker__employer")
        .order_by("worker__name", "id")
    )
    if request.method == "POST":
        present = {}
        for enrolment in enrolments:
            value = request.POST.get(f"w{enrolment.worker_id}")
            if value in ("1", "0"):
                present[enrolment.worker_id] = value == "1"
        try:
            attendance_service.record(actor=request.user, session=session, present=present)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            here = sum(present.values())
            messages.success(
                request,
                _("Attendance saved: %(present)d present, %(absent)d absent.")
                % {"present": here, "absent": len(present) - here},
            )
            return redirect("backoffice:training_attendance", pk=pk, session_pk=session_pk)
    marks = {a.worker_id: a for a in Attendance.objects.filter(session=session)}
    for enrolment in enrolments:
        mark = marks.get(enrolment.worker_id)
        enrolment.state = "" if mark is None else ("1" if mark.present else "0")
        enrolment.hours_text = plain(mark.hours) if mark is not None and mark.present else ""
    return render(
        request,
        "backoffice/training/attendance.html",
        {
            "course": course,
            "session": session,
            "enrolments": enrolments,
            "present": sum(1 for e in enrolments if e.state == "1"),
            "absent": sum(1 for e in enrolments if e.state == "0"),
            "hours": plain(session.hours),
        },
    )


@requires(policy.can_create_course)
def attendance_template(request, pk, session_pk):
    course = managed_course(request, pk)
    _session_of(course, session_pk)
    response = HttpResponse(attendance_service.template(), content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = 'attachment; filename="attendance-template.xlsx"'
    return response


@requires(policy.can_create_course)
def attendance_import(request, pk, session_pk):
    course = managed_course(request, pk)
    session = _session_of(course, session_pk)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    result = None
    report_token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = attendance_service.import_attendance(
                actor=request.user, session=session, source=upload, size=upload.size
            )
        except ValidationError as error:  # SpreadsheetRefused: the file as a whole
            form.add_error("file", error.messages)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("Attendance of %(n)d workers imported.") % {"n": result.saved},
                )
                return redirect("backoffice:training_attendance", pk=pk, session_pk=session_pk)
            report_token = import_reports.keep(request, result.errors)
    return render(
        request,
        "backoffice/training/attendance_import.html",
        {
            "course": course,
            "session": session,
            "form": form,
            "result": result,
            "errors_shown": result.errors.errors[:IMPORT_ERRORS_SHOWN] if result else [],
            "report_token": report_token,
        },
    )


@requires(policy.can_create_course)
def attendance_report(request, pk, session_pk, token):
    course = managed_course(request, pk)
    _session_of(course, session_pk)
    return import_reports.download(request, token, "attendance-errors.xlsx")
