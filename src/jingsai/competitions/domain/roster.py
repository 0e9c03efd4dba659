"""Roster import (报名名单导入): hundreds of thousands of rows, all or nothing.

One pass reads and checks every row in memory; existing workers, existing
entries and counts come from a handful of set-based queries (never one per
row). Only when no row has an error does the write pass run, in one
transaction: new workers in bulk, then entries and their members in bulk.

Row checks: name and ID number present; the ID number valid (length, date of
birth, province, check character); not twice in the file; a worker already
known under the number has the same name and works for the enterprise; the
person is not already entered; eligibility (zones, industries, skill level,
age, and the hours of the competition's training when it requires some: one
grouped query for the whole competition, only then); capacity and the
per-enterprise quota; team size per team.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import batched, chain
from operator import attrgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.collector import collector_paused
from jingsai.common.domain import audit
from jingsai.common.masking import mask_name
from jingsai.common.pinyin import person_initials
from jingsai.common.spreadsheet_import import (
    ColumnSpec,
    ErrorCollector,
    SpreadsheetRefused,
    cell_text,
    number_too_long_for_excel,
    open_table,
)
from jingsai.common.validators import MOBILE, normalise_phone, validate_phone
from jingsai.competitions.domain import eligibility
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.organisations.models import Organisation
from jingsai.people.domain.bulk import insert_worker_rows
from jingsai.people.models import Worker
from jingsai.people.validators import id_number_parser
from jingsai.training.domain import hours as training_hours

NAME = ColumnSpec("name", "姓名", example="张三")
ID_NUMBER = ColumnSpec("id_number", "身份证号码", width=22, example="310115198001011238")
PHONE = ColumnSpec("phone", "手机号码", required=False, width=14, example="13912345678")
TRADE = ColumnSpec("trade", "工种", required=False, example="电工")
LEVEL = ColumnSpec(
    "skill_level", "技能等级", required=False, aliases=("职业技能等级",), example="高级工"
)
TEAM = ColumnSpec("team", "团队名称", example="第一队")
ENTERPRISE = ColumnSpec(
    "enterprise", "单位统一社会信用代码", aliases=("统一社会信用代码",), width=22, example=""
)

LEVEL_WORDS = {
    "高级技师": 1,
    "一级": 1,
    "技师": 2,
    "二级": 2,
    "高级工": 3,
    "三级": 3,
    "中级工": 4,
    "四级": 4,
    "初级工": 5,
    "五级": 5,
}


def roster_columns(competition: Competition, *, several_enterprises: bool) -> list[ColumnSpec]:
    columns = [NAME, ID_NUMBER, PHONE, TRADE, LEVEL]
    if competition.is_team:
        columns.append(TEAM)
    if several_enterprises:
        columns.append(ENTERPRISE)
    return columns


def parse_skill_level(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    if text in LEVEL_WORDS:
        return LEVEL_WORDS[text]
    # "高级工（三级）", "高级工(三级)", "三级/高级工": every part must name the same level
    parts = [p for p in re.split(r"[（）()/、，,]+", text) if p]
    levels = {LEVEL_WORDS.get(p) for p in parts}
    if parts and None not in levels and len(levels) == 1:
        return levels.pop()
    raise ValidationError(
        _("Write the skill level as 1–5 or as 高级技师, 技师, 高级工, 中级工 or 初级工.")
    )


@dataclass(slots=True)
class RosterRow:
    number: int
    name: str
    id_number: str
    birth_date: Any
    gender: str
    phone: str
    trade: str
    skill_level: int | None
    team: str
    enterprise: Organisation
    employer: tuple[int, int | None, int | None]  # the enterprise's pk, zone and industry
    worker_id: int | None = None


@dataclass
class ImportResult:
    rows: int = 0
    entries: int = 0
    new_workers: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)

    @property
    def ok(self) -> bool:
        return not self.errors


NAME_MAX = 50  # Worker.name
KNOWN_BATCH = 5000  # ID numbers per query (below SQLite's and PostgreSQL's parameter limits)
ROWS_PER_STATEMENT = 500  # rows per INSERT on SQLite


def _known_workers(numbers: list[str]) -> dict[str, tuple]:
    """Workers already registered under these numbers: a few large set-based queries."""
    known: dict[str, tuple] = {}
    table = connection.ops.quote_name(Worker._meta.db_table)
    with connection.cursor() as cursor:
        for i in range(0, len(numbers), KNOWN_BATCH):
            batch = numbers[i : i + KNOWN_BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT id_number, id, name, employer_id, skill_level FROM {table} "  # noqa: S608
                f"WHERE id_number IN ({marks})",
                batch,
            )
            for row in cursor.fetchall():
                known[row[0]] = row[1:]
    return known


def import_roster(
    *,
    actor: Any,
    competition: Competition,
    source,
    enterprises: list[Organisation],
    size: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Import a roster for ``competition`` on behalf of ``enterprises`` (an officer's own,
    or every enterprise for staff, then the file names each row's enterprise)."""
    with collector_paused():
        return _import_roster(
            actor=actor,
            competition=competition,
            source=source,
            enterprises=enterprises,
            size=size,
            progress=progress,
        )


