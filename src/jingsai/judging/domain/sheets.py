"""Mark sheets (评分表): drafts, submission and its lock, re-marking, corrections,
staff entry with a second person's check.

The marks lifecycle: a judge's sheet is a draft while he marks (saved as he
goes); submitting locks it and its marks start to count. The chief judge may
return a submitted sheet for re-marking (it is a draft again and its marks stop
counting) or correct a locked mark with a written reason. A sheet typed in by
staff from paper is submitted at once but counts only once a second person, who
did not type it, has typed the same marks again and they agree.

The lock is held by the database: every change takes the sheet row with
``SELECT … FOR UPDATE`` and re-reads its status inside the transaction, and
submission is a conditional ``UPDATE … WHERE status <> 'submitted'``, so two
taps or two judges at once can neither lose nor duplicate a mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import panel, tallies
from jingsai.judging.models import (
    MARK_SCALE,
    Criterion,
    Judging,
    Mark,
    PanelJudge,
    Sheet,
    plain,
    units_to_decimal,
)

MARKING_STATUSES = (Competition.Status.JUDGING,)


class SheetRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    def __init__(self, message: str, *, field_errors: Mapping[str, str] | None = None):
        self.field_errors = dict(field_errors or {})
        super().__init__(message)


def to_units(value: Any, criterion: Criterion) -> int:
    """A typed mark as ten-thousandths, checked against 0..max; ``ValueError`` says why.

    A criterion with a scale takes a whole score 0..scale (stored as the score); an
    all-or-nothing one takes 0 or its maximum.
    """
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if criterion.scale:
        if number < 0 or number > criterion.scale or number != number.to_integral_value():
            raise ValueError(
                _("The score must be a whole number from 0 to %(scale)s.")
                % {"scale": criterion.scale}
            )
        return int(number) * MARK_SCALE
    if criterion.all_or_nothing and number not in (0, criterion.max_mark):
        raise ValueError(
            _("This is awarded in full or not at all: 0 or %(max)s.")
            % {"max": plain(criterion.max_mark)}
        )
    if number < 0 or number > criterion.max_mark:
        raise ValueError(
            _("The mark must be between 0 and %(max)s.") % {"max": plain(criterion.max_mark)}
        )
    scaled = number * MARK_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(_("A mark has at most 4 decimal places."))
    return int(scaled)


def criteria_of(competition: Competition) -> list[Criterion]:
    return list(
        Criterion.objects.filter(competition=competition)
        .select_related("stage")
        .order_by("stage__order", "stage_id", "order", "id")
    )


def required(criterion: Criterion) -> bool:
    """Every judge marks every judgement criterion; a measurement takes one mark, from
    any one judge, so a sheet may leave it blank."""
    return criterion.kind == Criterion.Kind.JUDGEMENT


def parse_marks(
    criteria: list[Criterion], values: Mapping[str, Any], *, partial: bool
) -> tuple[dict[int, int], dict[str, str]]:
    """``values`` maps criterion code → typed text; returns (criterion id → units, errors)."""
    parsed: dict[int, int] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        raw = values.get(criterion.code)
        if raw is None or str(raw).strip() == "":
            if not partial and required(criterion):
                errors[criterion.code] = _("Enter a mark.")
            continue
        try:
            parsed[criterion.pk] = to_units(raw, criterion)
        except ValueError as error:
            errors[criterion.code] = str(error)
    return parsed, errors


def check_marking_open(competition: Competition, *, confirmed: bool | None = None) -> None:
    """``confirmed``: whether the chief judge has confirmed the marks, when the caller has
    just read it (:func:`panel.marking_facts`)."""
    if competition.status not in MARKING_STATUSES:
        raise SheetRefused(_("Marking is not open: the competition is not being judged."))
    if confirmed is None:
        judging = Judging.objects.filter(pk=competition.pk).first()
        confirmed = bool(judging and judging.marks_confirmed_at)
    if confirmed:
        raise SheetRefused(_("The chief judge has confirmed the marks; they are closed."))


def _refuse_unless_he_may_mark(judge: PanelJudge, entry: Entry) -> None:
    """Marking open and the judge free to mark the entry, asked in one query."""
    facts = panel.marking_facts(judge, entry)
    check_marking_open(entry.competition, confirmed=facts.confirmed)
    reason = panel.marking_refusal(judge, entry, facts)
    if reason:
        raise SheetRefused(reason)


def _locked_sheet(
    judge: PanelJudge, entry: Entry, *, source: str, actor: Any, checked: bool = False
) -> Sheet:
    """The sheet row, locked for this transaction (created when it does not exist), once
    marking is open and the judge may mark the entry (``checked``: the caller has asked)."""
    if not checked:
        _refuse_unless_he_may_mark(judge, entry)
    sheet = Sheet.objects.select_for_update().filter(judge=judge, entry=entry).first()
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            Sheet.objects.create(
                competition_id=entry.competition_id,
                judge=judge,
                entry=entry,
                source=source,
                entered_by=actor if source != Sheet.Source.JUDGE else None,
            )
    except IntegrityError:
        pass  # created at the same moment by another request: take that one
    return Sheet.objects.select_for_update().get(judge=judge, entry=entry)


def _write_marks(sheet: Sheet, parsed: dict[int, int], *, counts: bool) -> None:
    existing = {m.criterion_id: m for m in sheet.marks.all()}
    new = []
    for criterion_id, units in parsed.items():
        mark = existing.get(criterion_id)
        if mark is None:
            new.append(
                Mark(
                    sheet=sheet,
                    competition_id=sheet.competition_id,
                    entry_id=sheet.entry_id,
                    criterion_id=criterion_id,
                    units=units,
                    counts=counts,
                )
            )
        elif mark.units != units or mark.counts != counts:
            mark.units, mark.counts = units, counts
            mark.save(update_fields=["units", "counts"])
    Mark.objects.bulk_create(new)


def marks_of(sheet: Sheet) -> dict[str, Decimal]:
    return {
        code: units_to_decimal(units)
        for code, units in sheet.marks.values_list("criterion__code", "units")
    }


def save_draft(
    *,
    judge: PanelJudge,
    entry: Entry,
    values: Mapping[str, Any],
    criteria: list[Criterion] | None = None,
) -> Sheet:
    """Save what the judge has typed so far (blank fields are left as they were).
    ``criteria``: the competition's, when the caller has just read them."""
    competition = entry.competition
    criteria = criteria_of(competition) if criteria is None else criteria
    parsed, errors = parse_marks(criteria, values, partial=True)
    if errors:
        raise SheetRefused(_("Some marks are not valid."), field_errors=errors)
    with transaction.atomic():
        sheet = _touched_draft(judge, entry)
        if sheet is None:  # his first draft of this sheet, or it is submitted
            sheet = _locked_sheet(judge, entry, source=Sheet.Source.JUDGE, actor=None, checked=True)
            if sheet.status == Sheet.Status.SUBMITTED:
                raise SheetRefused(_("This sheet is submitted and locked."))
            sheet.version += 1
            sheet.save(update_fields=["version", "updated_at"])
        _upsert_marks(sheet, parsed)
    return sheet


