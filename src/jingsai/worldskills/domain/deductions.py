"""Deduction rules (the ``Calculations`` sheet) and the marks of measurement aspects.

Terms:

- a measurement aspect without a rule is awarded in full or not at all: its
  mark is its maximum or 0;
- ``CHOICE``: labelled choices ``CHOICEn_LABEL`` with ``CHOICEn_DEDUCTION``; the
  judge picks one and the mark is maximum − its deduction;
- ``REGULAR_DIFFERENCE_DEDUCTION``: a ``TARGET_VALUE``, a ``DIFFERENCE`` step and
  a ``DEDUCTION``; the judge types the measured value and the mark is
  maximum − (every full step of |measured − target|) × deduction. With
  ``DIFFERENCE_TYPE`` ``PERCENT`` the difference is counted in percent of the
  target; with ``DEDUCTION_TYPE`` ``PERCENT`` a deduction is that percent of the
  maximum (``UNIT``, the default, is marks);
- a mark is never below zero, and is exact (``Decimal``); the engine stores it in
  ten-thousandths, so a rule that would give more places is refused when marking.

Example (the sample's ``Deduct .25``: target 0, step 1, deduction 0.25) on an
aspect worth 0.75: 2 errors → 0.75 − 2 × 0.25 = 0.25; 4 errors → 0 (not −0.25).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from jingsai.worldskills.domain.layout import (
    PARAMETER_KEY,
    PARAMETER_SEPARATOR,
    PARAMETER_TEXT,
)

CHOICE = "CHOICE"
REGULAR_DIFFERENCE = "REGULAR_DIFFERENCE_DEDUCTION"
KINDS = (CHOICE, REGULAR_DIFFERENCE)
UNIT = "UNIT"
PERCENT = "PERCENT"
FOUR_PLACES = Decimal("0.0001")


class RuleProblem(ValueError):  # noqa: N818 (a refusal shown to the user)
    """A rule or an input that cannot be used; the message says why (translated)."""


@dataclass(frozen=True)
class Choice:
    number: int
    label: str
    deduction: Decimal


@dataclass(frozen=True)
class ChoiceRule:
    choices: tuple[Choice, ...]
    deduction_type: str = UNIT


@dataclass(frozen=True)
class DifferenceRule:
    target: Decimal
    difference: Decimal
    deduction: Decimal
    difference_type: str = UNIT
    deduction_type: str = UNIT


Rule = ChoiceRule | DifferenceRule


def parse_parameters(text: str) -> list[tuple[str, str, str]]:
    """``KEY:::NUMBER#x~x#TEXT#-#…`` as (key, number, text) triples, in order."""
    pairs = []
    for part in (text or "").split(PARAMETER_SEPARATOR):
        if not part.strip():
            continue
        key, marker, rest = part.partition(PARAMETER_KEY)
        if not marker:
            raise RuleProblem(_("“%(part)s” is not KEY:::VALUE.") % {"part": part[:40]})
        number, _marker, words = rest.partition(PARAMETER_TEXT)
        pairs.append((key.strip(), number.strip(), words))
    return pairs


def format_parameters(pairs) -> str:
    return PARAMETER_SEPARATOR.join(
        f"{key}{PARAMETER_KEY}{number}{PARAMETER_TEXT}{text}" for key, number, text in pairs
    )


def _decimal(key: str, number: str) -> Decimal:
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RuleProblem(_("%(key)s is not a number.") % {"key": key})
    return value.normalize() if value else Decimal(0)


def _kind_of(values: dict, key: str) -> str:
    kind = (values.get(key, ("", ""))[1] or UNIT).strip().upper()
    if kind not in (UNIT, PERCENT):
        raise RuleProblem(_("%(key)s must be UNIT or PERCENT.") % {"key": key})
    return kind


