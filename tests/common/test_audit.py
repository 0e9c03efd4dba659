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
    worker_id_number = make_id_number(seq=11)
    assert created.after["id_number"].startswith(worker_id_number[:6] + "*" * 8)
    assert worker_id_number not in str(created.after)
    assert created.after["phone"].startswith("138****1111 #")
    assert created.after["birth_date"] == worker_id_number[6:10]


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


def test_appended_row_is_noticed(trail):
    last = trail[-1]
    _raw(
        "INSERT INTO common_auditentry (id, occurred_at, actor_id, actor_label, action, "
        "object_type, object_id, object_repr, note, prev_hash, hash) "
        "VALUES (%s, %s, NULL, 'x', 'update', 't', '1', 'r', '', %s, %s)",
        [last.pk + 1, last.occurred_at, last.hash, "f" * 64],
    )
    kinds = {(p.entry_id, p.kind) for p in verify_chain()}
    assert (last.pk + 1, "altered") in kinds


def test_rehashing_without_the_key_is_noticed(trail):
    """Someone with the database but not the key recomputes plain SHA-256 hashes."""
    import hashlib

    from jingsai.common.domain.audit import _canonical

    target = trail[1]
    target.note = "forged"
    forged_hash = hashlib.sha256(_canonical(target)).hexdigest()
    _raw(
        "UPDATE common_auditentry SET note = %s, hash = %s WHERE id = %s",
        ["forged", forged_hash, target.pk],
    )
    assert (target.pk, "altered") in {(p.entry_id, p.kind) for p in verify_chain()}


def test_checkpoint_kept_outside_catches_a_truncated_chain(trail):
    from jingsai.common.domain.audit import current_head

    checkpoint = current_head()
    last, previous = trail[-1], trail[-2]
    _raw("DELETE FROM common_auditentry WHERE id = %s", [last.pk])
    _raw(
        "UPDATE common_audithead SET last_id = %s, last_hash = %s, count = count - 1",
        [previous.pk, previous.hash],
    )
    assert verify_chain() == []  # consistent on its own …
    kinds = {p.kind for p in verify_chain(expect=checkpoint)}
    assert kinds == {"checkpoint"}  # … but not with the checkpoint
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--expect", f"{checkpoint[0]}:{checkpoint[1]}")


def test_head_command_prints_id_and_hash(trail, capsys):
    call_command("audit", "head")
    assert capsys.readouterr().out.strip() == f"{trail[-1].pk}:{trail[-1].hash}"


def test_phone_change_in_the_middle_is_recorded(trail):
    from jingsai.people.models import Worker

    worker = Worker.objects.get()
    before = AuditEntry.objects.count()
    update_worker(actor=None, worker=worker, phone="13800991111")  # same mask as 13800001111
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.before["phone"].startswith("138****1111 #")
    assert entry.after["phone"] != entry.before["phone"]


def test_audit_entries_cannot_be_changed_through_the_orm(trail):
    entry = trail[0]
    entry.note = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
