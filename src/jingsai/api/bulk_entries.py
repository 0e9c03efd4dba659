"""Bulk registration through the API: the roster import's rules, its all-or-nothing
write and its error list, for rows given as JSON.

The rows are written into an in-memory workbook with the roster template's headers
and handed to :func:`jingsai.competitions.domain.roster.import_roster`, the very
function behind the Excel upload, so a row is refused by the same checks with the
same reasons, and nothing is saved unless every row passes. Its errors come back
with the row's position in the request (1 = the first row), the field and the
reason.
"""

from __future__ import annotations

import io
import re
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from jingsai.api.schemas.competitions import RosterRowIn
from jingsai.common.spreadsheet_import import column_letter
from jingsai.competitions.domain import roster

HEADER_ROWS = 1  # the workbook's row 1 holds the headers: request row n is sheet row n + 1


def workbook_of(rows: list[RosterRowIn], columns) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("entries")
    for col, spec in enumerate(columns):
        sheet.write_string(0, col, spec.header)
    for line, row in enumerate(rows, start=1):
        for col, spec in enumerate(columns):
            value = getattr(row, spec.key, "") or ""
            if value:
                sheet.write_string(line, col, value)
    book.close()
    buffer.seek(0)
    return buffer


def _also_on_row() -> re.Pattern:
    """The roster import's "also on row N of the file", in the active language."""
    marker = "\x00"
    text = _("This ID number is also on row %(row)d of the file.") % {"row": 0}
    text = text.replace("0", marker, 1)
    return re.compile(re.escape(text).replace(re.escape(marker), r"(\d+)"))


def errors_of(result, columns) -> list[dict[str, Any]]:
    """The import's errors as the API's detail items (request rows, field names)."""
    by_letter = {column_letter(i): spec.key for i, spec in enumerate(columns)}
    also = _also_on_row()
    items = []
    for error in result.errors.errors:
        letter = error.column.split("（", 1)[0] if error.column else ""
        message = also.sub(
            lambda m: (
                _("This ID number is also on row %(row)d of the request.")
                % {"row": int(m.group(1)) - HEADER_ROWS}
            ),
            error.message,
        )
        items.append(
            {
                "location": "body",
                "row": error.row - HEADER_ROWS,
                "field": by_letter.get(letter, ""),
                "message": message,
            }
        )
    return items


def import_entries(*, actor, competition, rows: list[RosterRowIn], enterprises):
    """Returns (result, detail items); the result's ``ok`` says whether it was saved."""
    columns = roster.roster_columns(competition, several_enterprises=len(enterprises) != 1)
    source = workbook_of(rows, columns)
    result = roster.import_roster(
        actor=actor,
        competition=competition,
        source=source,
        size=source.getbuffer().nbytes,
        enterprises=enterprises,
    )
    return result, errors_of(result, columns)
