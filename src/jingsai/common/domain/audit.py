"""The audit trail (审计记录): who did what to which object, when, before and after.

Records form a hash chain: each stores an HMAC-SHA-256 of its own content
together with the hash of the record before it (``prev_hash``); the first
record chains to :data:`GENESIS`. The key (``AUDIT_HMAC_KEY``, else
``SECRET_KEY``) never sits in the database, so someone who can edit the tables
cannot forge a consistent chain. :class:`~jingsai.common.models.AuditHead`
anchors the last record; ``jingsai audit head`` prints it so that it can be
kept elsewhere and checked later with ``jingsai audit verify --expect``.
:func:`verify_chain` recomputes the chain and names every record that was
altered, and every place where records were inserted or deleted.

Personal data is never stored in clear: ID numbers and phones are kept masked
with a keyed fingerprint (so that a change is still visible), dates of birth
as the year only.

Every governed change goes through a domain function that calls :func:`record`
inside the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from jingsai.common.masking import mask_id_number, mask_phone
from jingsai.common.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _key() -> bytes:
    return (getattr(settings, "AUDIT_HMAC_KEY", "") or settings.SECRET_KEY).encode()


def fingerprint(value: str) -> str:
    """A short keyed fingerprint: equal values give equal fingerprints, nothing more."""
    return hmac.new(_key(), b"fp:" + value.encode(), hashlib.sha256).hexdigest()[:10]


def _masked_with_fingerprint(mask):
    def apply(value: Any) -> str:
        if not value:
            return ""
        return f"{mask(str(value))} #{fingerprint(str(value))}"

    return apply


def _year_only(value: Any) -> str:
    return str(value.year) if value else ""


MASKERS = {
    "id_number": _masked_with_fingerprint(mask_id_number),
    "phone": _masked_with_fingerprint(mask_phone),
    "contact_phone": _masked_with_fingerprint(mask_phone),
    "birth_date": _year_only,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # file fields
        return value.name or None
    return value


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The audited state of a model instance: its concrete fields, personal data masked."""
    skip = {"created_at", "updated_at", "password", *exclude}
    masked = set(getattr(instance, "audit_masked_fields", ()))
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip:
            continue
        value = getattr(instance, field.attname)
        if field.name in masked:
            value = MASKERS.get(field.name, _masked_with_fingerprint(lambda v: "***"))(value)
        data[field.name] = _plain(value)
    return data


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "id": entry.pk,
        "occurred_at": _plain(entry.occurred_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hmac.new(_key(), _canonical(entry), hashlib.sha256).hexdigest()


def _label(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system"
    return actor.pk, actor.get_username()


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one record to the chain. Call it in the transaction of the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    actor_id, actor_label = _label(actor)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_id=0, last_hash=GENESIS, count=0)
        entry = AuditEntry(
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:200],
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
            note=note,
            prev_hash=head.last_hash,
        )
        # The id is part of the hash: under the head's lock the next id is known.
        entry.pk = head.last_id + 1
        entry.hash = compute_hash(entry)
        models.Model.save(entry, force_insert=True)
        AuditHead.objects.filter(pk=1).update(
            last_id=entry.pk, last_hash=entry.hash, count=models.F("count") + 1
        )
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    kind: str  # "altered", "broken-link", "missing-tail", "count-mismatch"
    message: str


def current_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.last_id, head.last_hash) if head else (0, GENESIS)


def verify_chain(
    *, chunk_size: int = 5000, expect: tuple[int, str] | None = None
) -> list[ChainProblem]:
    """Recompute the whole chain; return every problem found (empty when intact).

    ``expect`` is a (record id, hash) pair kept outside the database, e.g. from
    an earlier ``jingsai audit head``: the chain must still hold that record
    with that hash.
    """
    seen_expected = expect is None
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    last_id = 0
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        count += 1
        if entry.prev_hash != expected_prev:
            problems.append(
                ChainProblem(
                    entry.pk,
                    "broken-link",
                    f"record #{entry.pk}: does not follow record #{last_id or '-'} "
                    "(a record between them was deleted or inserted, or its link was edited)",
                )
            )
        if compute_hash(entry) != entry.hash:
            problems.append(
                ChainProblem(
                    entry.pk, "altered", f"record #{entry.pk}: content does not match its hash"
                )
            )
        if expect is not None and entry.pk == expect[0]:
            seen_expected = True
            if entry.hash != expect[1]:
                problems.append(
                    ChainProblem(
                        entry.pk,
                        "checkpoint",
                        f"record #{entry.pk}: hash differs from the checkpoint kept outside",
                    )
                )
        expected_prev = entry.hash
        last_id = entry.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_id != last_id or head.last_hash != expected_prev:
            problems.append(
                ChainProblem(
                    head.last_id,
                    "missing-tail",
                    f"the chain should end at record #{head.last_id} but ends at #{last_id}: "
                    "records at the end were deleted or the last record was altered",
                )
            )
        if head.count != count:
            problems.append(
                ChainProblem(
                    None,
                    "count-mismatch",
                    f"the chain should hold {head.count} records but holds {count}",
                )
            )
    elif count:
        problems.append(ChainProblem(None, "missing-tail", "the chain head is missing"))
    if not seen_expected:
        problems.append(
            ChainProblem(
                expect[0],
                "checkpoint",
                f"record #{expect[0]} of the checkpoint kept outside is missing",
            )
        )
    return problems
