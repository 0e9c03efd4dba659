"""The skill-level history and the worker's current level."""

import datetime as dt

import pytest

from jingsai.skills.domain import records
from jingsai.skills.models import SkillRecord
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_the_first_record_keeps_the_level_held_before_and_the_best_level_counts(world):
    worker = WorkerFactory(employer=world["ours"], skill_level=4, trade="钳工")
    records.record_level(
        actor=None, worker=worker, level=3, source="evaluation", awarded_on=dt.date(2026, 5, 1)
    )
    worker.refresh_from_db()
    assert worker.skill_level == 3
    assert sorted(r.source for r in records.history(worker)) == ["evaluation", "initial"]
    technician = records.record_level(actor=None, worker=worker, level=2, source="competition")
    records.record_level(actor=None, worker=worker, level=4, source="import")  # lower: no change
    worker.refresh_from_db()
    assert worker.skill_level == 2
    records.revoke_record(actor=None, record=technician, reason="成绩更正")
    worker.refresh_from_db()
    assert worker.skill_level == 3
    assert SkillRecord.objects.get(pk=technician.pk).revoke_reason == "成绩更正"


def test_revoking_the_only_record_of_a_worker_without_a_level_clears_it(world):
    worker = WorkerFactory(employer=world["ours"], skill_level=None)
    record = records.record_level(actor=None, worker=worker, level=5, source="competition")
    worker.refresh_from_db()
    assert worker.skill_level == 5
    records.revoke_record(actor=None, record=record, reason="撤销")
    worker.refresh_from_db()
    assert worker.skill_level is None
