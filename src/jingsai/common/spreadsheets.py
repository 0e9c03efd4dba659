"""Excel exports: one class per export with a name, columns and rows.

Every text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return) is neutralised with a leading apostrophe so that a spreadsheet never
runs it as a formula (CSV/formula injection). ID numbers are always text.

Every export is recorded in the audit trail (:meth:`XlsxExport.response`): who, which
file, how many rows, with which filters (digits shaped like ID numbers or phones masked),
and whether it holds personal data (``personal_data``: what, e.g. "workers' names and ID
numbers").
"""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class ExportTooLargeError(Exception):
    """More rows than one Excel sheet holds (1,048,575 below the header)."""


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14


class XlsxExport:
    """Subclass with ``filename``, ``sheet_name``, ``columns`` and :meth:`rows`."""

    filename = "export.xlsx"
    sheet_name = "Sheet1"
    columns: Sequence[Column] = ()
    personal_data = ""  # what personal data the rows hold ("" for none), for the audit trail

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def write(self, target) -> int:
        """Write the workbook to a path or binary file; return the number of data rows."""
        workbook = xlsxwriter.Workbook(
            target,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        sheet = workbook.add_worksheet(self.sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for col, column in enumerate(self.columns):
            sheet.set_column(col, col, column.width)
            sheet.write_string(0, col, str(column.header), bold)
        count = 0
        for count, row in enumerate(self.rows(), start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    status = sheet.write_boolean(count, col, value)
                elif isinstance(value, int | float | decimal.Decimal):
                    status = sheet.write_number(count, col, value)
                elif isinstance(value, dt.date):
                    status = sheet.write_datetime(count, col, value, date_format)
                else:
                    status = sheet.write_string(count, col, neutralise(str(value)))
                if status == -1:  # xlsxwriter reports a row past Excel's limit this way
                    workbook.close()
                    raise ExportTooLargeError(count)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return count

    def response_or_refusal(self, request, queryset, *, back_url: str) -> HttpResponse:
        """The workbook, or back to the list with a message when the rows would not fit."""
        limit = settings.JINGSAI_EXPORT_ROW_LIMIT
        if queryset.order_by()[: limit + 1].count() > limit:
            messages.error(
                request,
                _(
                    "More than %(limit)s rows match: narrow the filters to export them "
                    "(one Excel sheet holds %(limit)s)."
                )
                % {"limit": f"{limit:,}"},
            )
            return redirect(back_url)
        return self.response(request)

    def response(self, request) -> FileResponse:
        """The workbook as a download, recorded in the audit trail as the request's user's."""
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
        rows = self.write(handle)
        handle.seek(0)
        record_export(request, filename=self.filename, rows=rows, personal_data=self.personal_data)
        return FileResponse(
            handle, as_attachment=True, filename=self.filename, content_type=XLSX_MIME
        )


def record_export(request, *, filename: str, rows: int, personal_data: str = "") -> None:
    """An export in the audit trail: who, what (the file and the filters), how many rows."""
    from jingsai.common.domain import audit
    from jingsai.common.masking import mask_personal_data_in_text

    query = mask_personal_data_in_text(request.GET.urlencode()) if request.GET else ""
    audit.record(
        actor=request.user,
        action="export:personal_data" if personal_data else "export",
        object_type="export",
        object_repr=filename[:200],
        after={"rows": rows, "path": request.path, "filters": query},
        note=personal_data,
    )
