"""Reading ``.xlsx`` uploads: one base for rosters, marks, attendance and nominations.

:func:`open_table` refuses a file before any work is done when it is not a real
``.xlsx`` (checked by content), is too large, has too many rows, is empty, or
lacks a required header; the message says which. It returns a :class:`Table`
whose rows hold their cells in the order of ``Table.keys`` (``Row.values`` gives
them as a dict keyed by column), with the Excel row number. Importers
validate every row, report each problem to an :class:`ErrorCollector` with
sheet, row and column, and write nothing unless there are no errors; the
collector writes the downloadable error report.

Cells are read with python-calamine. Numbers arrive as floats: text columns turn
integral floats back into digits, and an 18-digit ID number typed as a number
(which Excel has already rounded) is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from jingsai.common.spreadsheets import neutralise
from jingsai.common.uploads import sniff

XLSX_MIME_IMPORT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SPACES = re.compile(r"[\s\u3000]+")


class SpreadsheetRefused(ValidationError):  # noqa: N818 (a refusal shown to the user)
    """The whole file is refused (wrong type, too big, no rows, missing headers)."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str  # the Chinese header of the template
    required: bool = True  # the header must be present (a value may still be optional)
    aliases: tuple[str, ...] = ()
    width: int = 16
    example: str = ""


class Row:
    """One row of the sheet: its Excel row number and its cells, in the order of
    :attr:`Table.keys` (one tuple per row, not a dict: a roster has 100,000s)."""

    __slots__ = ("cells", "keys", "number")

    def __init__(self, number: int, cells: Sequence[Any], keys: tuple[str, ...]):
        self.number = number  # the Excel row number (1-based)
        self.cells = cells
        self.keys = keys  # shared by every row of a table

    @property
    def values(self) -> dict[str, Any]:
        """The cells by column key."""
        return dict(zip(self.keys, self.cells, strict=True))

    def get(self, key: str) -> Any:
        """The cell of column ``key`` (``None`` when the sheet has no such column)."""
        try:
            return self.cells[self.keys.index(key)]
        except ValueError:
            return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return (self.number, self.values) == (other.number, other.values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row(number={self.number!r}, values={self.values!r})"


@dataclass
class Table:
    sheet: str
    columns: dict[str, str]  # key → header as written in the file
    column_letters: dict[str, str]
    rows: list[Row]
    keys: tuple[str, ...] = ()  # the order of each row's cells

    def index(self, key: str) -> int | None:
        """The position of column ``key`` in each row's cells (``None``: not in the sheet)."""
        return self.keys.index(key) if key in self.keys else None


@dataclass(frozen=True)
class SheetError:
    sheet: str
    row: int
    column: str  # "C（身份证号码）" or "" for a whole-row problem
    message: str
    value: str = ""


@dataclass
class ErrorCollector:
    sheet: str = ""
    errors: list[SheetError] = field(default_factory=list)

    def add(self, table: Table, row: Row, key: str | None, message: str) -> None:
        column = ""
        value = ""
        if key:
            column = f"{table.column_letters.get(key, '?')}（{table.columns.get(key, key)}）"
            raw = row.get(key)
            value = "" if raw is None else str(raw)
        self.errors.append(SheetError(table.sheet, row.number, column, message, value))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def report_xlsx(self) -> bytes:
        """The error report: one line per problem, with sheet, row, column and reason."""
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer, {"strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = workbook.add_worksheet(_("errors")[:31])
        bold = workbook.add_format({"bold": True})
        headers = [_("sheet"), _("row"), _("column"), _("reason"), _("value in the file")]
        for col, (header, width) in enumerate(zip(headers, (14, 6, 22, 60, 24), strict=True)):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, header, bold)
        for line, error in enumerate(self.errors, start=1):
            sheet.write_string(line, 0, neutralise(error.sheet))
            sheet.write_number(line, 1, error.row)
            sheet.write_string(line, 2, neutralise(error.column))
            sheet.write_string(line, 3, neutralise(error.message))
            if error.value:
                sheet.write_string(line, 4, neutralise(error.value))
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _normalise_header(text: Any) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _SPACES.sub("", text).replace("*", "").replace("※", "").lower()


def max_rows() -> int:
    return getattr(settings, "JINGSAI_IMPORT_MAX_ROWS", 200_000)


def max_bytes() -> int:
    return getattr(settings, "JINGSAI_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def open_table(source, columns: Sequence[ColumnSpec], *, size: int | None = None) -> Table:
    """Read the first sheet of an ``.xlsx`` file (an uploaded file, a binary file or a path)."""
    if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
        source = open(source, "rb")  # noqa: SIM115 (closed below)
        close = True
    else:
        close = False
    try:
        if size is None:
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
                _(
                    "This is not an Excel .xlsx file. Save it as “Excel workbook (.xlsx)” and "
                    "try again."
                )
            )
        try:
            workbook = CalamineWorkbook.from_filelike(source)
            sheet_name = workbook.sheet_names[0]
            sheet = workbook.get_sheet_by_index(0)
        except Exception:  # any reader failure means an unreadable file
            raise SpreadsheetRefused(
                _("The Excel file cannot be read; it may be damaged.")
            ) from None
        last_row = (sheet.end[0] + 1) if sheet.end else 0  # rows up to the last used one
        if last_row - 1 > max_rows():
            raise SpreadsheetRefused(
                _("The sheet has %(rows)s rows; at most %(limit)s rows can be imported at once.")
                % {"rows": f"{last_row - 1:,}", "limit": f"{max_rows():,}"}
            )
        first_column = sheet.start[1] if sheet.start else 0
        return _read(sheet_name, sheet.iter_rows(), columns, first_column=first_column)
    finally:
        if close:
            source.close()


HEADER_SEARCH_ROWS = 10  # a title row or two above the headers is common


def _read(
    sheet_name: str,
    rows: Iterator[list[Any]],
    columns: Sequence[ColumnSpec],
    *,
    first_column: int = 0,
) -> Table:
    """``first_column``: the sheet's data may start right of column A (rows then start there)."""
    wanted = {}
    for spec in columns:
        for name in (spec.header, *spec.aliases):
            wanted[_normalise_header(name)] = spec.key
    required = {spec.key for spec in columns if spec.required}
    first_filled = None
    best = None  # (number, cells, positions, headers) of the row matching most headers
    for number, cells in enumerate(rows, start=1):
        if not any(c not in (None, "") for c in cells):
            if first_filled is None:
                continue
        elif first_filled is None:
            first_filled = number
        positions: dict[str, int] = {}
        found_headers: dict[str, str] = {}
        for index, cell in enumerate(cells):
            key = wanted.get(_normalise_header(cell))
            if key and key not in positions:
                positions[key] = index
                found_headers[key] = str(cell).strip()
        if best is None or len(positions) > len(best[2]):
            best = (number, cells, positions, found_headers)
        if (
            required <= positions.keys()
            or number >= (first_filled or number) + HEADER_SEARCH_ROWS - 1
        ):
            break
    if first_filled is None or best is None:
        raise SpreadsheetRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet_name})
    header_number, _cells, positions, found_headers = best
    if not positions:
        header_number = first_filled
    missing = [spec.header for spec in columns if spec.required and spec.key not in positions]
    if missing:
        raise SpreadsheetRefused(
            _(
                "Row %(row)d of sheet “%(sheet)s” should hold the column headers; missing: "
                "%(missing)s. Download the template to see the expected headers."
            )
            % {"row": header_number, "sheet": sheet_name, "missing": "、".join(missing)}
        )
    keys = tuple(positions)
    indices = tuple(positions.values())
    width = max(indices, default=-1) + 1
    if len(indices) > 1:
        pick = itemgetter(*indices)
    else:  # itemgetter of one index gives the cell, not a tuple
        pick = lambda cells: tuple(cells[index] for index in indices)  # noqa: E731
    table_rows = []
    append = table_rows.append
    for number, cells in enumerate(rows, start=header_number + 1):
        if len(cells) >= width:
            picked = pick(cells)
        else:  # a short row (not from calamine, whose rows are all as wide as the sheet)
            picked = tuple(cells[index] if index < len(cells) else None for index in indices)
        first = picked[0] if picked else None
        if not (first.__class__ is str and first.strip()) and _blank(picked):
            continue
        append(Row(number, picked, keys))
    if not table_rows:
        raise SpreadsheetRefused(
            _("The sheet “%(sheet)s” has headers but no rows.") % {"sheet": sheet_name}
        )
    return Table(
        sheet=sheet_name,
        columns=found_headers,
        column_letters={
            key: column_letter(first_column + index) for key, index in positions.items()
        },
        rows=table_rows,
        keys=keys,
    )