def _import_roster(
    *,
    actor: Any,
    competition: Competition,
    source,
    enterprises: list[Organisation],
    size: int | None,
    progress: Callable[[str, int, int], None] | None,
) -> ImportResult:
    if not competition.takes_workers:
        raise SpreadsheetRefused(
            _("This competition takes enterprises or project sites, not rosters of workers.")
        )
    several = len(enterprises) != 1
    columns = roster_columns(competition, several_enterprises=several)
    rules = eligibility.rules_for(competition)
    window = eligibility.window_refusals(rules)
    if window:
        raise SpreadsheetRefused(" ".join(window))
    table = open_table(source, columns, size=size)
    result = ImportResult(rows=len(table.rows), errors=ErrorCollector(table.sheet))
    errors = result.errors
    by_code = {e.credit_code: e for e in enterprises if e.credit_code} if several else {}
    only = enterprises[0] if not several else None
    # (pk, zone, industry) of each enterprise, read once (not from the model per row)
    employers = {id(e): (e.pk, e.zone_id, e.industry_id) for e in enterprises}
    only_employer = employers[id(only)] if only is not None else None
    parsed: list[RosterRow] = []
    seen: dict[str, int] = {}
    total = len(table.rows)
    # Each row's cells are a tuple in the order of ``table.keys``: the positions of the
    # columns (``None``: an optional column not in the sheet, read as an empty cell).
    name_at, id_at, phone_at, trade_at, level_at, team_at, code_at = map(
        table.index, ("name", "id_number", "phone", "trade", "skill_level", "team", "enterprise")
    )
    is_team = competition.is_team
    parse_id = id_number_parser()
    levels: dict[str, tuple[int | None, str | None]] = {}  # text → (level, error)
    for index, row in enumerate(table.rows):
        if progress and index % 10_000 == 0:
            progress("check", index, total)
        cells = row.cells
        name = cell_text(cells[name_at]).replace(" ", "")
        raw_id = cells[id_at]
        row_ok = True
        if not name:
            errors.add(table, row, "name", _("The name is missing."))
            row_ok = False
        elif len(name) > NAME_MAX:
            errors.add(
                table, row, "name", _("The name is longer than %(n)d characters.") % {"n": NAME_MAX}
            )
            row_ok = False
        number = ""
        birth = gender = None
        if raw_id is None or raw_id == "":
            errors.add(table, row, "id_number", _("The ID number is missing."))
            row_ok = False
        elif raw_id.__class__ is not str and number_too_long_for_excel(raw_id):
            errors.add(
                table,
                row,
                "id_number",
                _(
                    "The ID number was stored as a number and Excel has changed its last "
                    "digits; format the column as text and type it again."
                ),
            )
            row_ok = False
        else:
            try:
                number, birth, gender = parse_id(cell_text(raw_id))
            except ValidationError as error:
                errors.add(table, row, "id_number", error.messages[0])
                row_ok = False
        if number:
            first = seen.get(number)
            if first is not None:
                errors.add(
                    table,
                    row,
                    "id_number",
                    _("This ID number is also on row %(row)d of the file.") % {"row": first},
                )
                row_ok = False
            else:
                seen[number] = row.number
        phone = cell_text(cells[phone_at]) if phone_at is not None else ""
        if phone and not MOBILE.match(phone):  # a clean mobile number needs no more work
            phone = normalise_phone(phone)
            if phone:
                try:
                    validate_phone(phone)
                except ValidationError as error:
                    errors.add(table, row, "phone", error.messages[0])
                    row_ok = False
        level_text = cell_text(cells[level_at]) if level_at is not None else ""
        level_read = levels.get(level_text)  # a handful of different texts in a file
        if level_read is None:
            try:
                level_read = (parse_skill_level(level_text), None)
            except ValidationError as error:
                level_read = (None, error.messages[0])
            levels[level_text] = level_read
        level, level_error = level_read
        if level_error is not None:
            errors.add(table, row, "skill_level", level_error)
            row_ok = False
        team = ""
        if is_team:
            team = cell_text(cells[team_at]) if team_at is not None else ""
            if not team:
                errors.add(table, row, "team", _("The team name is missing."))
                row_ok = False
        enterprise = only
        if several:
            code = cell_text(cells[code_at] if code_at is not None else None)
            code = code.upper().replace(" ", "")
            enterprise = by_code.get(code)
            if enterprise is None:
                errors.add(
                    table,
                    row,
                    "enterprise",
                    _("No enterprise you may register for has this credit code.")
                    if code
                    else _("The enterprise's credit code is missing."),
                )
                row_ok = False
        if row_ok:
            parsed.append(
                RosterRow(
                    row.number,
                    name,
                    number,
                    birth,
                    gender,
                    phone,
                    cell_text(cells[trade_at])[:50] if trade_at is not None else "",
                    level,
                    team[:100],
                    enterprise,
                    only_employer if only is not None else employers[id(enterprise)],
                )
            )
    del seen
    if progress:
        progress("check", total, total)

    # One transaction under the competition's lock: the checks against the
    # database, then (only if no row is refused) the write pass, as bulk
    # statements straight through the cursor (no model instances: at 100,000
    # rows they would cost more than the database).
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        rules = eligibility.rules_for(locked)
        window = eligibility.window_refusals(rules)
        if window:
            raise SpreadsheetRefused(" ".join(window))
        units = _check_against_database(
            competition=locked, rules=rules, parsed=parsed, table=table, errors=errors
        )
        if units is None:  # some row is refused (in either pass): nothing is written
            return result
        del table  # the cells are no longer needed; only ``parsed`` is
        new = [r for r in parsed if r.worker_id is None]
        if progress:
            progress("write", 0, len(parsed))
        if new:
            # New workers' ids come from a sequence (PostgreSQL) or AUTOINCREMENT (SQLite,
            # one writer at a time): all above the largest id visible now, so one range
            # read finds them.
            last_id = Worker.objects.aggregate(last=Max("pk"))["last"] or 0
            # They go in in the order of their names: the name index is one whose keys
            # land all over a million-row table, and in that order it takes them in
            # one sweep (their ids follow the same order).
            new.sort(key=attrgetter("name"))
            initials: dict[str, str] = {}  # names repeat: each is read once
            result.new_workers = insert_worker_rows(_worker_row(r, initials) for r in new)
            if result.new_workers != len(new):
                raise SpreadsheetRefused(
                    _(
                        "Some workers were registered by someone else during the import; "
                        "import the file again."
                    )
                )
            workers = connection.ops.quote_name(Worker._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id_number, id FROM {workers} WHERE id > %s", [last_id])  # noqa: S608
                ids = dict(cursor.fetchall())
            for r in new:
                r.worker_id = ids[r.id_number]
            del ids
        first_level = locked.levels.order_by("order").values_list("pk", flat=True).first()
        submitted_by = actor.pk if getattr(actor, "is_authenticated", False) else None
        _insert_entries(locked, units, level_id=first_level, submitted_by_id=submitted_by)
        result.entries = len(units)
        audit.record(
            actor=actor,
            action="import_roster",
            obj=locked,
            after={
                "rows": result.rows,
                "entries": result.entries,
                "new_workers": result.new_workers,
                "enterprises": sorted({members[0].employer[0] for members in units}),
                "file_sha256": _digest(source),
                "at": timezone.now(),
            },
        )
        if progress:
            progress("write", len(parsed), len(parsed))
    return result


def _check_against_database(
    *, competition, rules, parsed: list[RosterRow], table, errors: ErrorCollector
) -> list[list[RosterRow]] | None:
    """Checks that need the database, run under the competition's lock; returns the
    entries to make (one list of rows each) or ``None`` when a row is refused."""
    # Set-based checks against what the database already holds.
    known = _known_workers([r.id_number for r in parsed])
    entered = set(
        EntryMember.objects.filter(competition=competition, active=True).values_list(
            "worker_id", flat=True
        )
    )
    row_of = _RowIndex(table)
    # Each rule depends on one value only (the employer's zone and industry, the
    # level, the date of birth): worked out once per value, not once per row.
    by_employer: dict[tuple, list[str]] = {}
    by_level: dict[int | None, list[str]] = {}
    by_birth: dict[Any, list[str]] = {}
    for r in parsed:
        found = known.get(r.id_number)
        if found is not None:
            pk, known_name, employer_id, known_level = found
            r.worker_id = pk
            if employer_id != r.employer[0]:
                # Say nothing about a person outside the importer's enterprise.
                errors.add(
                    table,
                    row_of(r),
                    "id_number",
                    _(
                        "This ID number is registered by another organisation; a worker who "
                        "has moved to %(enterprise)s must be transferred by a programme admin."
                    )
                    % {"enterprise": r.enterprise.name},
                )
                continue
            if known_name != r.name:
                errors.add(
                    table,
                    row_of(r),
                    "name",
                    _(
                        "The name does not match the worker registered under this ID number "
                        "(%(name)s)."
                    )
                    % {"name": mask_name(known_name)},
                )
                continue
            if pk in entered:
                errors.add(
                    table, row_of(r), "id_number", eligibility.already_entered_refusal(r.name)
                )
                continue
            # The record decides; a level in the file does not change it.
            r.skill_level = known_level
        reasons = by_employer.get(r.employer)
        if reasons is None:
            _pk, zone_id, industry_id = r.employer
            reasons = by_employer[r.employer] = eligibility.employer_refusals(
                rules, zone_id=zone_id, industry_id=industry_id
            )
        for reason in reasons:
            errors.add(table, row_of(r), None, reason)
        reasons = by_level.get(r.skill_level)
        if reasons is None:
            reasons = by_level[r.skill_level] = eligibility.level_refusals(
                rules, skill_level=r.skill_level
            )
        for reason in reasons:
            errors.add(table, row_of(r), "skill_level", reason)
        reasons = by_birth.get(r.birth_date)
        if reasons is None:
            reasons = by_birth[r.birth_date] = eligibility.age_refusals(
                rules, birth_date=r.birth_date
            )
        for reason in reasons:
            errors.add(table, row_of(r), "id_number", reason)
    if rules.required_hours is not None:
        _check_training_hours(
            competition=competition,
            rules=rules,
            parsed=parsed,
            known=known,
            entered=entered,
            table=table,
            row_of=row_of,
            errors=errors,
        )

    # Capacity, quota and team sizes.
    active = Entry.objects.filter(competition=competition).exclude(status=Entry.Status.WITHDRAWN)
    now_total = active.count()
    now_by_enterprise = Counter(
        dict(active.values_list("enterprise").annotate(n=Count("id")).order_by())
    )
    if competition.is_team:
        teams: dict[tuple[int, str], list[RosterRow]] = defaultdict(list)
        for r in parsed:
            teams[(r.employer[0], r.team)].append(r)
        units = list(teams.values())
        for members in units:
            for reason in eligibility.team_size_refusals(rules, size=len(members)):
                errors.add(table, row_of(members[0]), "team", f"{members[0].team}：{reason}")
    else:
        units = [[r] for r in parsed]
    if rules.capacity is not None or rules.quota is not None:  # else nothing to count
        adding_by_enterprise: Counter = Counter()
        for position, members in enumerate(units, start=1):
            enterprise_id = members[0].employer[0]
            adding_by_enterprise[enterprise_id] += 1
            reasons = eligibility.limit_refusals(
                rules,
                entries_now=now_total + position - 1,
                enterprise_entries_now=now_by_enterprise[enterprise_id]
                + adding_by_enterprise[enterprise_id]
                - 1,
            )
            for reason in reasons:
                errors.add(table, row_of(members[0]), None, reason)
    if errors:
        return None
    return units


def _check_training_hours(
    *, competition, rules, parsed, known, entered, table, row_of, errors: ErrorCollector
) -> None:
    """The competition requires hours of its training: one grouped query reads every
    trainee's hours; a worker new to the platform has none. Rows already refused as
    someone else's worker (or a wrong name) are not looked at again."""
    trained = training_hours.by_worker(competition_id=competition.pk)
    required = rules.required_hours
    for r in parsed:
        found = known.get(r.id_number)
        if found is not None and (
            found[2] != r.employer[0] or found[1] != r.name or found[0] in entered
        ):
            continue
        hours = trained.get(r.worker_id) if r.worker_id is not None else None
        if hours is not None and hours >= required:
            continue
        for reason in eligibility.training_refusals(rules, name=r.name, hours=hours):
            errors.add(table, row_of(r), "id_number", reason)


class _RowIndex:
    """The sheet's row of a parsed row, for error messages; the index (one entry per
    row) is built only when the first error needs it."""

    def __init__(self, table):
        self.table = table
        self.rows: dict[int, Any] | None = None

    def __call__(self, r: RosterRow):
        if self.rows is None:
            self.rows = {row.number: row for row in self.table.rows}
        return self.rows[r.number]


def _insert_entries(
    competition: Competition,
    units: list[list[RosterRow]],
    *,
    level_id: int | None,
    submitted_by_id: int | None,
) -> None:
    """One entry per unit and one member per row, as :class:`Entry` and
    :class:`EntryMember` would store them (defaults, timestamps), in bulk statements."""
    now = timezone.now()
    fixed = {
        "competition_id": competition.pk,
        "level_id": level_id,
        "submitted_by_id": submitted_by_id,
        "created_at": now,
        "updated_at": now,
    }
    per_unit = ("enterprise_id", "team_name", "zone_id")
    constants = {
        f.column: f.get_db_prep_save(
            fixed[f.attname] if f.attname in fixed else f.get_default(), connection
        )
        for f in Entry._meta.concrete_fields
        if not f.primary_key and f.attname not in per_unit
    }
    with connection.cursor() as cursor:
        entry_ids = _reserve_ids(cursor, Entry, len(units))
        _insert_rows(
            cursor,
            Entry,
            ["id", *per_unit],
            (
                (entry_id, members[0].employer[0], members[0].team, members[0].employer[1])
                for entry_id, members in zip(entry_ids, units, strict=True)
            ),
            constants,
        )
        team = competition.is_team
        _insert_rows(
            cursor,
            EntryMember,
            ["entry_id", "worker_id", "is_captain"],
            (
                (entry_id, r.worker_id, i == 0 and team)
                for entry_id, members in zip(entry_ids, units, strict=True)
                for i, r in enumerate(members)
            ),
            {"competition_id": competition.pk, "active": True},
        )


def _reserve_ids(cursor, model, n: int) -> list[int]:
    """``n`` primary keys for new rows of ``model`` that no one else will use.

    PostgreSQL hands them out from the table's sequence. SQLite has one writer at a
    time: the ids above both the largest in the table and the largest ever used
    (AUTOINCREMENT's ``sqlite_sequence``) are free, because a writer that commits
    after this transaction has read would make its first write fail rather than
    let it go on from a stale view.
    """
    table = model._meta.db_table
    if not n:
        return []
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), model._meta.pk.column, n],
        )
        return sorted(row[0] for row in cursor.fetchall())
    last = model.objects.aggregate(last=Max("pk"))["last"] or 0
    if connection.vendor == "sqlite":
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        last = max(last, row[0] if row else 0)
    return list(range(last + 1, last + n + 1))


