"""Skill evaluation results from an ``.xlsx`` file (赛评合一), all or nothing.

An evaluating organisation (a school or training body) reports the levels it
has certified: one row per person with 身份证号码, 姓名, 工种, 技能等级, 评价日期
and 证书编号. Every row is checked — the ID number (length, date of birth,
province, check character), a worker registered under it, the name matching
that worker's, the level (1–5, 一级…五级, 高级技师…初级工), the date (a real
date, not in the future), the certificate number, a repeated row (the same
person and trade, or the same certificate number, twice in the file) and a
certificate this body has already recorded — and every problem is reported
with sheet, row and column. Nothing is saved unless there is none; then one
skill record per row is written in bulk (source ``evaluation``, evaluated by the
organisation), the workers' current levels follow, and one audit entry covers
the import.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.common.spreadsheet_import import (
    ColumnSpec,
    ErrorCollector,
    SpreadsheetRefused,
    cell_text,
    number_too_long_for_excel,
    open_table,
    template_xlsx,
)
from jingsai.competitions.domain.roster import parse_skill_level
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from jingsai.people.validators import id_number_parser
from jingsai.skills.domain.records import LevelGrant, record_levels
from jingsai.skills.models import SkillRecord

ID_NUMBER = ColumnSpec("id_number", "身份证号码", width=22, example="310115198001011238")
NAME = ColumnSpec("name", "姓名", example="张三")
TRADE = ColumnSpec("trade", "工种", aliases=("职业", "职业（工种）"), example="电工")
LEVEL = ColumnSpec("level", "技能等级", aliases=("职业技能等级", "等级"), example="高级工")
DATE = ColumnSpec("date", "评价日期", aliases=("发证日期", "日期"), width=14, example="2026-05-20")
CERTIFICATE = ColumnSpec(
    "certificate", "证书编号", aliases=("证书号", "证书号码"), width=24, example="Y000031000000001"
)
COLUMNS = [ID_NUMBER, NAME, TRADE, LEVEL, DATE, CERTIFICATE]

EARLIEST = dt.date(1950, 1, 1)
TRADE_MAX = 50  # SkillRecord.trade
CERTIFICATE_MAX = 40  # SkillRecord.certificate_number
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class EvaluationImport:
    rows: int = 0
    records: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)

    @property
    def ok(self) -> bool:
        return not self.errors


def template() -> bytes:
    return template_xlsx(
        COLUMNS,
        sheet=_("evaluation results"),
        notes=[
            _("One row per person evaluated: ID number, name, trade, level, date, certificate."),
            _("The level is 1–5, 一级…五级, or 高级技师, 技师, 高级工, 中级工, 初级工."),
            _("The worker must already be registered on the platform under this ID number."),
            _("The file is imported whole or not at all."),
        ],
    )


def parse_date(value: Any, *, today: dt.date) -> dt.date:
    """A date cell (or text such as 2026-05-20, 2026/5/20, 2026年5月20日, 20260520)."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = cell_text(value)
        if not text:
            raise ValidationError(_("The date is missing."))
        match = _DATE_TEXT.match(text)
        if match is None and len(text) == 8 and text.isdigit():
            match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
        if match is None:
            raise ValidationError(_("Write the date as YYYY-MM-DD, e.g. 2026-05-20."))
        try:
            day = dt.date(*map(int, match.groups()))
        except ValueError:
            raise ValidationError(_("This is not a real date.")) from None
    if day > today:
        raise ValidationError(_("The date is in the future."))
    if day < EARLIEST:
        raise ValidationError(_("The date is before 1950."))
    return day


@dataclass(slots=True)
class _Row:
    row: Any
    number: str
    name: str
    trade: str
    level: int
    date: dt.date
    certificate: str


