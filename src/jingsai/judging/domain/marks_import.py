"""Marks from an ``.xlsx`` file (columns: entry, judge, criterion, mark), all or nothing.

Each (entry, judge) pair of the file is one mark sheet and must give a mark
for every judgement criterion of the scheme (a measurement takes one mark, from
any one judge). The entry is named by its entry number or,
in blind marking, its anonymous code. Every row is checked — unknown entry,
judge or criterion, a mark that is not a number, outside 0..max or with more
than 4 decimals, a judge who may not mark the entry (not assigned, or the
conflict rule), a repeated row, a sheet already locked — and every problem is
reported with sheet, row and column. Nothing is saved unless there is none;
then the sheets are saved as submitted (source ``import``) and count at once.
"""

from __future__ import annotations

from collections import defaultdict
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
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import panel, tallies
from jingsai.judging.domain.sheets import SheetRefused, check_marking_open, required, to_units
from jingsai.judging.models import Assignment, BlindCode, Criterion, Mark, PanelJudge, Sheet

COLUMNS = [
    ColumnSpec("entry", "参赛编号", aliases=("entry", "加密编号", "编号"), example="A001"),
    ColumnSpec("judge", "裁判编号", aliases=("judge", "裁判"), example="J1"),
    ColumnSpec("criterion", "评分项", aliases=("criterion", "评分项编号"), example="P1"),
    ColumnSpec("mark", "分数", aliases=("mark", "得分"), example="85.5"),
]


@dataclass
class MarksImport:
    rows: int = 0
    sheets: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)


def template() -> bytes:
    return template_xlsx(
        COLUMNS,
        sheet=_("marks"),
        notes=[
            _("One row per mark: entry number (or anonymous code), judge code, criterion code."),
            _("Each judge's sheet for an entry must give a mark for every criterion."),
            _("The file is imported whole or not at all."),
        ],
    )


def import_marks(*, actor: Any, competition: Competition, source, size=None) -> MarksImport:
    table = open_table(source, COLUMNS, size=size)
    result = MarksImport(rows=len(table.rows), errors=ErrorCollector(table.sheet))
    errors = result.errors
    criteria = {c.code: c for c in Criterion.objects.filter(competition=competition)}
    if not criteria:
        raise SpreadsheetRefused(_("This competition has no marking scheme yet."))
    judges = {j.code: j for j in PanelJudge.objects.filter(competition=competition)}
    entries = {
        e.number: e
        for e in Entry.objects.filter(
            competition=competition, status=Entry.Status.APPROVED, number__isnull=False
        )
    }
    codes = dict(BlindCode.objects.filter(competition=competition).values_list("code", "entry_id"))
    entries_by_id = {e.pk: e for e in entries.values()}
    assigned = set(
        Assignment.objects.filter(competition=competition).values_list("judge_id", "entry_id")
    )
    conflicts = panel.ConflictIndex.for_judges(list(judges.values()))
    sheets: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    first_row: dict[tuple[int, int], Any] = {}
    for row in table.rows:
        entry_text = cell_text(row.values.get("entry"))
        judge_text = cell_text(row.values.get("judge"))
        criterion_text = cell_text(row.values.get("criterion"))
        entry = entries.get(entry_text) or entries_by_id.get(codes.get(entry_text.upper(), 0))
        judge = judges.get(judge_text)
        criterion = criteria.get(criterion_text)
        if entry is None:
            errors.add(table, row, "entry", _("No approved entry has this number or code."))
        if judge is None:
            errors.add(table, row, "judge", _("No judge on this panel has this code."))
        if criterion is None:
            errors.add(table, row, "criterion", _("The scheme has no criterion with this code."))
        units = None
        if criterion is not None:
            try:
                units = to_units(row.values.get("mark"), criterion)
            except ValueError as error:
                errors.add(table, row, "mark", str(error))
        if entry is None or judge is None or criterion is None or units is None:
            continue
        reason = conflicts.reason(judge, entry)
        if reason:
            errors.add(table, row, "judge", reason)
            continue
        if (judge.pk, entry.pk) not in assigned:
            errors.add(table, row, "judge", _("This entry is not assigned to this judge."))
            continue
        key = (judge.pk, entry.pk)
        if criterion.pk in sheets[key]:
            errors.add(table, row, "criterion", _("A second mark for the same criterion."))
            continue
        sheets[key][criterion.pk] = units
        first_row.setdefault(key, row)
    for key, marks in sheets.items():
        absent = [code for code, c in criteria.items() if c.pk not in marks and required(c)]
        if absent:
            errors.add(
                table,
                first_row[key],
                "criterion",
                _("This judge's sheet for this entry has no mark for: %(codes)s.")
                % {"codes": "、".join(absent)},
            )
    if errors:
        return result
    with transaction.atomic():
        Competition.objects.select_for_update().get(pk=competition.pk)
        try:
            check_marking_open(competition)
        except SheetRefused as refused:
            raise SpreadsheetRefused(str(refused)) from None
        existing = {
            (s.judge_id, s.entry_id): s
            for s in Sheet.objects.select_for_update().filter(
                competition=competition,
                judge_id__in={k[0] for k in sheets},
                entry_id__in={k[1] for k in sheets},
            )
        }
        for key, sheet in existing.items():
            if key in sheets and sheet.status == Sheet.Status.SUBMITTED:
                errors.add(
                    table,
                    first_row[key],
                    "judge",
                    _("This judge's sheet for this entry is already submitted and locked."),
                )
        if errors:
            return result
        now = timezone.now()
        Sheet.objects.filter(pk__in=[existing[k].pk for k in sheets if k in existing]).delete()
        created = Sheet.objects.bulk_create(
            [
                Sheet(
                    competition=competition,
                    judge_id=judge_id,
                    entry_id=entry_id,
                    status=Sheet.Status.SUBMITTED,
                    source=Sheet.Source.IMPORT,
                    entered_by=actor if getattr(actor, "is_authenticated", False) else None,
                    submitted_at=now,
                )
                for judge_id, entry_id in sheets
            ],
            batch_size=2000,
        )
        Mark.objects.bulk_create(
            [
                Mark(
                    sheet=sheet,
                    competition=competition,
                    entry_id=sheet.entry_id,
                    criterion_id=criterion_id,
                    units=units,
                    counts=True,
                )
                for sheet, key in zip(created, sheets, strict=True)
                for criterion_id, units in sheets[key].items()
            ],
            batch_size=5000,
        )
        tallies.refresh(competition.pk, {entry_id for _judge, entry_id in sheets})
        audit.record(
            actor=actor,
            action="marks:import",
            obj=competition,
            after={"rows": result.rows, "sheets": len(created)},
        )
        result.sheets = len(created)
    return result
