import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from jingsai.api.schemas import NO_NUL


class CompetitionOut(Schema):
    id: int
    code: str
    title: str
    year: int
    series_id: int
    brand_id: int | None
    industry_ids: list[int]
    kind: str
    participants: str
    status: str
    organiser_id: int
    organiser_name: str
    registration_opens: dt.datetime | None
    registration_closes: dt.datetime | None
    capacity: int | None
    enterprise_quota: int | None


class MemberOut(Schema):
    worker_id: int
    name: str
    id_number: str  # always masked
    is_captain: bool


class EntryOut(Schema):
    id: int
    number: str | None
    status: str
    enterprise_id: int
    enterprise_name: str
    team_name: str
    project_name: str
    level: str | None
    members: list[MemberOut]


class RosterRowIn(Schema):
    """One row of a bulk registration: the roster template's columns."""

    name: str = Field(..., max_length=200, pattern=NO_NUL)
    id_number: str = Field(..., max_length=40, pattern=NO_NUL)
    phone: str = Field("", max_length=40, pattern=NO_NUL)
    trade: str = Field("", max_length=200, pattern=NO_NUL)
    skill_level: str = Field(
        "",
        max_length=40,
        pattern=NO_NUL,
        description="1–5, or 高级技师, 技师, 高级工, 中级工, 初级工",
    )
    team: str = Field("", max_length=200, pattern=NO_NUL, description="team competitions only")
    enterprise: str = Field(
        "",
        max_length=40,
        description="the enterprise's credit code; needed when the caller registers "
        "for more than one enterprise",
    )


class BulkEntriesIn(Schema):
    rows: list[RosterRowIn] = Field(..., min_length=1, max_length=5000)


class BulkEntriesOut(Schema):
    rows: int
    entries: int
    new_workers: int


class ResultOut(Schema):
    rank: int
    entry_id: int
    entry: str
    name: str
    organisation: str
    total: Decimal
    award: str
    published: bool