def _touched_draft(judge: PanelJudge, entry: Entry) -> Sheet | None:
    """The busiest write (a judge's draft, at every mark he types) in few round trips:
    once marking is open and he may mark the entry, his sheet's row is locked and its
    version moved on by one ``UPDATE … WHERE status <> 'submitted' RETURNING``. None when
    he has no sheet yet or it is submitted (the caller takes the general path)."""
    _refuse_unless_he_may_mark(judge, entry)
    fields = Sheet._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Sheet._meta.db_table} SET version = version + 1, updated_at = %s"  # noqa: S608 (model's own names)
            " WHERE judge_id = %s AND entry_id = %s AND status <> %s"
            f" RETURNING {', '.join(f.column for f in fields)}",
            [timezone.now(), judge.pk, entry.pk, Sheet.Status.SUBMITTED.value],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for f, value in zip(fields, row, strict=True):  # as the ORM reads them (SQLite's dates)
        column = f.get_col(Sheet._meta.db_table)
        converters = connection.ops.get_db_converters(column)
        for converter in converters + column.get_db_converters(connection):
            value = converter(value, column, connection)
        values.append(value)
    return Sheet.from_db(connection.alias, [f.attname for f in fields], values)


def _upsert_marks(sheet: Sheet, parsed: dict[int, int]) -> None:
    """A draft's marks in one statement: new ones inserted, changed ones updated (and no
    longer counting), unchanged ones left as they are."""
    if not parsed:
        return
    rows = [
        (sheet.pk, sheet.competition_id, sheet.entry_id, criterion_id, units, False)
        for criterion_id, units in parsed.items()
    ]
    table = Mark._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (sheet_id, competition_id, entry_id, criterion_id, units, counts)"  # noqa: S608
            f" VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(rows))}"
            " ON CONFLICT (sheet_id, criterion_id) DO UPDATE"
            " SET units = excluded.units, counts = excluded.counts"
            f" WHERE {table}.units <> excluded.units OR {table}.counts <> excluded.counts",
            [value for row in rows for value in row],
        )


