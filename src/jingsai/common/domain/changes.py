"""Audited create / change / delete of governed model instances.

Domain services call these so that every governed change is validated, saved
and written to the audit trail in one transaction.
"""

from typing import Any

from django.db import models, transaction

from jingsai.common.domain import audit


def create_audited[M: models.Model](instance: M, *, actor: Any, note: str = "") -> M:
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        audit.record(
            actor=actor, action="create", obj=instance, after=audit.snapshot(instance), note=note
        )
    return instance


def update_audited[M: models.Model](
    instance: M, *, actor: Any, changes: dict[str, Any], note: str = ""
) -> M:
    """Apply ``changes`` (field → value) to ``instance``; records before and after."""
    with transaction.atomic():
        before = audit.snapshot(type(instance)._default_manager.get(pk=instance.pk))
        for field, value in changes.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        after = audit.snapshot(instance)
        if audit.changed_fields(before, after):
            audit.record(
                actor=actor, action="update", obj=instance, before=before, after=after, note=note
            )
    return instance


def delete_audited(instance: models.Model, *, actor: Any, note: str = "") -> None:
    with transaction.atomic():
        before = audit.snapshot(instance)
        object_type, object_id, text = instance._meta.label_lower, instance.pk, str(instance)
        instance.delete()
        audit.record(
            actor=actor,
            action="delete",
            object_type=object_type,
            object_id=object_id,
            object_repr=text,
            before=before,
            note=note,
        )
