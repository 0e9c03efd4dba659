"""Importing a CIS marking-scheme workbook: read and check it whole, then save it.

:func:`read_workbook` reads both sheets (layout: :mod:`.layout`) into a
:class:`~.layout.SchemeData` and reports every problem with sheet, row and
column before anything is saved:

- a criterion whose mark is not the sum of its aspects' maximum marks (at the
  criterion's row of the criteria table, column K);
- an aspect without a maximum mark (K), or whose maximum is not a positive number
  with at most 4 decimals;
- a judgement aspect without its four descriptors for the scores 0–3 (at the
  aspect's row, column F), a score other than 0–3 or given twice, a score
  without its description (G), a score row under a measurement aspect;
- an aspect whose WSOS section is missing or not in the standards table (I), or
  whose calculation is not on the ``Calculations`` sheet (J), or a judgement
  aspect with a calculation;
- an unknown aspect type (D), an aspect before any sub-criterion (A), a
  sub-criterion of another criterion's block or given twice (A), a block for a
  criterion missing from the criteria table (L);
- sections, criteria and calculations that are incomplete, repeated or not
  numbers, and deduction rules that cannot be read (:mod:`.deductions`).

The "Aspect Marks" the workbook states per section are kept but never refused:
the section table (:mod:`.sections`) shows the computed figures and warns.

:func:`import_scheme` then saves the scheme with :func:`.store.save_scheme`, in
one transaction, only when there is no problem.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from jingsai.common.spreadsheet_import import (
    ErrorCollector,
    SheetError,
    SpreadsheetRefused,
    cell_text,
    max_bytes,
)
from jingsai.common.uploads import sniff
from jingsai.worldskills.domain import deductions
from jingsai.worldskills.domain.layout import (
    BLOCK_LABEL,
    CALCULATIONS_SHEET,
    COLUMNS,
    CRITERION_MARK,
    CRITERION_NAME,
    JUDGEMENT,
    LETTERS,
    MAIN_SHEET,
    MEASUREMENT,
    SCORES,
    SECTION_STATED,
    SECTION_TARGET,
    SECTION_TITLE,
    AspectData,
    CalculationData,
    CriterionData,
    SchemeData,
    SectionData,
    SubCriterionData,
    aspect_codes,
    column_letter,
)

WIDTH = 14  # columns A–N
FOUR_PLACES = Decimal("0.0001")


@dataclass
class WorkbookRead:
    scheme: SchemeData
    errors: ErrorCollector = field(default_factory=ErrorCollector)

    @property
    def ok(self) -> bool:
        return not self.errors


def _squash(value: Any) -> str:
    """A header as a comparable key: no spaces or line breaks, lower case."""
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split()).lower()


def _decimal(value: Any) -> Decimal | None:
    """A cell as an exact decimal (calamine gives floats: 0.25 stays 0.25); None if blank.

    ``InvalidOperation`` when the cell is not a number.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(cell_text(value).replace(",", ""))
    if not number.is_finite():
        raise InvalidOperation
    return number


class _Reader:
    def __init__(self, errors: ErrorCollector):
        self.errors = errors

    def error(
        self, sheet: str, row: int, column: int | None, header: str, message: str, value=None
    ):
        where = "" if column is None else f"{column_letter(column)}（{header}）"
        shown = "" if value in (None, "") else cell_text(value)
        self.errors.errors.append(SheetError(sheet, row, where, message, shown))

    def main_error(self, row: int, key: str | None, message: str, value=None) -> None:
        if key is None:
            self.error(MAIN_SHEET, row, None, "", message, value)
        else:
            index, header = COLUMNS[key]
            self.error(MAIN_SHEET, row, index, " ".join(header.split()), message, value)


