from decimal import Decimal

from ninja import Field, Schema


class SheetRowOut(Schema):
    """One entry assigned to the caller as a judge, with his sheet's state."""

    competition_id: int
    competition_title: str
    entry_id: int
    label: str
    state: str  # new | draft | submitted | returned
    marks: int


class CriterionOut(Schema):
    code: str
    name: str
    stage: str
    max_mark: Decimal
    required: bool


class SheetOut(Schema):
    competition_id: int
    entry_id: int
    label: str
    state: str
    version: int
    refusal: str
    criteria: list[CriterionOut]
    marks: dict[str, Decimal]


class MarksIn(Schema):
    """Criterion code → mark (at most 4 decimals, 0 … the criterion's maximum)."""

    marks: dict[str, Decimal] = Field(default_factory=dict)
