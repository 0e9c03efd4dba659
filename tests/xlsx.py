"""Build small .xlsx files for import tests."""

import io

import xlsxwriter


def xlsx_bytes(rows, *, sheet="报名名单", numbers_as_numbers=False) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": numbers_as_numbers})
    ws = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


def xlsx_sheets(sheets: dict) -> bytes:
    """A workbook with several sheets: {name: rows}."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for name, rows in sheets.items():
        ws = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()
