"""A competition as a workbook: read and check it, all or nothing.

Sheets (first row = headers; the English names are the canonical ones):

- ``competition``: rows of ``field``, ``value`` — ``slug``, ``title``,
  ``awards`` (``一等奖:10%,二等奖:20%,三等奖:30%``), ``min_total`` (default 0),
  ``tiebreak`` (``practical,time``; may be empty);
- ``stages``: ``code``, ``name``, ``weight`` (percent; the weights sum to 100);
- ``criteria``: ``code``, ``stage``, ``name``, ``max``, ``kind``
  (judgement | measurement), ``aggregation`` (mean | trimmed | median),
  ``spread`` (may be empty), ``scale`` (may be empty: judges give a whole score
  0..scale and the mark is max × score ÷ scale, the WorldSkills judgement rule),
  ``all_or_nothing`` (may be empty; yes: the mark is 0 or the max);
- ``entries``: ``number``, ``name``, ``organisation``, ``time_seconds`` (may be empty);
- ``judges``: ``code``, ``name``, ``organisation``;
- ``marks``: ``entry``, ``judge``, ``criterion``, ``mark`` (for a criterion with a
  scale, the judge's score).

:func:`.workbook_export.write_workbook` writes a competition in this layout (the export), so that
reading it back and importing it gives the same scheme, marks and results.

Every judge is assigned to every entry except where the conflict rule forbids
it: a judge never marks an entry of his own organisation. Every problem is
reported with sheet, row and column; nothing is returned unless there is none.
Numbers are read as the decimal the user typed (130.01 stays 130.01).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from python_calamine import CalamineWorkbook

from jingsai.common.spreadsheet_import import cell_text, column_letter
from jingsai.judging.domain import aggregation, awards
from jingsai.judging.domain.ranking import TIME
from jingsai.judging.domain.results import CriterionSpec, EntrySpec, Scheme, StageSpec
from jingsai.judging.models import MARK_SCALE, plain

SHEETS = {
    "competition": ("field", "value"),
    "stages": ("code", "name", "weight"),
    "criteria": (
        "code",
        "stage",
        "name",
        "max",
        "kind",
        "aggregation",
        "spread",
        "scale",
        "all_or_nothing",
    ),
    "entries": ("number", "name", "organisation", "time_seconds"),
    "judges": ("code", "name", "organisation"),
    "marks": ("entry", "judge", "criterion", "mark"),
}
OPTIONAL_COLUMNS = {
    ("criteria", "spread"),
    ("criteria", "scale"),
    ("criteria", "all_or_nothing"),
    ("entries", "time_seconds"),
}
YES = {"yes", "y", "true", "1", "是"}
NO = {"", "no", "n", "false", "0", "否"}


@dataclass(frozen=True)
class WorkbookError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            f"{self.sheet}!{self.column}{self.row}"
            if self.column
            else f"{self.sheet} row {self.row}"
        )
        return f"{where}: {self.message}"


@dataclass
class JudgeSpec:
    code: str
    name: str
    organisation: str


@dataclass
class CompetitionWorkbook:
    slug: str
    title: str
    scheme: Scheme
    entries: list[EntrySpec]
    judges: list[JudgeSpec]
    marks: dict[tuple[str, str, str], Decimal]
    assigned: dict[str, list[str]]
    errors: list[WorkbookError] = field(default_factory=list)


class WorkbookRefused(Exception):  # noqa: N818 (a refusal listing every problem)
    def __init__(self, errors: list[WorkbookError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def decimal_of(value: Any) -> Decimal:
    """The decimal the user typed: floats go through ``repr`` (130.01 → 130.01)."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    text = cell_text(value).replace(",", "")
    if not text:
        raise InvalidOperation
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


