"""Tallies: the counted marks summed per entry and criterion, kept in step with the marks.

Every service that changes which marks count, or their value, calls
:func:`refresh` for the entries it touched, inside its own transaction. The
entry rows are locked first, so two judges submitting for the same entry at
once refresh one after the other and both sheets are in the tally.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from jingsai.competitions.models import Entry
from jingsai.judging.models import Mark, Tally


def refresh(competition_id: int, entry_ids: Iterable[int] | None = None) -> None:
    """Recompute the tallies of ``entry_ids`` (every entry of the competition when None)."""
    tally, mark = Tally._meta.db_table, Mark._meta.db_table
    columns = "competition_id, entry_id, criterion_id, total, lowest, highest, count"
    select = (
        f"SELECT competition_id, entry_id, criterion_id, SUM(units), MIN(units), MAX(units), "  # noqa: S608
        f"COUNT(*) FROM {mark} WHERE competition_id = %s AND counts"
    )
    if entry_ids is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {tally} WHERE competition_id = %s", [competition_id])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {tally} ({columns}) {select} "
                "GROUP BY competition_id, entry_id, criterion_id",
                [competition_id],
            )
        return
    ids = sorted(set(entry_ids))
    if not ids:
        return
    list(Entry.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {tally} WHERE competition_id = %s AND entry_id IN ({marks})",  # noqa: S608
                [competition_id, *chunk],
            )
            cursor.execute(
                f"INSERT INTO {tally} ({columns}) {select} AND entry_id IN ({marks}) "
                "GROUP BY competition_id, entry_id, criterion_id",
                [competition_id, *chunk],
            )
