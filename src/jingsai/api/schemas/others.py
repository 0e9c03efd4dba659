"""Certificates, training, innovation results, nominations and the dashboard."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from jingsai.api.schemas import MAX_ID


class CertificateOut(Schema):
    id: int
    number: str
    title: str
    award: str
    status: str
    competition_id: int | None
    worker_id: int | None
    holder: str
    level: int | None
    rank: int | None
    total: Decimal | None
    issued_on: dt.date
    revoked_at: dt.datetime | None


class VerificationOut(Schema):
    """What the public verification page shows: never an ID number."""

    number: str
    valid: bool
    status: str
    holder: str  # a person's name masked, an organisation's in full
    title: str
    award: str
    competition: str
    issued_on: dt.date
    issuer: str
    revoked_at: dt.datetime | None
    revoke_reason: str


class CourseOut(Schema):
    id: int
    title: str
    year: int
    competition_id: int | None
    organiser_id: int
    place: str
    capacity: int | None


class SessionOut(Schema):
    id: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    hours: Decimal
    place: str
    trainer: str


class AttendanceOut(Schema):
    worker_id: int
    name: str
    id_number: str  # masked
    enrolled: bool
    recorded: bool
    present: bool | None
    hours: Decimal | None


class AttendanceRowIn(Schema):
    worker_id: int = Field(..., ge=1, le=MAX_ID)
    present: bool
    hours: Decimal | None = Field(None, description="a present worker's hours when fewer")


class AttendanceIn(Schema):
    records: list[AttendanceRowIn] = Field(..., min_length=1, max_length=2000)


class AttendanceSavedOut(Schema):
    saved: int


class InnovationOut(Schema):
    id: int
    kind: str
    title: str
    year: int
    enterprise_id: int
    enterprise_name: str
    competition_id: int | None
    status: str
    authors: list[str]
    money_saved: Decimal | None
    hours_saved: Decimal | None
    reward_band: str | None
    adopted_on: dt.date | None
    verified_at: dt.datetime | None
    recognised_at: dt.datetime | None


class NominationOut(Schema):
    id: int
    year: int
    category: str
    category_name: str
    nominee_kind: str  # worker | innovation | organisation
    nominee: str
    nominator_id: int
    nominator_name: str
    status: str
    eligible: bool
    total: Decimal | None
    rank: int | None
    proposed: bool
    notice_from: dt.date | None
    notice_until: dt.date | None


class DashboardOut(Schema):
    """The dashboard's figures as its page draws them (``Dashboard.as_json``)."""

    year: int
    previous_year: int | None
    headline: list[dict[str, Any]]
    sections: list[dict[str, Any]]
