"""Creating and changing organisations, with the audit trail and search keys."""

from typing import Any

from django.db import transaction

from jingsai.common.domain.changes import create_audited, update_audited
from jingsai.common.pinyin import pinyin_initials
from jingsai.common.validators import normalise_phone
from jingsai.organisations.models import Organisation
from jingsai.organisations.validators import normalise_credit_code


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        data["name_initials"] = pinyin_initials(data["name"])
    if "credit_code" in data:
        data["credit_code"] = normalise_credit_code(data["credit_code"] or "") or None
    if "contact_phone" in data:
        data["contact_phone"] = normalise_phone(data["contact_phone"] or "")
    return data


def create_organisation(*, actor: Any, note: str = "", **fields: Any) -> Organisation:
    return create_audited(Organisation(**_normalise(fields)), actor=actor, note=note)


COUNTED = ("kind", "zone_id", "industry_id")  # what the dashboard's counts are keyed by


def update_organisation(
    *, actor: Any, organisation: Organisation, note: str = "", **changes: Any
) -> Organisation:
    """Change an organisation; its workers' zone and industry follow in the same transaction,
    and so do the dashboard's participation counts of it, its entries and its workers."""
    from jingsai.dashboards.domain import participation, worker_facts
    from jingsai.people.models import Worker

    with transaction.atomic():
        if {"kind", "zone", "industry", "zone_id", "industry_id"} & changes.keys():
            # its workers first, in id order, as an approval locks its members before their
            # employer: the two wait for each other, never in a circle
            list(
                Worker.objects.select_for_update()
                .filter(employer=organisation)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        before = Organisation.objects.filter(pk=organisation.pk).values_list(*COUNTED).first()
        organisation = update_audited(
            organisation, actor=actor, changes=_normalise(changes), note=note
        )
        moved = (
            Worker.objects.filter(employer=organisation)
            .exclude(zone_id=organisation.zone_id, industry_id=organisation.industry_id)
            .update(zone_id=organisation.zone_id, industry_id=organisation.industry_id)
        )
        if before != tuple(getattr(organisation, name) for name in COUNTED):
            participation.refresh_enterprises([organisation.pk])
        if moved:
            participation.refresh_workers(participation.workers_of(organisation.pk))
            worker_facts.workers_changed(
                Worker.objects.filter(employer=organisation).values_list("pk", flat=True)
            )
    return organisation