def submit(
    *,
    actor: Any,
    judge: PanelJudge,
    entry: Entry,
    values: Mapping[str, Any] | None = None,
    criteria: list[Criterion] | None = None,
) -> Sheet:
    """Save the last marks and lock the sheet; every criterion needs a mark.

    A second submission of a locked sheet (a double tap) changes nothing and
    says so. ``criteria``: the competition's, when the caller has just read them.
    """
    competition = entry.competition
    criteria = criteria_of(competition) if criteria is None else criteria
    with transaction.atomic():
        sheet = _locked_sheet(judge, entry, source=Sheet.Source.JUDGE, actor=None)
        if sheet.status == Sheet.Status.SUBMITTED:
            raise SheetRefused(_("This sheet is already submitted and locked."))
        parsed, errors = parse_marks(criteria, values or {}, partial=True)
        have = dict(sheet.marks.values_list("criterion_id", "units")) | parsed
        for criterion in criteria:
            if criterion.pk not in have and criterion.code not in errors and required(criterion):
                errors[criterion.code] = _("Enter a mark.")
        if errors:
            raise SheetRefused(_("Some marks are missing or not valid."), field_errors=errors)
        _write_marks(sheet, have, counts=True)
        updated = Sheet.objects.filter(pk=sheet.pk).exclude(status=Sheet.Status.SUBMITTED)
        if not updated.update(
            status=Sheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            version=sheet.version + 1,
            updated_at=timezone.now(),
        ):
            raise SheetRefused(_("This sheet is already submitted and locked."))
        sheet.refresh_from_db()
        tallies.refresh(sheet.competition_id, [sheet.entry_id])
        audit.record(
            actor=actor,
            action="sheet:submit",
            obj=sheet,
            after={"marks": {k: str(v) for k, v in marks_of(sheet).items()}},
        )
    return sheet


def return_for_remarking(*, actor: Any, sheet: Sheet, reason: str) -> Sheet:
    """The chief judge sends a submitted sheet back; its marks stop counting."""
    if not reason.strip():
        raise SheetRefused(_("Say why the sheet goes back for re-marking."))
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        check_marking_open(sheet.entry.competition)
        if sheet.status != Sheet.Status.SUBMITTED:
            raise SheetRefused(_("Only a submitted sheet can be sent back."))
        before = {"status": sheet.status, "marks": {k: str(v) for k, v in marks_of(sheet).items()}}
        sheet.status = Sheet.Status.RETURNED
        sheet.return_reason = reason.strip()
        sheet.checked_by = None
        sheet.version += 1
        sheet.save()
        sheet.marks.update(counts=False)
        tallies.refresh(sheet.competition_id, [sheet.entry_id])
        audit.record(
            actor=actor,
            action="sheet:return",
            obj=sheet,
            before=before,
            after={"status": sheet.status},
            note=reason.strip(),
        )
    return sheet


