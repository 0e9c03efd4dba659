"""A period's checks from an ``.xlsx`` file, all or nothing.

One row per check: the participant (entry number or exact name), the kind
(自查 / 互查 / 抽查), the assessor (account name or the name on the team; empty
for a self-check), optionally the date and the findings, then one column per
indicator (headed by its name or code) with the mark. Every row is checked —
unknown participant, kind or assessor, an assessor of the other kind, the
conflict rule, a missing or out-of-range mark, a row repeated in the file, a
check already submitted — and every problem is reported with sheet, row and
column. Nothing is saved unless there is none; then the checks are saved as
submitted (source ``import``) and count at once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.common.spreadsheet_import import (
    ColumnSpec,
    ErrorCollector,
    SpreadsheetRefused,
    cell_text,
    open_table,
    template_xlsx,
)
from jingsai.labour.domain import services, tallies
from jingsai.labour.models import (
    Assessor,
    AssessorConflict,
    Check,
    CheckMark,
    Indicator,
    League,
    Participant,
    Period,
    plain,
)

KIND_WORDS = {
    "自查": "self",
    "self": "self",
    "互查": "mutual",
    "mutual": "mutual",
    "抽查": "spot",
    "spot": "spot",
}


def columns(league: League) -> list[ColumnSpec]:
    fixed = [
        ColumnSpec(
            "participant",
            "参赛编号或项目名称",
            aliases=("参赛编号", "项目名称", "participant"),
            width=28,
            example="GMR-0001",
        ),
        ColumnSpec("kind", "检查类型", aliases=("kind", "类型"), example="抽查"),
        ColumnSpec(
            "assessor",
            "考核人",
            required=False,
            aliases=("assessor", "考核人员"),
            example="张工",
        ),
        ColumnSpec(
            "date", "检查日期", required=False, aliases=("date", "日期"), example="2026-03-18"
        ),
        ColumnSpec(
            "note",
            "检查情况",
            required=False,
            aliases=("note", "findings"),
            width=30,
            example="",
        ),
    ]
    return fixed + [
        ColumnSpec(
            f"i:{i.code}",
            i.name,
            aliases=(i.code,),
            example=plain(i.maximum),
        )
        for i in league.indicators.all()
    ]


@dataclass
class ChecksImport:
    rows: int = 0
    checks: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)


def template(league: League) -> bytes:
    return template_xlsx(
        columns(league),
        sheet=_("checks"),
        notes=[
            _(
                "One row per check: participant, kind (自查, 互查 or 抽查), assessor, then a "
                "mark for every indicator."
            ),
            _("A self-check (自查) has no assessor; a mutual or spot check names its assessor."),
            _("The file is imported whole or not at all."),
        ],
    )


def _date(value: Any) -> dt.date | str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value).replace("/", "-"))
    except ValueError:
        return "bad"


def import_checks(*, actor: Any, period: Period, source, size=None) -> ChecksImport:
    league = period.league
    indicators = list(Indicator.objects.filter(league=league))
    if not indicators:
        raise SpreadsheetRefused(_("This competition has no indicators yet."))
    if not period.is_open:
        raise SpreadsheetRefused(
            _("%(period)s is confirmed; a change is a correction with a reason.")
            % {"period": period.name}
        )
    table = open_table(source, columns(league), size=size)
    result = ChecksImport(rows=len(table.rows), errors=ErrorCollector(table.sheet))
    errors = result.errors
    participants = list(
        Participant.objects.filter(league=league).select_related("entry", "enterprise")
    )
    by_number = {p.entry.number: p for p in participants if p.entry.number}
    name_counts = Counter(p.name for p in participants)
    by_name = {p.name: p for p in participants}
    assessors = list(Assessor.objects.filter(league=league).select_related("user"))
    by_username = {a.user.username: a for a in assessors}
    name_of = Counter(a.name for a in assessors)
    by_assessor_name = {a.name: a for a in assessors}
    belongs = {a.pk: services.assessor_organisations(a) for a in assessors}
    declared = set(
        AssessorConflict.objects.filter(assessor__league=league).values_list(
            "assessor_id", "participant_id"
        )
    )
    planned: dict[tuple[int, str, int | None], dict] = {}
    for row in table.rows:
        participant_text = cell_text(row.get("participant"))
        participant = by_number.get(participant_text)
        if participant is None and participant_text in by_name:
            if name_counts[participant_text] > 1:
                errors.add(
                    table,
                    row,
                    "participant",
                    _("Several participants have this name; give the entry number."),
                )
                continue
            participant = by_name[participant_text]
        if participant is None:
            errors.add(
                table,
                row,
                "participant",
                _("No participant of this competition has this entry number or name."),
            )
        kind = KIND_WORDS.get(cell_text(row.get("kind")).lower())
        if kind is None:
            errors.add(table, row, "kind", _("The kind is 自查, 互查 or 抽查."))
        assessor_text = cell_text(row.get("assessor"))
        assessor = None
        if kind == "self":
            if assessor_text:
                errors.add(table, row, "assessor", _("A self-check has no assessor."))
                continue
        elif kind is not None:
            assessor = by_username.get(assessor_text)
            if assessor is None and name_of[assessor_text] == 1:
                assessor = by_assessor_name[assessor_text]
            if not assessor_text:
                errors.add(table, row, "assessor", _("A mutual or spot check needs its assessor."))
            elif assessor is None:
                errors.add(
                    table,
                    row,
                    "assessor",
                    _("No assessor of this competition has this name (or it is not unique)."),
                )
            elif assessor.kind != kind:
                errors.add(
                    table,
                    row,
                    "assessor",
                    _("%(assessor)s enters %(kind)s checks only.")
                    % {"assessor": assessor.name, "kind": assessor.get_kind_display()},
                )
                assessor = None
        checked_on = _date(row.get("date"))
        if checked_on == "bad":
            errors.add(table, row, "date", _("The date is not a date (write 2026-03-18)."))
        marks = {}
        for indicator in indicators:
            key = f"i:{indicator.code}"
            value = row.get(key)
            if value is None or cell_text(value) == "":
                errors.add(
                    table,
                    row,
                    key,
                    _("%(indicator)s has no mark.") % {"indicator": indicator.name},
                )
                continue
            try:
                marks[indicator.pk] = services.to_units(cell_text(value), indicator)
            except services.LabourRefused as refused:
                errors.add(table, row, key, refused.message)
        if participant is None or kind is None or (kind != "self" and assessor is None):
            continue
        if assessor is not None:
            if participant.enterprise_id in belongs[assessor.pk]:
                errors.add(table, row, "assessor", services.conflict_reason(assessor, participant))
                continue
            if (assessor.pk, participant.pk) in declared:
                errors.add(
                    table,
                    row,
                    "assessor",
                    _("%(assessor)s has declared a conflict of interest with %(participant)s.")
                    % {"assessor": assessor.name, "participant": participant.name},
                )
                continue
        key = (participant.pk, kind, assessor.pk if assessor else None)
        if key in planned:
            errors.add(
                table,
                row,
                "participant",
                _("The same check appears twice in the file (rows %(first)s and %(second)s).")
                % {"first": planned[key]["row"].number, "second": row.number},
            )
            continue
        planned[key] = {
            "row": row,
            "marks": marks,
            "date": checked_on if isinstance(checked_on, dt.date) else None,
            "note": cell_text(row.get("note")),
        }
    if errors:
        return result
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if not period.is_open:
            raise SpreadsheetRefused(
                _("%(period)s is confirmed; a change is a correction with a reason.")
                % {"period": period.name}
            )
        existing = {
            (c.participant_id, c.kind, c.assessor_id): c
            for c in Check.objects.select_for_update().filter(
                period=period, participant_id__in={k[0] for k in planned}
            )
        }
        for key, plan in planned.items():
            if key in existing and existing[key].status == Check.Status.SUBMITTED:
                errors.add(
                    table,
                    plan["row"],
                    "participant",
                    _("This check is already submitted and locked."),
                )
        if errors:
            return result
        Check.objects.filter(pk__in=[existing[k].pk for k in planned if k in existing]).delete()
        now = timezone.now()
        entered_by = actor if getattr(actor, "is_authenticated", False) else None
        created = Check.objects.bulk_create(
            [
                Check(
                    period=period,
                    participant_id=participant_id,
                    kind=kind,
                    assessor_id=assessor_id,
                    status=Check.Status.SUBMITTED,
                    source=Check.Source.IMPORT,
                    checked_on=plan["date"],
                    note=plan["note"],
                    entered_by=entered_by,
                    submitted_at=now,
                )
                for (participant_id, kind, assessor_id), plan in planned.items()
            ],
            batch_size=2000,
        )
        CheckMark.objects.bulk_create(
            [
                CheckMark(check_ref=check, indicator_id=indicator_id, units=units)
                for check, plan in zip(created, planned.values(), strict=True)
                for indicator_id, units in plan["marks"].items()
            ],
            batch_size=5000,
        )
        tallies.refresh(period, {k[0] for k in planned})
        audit.record(
            actor=actor,
            action="checks:import",
            obj=period,
            after={"rows": result.rows, "checks": len(created)},
        )
        result.checks = len(created)
    return result
