"""Exporting a marking scheme in the CIS "Marking Scheme Import" layout.

:func:`write_workbook` writes a :class:`~.layout.SchemeData` to the layout of
:mod:`.layout` — the same sheet names, tables, columns and blocks A–I as the
standard workbook — so that reading the export back gives the same scheme
(``canonical(read(export(read(x)))) == canonical(read(x))``). Totals are
formulas with their values cached, as in the standard workbook; the "Aspect
Marks" of each section is a formula over the aspects (the figure that counts),
not the stale figure an imported workbook may have stated.

:func:`export_competition` exports a competition's scheme: an imported
WorldSkills scheme as it is stored, or a scheme built on the platform mapped by
:func:`platform_scheme_data`:

- each stage becomes a criterion (A, B, … in stage order; at most 9), with one
  sub-criterion (``A1``) named like the stage;
- each judging criterion becomes an aspect: a measurement one an ``M`` aspect,
  a judgement one a ``J`` aspect with the WorldSkills standard descriptors of
  the scores 0–3; all in one standard section named after the competition;
- marks: an aspect is worth max × stage weight ÷ stage maximum (so the
  criterion is worth the stage's weight and the total is the platform's) when
  that is exact in 4 decimals for the whole stage; otherwise the marks stay as
  they are and the criterion is worth the stage's maximum.
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from jingsai.competitions.models import Competition
from jingsai.judging.models import Criterion, Stage
from jingsai.worldskills.domain.deductions import format_parameters
from jingsai.worldskills.domain.layout import (
    BLOCK_LABEL,
    BLOCK_TOTAL,
    BLOCK_TOTAL_LABEL,
    CALCULATIONS_SHEET,
    COLUMNS,
    CRITERION_MARK,
    CRITERION_NAME,
    JUDGEMENT,
    LETTERS,
    MAIN_SHEET,
    MEASUREMENT,
    SECTION_STATED,
    SECTION_TARGET,
    SECTION_TITLE,
    SECTION_VARIATION,
    AspectData,
    CriterionData,
    SchemeData,
    SectionData,
    SubCriterionData,
    aspect_codes,
)
from jingsai.worldskills.domain.store import scheme_data, scheme_of

FOUR_PLACES = Decimal("0.0001")
WIDTHS = (7.7, 49.9, 7.7, 8.4, 100, 8, 100, 29.7, 13.4, 14.4, 10.7, 18.4, 10, 10.7)
# the WorldSkills generic judgement scale, for judgement criteria built on the platform
STANDARD_DESCRIPTORS = {
    0: "Performance below industry standard in every respect, including not attempted",
    1: "Performance meets industry standard",
    2: "Performance meets and, in specific respects, exceeds industry standard",
    3: "Performance wholly exceeds industry standard and is judged excellent",
}


def _number(value: Decimal) -> float | int:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def write_workbook(data: SchemeData) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(MAIN_SHEET)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.merge_range(0, 0, 0, 10, data.title, bold)
    sheet.merge_range(2, 0, 2, 10, "WorldSkills Occupational Standards", bold)
    sheet.write_string(3, 0, "Section", header)
    sheet.merge_range(3, 1, 3, 7, "WSOS Marks", header)
    for col, text in (
        (SECTION_TARGET, "WSOS Marks"),
        (SECTION_STATED, "Aspect Marks"),
        (SECTION_VARIATION, "Variation"),
    ):
        sheet.write_string(3, col, text, header)
    row = 4
    first_section = row
    computed = {s.number: Decimal(0) for s in data.sections}
    for aspect in data.aspects:
        if aspect.section in computed and aspect.max_mark is not None:
            computed[aspect.section] += aspect.max_mark
    section_rows = {}
    for section in data.sections:
        sheet.write_number(row, 0, section.number)
        sheet.merge_range(row, SECTION_TITLE, row, 7, section.title)
        sheet.write_number(row, SECTION_TARGET, _number(section.target))
        section_rows[section.number] = row
        row += 1
    last_section = row - 1
    sheet.merge_range(row, SECTION_TARGET, row, SECTION_STATED, "Total Variation")
    total_variation = sum((abs(s.target - computed[s.number]) for s in data.sections), Decimal(0))
    sheet.write_formula(
        row,
        SECTION_VARIATION,
        f"=SUM(K{first_section + 1}:K{last_section + 1})",
        None,
        _number(total_variation),
    )
    row += 3
    sheet.merge_range(row, 0, row, 10, "Criteria", bold)
    row += 1
    sheet.write_string(row, 0, "ID", header)
    sheet.merge_range(row, CRITERION_NAME, row, 9, "Name", header)
    sheet.write_string(row, CRITERION_MARK, "Mark", header)
    row += 1
    for criterion in data.criteria:
        sheet.write_string(row, 0, criterion.letter)
        sheet.merge_range(row, CRITERION_NAME, row, 9, criterion.name)
        sheet.write_number(row, CRITERION_MARK, _number(criterion.mark))
        row += 1
    row += 2
    first_block = row
    by_letter = {c.letter: c for c in data.criteria}
    block_totals = []
    for letter in LETTERS:
        criterion = by_letter.get(letter)
        for col, text in COLUMNS.values():
            sheet.write_string(row, col, text, header)
        sheet.write_string(row, BLOCK_LABEL, f"Criterion {letter}", header)
        sheet.write_string(row, BLOCK_TOTAL_LABEL, "Total\nMark", header)
        header_row = row
        row += 1
        if criterion is not None:
            row = _write_block(sheet, row, criterion, wrap)
        row = max(row, header_row + 3) + 1
        total = criterion.aspects_total if criterion else Decimal(0)
        sheet.write_formula(
            header_row,
            BLOCK_TOTAL,
            f"=SUM(K{header_row + 2}:K{row - 1})",
            None,
            _number(total),
        )
        block_totals.append(total)
    last_block = row
    for number, at in section_rows.items():
        sheet.write_formula(
            at,
            SECTION_STATED,
            f"=SUMIF($I${first_block + 1}:$I${last_block},A{at + 1},"
            f"$K${first_block + 1}:$K${last_block})",
            None,
            _number(computed[number]),
        )
        target = next(s.target for s in data.sections if s.number == number)
        sheet.write_formula(
            at,
            SECTION_VARIATION,
            f"=ABS(I{at + 1}-J{at + 1})",
            None,
            _number(abs(target - computed[number])),
        )
    row += 1
    sheet.write_string(row, BLOCK_LABEL, "Competition", bold)
    sheet.write_string(row, BLOCK_TOTAL_LABEL, "Total\nMark", bold)
    sheet.write_formula(
        row, BLOCK_TOTAL, f"=SUM(N1:N{row - 1})", bold, _number(sum(block_totals, Decimal(0)))
    )
    calculations = book.add_worksheet(CALCULATIONS_SHEET)
    for col, width in enumerate((21, 29, 7, 69)):
        calculations.set_column(col, col, width)
    for line, calc in enumerate(data.calculations, start=1):
        calculations.write_string(line, 0, calc.name)
        calculations.write_string(line, 1, calc.kind)
        calculations.write_boolean(line, 2, calc.enabled)
        calculations.write_string(line, 3, format_parameters(calc.parameters))
    book.close()
    return buffer.getvalue()


def _write_block(sheet, row: int, criterion: CriterionData, wrap) -> int:
    col = {key: index for key, (index, _text) in COLUMNS.items()}
    for sub in criterion.subcriteria:
        sheet.write_string(row, col["sub"], sub.code)
        sheet.write_string(row, col["sub_name"], sub.name)
        if sub.day:
            sheet.write_string(row, col["day"], sub.day)
        row += 1
        for aspect in sub.aspects:
            if aspect.heading:
                sheet.write_string(row, col["description"], aspect.heading)
                row += 1
            sheet.write_string(row, col["kind"], aspect.kind)
            sheet.write_string(row, col["description"], aspect.description, wrap)
            if aspect.extra:
                sheet.write_string(row, col["extra"], aspect.extra, wrap)
            if aspect.requirement:
                sheet.write_string(row, col["requirement"], aspect.requirement, wrap)
            if aspect.section is not None:
                sheet.write_number(row, col["section"], aspect.section)
            if aspect.calculation:
                sheet.write_string(row, col["calculation"], aspect.calculation)
            if aspect.max_mark is not None:
                sheet.write_number(row, col["max"], _number(aspect.max_mark))
            row += 1
            if aspect.kind == JUDGEMENT:
                for score, text in sorted(aspect.descriptors.items()):
                    sheet.write_number(row, col["score"], score)
                    sheet.write_string(row, col["extra"], text, wrap)
                    row += 1
                row += 1
        row += 1
    return row


def platform_scheme_data(competition: Competition) -> SchemeData:
    """A scheme built on the platform (stages and criteria) in WorldSkills terms."""
    stages = list(Stage.objects.filter(competition=competition).order_by("order", "id"))
    if len(stages) > len(LETTERS):
        raise ValueError(
            _("A WorldSkills scheme has at most 9 criteria; this scheme has %(n)s stages.")
            % {"n": len(stages)}
        )
    criteria: dict[int, list[Criterion]] = {}
    for c in Criterion.objects.filter(competition=competition).order_by(
        "stage__order", "stage_id", "order", "id"
    ):
        criteria.setdefault(c.stage_id, []).append(c)
    data = SchemeData(title=competition.title)
    for letter, stage in zip(LETTERS, stages, strict=False):
        items = criteria.get(stage.pk, [])
        if not items:
            continue
        maximum = sum((c.max_mark for c in items), Decimal(0))
        factor = Decimal(stage.weight) / maximum
        scaled = [c.max_mark * factor for c in items]
        if all(m == m.quantize(FOUR_PLACES) and m > 0 for m in scaled):
            marks, mark = [m.normalize() for m in scaled], Decimal(stage.weight).normalize()
        else:
            marks, mark = [c.max_mark.normalize() for c in items], maximum.normalize()
        sub = SubCriterionData(f"{letter}1", stage.name)
        for c, value in zip(items, marks, strict=True):
            judgement = c.kind == Criterion.Kind.JUDGEMENT
            sub.aspects.append(
                AspectData(
                    kind=JUDGEMENT if judgement else MEASUREMENT,
                    description=c.name,
                    max_mark=value,
                    section=1,
                    descriptors=dict(STANDARD_DESCRIPTORS) if judgement else {},
                )
            )
        aspect_codes(sub)
        data.criteria.append(CriterionData(letter, stage.name, mark, [sub]))
    data.sections = [SectionData(1, competition.title, data.total)]
    return data


def export_competition(competition: Competition) -> bytes:
    """The competition's scheme as a CIS workbook (imported, or built on the platform)."""
    scheme = scheme_of(competition)
    data = scheme_data(scheme) if scheme else platform_scheme_data(competition)
    return write_workbook(data)