def _blank(cells: Sequence[Any]) -> bool:
    """True when every cell is empty or only spaces."""
    for value in cells:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def cell_text(value: Any) -> str:
    """A cell as text: integral numbers without ``.0``, dates as ISO, spaces trimmed."""
    if value.__class__ is str:  # the common case first
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.isascii():
        return text.strip()
    # Full-width digits and letters (３１０１…Ｘ) become ASCII; spaces are trimmed.
    return unicodedata.normalize("NFKC", text).strip()


def number_too_long_for_excel(value: Any) -> bool:
    """True for an ID-like number that Excel stored as a number (digits past 15 are lost)."""
    return isinstance(value, float | int) and not isinstance(value, bool) and abs(value) >= 1e15


def template_xlsx(columns: Sequence[ColumnSpec], *, sheet: str, notes: Sequence[str] = ()) -> bytes:
    """A template with the headers (text-formatted columns) and an example row."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    ws = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    grey = workbook.add_format({"font_color": "#808080", "num_format": "@"})
    for col, spec in enumerate(columns):
        ws.set_column(col, col, spec.width, text)
        ws.write_string(0, col, spec.header + (" *" if spec.required else ""), bold)
    ws.freeze_panes(1, 0)
    # Notes and an example go on a second sheet, so that nothing on the data
    # sheet is imported by mistake.
    info = workbook.add_worksheet(_("notes")[:31])
    info.set_column(0, len(columns), 18)
    line = 0
    for note in notes:
        info.write_string(line, 0, note)
        line += 1
    line += 1
    info.write_string(line, 0, _("Example"), bold)
    for col, spec in enumerate(columns):
        info.write_string(line + 1, col, spec.header, bold)
        info.write_string(line + 2, col, spec.example, grey)
    workbook.close()
    return buffer.getvalue()
