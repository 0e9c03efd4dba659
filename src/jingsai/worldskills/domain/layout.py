"""The CIS "Marking Scheme Import" workbook layout, and a scheme as plain data.

The workbook (the layout WorldSkills' Competition Information System reads):

- sheet ``CIS Marking Scheme Import``:

  - A1: the skill's title (e.g. ``17 Web Technologies``);
  - a ``WorldSkills Occupational Standards`` table: a header row
    (``Section``, ``WSOS Marks`` … ``WSOS Marks``, ``Aspect Marks``,
    ``Variation``), then one row per section: number (A), title (B, merged
    B:H), target mark (I), the marks the aspects give as the author stated them
    (J) and the variation (K = |I − J|); a ``Total Variation`` row closes it;
  - a ``Criteria`` table: header ``ID``, ``Name``, …, ``Mark`` (K), then one
    row per criterion: letter (A), name (B, merged B:J), mark (K);
  - one block per criterion A–I, opened by a header row (``Sub Criterion ID``
    in A … ``Max Mark`` in K, ``Criterion X`` in L, ``Total Mark`` in M, the
    block's total in N). In a block: a sub-criterion row (its ID in A, name B,
    day of marking C); aspect rows (type ``M`` or ``J`` in D, description E,
    extra description G, requirement H, WSOS section I, calculation J, maximum
    mark K); after a judgement aspect four rows with a score 0–3 in F and what
    earns it in G; a row with only E filled is a heading for the aspects below;
  - a last row with ``Competition``, ``Total Mark`` and the total in L, M, N;

- sheet ``Calculations``: from row 2, one deduction rule per row: name (A),
  kind (B: ``REGULAR_DIFFERENCE_DEDUCTION`` or ``CHOICE``), enabled (C), and
  its parameters (D) written ``KEY:::NUMBER#x~x#TEXT`` joined by ``#-#`` (a
  number such as ``0.25000000`` before the marker, a text such as ``UNIT`` or a
  choice's label after it).

:class:`SchemeData` holds a scheme as plain data: what the importer reads, what
the exporter writes, and (with :func:`canonical`) what a round trip compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

MAIN_SHEET = "CIS Marking Scheme Import"
CALCULATIONS_SHEET = "Calculations"
LETTERS = "ABCDEFGHI"  # the workbook has a block for each, used or not
MEASUREMENT = "M"
JUDGEMENT = "J"
SCORES = (0, 1, 2, 3)
SCALE = 3

# the aspect block's columns (0-based) and their headers as the standard workbook writes them
COLUMNS = {
    "sub": (0, "Sub\nCriterion\nID"),
    "sub_name": (1, "Sub Criterion\nName or Description"),
    "day": (2, "Day of Marking"),
    "kind": (3, "Aspect\nType\nM = Meas\nJ = Judg"),
    "description": (4, "Aspect - Description"),
    "score": (5, "Judg Score"),
    "extra": (
        6,
        "Extra Aspect Description (Meas or Judg)\nOR\nJudgement Score Description (Judg only)",
    ),
    "requirement": (7, "Requirement\n(Measurement Only)"),
    "section": (8, "WSOS Section"),
    "calculation": (9, "Calculation Row \n(Export only)"),
    "max": (10, "Max\nMark"),
}
BLOCK_LABEL, BLOCK_TOTAL_LABEL, BLOCK_TOTAL = 11, 12, 13  # "Criterion A", "Total\nMark", total
SECTION_TITLE, SECTION_TARGET, SECTION_STATED, SECTION_VARIATION = 1, 8, 9, 10
CRITERION_NAME, CRITERION_MARK = 1, 10
PARAMETER_SEPARATOR = "#-#"
PARAMETER_KEY = ":::"
PARAMETER_TEXT = "#x~x#"


def column_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def header_of(key: str) -> str:
    """A column's header on one line, as error messages name it."""
    return " ".join(COLUMNS[key][1].split())


@dataclass
class SectionData:
    number: int
    title: str
    target: Decimal
    stated: Decimal | None = None
    row: int = 0


@dataclass
class CalculationData:
    name: str
    kind: str
    enabled: bool = True
    parameters: list[tuple[str, str, str]] = field(default_factory=list)  # key, number, text
    row: int = 0


@dataclass
class AspectData:
    kind: str  # "M" or "J"
    description: str
    max_mark: Decimal | None
    section: int | None
    calculation: str = ""
    extra: str = ""
    requirement: str = ""
    heading: str = ""
    descriptors: dict[int, str] = field(default_factory=dict)
    code: str = ""  # "A1.J1", given once the sub-criterion is known
    row: int = 0


@dataclass
class SubCriterionData:
    code: str
    name: str
    day: str = ""
    aspects: list[AspectData] = field(default_factory=list)
    row: int = 0


@dataclass
class CriterionData:
    letter: str
    name: str
    mark: Decimal
    subcriteria: list[SubCriterionData] = field(default_factory=list)
    row: int = 0  # in the criteria table

    @property
    def aspects(self) -> list[AspectData]:
        return [a for sub in self.subcriteria for a in sub.aspects]

    @property
    def aspects_total(self) -> Decimal:
        return sum((a.max_mark or Decimal(0) for a in self.aspects), Decimal(0))


@dataclass
class SchemeData:
    title: str
    sections: list[SectionData] = field(default_factory=list)
    criteria: list[CriterionData] = field(default_factory=list)
    calculations: list[CalculationData] = field(default_factory=list)

    @property
    def aspects(self) -> list[AspectData]:
        return [a for c in self.criteria for a in c.aspects]

    @property
    def total(self) -> Decimal:
        return sum((c.mark for c in self.criteria), Decimal(0))


def aspect_codes(sub: SubCriterionData) -> None:
    """Number a sub-criterion's aspects per type, as WorldSkills names them: A1.M1, A1.J1."""
    counts = {MEASUREMENT: 0, JUDGEMENT: 0}
    for aspect in sub.aspects:
        counts[aspect.kind] = counts.get(aspect.kind, 0) + 1
        aspect.code = f"{sub.code}.{aspect.kind}{counts[aspect.kind]}"


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def canonical(scheme: SchemeData) -> dict:
    """The scheme without positions or the workbook's stated figures: what a round trip keeps."""
    return {
        "title": scheme.title,
        "sections": [(s.number, s.title, _number(s.target)) for s in scheme.sections],
        "criteria": [
            {
                "letter": c.letter,
                "name": c.name,
                "mark": _number(c.mark),
                "subcriteria": [
                    {
                        "code": sub.code,
                        "name": sub.name,
                        "day": sub.day,
                        "aspects": [
                            {
                                "code": a.code,
                                "kind": a.kind,
                                "description": a.description,
                                "extra": a.extra,
                                "requirement": a.requirement,
                                "heading": a.heading,
                                "section": a.section,
                                "calculation": a.calculation,
                                "max": _number(a.max_mark),
                                "descriptors": sorted(a.descriptors.items()),
                            }
                            for a in sub.aspects
                        ],
                    }
                    for sub in c.subcriteria
                ],
            }
            for c in scheme.criteria
        ],
        "calculations": [
            (k.name, k.kind, k.enabled, [tuple(p) for p in k.parameters])
            for k in scheme.calculations
        ],
    }