def correct_mark(
    *, actor: Any, sheet: Sheet, criterion: Criterion, value: Any, reason: str
) -> Mark:
    """Change a locked mark, with a written reason kept in the audit trail."""
    if not reason.strip():
        raise SheetRefused(_("A correction needs a written reason."))
    try:
        units = to_units(value, criterion)
    except ValueError as error:
        raise SheetRefused(str(error), field_errors={criterion.code: str(error)}) from None
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        check_marking_open(Competition.objects.get(pk=sheet.competition_id))
        if sheet.status != Sheet.Status.SUBMITTED:
            raise SheetRefused(_("Only a locked (submitted) mark is corrected; drafts are edited."))
        if criterion.competition_id != sheet.competition_id:
            raise SheetRefused(_("This criterion is not in the competition's scheme."))
        mark = Mark.objects.filter(sheet=sheet, criterion=criterion).first()
        before = str(units_to_decimal(mark.units)) if mark else None
        if mark is None:
            mark = Mark.objects.create(
                sheet=sheet,
                competition_id=sheet.competition_id,
                entry_id=sheet.entry_id,
                criterion=criterion,
                units=units,
                counts=sheet.counts,
            )
        else:
            mark.units = units
            mark.save(update_fields=["units"])
        sheet.version += 1
        sheet.save(update_fields=["version", "updated_at"])
        Judging.objects.filter(pk=sheet.competition_id).update(computed_at=None)
        tallies.refresh(sheet.competition_id, [sheet.entry_id])
        audit.record(
            actor=actor,
            action="mark:correct",
            obj=sheet,
            before={"criterion": criterion.code, "mark": before},
            after={"criterion": criterion.code, "mark": str(units_to_decimal(units))},
            note=reason.strip(),
        )
    return mark


def staff_enter(*, actor: Any, judge: PanelJudge, entry: Entry, values: Mapping[str, Any]) -> Sheet:
    """Type in a paper sheet; it counts only once a second person has checked it."""
    competition = entry.competition
    criteria = criteria_of(competition)
    parsed, errors = parse_marks(criteria, values, partial=False)
    if errors:
        raise SheetRefused(_("Some marks are missing or not valid."), field_errors=errors)
    with transaction.atomic():
        sheet = _locked_sheet(judge, entry, source=Sheet.Source.STAFF, actor=actor)
        if sheet.status == Sheet.Status.SUBMITTED:
            raise SheetRefused(_("This judge's sheet for this entry is already locked."))
        sheet.source = Sheet.Source.STAFF
        sheet.entered_by = actor
        sheet.checked_by = None
        sheet.status = Sheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.version += 1
        sheet.save()
        _write_marks(sheet, parsed, counts=False)
        audit.record(
            actor=actor,
            action="sheet:typed",
            obj=sheet,
            after={"marks": {k: str(v) for k, v in marks_of(sheet).items()}},
        )
    return sheet


def staff_check(*, actor: Any, sheet: Sheet, values: Mapping[str, Any]) -> Sheet:
    """A second person types the same paper sheet again; when every mark agrees it counts."""
    competition = Competition.objects.get(pk=sheet.competition_id)
    criteria = criteria_of(competition)
    parsed, errors = parse_marks(criteria, values, partial=False)
    if errors:
        raise SheetRefused(_("Some marks are missing or not valid."), field_errors=errors)
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.source != Sheet.Source.STAFF or sheet.status != Sheet.Status.SUBMITTED:
            raise SheetRefused(_("This sheet is not waiting for a check."))
        if sheet.checked_by_id:
            raise SheetRefused(_("This sheet has already been checked."))
        if sheet.entered_by_id == getattr(actor, "pk", None):
            raise SheetRefused(_("The person who typed a sheet cannot check it."))
        stored = dict(sheet.marks.values_list("criterion_id", "units"))
        differing = {
            c.code: _("This does not match the first entry.")
            for c in criteria
            if stored.get(c.pk) != parsed.get(c.pk)
        }
        if differing:
            raise SheetRefused(
                _("The marks differ from the first entry; check the paper sheet."),
                field_errors=differing,
            )
        sheet.checked_by = actor
        sheet.version += 1
        sheet.save(update_fields=["checked_by", "version", "updated_at"])
        sheet.marks.update(counts=True)
        tallies.refresh(sheet.competition_id, [sheet.entry_id])
        audit.record(actor=actor, action="sheet:checked", obj=sheet)
    return sheet
