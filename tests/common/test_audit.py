import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jingsai.common.domain.audit import verify_chain
from jingsai.common.models import AuditEntry
from jingsai.people.domain.workers import register_worker, update_worker
from tests.factories import OrganisationFactory, make_id_number, make_user


@pytest.fixture
def trail(db):
    actor = make_user("auditor")
    employer = OrganisationFactory()
    worker = register_worker(
        actor=actor,
        name="赵六",
        id_number=make_id_number(seq=11),
        employer=employer,
        phone="13800001111",
    )
    update_worker(actor=actor, worker=worker, skill_level=2)
    update_worker(actor=actor, worker=worker, trade="钳工")
    return list(AuditEntry.objects.order_by("id"))


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_changes_are_recorded_with_before_and_after(trail):
    last = trail[-1]
    assert last.action == "update"
    assert last.before["trade"] == ""
    assert last.after["trade"] == "钳工"
    assert trail[-2].after["skill_level"] == 2


def test_audit_masks_personal_data(trail):
    created = trail[0]
    assert created.after["id_number"].count("*") == 8
    assert created.after["phone"] == "138****1111"


def test_intact_chain_verifies(trail):
    assert verify_chain() == []
    call_command("audit", "verify")


def test_edited_row_is_named(trail):
    target = trail[1]
    _raw("UPDATE common_auditentry SET note = %s WHERE id = %s", ["forged", target.pk])
    problems = verify_chain()
    assert [(p.entry_id, p.kind) for p in problems] == [(target.pk, "altered")]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_deleted_middle_row_breaks_the_chain(trail):
    _raw("DELETE FROM common_auditentry WHERE id = %s", [trail[1].pk])
    kinds = {(p.entry_id, p.kind) for p in verify_chain()}
    assert (trail[2].pk, "broken-link") in kinds


def test_deleted_last_row_is_noticed(trail):
    _raw("DELETE FROM common_auditentry WHERE id = %s", [trail[-1].pk])
    kinds = {p.kind for p in verify_chain()}
    assert "missing-tail" in kinds


def test_inserted_row_is_noticed(trail):
    forged = trail[1]
    _raw(
        "INSERT INTO common_auditentry (occurred_at, actor_id, actor_label, action, "
        "object_type, object_id, object_repr, note, prev_hash, hash) "
        "VALUES (%s, NULL, 'x', 'update', 't', '1', 'r', '', %s, %s)",
        [forged.occurred_at, forged.hash, "f" * 64],
    )
    assert verify_chain() != []


def test_audit_entries_cannot_be_changed_through_the_orm(trail):
    entry = trail[0]
    entry.note = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
