"""Recording and revoking skill levels; the worker's current level follows.

``Worker.skill_level`` is the best (lowest-numbered) level among the worker's
records in force. The first record of a worker who already had a level keeps
that level as an ``initial`` record, so the history never loses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from jingsai.common.domain import audit
from jingsai.people.models import Worker
from jingsai.skills.models import SkillRecord


def _ensure_initial(worker: Worker) -> None:
    if worker.skill_level and not SkillRecord.objects.filter(worker=worker).exists():
        SkillRecord.objects.create(
            worker=worker,
            level=worker.skill_level,
            trade=worker.trade,
            awarded_on=(worker.created_at or timezone.now()).date(),
            source=SkillRecord.Source.INITIAL,
        )


def refresh_current_level(worker_ids: Iterable[int]) -> None:
    """Set each worker's level to the best of his records in force (no record: unchanged)."""
    ids = list(set(worker_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        best = dict(
            SkillRecord.objects.filter(worker_id__in=chunk, revoked_at__isnull=True)
            .values("worker_id")
            .annotate(level=Min("level"))
            .values_list("worker_id", "level")
        )
        recorded = set(
            SkillRecord.objects.filter(worker_id__in=chunk).values_list("worker_id", flat=True)
        )
        for worker in Worker.objects.filter(pk__in=recorded).only("pk", "skill_level"):
            level = best.get(worker.pk)  # None: every record revoked
            if level != worker.skill_level:
                Worker.objects.filter(pk=worker.pk).update(skill_level=level)


def record_level(
    *,
    actor: Any,
    worker: Worker,
    level: int,
    source: str,
    awarded_on: dt.date | None = None,
    trade: str = "",
    evidence: str = "",
    evaluator=None,
    competition=None,
    certificate_number: str = "",
    audit_it: bool = True,
) -> SkillRecord:
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        _ensure_initial(worker)
        record = SkillRecord.objects.create(
            worker=worker,
            level=level,
            trade=trade or worker.trade,
            awarded_on=awarded_on or timezone.localdate(),
            source=source,
            evidence=evidence[:300],
            evaluator=evaluator,
            competition=competition,
            certificate_number=certificate_number,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        refresh_current_level([worker.pk])
        if audit_it:
            audit.record(
                actor=actor, action="skill:record", obj=worker, after=audit.snapshot(record)
            )
    return record


def revoke_record(*, actor: Any, record: SkillRecord, reason: str) -> SkillRecord:
    with transaction.atomic():
        record = SkillRecord.objects.select_for_update().get(pk=record.pk)
        if record.revoked_at is None:
            record.revoked_at, record.revoke_reason = timezone.now(), reason[:300]
            record.save(update_fields=["revoked_at", "revoke_reason"])
            refresh_current_level([record.worker_id])
            audit.record(
                actor=actor,
                action="skill:revoke",
                obj=record.worker,
                after={"record": record.pk, "level": record.level},
                note=reason,
            )
    return record


def history(worker: Worker):
    return SkillRecord.objects.filter(worker=worker).select_related("evaluator", "competition")
