"""A competition written as the competition workbook (:mod:`.workbook`): the export.

:func:`write_workbook` writes the settings, stages, criteria (with their
``scale`` and ``all_or_nothing``, so a WorldSkills-marked competition keeps its
0–3 judgement scores and its all-or-nothing measurements), the approved entries
as results name them, the panel and every counted mark. Reading it back
(:func:`.workbook.read_workbook`) and importing it
(:func:`.workbook_import.import_competition`) gives the same scheme, marks and
results, provided every judge was assigned to every entry he may mark (the
import assigns them so); names are written as text, never as formulas.
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter

from jingsai.common.spreadsheets import neutralise
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain.compute import ranked_entries
from jingsai.judging.domain.workbook import SHEETS
from jingsai.judging.models import Criterion, Judging, Mark, PanelJudge, Stage, units_to_decimal


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def workbook_rows(competition: Competition) -> dict[str, list[list]]:
    """Each sheet's rows below its header, in the order of :data:`.workbook.SHEETS`."""
    judging = Judging.objects.filter(pk=competition.pk).first()
    rows: dict[str, list[list]] = {name: [] for name in SHEETS}
    rows["competition"] = [
        ["slug", competition.code],
        ["title", competition.title],
        ["awards", judging.awards if judging else ""],
        ["min_total", _number(judging.min_total) if judging else 0],
        ["tiebreak", judging.tiebreak if judging else ""],
    ]
    stages = list(Stage.objects.filter(competition=competition).order_by("order", "id"))
    rows["stages"] = [[s.code, s.name, _number(s.weight)] for s in stages]
    rows["criteria"] = [
        [
            c.code,
            c.stage.code,
            c.name,
            _number(c.max_mark),
            c.kind,
            c.aggregation,
            _number(c.spread_limit),
            c.scale,
            "yes" if c.all_or_nothing else "",
        ]
        for c in Criterion.objects.filter(competition=competition)
        .select_related("stage")
        .order_by("stage__order", "stage_id", "order", "id")
    ]
    _ids, entries = ranked_entries(competition)
    rows["entries"] = [[e.number, e.name, e.organisation, _number(e.time_seconds)] for e in entries]
    rows["judges"] = [
        [j.code, j.name, j.organisation.name if j.organisation else ""]
        for j in PanelJudge.objects.filter(competition=competition)
        .select_related("organisation")
        .order_by("code")
    ]
    rows["marks"] = [
        [number or f"#{entry_id}", judge, criterion, _number(units_to_decimal(units))]
        for entry_id, number, judge, criterion, units in Mark.objects.filter(
            competition=competition, counts=True, entry__status=Entry.Status.APPROVED
        )
        .order_by("entry_id", "sheet__judge__code", "criterion__stage__order", "criterion__order")
        .values_list("entry_id", "entry__number", "sheet__judge__code", "criterion__code", "units")
    ]
    return rows


def write_workbook(competition: Competition) -> bytes:
    """The competition as an ``.xlsx`` competition workbook."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"strings_to_numbers": False, "strings_to_formulas": False, "constant_memory": True}
    )
    bold = book.add_format({"bold": True})
    for name, lines in workbook_rows(competition).items():
        sheet = book.add_worksheet(name)
        for col, header in enumerate(SHEETS[name]):
            sheet.write_string(0, col, header, bold)
        for r, cells in enumerate(lines, start=1):
            for col, value in enumerate(cells):
                if value is None or value == "":
                    continue
                if isinstance(value, int | float):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, neutralise(str(value)))
    book.close()
    return buffer.getvalue()