def _open(source) -> CalamineWorkbook:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            source = io.BytesIO(handle.read())
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size == 0:
        raise SpreadsheetRefused(_("The file is empty."))
    if size > max_bytes():
        raise SpreadsheetRefused(
            _("The file is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{max_bytes() / 1048576:.0f}"}
        )
    if sniff(source) != "xlsx":
        raise SpreadsheetRefused(
            _("This is not an Excel .xlsx file. Save it as “Excel workbook (.xlsx)” and try again.")
        )
    try:
        return CalamineWorkbook.from_filelike(source)
    except Exception:  # any reader failure means an unreadable file
        raise SpreadsheetRefused(_("The Excel file cannot be read; it may be damaged.")) from None


def _rows(book: CalamineWorkbook, name: str) -> list[list[Any]]:
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return [list(row[:WIDTH]) + [""] * (WIDTH - len(row[:WIDTH])) for row in rows]


def _blank(cells) -> bool:
    return all(cell_text(c) == "" for c in cells)


def read_workbook(source) -> WorkbookRead:
    """Read and check the whole workbook (a path, bytes or a binary file).

    :class:`SpreadsheetRefused` when the file as a whole cannot be used (not an
    .xlsx, too large, no ``CIS Marking Scheme Import`` sheet); otherwise every
    problem is in ``errors`` and the scheme holds what could be read.
    """
    book = _open(source)
    if MAIN_SHEET not in book.sheet_names:
        raise SpreadsheetRefused(
            _("The workbook has no sheet “%(sheet)s”; is it a CIS marking scheme?")
            % {"sheet": MAIN_SHEET}
        )
    errors = ErrorCollector(MAIN_SHEET)
    reader = _Reader(errors)
    calculations = (
        _read_calculations(reader, _rows(book, CALCULATIONS_SHEET))
        if CALCULATIONS_SHEET in book.sheet_names
        else []
    )
    rows = _rows(book, MAIN_SHEET)
    scheme = SchemeData(title=cell_text(rows[0][0]) if rows else "", calculations=calculations)
    position = _read_sections(reader, rows, scheme)
    position = _read_criteria(reader, rows, scheme, position)
    _read_blocks(reader, rows, scheme, position)
    _check(reader, scheme)
    return WorkbookRead(scheme, errors)


def _find(rows, start: int, test) -> int | None:
    for index in range(start, len(rows)):
        if test(rows[index]):
            return index
    return None


def _read_sections(reader: _Reader, rows, scheme: SchemeData) -> int:
    header = _find(rows, 0, lambda r: _squash(r[0]) == "section" and _squash(r[1]) == "wsosmarks")
    if header is None:
        reader.main_error(
            1, None, _("The occupational standards table (Section, WSOS Marks) is missing.")
        )
        return 0
    index = header + 1
    seen: set[int] = set()
    while index < len(rows) and cell_text(rows[index][0]):
        row, cells = index + 1, rows[index]
        index += 1
        number = cell_text(cells[0])
        if not number.isdigit():
            reader.error(
                MAIN_SHEET,
                row,
                0,
                "Section",
                _("The section number is not a whole number."),
                cells[0],
            )
            continue
        title = cell_text(cells[SECTION_TITLE])
        if not title:
            reader.error(MAIN_SHEET, row, SECTION_TITLE, "Section", _("The section has no title."))
        try:
            target = _decimal(cells[SECTION_TARGET])
        except InvalidOperation:
            target = None
            reader.error(
                MAIN_SHEET,
                row,
                SECTION_TARGET,
                "WSOS Marks",
                _("The target mark is not a number."),
                cells[SECTION_TARGET],
            )
        else:
            if target is None:
                reader.error(
                    MAIN_SHEET,
                    row,
                    SECTION_TARGET,
                    "WSOS Marks",
                    _("The section has no target mark."),
                )
        try:
            stated = _decimal(cells[SECTION_STATED])
        except InvalidOperation:
            stated = None  # only a claim of the workbook's author: shown, never refused
        if int(number) in seen:
            reader.error(
                MAIN_SHEET, row, 0, "Section", _("Section %(n)s is given twice.") % {"n": number}
            )
            continue
        seen.add(int(number))
        scheme.sections.append(
            SectionData(
                int(number), title, target if target is not None else Decimal(0), stated, row
            )
        )
    if not scheme.sections:
        reader.main_error(header + 1, None, _("The occupational standards table has no sections."))
    return index


