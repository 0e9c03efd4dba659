"""Courses and their sessions: created and changed here, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.domain.changes import create_audited, update_audited
from jingsai.training.models import Course, Enrolment, Session


def _check_capacity(course: Course) -> None:
    if course.pk is None or course.capacity is None:
        return
    enrolled = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).count()
    if enrolled > course.capacity:
        raise ValidationError(
            _("%(n)d workers are already enrolled; the capacity cannot be lower.") % {"n": enrolled}
        )


def create_course(*, actor: Any, **fields: Any) -> Course:
    course = Course(**fields)
    if course.competition_id and not fields.get("year"):
        course.year = course.competition.year.year
    course.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return create_audited(course, actor=actor)


def update_course(*, actor: Any, course: Course, **fields: Any) -> Course:
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if "capacity" in fields:
            probe = Course(pk=course.pk, capacity=fields["capacity"])
            _check_capacity(probe)
        return update_audited(course, actor=actor, changes=fields)


def _session_state(session: Session) -> dict[str, Any]:
    # the audit trail stores dates but not times of day: those go in as text
    return audit.snapshot(session, exclude=("starts_at", "ends_at")) | {
        "starts_at": session.starts_at.isoformat(timespec="minutes"),
        "ends_at": session.ends_at.isoformat(timespec="minutes"),
    }


def add_session(*, actor: Any, course: Course, **fields: Any) -> Session:
    session = Session(course=course, **fields)
    with transaction.atomic():
        session.full_clean()
        session.save()
        audit.record(actor=actor, action="create", obj=session, after=_session_state(session))
    return session


def update_session(*, actor: Any, session: Session, **fields: Any) -> Session:
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        before = _session_state(session)
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        after = _session_state(session)
        if audit.changed_fields(before, after):
            audit.record(actor=actor, action="update", obj=session, before=before, after=after)
    return session
