"""Writing many summary rows at once through the cursor: ``COPY`` on PostgreSQL,
``executemany`` elsewhere. At Pudong scale a rebuild writes some 10**5 rows, and model
instances would cost more than the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples in ``columns``' order) into ``model``'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = "(" + ", ".join(connection.ops.quote_name(c) for c in columns) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} {names} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} {names} "  # noqa: S608 (names from the model)
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                list(rows),
            )