def _read_criteria(reader: _Reader, rows, scheme: SchemeData, start: int) -> int:
    header = _find(rows, start, lambda r: _squash(r[0]) == "id" and _squash(r[1]) == "name")
    if header is None:
        reader.main_error(start + 1, None, _("The criteria table (ID, Name, Mark) is missing."))
        return start
    index = header + 1
    seen: set[str] = set()
    while index < len(rows) and cell_text(rows[index][0]):
        row, cells = index + 1, rows[index]
        index += 1
        letter = cell_text(cells[0]).upper()
        if len(letter) != 1 or letter not in LETTERS:
            reader.error(
                MAIN_SHEET,
                row,
                0,
                "ID",
                _("A criterion is named by a letter from A to I."),
                cells[0],
            )
            continue
        if letter in seen:
            reader.error(
                MAIN_SHEET,
                row,
                0,
                "ID",
                _("Criterion %(letter)s is given twice.") % {"letter": letter},
            )
            continue
        seen.add(letter)
        name = cell_text(cells[CRITERION_NAME])
        if not name:
            reader.error(MAIN_SHEET, row, CRITERION_NAME, "Name", _("The criterion has no name."))
        try:
            mark = _decimal(cells[CRITERION_MARK])
        except InvalidOperation:
            mark = None
            reader.error(
                MAIN_SHEET,
                row,
                CRITERION_MARK,
                "Mark",
                _("The mark is not a number."),
                cells[CRITERION_MARK],
            )
        else:
            if mark is None or mark < 0:
                reader.error(
                    MAIN_SHEET,
                    row,
                    CRITERION_MARK,
                    "Mark",
                    _("The criterion has no mark."),
                    cells[CRITERION_MARK],
                )
                mark = None
        scheme.criteria.append(
            CriterionData(letter, name, mark if mark is not None else Decimal(0), row=row)
        )
    return index


def _is_block_header(cells) -> bool:
    return _squash(cells[0]).startswith("subcriterion")


def _read_blocks(reader: _Reader, rows, scheme: SchemeData, start: int) -> None:
    by_letter = {c.letter: c for c in scheme.criteria}
    codes: set[str] = set()
    index = _find(rows, start, _is_block_header)
    while index is not None:
        header_row = index + 1
        label = cell_text(rows[index][BLOCK_LABEL])
        letter = label.rpartition(" ")[2].upper() if label.lower().startswith("criterion") else ""
        end = _find(rows, index + 1, _is_block_header)
        stop = len(rows) if end is None else end
        body = [(i + 1, rows[i]) for i in range(index + 1, stop)]
        criterion = by_letter.get(letter)
        if criterion is None:
            if any(not _blank(cells[:BLOCK_LABEL]) for _row, cells in body):
                reader.error(
                    MAIN_SHEET,
                    header_row,
                    BLOCK_LABEL,
                    "Criterion",
                    _("This block's criterion “%(label)s” is not in the criteria table.")
                    % {"label": label},
                    label,
                )
        else:
            _read_block(reader, body, criterion, codes)
        index = end


