"""Recording and revoking skill levels; the worker's current level follows.

``Worker.skill_level`` is the best (lowest-numbered) level among the worker's
records in force. The first record of a worker who already had a level keeps
that level as an ``initial`` record, so the history never loses it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
        changed: dict[int | None, list[int]] = defaultdict(list)
        for pk, current in Worker.objects.filter(pk__in=recorded).values_list("pk", "skill_level"):
            level = best.get(pk)  # None: every record revoked
            if level != current:
                changed[level].append(pk)
        # One UPDATE per level (at most six), not one per worker.
        for level, pks in changed.items():
            Worker.objects.filter(pk__in=pks).update(skill_level=level)


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
        from jingsai.dashboards.domain import worker_facts

        worker_facts.records_changed([record.pk])  # the dashboard's copy, same transaction
        refresh_current_level([worker.pk])
        if audit_it:
            audit.record(
                actor=actor, action="skill:record", obj=worker, after=audit.snapshot(record)
            )
    return record


@dataclass(frozen=True, slots=True)
class LevelGrant:
    """One level to record for a worker (a row of an evaluation import)."""

    worker_id: int
    level: int
    awarded_on: dt.date
    trade: str = ""
    evidence: str = ""
    certificate_number: str = ""


def record_levels(
    *,
    actor: Any,
    grants: Sequence[LevelGrant],
    source: str,
    evaluator=None,
    competition=None,
    audit_action: str = "skill:record_many",
    audit_obj=None,
    audit_after: dict | None = None,
) -> list[SkillRecord]:
    """Record many levels at once, set-based: the workers are locked, each worker who
    had a level and no history yet gets his ``initial`` record, the records go in by
    bulk insert, the current levels follow, and one audit entry covers them all."""
    if not grants:
        return []
    ids = sorted({g.worker_id for g in grants})
    recorded_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        workers: dict[int, tuple] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            workers |= {
                pk: (level, trade, created)
                for pk, level, trade, created in Worker.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", "skill_level", "trade", "created_at")
            }
        with_history: set[int] = set()
        for start in range(0, len(ids), 500):
            with_history |= set(
                SkillRecord.objects.filter(worker_id__in=ids[start : start + 500]).values_list(
                    "worker_id", flat=True
                )
            )
        today = timezone.now()
        initial = [
            SkillRecord(
                worker_id=pk,
                level=level,
                trade=trade,
                awarded_on=(created or today).date(),
                source=SkillRecord.Source.INITIAL,
            )
            for pk, (level, trade, created) in workers.items()
            if level and pk not in with_history
        ]
        SkillRecord.objects.bulk_create(initial, batch_size=1000)
        created = SkillRecord.objects.bulk_create(
            [
                SkillRecord(
                    worker_id=g.worker_id,
                    level=g.level,
                    trade=(g.trade or workers[g.worker_id][1])[:50],
                    awarded_on=g.awarded_on,
                    source=source,
                    evidence=g.evidence[:300],
                    evaluator=evaluator,
                    competition=competition,
                    certificate_number=g.certificate_number[:40],
                    recorded_by=recorded_by,
                )
                for g in grants
            ],
            batch_size=1000,
        )
        from jingsai.dashboards.domain import worker_facts

        worker_facts.records_changed([r.pk for r in created])  # the dashboard's copy
        refresh_current_level(ids)
        audit.record(
            actor=actor,
            action=audit_action,
            obj=audit_obj if audit_obj is not None else evaluator,
            object_type="" if (audit_obj or evaluator) is not None else "skills.skillrecord",
            after={"records": len(created), "workers": len(ids)} | (audit_after or {}),
        )
    return created


def revoke_record(*, actor: Any, record: SkillRecord, reason: str) -> SkillRecord:
    with transaction.atomic():
        record = SkillRecord.objects.select_for_update().get(pk=record.pk)
        if record.revoked_at is None:
            record.revoked_at, record.revoke_reason = timezone.now(), reason[:300]
            record.save(update_fields=["revoked_at", "revoke_reason"])
            from jingsai.dashboards.domain import worker_facts

            worker_facts.records_changed([record.pk])  # the dashboard's copy, same transaction
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
