import datetime as dt

from ninja import Schema


class WorkerOut(Schema):
    """ID number and phone are masked (``310115********1234``, ``139****5678``) unless
    the caller is entitled to see them (programme admins, on one worker's own record);
    then ``birth_date`` is given too, else only ``birth_year``."""

    id: int
    name: str
    id_number: str
    phone: str
    personal_data_masked: bool
    birth_year: int
    birth_date: dt.date | None
    gender: str
    employer_id: int | None
    employer_name: str
    zone_id: int | None
    industry_id: int | None
    trade: str
    skill_level: int | None