def _read_block(reader: _Reader, body, criterion: CriterionData, codes: set[str]) -> None:
    sub: SubCriterionData | None = None
    aspect: AspectData | None = None
    heading = ""
    for row, cells in body:
        if _blank(cells[:BLOCK_LABEL]):
            continue
        text = {key: cell_text(cells[index]) for key, (index, _header) in COLUMNS.items()}
        if text["sub"]:
            code = text["sub"].upper()
            if not code.startswith(criterion.letter):
                reader.main_error(
                    row,
                    "sub",
                    _("Sub-criterion %(code)s is in the block of criterion %(letter)s.")
                    % {"code": code, "letter": criterion.letter},
                    cells[0],
                )
            elif code in codes:
                reader.main_error(
                    row, "sub", _("Sub-criterion %(code)s is given twice.") % {"code": code}
                )
            codes.add(code)
            sub = SubCriterionData(code, text["sub_name"], text["day"], row=row)
            criterion.subcriteria.append(sub)
            aspect, heading = None, ""
            if not text["sub_name"]:
                reader.main_error(row, "sub_name", _("The sub-criterion has no name."))
            continue
        kind = text["kind"].upper()
        if kind:
            if kind not in (MEASUREMENT, JUDGEMENT):
                reader.main_error(
                    row, "kind", _("The aspect type is M (measurement) or J (judgement)."), cells[3]
                )
                aspect = None
                continue
            aspect = _read_aspect(reader, row, cells, text, kind)
            aspect.heading, heading = heading, ""
            if sub is None:
                reader.main_error(row, "sub", _("This aspect comes before any sub-criterion."))
                continue
            sub.aspects.append(aspect)
            continue
        if text["score"]:
            _read_descriptor(reader, row, cells, text, aspect)
            continue
        if text["description"]:
            heading = text["description"]
            continue
        reader.main_error(
            row,
            None,
            _("This row is neither a sub-criterion, an aspect, a judgement score nor a heading."),
        )
    for sub in criterion.subcriteria:
        aspect_codes(sub)


def _read_aspect(reader: _Reader, row: int, cells, text, kind: str) -> AspectData:
    if not text["description"]:
        reader.main_error(row, "description", _("The aspect has no description."))
    maximum = None
    raw = cells[COLUMNS["max"][0]]
    try:
        maximum = _decimal(raw)
    except InvalidOperation:
        reader.main_error(row, "max", _("The maximum mark is not a number."), raw)
    else:
        if maximum is None:
            reader.main_error(row, "max", _("The aspect has no maximum mark."))
        elif maximum <= 0:
            reader.main_error(row, "max", _("The maximum mark must be more than 0."), raw)
            maximum = None
        elif maximum != maximum.quantize(FOUR_PLACES):
            reader.main_error(
                row, "max", _("The maximum mark has more than 4 decimal places."), raw
            )
            maximum = None
    section = None
    raw = cells[COLUMNS["section"][0]]
    if text["section"] == "":
        reader.main_error(row, "section", _("The aspect has no WSOS section."))
    elif not text["section"].isdigit():
        reader.main_error(row, "section", _("The WSOS section is not a section number."), raw)
    else:
        section = int(text["section"])
    return AspectData(
        kind=kind,
        description=text["description"],
        max_mark=maximum.normalize() if maximum else maximum,
        section=section,
        calculation=text["calculation"],
        extra=text["extra"],
        requirement=text["requirement"],
        row=row,
    )


def _read_descriptor(reader: _Reader, row: int, cells, text, aspect: AspectData | None) -> None:
    raw = cells[COLUMNS["score"][0]]
    if aspect is None or aspect.kind != JUDGEMENT:
        reader.main_error(
            row, "score", _("A judgement score is given, but not under a judgement aspect."), raw
        )
        return
    if text["score"] not in {str(s) for s in SCORES}:
        reader.main_error(row, "score", _("A judgement score is 0, 1, 2 or 3."), raw)
        return
    score = int(text["score"])
    if score in aspect.descriptors:
        reader.main_error(
            row, "score", _("Score %(score)s is described twice.") % {"score": score}, raw
        )
        return
    if not text["extra"]:
        reader.main_error(row, "extra", _("Score %(score)s has no description.") % {"score": score})
    aspect.descriptors[score] = text["extra"]


