"""Bulk insertion of worker rows, for demo data and large roster loads.

Rows go in through the database connection's ``executemany`` with one prepared
INSERT per chunk, inside one transaction per chunk: at a million rows this runs
at the speed of the database driver rather than of model instances. Rows whose
ID number exists already are skipped (``ON CONFLICT DO NOTHING``). Callers
validate the rows first; this function only stores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from jingsai.people.models import Worker

WORKER_COLUMNS = (
    "name",
    "name_initials",
    "id_number",
    "birth_date",
    "gender",
    "employer_id",
    "trade",
    "skill_level",
    "phone",
)


def worker_insert_sql() -> str:
    table = connection.ops.quote_name(Worker._meta.db_table)
    columns = [*WORKER_COLUMNS, "created_at", "updated_at"]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608 (quoted identifiers, no input)


def insert_worker_rows(rows: Iterable[Sequence], *, now: dt.datetime | None = None) -> int:
    """Insert rows shaped like :data:`WORKER_COLUMNS`; return how many were new."""
    stamp = now or timezone.now()
    if connection.vendor == "sqlite":
        stamp_value = stamp.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    else:
        stamp_value = stamp
    sql = worker_insert_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, stamp_value, stamp_value) for row in rows])
        return max(cursor.rowcount, 0)