def _insert_rows(
    cursor, model, columns: list[str], rows: Iterable[Sequence], constants: dict[str, Any]
) -> None:
    """``rows`` of values for ``columns``, each stored with the same ``constants``
    (column → value)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in [*columns, *constants])
    if connection.vendor == "postgresql":
        tail = tuple(constants.values())
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *tail))
        return
    # SQLite: hundreds of rows per statement, the constants given once per statement
    # (INSERT … SELECT column1, …, ?, … FROM (VALUES (…), (…), …)), take less than
    # half the time of one statement per row (executemany). They go through the
    # driver's own cursor: Django's would rewrite every placeholder of every statement.
    picked = ", ".join([f"column{i}" for i in range(1, len(columns) + 1)] + ["?"] * len(constants))
    one = "(" + ", ".join(["?"] * len(columns)) + ")"
    room = connection.features.max_query_params - len(constants)
    per_statement = max(1, min(ROWS_PER_STATEMENT, room // len(columns)))
    statements: dict[int, str] = {}  # by number of rows: the last chunk is shorter
    head = list(constants.values())  # the constants' placeholders come first
    raw = connection.connection.cursor()
    try:
        for chunk in batched(rows, per_statement):
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = (
                    f"INSERT INTO {table} ({names}) SELECT {picked} "  # noqa: S608
                    f"FROM (VALUES {', '.join([one] * len(chunk))})"
                )
            raw.execute(sql, [*head, *chain.from_iterable(chunk)])
    finally:
        raw.close()


def _worker_row(r: RosterRow, initials: dict[str, str]) -> tuple:
    """A new worker, shaped like :data:`jingsai.people.domain.bulk.WORKER_COLUMNS`."""
    enterprise_id, zone_id, industry_id = r.employer
    name = r.name
    name_initials = initials.get(name)
    if name_initials is None:
        name_initials = initials[name] = person_initials(name)
    return (
        name,
        name_initials,
        r.id_number,
        r.birth_date,
        r.gender,
        enterprise_id,
        zone_id,
        industry_id,
        r.trade,
        r.skill_level,
        r.phone,
    )


def _digest(source) -> str:
    try:
        if hasattr(source, "seek"):
            source.seek(0)
            return hashlib.sha256(source.read()).hexdigest()
        with open(source, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""
