"""Marking with a WorldSkills scheme: what a judge's phone shows and sends.

A judge marks through the engine's sheets (:mod:`jingsai.judging.domain.sheets`:
drafts, submission and its lock, re-scoring, corrections). This module turns
what the judge enters per aspect into the values those sheets take:

- judgement aspect: the score 0–3 (the phone shows each score's descriptor);
  the engine stores the score and counts max × mean score ÷ 3;
- measurement aspect without a rule: its maximum or 0 (all or nothing);
- measurement aspect with a ``CHOICE`` rule: the number of the chosen label;
- measurement aspect with a ``REGULAR_DIFFERENCE_DEDUCTION`` rule: the measured
  value; :mod:`.deductions` gives the mark, never below zero.

What was chosen or measured is kept (:class:`~jingsai.worldskills.models.MeasurementInput`)
next to the mark, so a re-opened sheet shows it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import sheets
from jingsai.judging.models import PanelJudge, Sheet
from jingsai.worldskills.domain import deductions
from jingsai.worldskills.models import Aspect, MeasurementInput


@dataclass
class AspectField:
    """One aspect as the marking page shows it."""

    aspect_id: int
    code: str  # the judging criterion's code, the key of the values
    label: str  # A1.J1
    kind: str
    description: str
    max_mark: Decimal
    descriptors: list[tuple[int, str]] = field(default_factory=list)
    rule: deductions.Rule | None = None

    @property
    def choices(self) -> list[tuple[int, str, Decimal]]:
        """(number, label, the mark it gives) of a CHOICE rule."""
        if not isinstance(self.rule, deductions.ChoiceRule):
            return []
        return [
            (c.number, c.label, deductions.choice_mark(self.max_mark, self.rule, c.number))
            for c in self.rule.choices
        ]


def marking_fields(competition: Competition) -> list[AspectField]:
    """Every aspect of the competition's scheme, in order, in three queries."""
    aspects = list(
        Aspect.objects.filter(scheme__competition=competition, criterion__isnull=False)
        .select_related("criterion", "calculation", "sub_criterion__criterion")
        .prefetch_related("descriptors")
        .order_by("sub_criterion__criterion__order", "sub_criterion__order", "order", "id")
    )
    fields = []
    for a in aspects:
        rule = None
        if a.calculation is not None:
            rule = deductions.rule_of(a.calculation.kind, a.calculation.parameters)
        fields.append(
            AspectField(
                a.pk,
                a.criterion.code,
                a.code,
                a.kind,
                a.description,
                a.max_mark,
                [(d.score, d.text) for d in a.descriptors.all()],
                rule,
            )
        )
    return fields


def sheet_values(
    fields: list[AspectField], inputs: Mapping[str, Any]
) -> tuple[dict[str, str], dict[int, tuple[int | None, Decimal | None]], dict[str, str]]:
    """(values for the engine's sheet by criterion code, what was chosen or measured per
    aspect id, errors by criterion code). Blank inputs are left out."""
    values: dict[str, str] = {}
    kept: dict[int, tuple[int | None, Decimal | None]] = {}
    errors: dict[str, str] = {}
    for f in fields:
        raw = inputs.get(f.code)
        if raw is None or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        if f.rule is None:
            values[f.code] = text  # a score or a mark; the engine checks its range
            continue
        try:
            if isinstance(f.rule, deductions.ChoiceRule):
                if not text.isdigit():
                    raise deductions.RuleProblem(_("Choose one of the listed options."))
                mark = deductions.choice_mark(f.max_mark, f.rule, int(text))
                kept[f.aspect_id] = (int(text), None)
            else:
                try:
                    measured = Decimal(text.replace(",", ""))
                except InvalidOperation:
                    measured = None
                if measured is None or not measured.is_finite():
                    raise deductions.RuleProblem(
                        _("“%(value)s” is not a number.") % {"value": text}
                    )
                mark = deductions.difference_mark(f.max_mark, f.rule, measured)
                kept[f.aspect_id] = (None, measured)
        except deductions.RuleProblem as problem:
            errors[f.code] = str(problem)
            continue
        values[f.code] = format(mark, "f")
    return values, kept, errors


def _keep(sheet: Sheet, kept: dict[int, tuple[int | None, Decimal | None]]) -> None:
    for aspect_id, (choice, measured) in kept.items():
        MeasurementInput.objects.update_or_create(
            sheet=sheet, aspect_id=aspect_id, defaults={"choice": choice, "measured": measured}
        )


def save_draft(*, judge: PanelJudge, entry: Entry, inputs: Mapping[str, Any]) -> Sheet:
    values, kept, errors = sheet_values(marking_fields(entry.competition), inputs)
    if errors:
        raise sheets.SheetRefused(_("Some marks are not valid."), field_errors=errors)
    with transaction.atomic():
        sheet = sheets.save_draft(judge=judge, entry=entry, values=values)
        _keep(sheet, kept)
    return sheet


def submit(
    *, actor: Any, judge: PanelJudge, entry: Entry, inputs: Mapping[str, Any] | None = None
) -> Sheet:
    values, kept, errors = sheet_values(marking_fields(entry.competition), inputs or {})
    if errors:
        raise sheets.SheetRefused(_("Some marks are missing or not valid."), field_errors=errors)
    with transaction.atomic():
        sheet = sheets.submit(actor=actor, judge=judge, entry=entry, values=values)
        _keep(sheet, kept)
    return sheet