class _Reader:
    def __init__(self, book: CalamineWorkbook):
        self.book = book
        self.errors: list[WorkbookError] = []
        names = {name.strip().lower(): name for name in book.sheet_names}
        self.names = names

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(WorkbookError(sheet, row, column, message))

    def rows(self, sheet: str) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
        """(row number, values by column, column letters) for each non-empty row."""
        actual = self.names.get(sheet)
        if actual is None:
            self.error(sheet, 0, "", f"the sheet “{sheet}” is missing")
            return []
        data = self.book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
        if not data:
            self.error(sheet, 1, "", f"the sheet “{sheet}” is empty")
            return []
        header = [cell_text(h).strip().lower() for h in data[0]]
        positions = {}
        for column in SHEETS[sheet]:
            if column in header:
                positions[column] = header.index(column)
            elif (sheet, column) not in OPTIONAL_COLUMNS:
                self.error(sheet, 1, "", f"the column “{column}” is missing")
        if any(c not in positions for c in SHEETS[sheet] if (sheet, c) not in OPTIONAL_COLUMNS):
            return []
        letters = {c: column_letter(i) for c, i in positions.items()}
        out = []
        for number, cells in enumerate(data[1:], start=2):
            values = {c: (cells[i] if i < len(cells) else None) for c, i in positions.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            out.append((number, values, letters))
        return out


def read_workbook(source) -> CompetitionWorkbook:
    """Read and check a competition workbook; raise :class:`WorkbookRefused` with every error."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        book = (
            CalamineWorkbook.from_path(str(source))
            if isinstance(source, str) or hasattr(source, "__fspath__")
            else CalamineWorkbook.from_filelike(source)
        )
    except Exception:  # any reader failure means an unreadable file
        raise WorkbookRefused(
            [WorkbookError("", 0, "", "the file is not a readable .xlsx workbook")]
        ) from None
    r = _Reader(book)

    def need_decimal(sheet, number, letters, values, column, *, minimum=None, optional=False):
        raw = values.get(column)
        if raw in (None, "") and optional:
            return None
        try:
            value = decimal_of(raw)
        except (InvalidOperation, ValueError):
            r.error(sheet, number, letters.get(column, ""), f"“{cell_text(raw)}” is not a number")
            return None
        if minimum is not None and value < minimum:
            r.error(sheet, number, letters.get(column, ""), f"{value} is below {minimum}")
            return None
        return value

    # competition
    settings: dict[str, tuple[int, str, Any]] = {}
    for number, values, letters in r.rows("competition"):
        key = cell_text(values["field"]).strip().lower()
        settings[key] = (number, letters.get("value", "B"), values["value"])
    slug = cell_text(settings.get("slug", (0, "", ""))[2])
    title = cell_text(settings.get("title", (0, "", ""))[2])
    for key, text in (("slug", slug), ("title", title)):
        if not text and r.names.get("competition"):
            r.error(
                "competition", settings.get(key, (0,))[0] or 1, "", f"the field “{key}” is missing"
            )
    award_levels: list[awards.AwardLevel] = []
    if "awards" in settings:
        number, letter, raw = settings["awards"]
        try:
            award_levels = awards.parse_awards(cell_text(raw))
        except (ValueError, InvalidOperation) as error:
            r.error("competition", number, letter, f"awards: {error}")
    min_total = Decimal(0)
    if "min_total" in settings and cell_text(settings["min_total"][2]):
        number, letter, raw = settings["min_total"]
        try:
            min_total = decimal_of(raw)
        except (InvalidOperation, ValueError):
            r.error("competition", number, letter, f"min_total “{cell_text(raw)}” is not a number")
    tiebreak = []
    if "tiebreak" in settings:
        tiebreak = [
            t.strip()
            for t in cell_text(settings["tiebreak"][2]).replace("，", ",").split(",")
            if t.strip()
        ]

    # stages
    stages: list[StageSpec] = []
    for number, values, letters in r.rows("stages"):
        code = cell_text(values["code"])
        weight = need_decimal("stages", number, letters, values, "weight", minimum=Decimal(0))
        if not code:
            r.error("stages", number, letters["code"], "the code is missing")
        elif any(s.code == code for s in stages):
            r.error("stages", number, letters["code"], f"the stage “{code}” is listed twice")
        elif weight is not None:
            stages.append(StageSpec(code, cell_text(values["name"]), weight))
    if stages and sum((s.weight for s in stages), Decimal(0)) != 100:
        total_weight = sum((s.weight for s in stages), Decimal(0))
        r.error("stages", 1, "C", f"the stage weights sum to {total_weight}, not 100")
    stage_codes = {s.code for s in stages}
    for rule in tiebreak:
        if rule != TIME and rule not in stage_codes:
            r.error(
                "competition",
                settings["tiebreak"][0],
                settings["tiebreak"][1],
                f"tiebreak: unknown stage “{rule}”",
            )

    # criteria
    criteria: list[CriterionSpec] = []
    for number, values, letters in r.rows("criteria"):
        code, stage = cell_text(values["code"]), cell_text(values["stage"])
        kind = cell_text(values["kind"]).lower() or aggregation.JUDGEMENT
        method = cell_text(values["aggregation"]).lower() or aggregation.MEAN
        maximum = need_decimal("criteria", number, letters, values, "max", minimum=Decimal(0))
        spread = need_decimal(
            "criteria", number, letters, values, "spread", minimum=Decimal(0), optional=True
        )
        ok = maximum is not None
        scale = None
        scale_raw = values.get("scale")
        if scale_raw not in (None, ""):
            try:
                scale_value = decimal_of(scale_raw)
            except (InvalidOperation, ValueError):
                scale_value = None
            if scale_value is None or scale_value < 1 or scale_value != int(scale_value):
                r.error(
                    "criteria",
                    number,
                    letters.get("scale", ""),
                    f"the scale “{cell_text(scale_raw)}” is not a whole number from 1",
                )
                ok = False
            else:
                scale = int(scale_value)
        whole = cell_text(values.get("all_or_nothing")).strip().lower()
        if whole not in YES | NO:
            r.error(
                "criteria",
                number,
                letters.get("all_or_nothing", ""),
                f"all_or_nothing “{whole}” is not yes or no",
            )
            ok = False
        all_or_nothing = whole in YES
        if scale and all_or_nothing:
            r.error(
                "criteria",
                number,
                letters.get("all_or_nothing", ""),
                "a criterion with a scale is not all or nothing",
            )
            ok = False
        if not code:
            r.error("criteria", number, letters["code"], "the code is missing")
            ok = False
        elif any(c.code == code for c in criteria):
            r.error("criteria", number, letters["code"], f"the criterion “{code}” is listed twice")
            ok = False
        if stage not in stage_codes:
            r.error("criteria", number, letters["stage"], f"unknown stage “{stage}”")
            ok = False
        if kind not in (aggregation.JUDGEMENT, aggregation.MEASUREMENT):
            r.error(
                "criteria",
                number,
                letters["kind"],
                f"unknown kind “{kind}” (judgement or measurement)",
            )
            ok = False
        if method not in aggregation.AGGREGATIONS:
            r.error(
                "criteria",
                number,
                letters["aggregation"],
                f"unknown aggregation “{method}” (mean, trimmed or median)",
            )
            ok = False
        if ok:
            criteria.append(
                CriterionSpec(
                    code,
                    stage,
                    cell_text(values["name"]),
                    maximum,
                    kind,
                    method,
                    spread,
                    scale,
                    all_or_nothing,
                )
            )
    for stage in stages:
        if stage.weight and not any(c.stage == stage.code for c in criteria):
            r.error("stages", 1, "", f"the stage “{stage.code}” has no criteria")

    # entries and judges
    entries: list[EntrySpec] = []
    for number, values, letters in r.rows("entries"):
        entry_number = cell_text(values["number"])
        time_seconds = need_decimal(
            "entries", number, letters, values, "time_seconds", minimum=Decimal(0), optional=True
        )
        if not entry_number:
            r.error("entries", number, letters["number"], "the entry number is missing")
        elif any(e.number == entry_number for e in entries):
            r.error(
                "entries", number, letters["number"], f"the entry “{entry_number}” is listed twice"
            )
        else:
            entries.append(
                EntrySpec(
                    entry_number,
                    cell_text(values["name"]),
                    cell_text(values["organisation"]),
                    time_seconds,
                )
            )
    judges: list[JudgeSpec] = []
    for number, values, letters in r.rows("judges"):
        code = cell_text(values["code"])
        if not code:
            r.error("judges", number, letters["code"], "the judge code is missing")
        elif any(j.code == code for j in judges):
            r.error("judges", number, letters["code"], f"the judge “{code}” is listed twice")
        else:
            judges.append(
                JudgeSpec(code, cell_text(values["name"]), cell_text(values["organisation"]))
            )

    # assignments: every judge to every entry, except his own organisation's
    entry_by_number = {e.number: e for e in entries}
    judge_by_code = {j.code: j for j in judges}
    criterion_by_code = {c.code: c for c in criteria}
    assigned: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        for judge in judges:
            if not (judge.organisation and judge.organisation == entry.organisation):
                assigned[entry.number].append(judge.code)

    # marks
    marks: dict[tuple[str, str, str], Decimal] = {}
    for number, values, letters in r.rows("marks"):
        entry, judge, criterion = (cell_text(values[c]) for c in ("entry", "judge", "criterion"))
        ok = True
        if entry not in entry_by_number:
            r.error("marks", number, letters["entry"], f"unknown entry “{entry}”")
            ok = False
        if judge not in judge_by_code:
            r.error("marks", number, letters["judge"], f"unknown judge “{judge}”")
            ok = False
        if criterion not in criterion_by_code:
            r.error("marks", number, letters["criterion"], f"unknown criterion “{criterion}”")
            ok = False
        mark = need_decimal("marks", number, letters, values, "mark")
        if not ok or mark is None:
            continue
        spec = criterion_by_code[criterion]
        maximum = spec.max_mark
        if spec.scale:
            if not 0 <= mark <= spec.scale or mark != mark.to_integral_value():
                r.error(
                    "marks",
                    number,
                    letters["mark"],
                    f"the score {plain(mark)} is not a whole number from 0 to {spec.scale}",
                )
                continue
        elif not Decimal(0) <= mark <= maximum:
            r.error("marks", number, letters["mark"], f"the mark {mark} is outside 0..{maximum}")
            continue
        elif spec.all_or_nothing and mark not in (0, maximum):
            r.error(
                "marks",
                number,
                letters["mark"],
                f"the mark {plain(mark)} is neither 0 nor {plain(maximum)} (all or nothing)",
            )
            continue
        if mark * MARK_SCALE != (mark * MARK_SCALE).to_integral_value():
            r.error("marks", number, letters["mark"], f"the mark {mark} has more than 4 decimals")
            continue
        if judge not in assigned[entry]:
            organisation = entry_by_number[entry].organisation
            r.error(
                "marks",
                number,
                letters["judge"],
                f"the judge “{judge}” may not mark entry “{entry}”: both are of {organisation}",
            )
            continue
        if (entry, judge, criterion) in marks:
            r.error(
                "marks", number, "", f"a second mark from “{judge}” for “{entry}” on “{criterion}”"
            )
            continue
        marks[(entry, judge, criterion)] = mark

    if r.errors:
        raise WorkbookRefused(r.errors)
    scheme = Scheme(stages, criteria, award_levels, min_total, tiebreak)
    return CompetitionWorkbook(slug, title, scheme, entries, judges, marks, dict(assigned))