def _read_calculations(reader: _Reader, rows) -> list[CalculationData]:
    found: list[CalculationData] = []
    names: set[str] = set()
    for index, cells in enumerate(rows):
        row = index + 1
        name = cell_text(cells[0])
        if not name or (row == 1 and _squash(name) in ("name", "calculation")):
            continue
        kind = cell_text(cells[1]).upper()
        enabled = cells[2] if isinstance(cells[2], bool) else cell_text(cells[2]).upper() != "FALSE"
        if name in names:
            reader.error(
                CALCULATIONS_SHEET,
                row,
                0,
                "Name",
                _("The calculation “%(name)s” is given twice.") % {"name": name},
            )
            continue
        names.add(name)
        try:
            parameters = deductions.parse_parameters(cell_text(cells[3]))
            deductions.rule_of(kind, parameters)
        except deductions.RuleProblem as problem:
            column, header = (1, "Type") if kind not in deductions.KINDS else (3, "Parameters")
            reader.error(CALCULATIONS_SHEET, row, column, header, str(problem), cells[column])
            parameters = []
        found.append(CalculationData(name, kind, bool(enabled), parameters, row))
    return found


def _check(reader: _Reader, scheme: SchemeData) -> None:
    sections = {s.number for s in scheme.sections}
    calculations = {c.name for c in scheme.calculations}
    for aspect in scheme.aspects:
        if aspect.section is not None and aspect.section not in sections:
            reader.main_error(
                aspect.row,
                "section",
                _("Section %(n)s is not in the occupational standards table.")
                % {"n": aspect.section},
                aspect.section,
            )
        if aspect.calculation:
            if aspect.kind == JUDGEMENT:
                reader.main_error(
                    aspect.row,
                    "calculation",
                    _("Only a measurement aspect takes a calculation."),
                    aspect.calculation,
                )
            elif aspect.calculation not in calculations:
                reader.main_error(
                    aspect.row,
                    "calculation",
                    _("The calculation “%(name)s” is not on the Calculations sheet.")
                    % {"name": aspect.calculation},
                    aspect.calculation,
                )
        if aspect.kind == JUDGEMENT:
            missing = [s for s in SCORES if s not in aspect.descriptors]
            if missing:
                reader.main_error(
                    aspect.row,
                    "score",
                    _(
                        "The judgement aspect needs a description for each score 0–3; "
                        "missing: %(scores)s."
                    )
                    % {"scores": ", ".join(str(s) for s in missing)},
                )
    for criterion in scheme.criteria:
        if criterion.mark != criterion.aspects_total:
            reader.error(
                MAIN_SHEET,
                criterion.row,
                CRITERION_MARK,
                "Mark",
                _("Criterion %(letter)s is worth %(mark)s but its aspects add up to %(total)s.")
                % {
                    "letter": criterion.letter,
                    "mark": _plain(criterion.mark),
                    "total": _plain(criterion.aspects_total),
                },
                _plain(criterion.mark),
            )
    if scheme.criteria and not scheme.aspects:
        reader.main_error(1, None, _("The workbook has no aspects."))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class ImportResult:
    read: WorkbookRead
    scheme: Any = None  # the saved worldskills Scheme, when there was no problem

    @property
    def ok(self) -> bool:
        return self.read.ok and self.scheme is not None

    @property
    def errors(self) -> ErrorCollector:
        return self.read.errors


def import_scheme(*, actor: Any, competition, source, source_name: str = "") -> ImportResult:
    """Read and check the workbook; save it (replacing any scheme without marks) when clean.

    Refusals of the competition itself (past judging, marks already given) raise
    :class:`django.core.exceptions.ValidationError` from :func:`.store.save_scheme`.
    """
    from jingsai.worldskills.domain.store import check_replaceable, save_scheme

    check_replaceable(competition)
    read = read_workbook(source)
    if not read.ok:
        return ImportResult(read)
    saved = save_scheme(
        actor=actor, competition=competition, data=read.scheme, source_name=source_name
    )
    return ImportResult(read, saved)
