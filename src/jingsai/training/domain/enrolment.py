"""Enrolment (报名培训): workers onto a course, within its capacity.

A batch is all or nothing. The capacity counts enrolled workers and is checked
under the course's row lock, so two officers enrolling at once cannot overfill
it. A cancelled enrolment keeps its row; enrolling the worker again reopens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.people.models import Worker
from jingsai.training.models import Course, Enrolment


class EnrolmentRefused(ValidationError):  # noqa: N818 (a refusal shown to the user)
    pass


def enrolled_count(course: Course) -> int:
    return Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).count()


def enrol(*, actor: Any, course: Course, workers: Sequence[Worker]) -> list[Enrolment]:
    """Enrol ``workers`` (all or none); those already enrolled are refused by name."""
    workers = list({w.pk: w for w in workers}.values())
    if not workers:
        raise EnrolmentRefused(_("Choose at least one worker."))
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        existing = {
            e.worker_id: e
            for e in Enrolment.objects.select_for_update().filter(
                course=course, worker_id__in=[w.pk for w in workers]
            )
        }
        already = [
            w.name
            for w in workers
            if w.pk in existing and existing[w.pk].status == Enrolment.Status.ENROLLED
        ]
        if already:
            raise EnrolmentRefused(
                _("Already enrolled on this course: %(names)s.") % {"names": "、".join(already)}
            )
        if course.capacity is not None:
            now = enrolled_count(course)
            if now + len(workers) > course.capacity:
                raise EnrolmentRefused(
                    _(
                        "The course is full: %(capacity)d places, %(now)d taken; "
                        "%(adding)d cannot be enrolled."
                    )
                    % {"capacity": course.capacity, "now": now, "adding": len(workers)}
                )
        by = actor if getattr(actor, "is_authenticated", False) else None
        done = []
        for worker in workers:
            enrolment = existing.get(worker.pk)
            if enrolment is None:
                enrolment = Enrolment.objects.create(course=course, worker=worker, enrolled_by=by)
            else:
                enrolment.status = Enrolment.Status.ENROLLED
                enrolment.enrolled_by = by
                enrolment.save(update_fields=["status", "enrolled_by", "updated_at"])
            done.append(enrolment)
        audit.record(
            actor=actor,
            action="training:enrol",
            obj=course,
            after={"workers": [w.pk for w in workers]},
        )
        return done


def cancel(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=enrolment.course_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == Enrolment.Status.CANCELLED:
            return enrolment
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="training:cancel",
            obj=enrolment.course,
            after={"worker": enrolment.worker_id},
        )
        return enrolment