def import_evaluations(
    *,
    actor: Any,
    evaluator: Organisation,
    source,
    size: int | None = None,
    filename: str = "",
) -> EvaluationImport:
    table = open_table(source, COLUMNS, size=size)
    result = EvaluationImport(rows=len(table.rows), errors=ErrorCollector(table.sheet))
    errors = result.errors
    today = timezone.localdate()
    parse_id = id_number_parser(today=today)
    parsed: list[_Row] = []
    by_person_trade: dict[tuple[str, str], int] = {}
    by_certificate: dict[str, int] = {}
    for row in table.rows:
        values = row.values
        ok = True
        raw_id = values.get("id_number")
        number = ""
        if raw_id is None or raw_id == "":
            errors.add(table, row, "id_number", _("The ID number is missing."))
            ok = False
        elif not isinstance(raw_id, str) and number_too_long_for_excel(raw_id):
            errors.add(
                table,
                row,
                "id_number",
                _(
                    "The ID number was stored as a number and Excel has changed its last "
                    "digits; format the column as text and type it again."
                ),
            )
            ok = False
        else:
            try:
                number = parse_id(cell_text(raw_id))[0]
            except ValidationError as error:
                errors.add(table, row, "id_number", error.messages[0])
                ok = False
        name = cell_text(values.get("name")).replace(" ", "")
        if not name:
            errors.add(table, row, "name", _("The name is missing."))
            ok = False
        trade = cell_text(values.get("trade"))
        if not trade:
            errors.add(table, row, "trade", _("The trade is missing."))
            ok = False
        elif len(trade) > TRADE_MAX:
            errors.add(
                table,
                row,
                "trade",
                _("The trade is longer than %(n)d characters.") % {"n": TRADE_MAX},
            )
            ok = False
        level = None
        try:
            level = parse_skill_level(cell_text(values.get("level")))
            if level is None:
                errors.add(table, row, "level", _("The skill level is missing."))
                ok = False
        except ValidationError as error:
            errors.add(table, row, "level", error.messages[0])
            ok = False
        day = None
        try:
            day = parse_date(values.get("date"), today=today)
        except ValidationError as error:
            errors.add(table, row, "date", error.messages[0])
            ok = False
        certificate = cell_text(values.get("certificate")).replace(" ", "")
        if not certificate:
            errors.add(table, row, "certificate", _("The certificate number is missing."))
            ok = False
        elif len(certificate) > CERTIFICATE_MAX:
            errors.add(
                table,
                row,
                "certificate",
                _("The certificate number is longer than %(n)d characters.")
                % {"n": CERTIFICATE_MAX},
            )
            ok = False
        elif certificate in by_certificate:
            errors.add(
                table,
                row,
                "certificate",
                _("This certificate number is also on row %(row)d of the file.")
                % {"row": by_certificate[certificate]},
            )
            ok = False
        else:
            by_certificate[certificate] = row.number
        if number and trade:
            first = by_person_trade.get((number, trade))
            if first is not None:
                errors.add(
                    table,
                    row,
                    "id_number",
                    _("This person and trade are also on row %(row)d of the file.")
                    % {"row": first},
                )
                ok = False
            else:
                by_person_trade[(number, trade)] = row.number
        if ok:
            parsed.append(_Row(row, number, name, trade, level, day, certificate))

    # Set-based checks against the database: workers by ID number, certificates
    # this body has already recorded.
    known: dict[str, tuple[int, str]] = {}
    numbers = sorted({r.number for r in parsed})
    for start in range(0, len(numbers), 2000):
        known |= {
            n: (pk, name)
            for n, pk, name in Worker.objects.filter(
                id_number__in=numbers[start : start + 2000]
            ).values_list("id_number", "pk", "name")
        }
    certificates = sorted({r.certificate for r in parsed})
    recorded: set[str] = set()
    for start in range(0, len(certificates), 2000):
        recorded |= set(
            SkillRecord.objects.filter(
                evaluator=evaluator,
                revoked_at__isnull=True,
                certificate_number__in=certificates[start : start + 2000],
            ).values_list("certificate_number", flat=True)
        )
    grants: list[LevelGrant] = []
    where = filename or table.sheet
    for r in parsed:
        found = known.get(r.number)
        if found is None:
            errors.add(
                table, r.row, "id_number", _("No worker is registered under this ID number.")
            )
            continue
        pk, known_name = found
        if known_name.replace(" ", "") != r.name:
            errors.add(
                table,
                r.row,
                "name",
                _("The name does not match the worker registered under this ID number."),
            )
            continue
        if r.certificate in recorded:
            errors.add(
                table,
                r.row,
                "certificate",
                _("This body has already recorded this certificate."),
            )
            continue
        grants.append(
            LevelGrant(
                worker_id=pk,
                level=r.level,
                awarded_on=r.date,
                trade=r.trade,
                evidence=_("evaluation import %(file)s, row %(row)d")
                % {"file": where, "row": r.row.number},
                certificate_number=r.certificate,
            )
        )
    if errors:
        return result
    if not grants:
        raise SpreadsheetRefused(_("The file has no rows to import."))
    created = record_levels(
        actor=actor,
        grants=grants,
        source=SkillRecord.Source.EVALUATION,
        evaluator=evaluator,
        audit_action="skill:import_evaluations",
        audit_obj=evaluator,
        audit_after={"rows": result.rows, "file": filename[:100]},
    )
    result.records = len(created)
    return result