def rule_of(kind: str, parameters) -> Rule:
    """The rule a ``Calculations`` row describes; :class:`RuleProblem` says what is wrong."""
    values = {key: (number, text) for key, number, text in parameters}
    if kind == CHOICE:
        numbers = sorted(
            {
                int(key[6:].split("_")[0])
                for key in values
                if key.startswith("CHOICE") and key[6:].split("_")[0].isdigit()
            }
        )
        if not numbers:
            raise RuleProblem(_("A CHOICE rule needs at least one choice."))
        choices = []
        for n in numbers:
            label = values.get(f"CHOICE{n}_LABEL", ("", ""))[1].strip()
            if not label:
                raise RuleProblem(_("Choice %(n)s has no label.") % {"n": n})
            if f"CHOICE{n}_DEDUCTION" not in values:
                raise RuleProblem(_("Choice %(n)s has no deduction.") % {"n": n})
            deduction = _decimal(f"CHOICE{n}_DEDUCTION", values[f"CHOICE{n}_DEDUCTION"][0])
            if deduction < 0:
                raise RuleProblem(_("Choice %(n)s has a negative deduction.") % {"n": n})
            choices.append(Choice(n, label, deduction))
        return ChoiceRule(tuple(choices), _kind_of(values, "DEDUCTION_TYPE"))
    if kind == REGULAR_DIFFERENCE:
        for key in ("DIFFERENCE", "DEDUCTION"):
            if key not in values:
                raise RuleProblem(_("The rule has no %(key)s.") % {"key": key})
        target = _decimal("TARGET_VALUE", values.get("TARGET_VALUE", ("0", ""))[0] or "0")
        difference = _decimal("DIFFERENCE", values["DIFFERENCE"][0])
        deduction = _decimal("DEDUCTION", values["DEDUCTION"][0])
        if difference <= 0:
            raise RuleProblem(_("DIFFERENCE must be more than 0."))
        if deduction < 0:
            raise RuleProblem(_("DEDUCTION cannot be negative."))
        rule = DifferenceRule(
            target,
            difference,
            deduction,
            _kind_of(values, "DIFFERENCE_TYPE"),
            _kind_of(values, "DEDUCTION_TYPE"),
        )
        if rule.difference_type == PERCENT and target == 0:
            raise RuleProblem(_("A difference in percent needs a target other than 0."))
        return rule
    raise RuleProblem(
        _("Unknown calculation type “%(kind)s” (CHOICE or REGULAR_DIFFERENCE_DEDUCTION).")
        % {"kind": kind}
    )


def _in_marks(amount: Decimal, maximum: Decimal, deduction_type: str) -> Decimal:
    return amount * maximum / 100 if deduction_type == PERCENT else amount


def _floored(maximum: Decimal, deduction: Decimal) -> Decimal:
    mark = maximum - deduction
    if mark <= 0:
        return Decimal(0)
    if mark != mark.quantize(FOUR_PLACES):
        raise RuleProblem(_("The rule gives a mark with more than 4 decimal places."))
    return mark.normalize()


def all_or_nothing_mark(maximum: Decimal, *, awarded: bool) -> Decimal:
    return maximum if awarded else Decimal(0)


def choice_mark(maximum: Decimal, rule: ChoiceRule, number: int) -> Decimal:
    """The mark for the judge's choice: maximum − its deduction, never below zero."""
    for choice in rule.choices:
        if choice.number == number:
            return _floored(maximum, _in_marks(choice.deduction, maximum, rule.deduction_type))
    raise RuleProblem(_("There is no choice %(n)s.") % {"n": number})


def difference_mark(maximum: Decimal, rule: DifferenceRule, measured: Decimal) -> Decimal:
    """The mark for a measured value: maximum − whole steps of difference × deduction, ≥ 0."""
    difference = abs(Decimal(measured) - rule.target)
    if rule.difference_type == PERCENT:
        difference = difference * 100 / abs(rule.target)
    steps = int(difference // rule.difference)
    return _floored(maximum, steps * _in_marks(rule.deduction, maximum, rule.deduction_type))
