"""Registering and changing workers.

One worker per resident ID number: registering a number that exists already
fails with :class:`DuplicateWorkerError`, which names the existing worker (masked).
Birth date and gender are always derived from the ID number.
"""

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from jingsai.common.domain.changes import create_audited, delete_audited, update_audited
from jingsai.common.pinyin import person_initials
from jingsai.common.validators import normalise_phone
from jingsai.people.models import Worker
from jingsai.people.validators import normalise_id_number, parse_id_number


def duplicate_message(existing: Worker, *, may_see_existing: bool) -> ValidationError:
    """Why a number is refused as a duplicate.

    The existing worker is named only to those who may see him; anyone else
    learns no more than that the number is taken.
    """
    if may_see_existing:
        return ValidationError(
            _(
                "A worker with this ID number is already registered: %(name)s "
                "(%(id)s), employed by %(employer)s."
            ),
            code="id_duplicate",
            params={
                "name": existing.name,
                "id": existing.masked_id_number,
                "employer": existing.employer.name,
            },
        )
    return ValidationError(
        _(
            "A worker with this ID number (%(id)s) is already registered by another "
            "organisation. If he or she has moved to yours, ask a programme admin to "
            "transfer the record."
        ),
        code="id_duplicate",
        params={"id": existing.masked_id_number},
    )


class DuplicateWorkerError(ValidationError):
    """The ID number belongs to ``existing``; by default the message does not name him."""

    def __init__(self, existing: Worker, *, may_see_existing: bool = False):
        self.existing = existing
        super().__init__(
            {"id_number": duplicate_message(existing, may_see_existing=may_see_existing)}
        )


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        data["name_initials"] = person_initials(data["name"])
    if "phone" in data:
        data["phone"] = normalise_phone(data["phone"] or "")
    if "trade" in data:
        data["trade"] = (data["trade"] or "").strip()
    if "employer" in data and data["employer"] is not None:
        data["zone_id"] = data["employer"].zone_id
        data["industry_id"] = data["employer"].industry_id
    if "id_number" in data:
        number = normalise_id_number(data["id_number"])
        try:
            parsed = parse_id_number(number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.error_list}) from None
        data.update(id_number=parsed.number, birth_date=parsed.birth_date, gender=parsed.gender)
    return data


def find_worker_by_id_number(value: str) -> Worker | None:
    return (
        Worker.objects.select_related("employer")
        .filter(id_number=normalise_id_number(value))
        .first()
    )


def register_worker(*, actor: Any, note: str = "", **fields: Any) -> Worker:
    data = _normalise(fields)
    existing = find_worker_by_id_number(data.get("id_number", ""))
    if existing is not None:
        raise DuplicateWorkerError(existing)
    try:
        with transaction.atomic():
            return create_audited(Worker(**data), actor=actor, note=note)
    except IntegrityError:
        # registered by someone else between the check and the insert
        existing = find_worker_by_id_number(data.get("id_number", ""))
        if existing is None:
            raise
        raise DuplicateWorkerError(existing) from None


COUNTED = ("employer_id", "zone_id", "industry_id")  # what the dashboard's counts are keyed by


def update_worker(*, actor: Any, worker: Worker, note: str = "", **changes: Any) -> Worker:
    """Change a worker; a new employer (so zone or industry) is recounted by the dashboard's
    participation summary in the same transaction."""
    from jingsai.dashboards.domain import enterprise_tally, participation, worker_facts

    data = _normalise(changes)
    if "id_number" in data:
        existing = find_worker_by_id_number(data["id_number"])
        if existing is not None and existing.pk != worker.pk:
            raise DuplicateWorkerError(existing)
    with transaction.atomic():
        before = Worker.objects.filter(pk=worker.pk).values_list(*COUNTED).first()
        worker = update_audited(worker, actor=actor, changes=data, note=note)
        if before != tuple(getattr(worker, name) for name in COUNTED):
            participation.refresh_workers([worker.pk])
            worker_facts.workers_changed([worker.pk])
            if before is not None and before[0] != worker.employer_id:
                enterprise_tally.refresh({before[0], worker.employer_id} - {None})
    return worker


class WorkerInUseError(Exception):
    """A worker with a history (entries, attendance, honours …) is kept on the record."""


def delete_worker(*, actor: Any, worker: Worker, note: str = "") -> None:
    """Delete a worker who has no history; one who has is refused with what holds him."""
    try:
        delete_audited(worker, actor=actor, note=note)
    except (ProtectedError, RestrictedError) as error:
        held_by = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else (error.restricted_objects)
        )
        counts = Counter(str(obj._meta.verbose_name_plural) for obj in held_by)
        raise WorkerInUseError(
            _(
                "%(name)s cannot be deleted: the platform keeps his history (%(history)s). "
                "Change his employer instead if he has moved."
            )
            % {
                "name": worker.name,
                "history": _(", ").join(
                    _("%(what)s: %(count)d") % {"what": what, "count": n}
                    for what, n in sorted(counts.items())
                ),
            }
        ) from error
