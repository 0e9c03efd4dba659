"""The standard-section table (WSOS): each section's target, what its aspects give, and
the variation.

- target: the section's "WSOS Marks" (how much of the total the standard says
  the section should carry);
- computed: the sum of the maximum marks of the aspects assigned to it — the
  figure that counts; the workbook's own "Aspect Marks" column is only its
  author's claim and may be stale;
- variation: |target − computed|; the total variation is their sum.

A warning is raised for every section whose stated "Aspect Marks" differ from
the computed figure (the sample states 15, 15, 27, 23, 20; its aspects give 6,
1, 7, 60, 26). The file is never refused for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from jingsai.worldskills.domain.layout import SchemeData


@dataclass(frozen=True)
class SectionRow:
    number: int
    title: str
    target: Decimal
    computed: Decimal
    stated: Decimal | None

    @property
    def variation(self) -> Decimal:
        return abs(self.target - self.computed)

    @property
    def stated_differs(self) -> bool:
        return self.stated is not None and self.stated != self.computed


@dataclass
class SectionTable:
    rows: list[SectionRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def target(self) -> Decimal:
        return sum((r.target for r in self.rows), Decimal(0))

    @property
    def computed(self) -> Decimal:
        return sum((r.computed for r in self.rows), Decimal(0))

    @property
    def variation(self) -> Decimal:
        return sum((r.variation for r in self.rows), Decimal(0))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def section_table(scheme: SchemeData) -> SectionTable:
    given: dict[int, Decimal] = {}
    for aspect in scheme.aspects:
        if aspect.section is not None and aspect.max_mark is not None:
            given[aspect.section] = given.get(aspect.section, Decimal(0)) + aspect.max_mark
    table = SectionTable()
    for section in scheme.sections:
        row = SectionRow(
            section.number,
            section.title,
            section.target,
            given.get(section.number, Decimal(0)),
            section.stated,
        )
        table.rows.append(row)
        if row.stated_differs:
            table.warnings.append(
                _(
                    "Section %(n)s: the workbook states %(stated)s aspect marks, but its "
                    "aspects give %(computed)s; the computed figure is shown."
                )
                % {"n": row.number, "stated": _plain(row.stated), "computed": _plain(row.computed)}
            )
    return table
