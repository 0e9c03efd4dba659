"""Bulk insertion of worker rows, for demo data and large roster loads.

On SQLite rows go in through the connection's ``executemany`` with one
prepared INSERT per chunk; on PostgreSQL through ``COPY`` into a temporary
staging table and one ``INSERT … SELECT``. Each chunk is one transaction: at a
million rows this runs at the speed of the database driver rather than of
model instances. Rows whose
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
    "zone_id",
    "industry_id",
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
    if connection.vendor == "postgresql":
        return _copy_worker_rows(rows, stamp)
    sql = worker_insert_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, stamp_value, stamp_value) for row in rows])
        return max(cursor.rowcount, 0)


def _copy_worker_rows(rows: Iterable[Sequence], stamp: dt.datetime) -> int:
    quote = connection.ops.quote_name
    table = quote(Worker._meta.db_table)
    names = ", ".join(quote(c) for c in (*WORKER_COLUMNS, "created_at", "updated_at"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE worker_staging ON COMMIT DROP AS "  # noqa: S608 (quoted identifiers)
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY worker_staging ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, stamp, stamp))
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM worker_staging "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        inserted = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE worker_staging")
        return inserted
