"""Tallies: the counted marks summed per entry and criterion (:class:`Tally`), and per
entry and stage (:class:`StageTally`), kept in step with the marks.

Every service that changes which marks count, or their value, calls
:func:`refresh` for the entries it touched, inside its own transaction; a change
to the scheme's criteria calls :func:`refresh_stages` for the whole competition.
The entry rows are locked first, so two judges submitting for the same entry at
once refresh one after the other and both sheets are in the tally.

A stage tally holds the stage score times 10⁴·L₀ with L₀ = lcm(1..12): with at
most 12 judges on an entry, every criterion mark times L₀ is a whole number —
mean ``S·L₀/n``, trimmed ``(S−max−min)·L₀/(n−2)``, median ``v·L₀`` or
``(v₁+v₂)·L₀/2``, a measurement ``v·L₀`` — so the sums are exact integers. A
scored criterion (``Criterion.scale``) adds its aggregate × max ÷ scale, whole
whenever :func:`scaled_exactly` holds (else results are computed by the reference).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, models

from jingsai.competitions.models import Entry
from jingsai.judging.domain import aggregation
from jingsai.judging.models import MARK_SCALE, Criterion, Mark, StageTally, Tally

MOST_JUDGES = 12  # per entry, for the integer stage tallies (more: the reference computes)
L0 = math.lcm(*range(1, MOST_JUDGES + 1))  # 27,720


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
        refresh_stages(competition_id)
        return
    ids = sorted(set(entry_ids))
    if not ids:
        return
    for start in range(0, len(ids), 5000):  # statements carry at most so many parameters
        chunk = ids[start : start + 5000]
        list(
            Entry.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk")
        )
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
    refresh_stages(competition_id, ids)


def scaled_exactly(criteria: Iterable[Criterion], most_judges: int) -> bool:
    """Whether every scored criterion's mark times 10⁴·L₀ is a whole number for any
    number of judges up to ``most_judges`` (scores are whole: the mark is
    ``k · max ÷ (n · scale)`` for whole k). When not, results use the reference."""
    for c in criteria:
        if c.scale:
            top = L0 * int(c.max_mark * MARK_SCALE)
            if any(top % (n * c.scale) for n in range(1, max(most_judges, 2) + 1)):
                return False
    return True


def criterion_mark_sql(c: Criterion, lcm: int) -> str:
    """The criterion's mark times ``lcm``, from a tally row ``g`` (exact integers)."""
    if c.scale:
        return _scored_mark_sql(c, lcm)
    if c.kind == aggregation.MEASUREMENT:
        return f"CASE WHEN g.lowest = g.highest THEN g.lowest * {lcm} ELSE 0 END"
    if c.aggregation == aggregation.MEDIAN:
        return "0"  # added from the single marks, in Python
    if c.aggregation == aggregation.TRIMMED:
        return (
            f"CASE WHEN g.count >= {aggregation.TRIM_FROM} "
            f"THEN (g.total - g.highest - g.lowest) * {lcm} / (g.count - 2) "
            f"ELSE g.total * {lcm} / g.count END"
        )
    return f"g.total * {lcm} / g.count"


def _scored_mark_sql(c: Criterion, lcm: int) -> str:
    """A scored criterion (judges give 0..scale): max × aggregated score ÷ scale, times
    ``lcm`` in ten-thousandths; whole when :func:`scaled_exactly` holds."""
    times = lcm * int(c.max_mark * MARK_SCALE)
    per = int(c.scale) * MARK_SCALE
    if c.kind == aggregation.MEASUREMENT:
        return f"CASE WHEN g.lowest = g.highest THEN g.lowest * {times} / {per} ELSE 0 END"
    if c.aggregation == aggregation.MEDIAN:
        return "0"  # added from the single marks, in Python
    if c.aggregation == aggregation.TRIMMED:
        return (
            f"CASE WHEN g.count >= {aggregation.TRIM_FROM} "
            f"THEN (g.total - g.highest - g.lowest) * {times} / ((g.count - 2) * {per}) "
            f"ELSE g.total * {times} / (g.count * {per}) END"
        )
    return f"g.total * {times} / (g.count * {per})"


def criterion_flag_sql(c: Criterion) -> str:
    if c.kind == aggregation.MEASUREMENT:
        return "CASE WHEN g.lowest <> g.highest THEN 1 ELSE 0 END"
    if c.spread_limit is None:
        return "0"
    return f"CASE WHEN g.highest - g.lowest > {int(c.spread_limit * MARK_SCALE)} THEN 1 ELSE 0 END"


def refresh_stages(competition_id: int, entry_ids: list[int] | None = None) -> None:
    """Recompute the stage tallies of ``entry_ids`` (all when None) from their tallies."""
    criteria = list(Criterion.objects.filter(competition_id=competition_id))
    stage_tally, tally = StageTally._meta.db_table, Tally._meta.db_table
    chunks = (
        [None]
        if entry_ids is None
        else [entry_ids[start : start + 500] for start in range(0, len(entry_ids), 500)]
    )
    for chunk in chunks:
        where, params = "competition_id = %s", [competition_id]
        where_g = "g.competition_id = %s"
        if chunk is not None:
            placeholders = ", ".join(["%s"] * len(chunk))
            where += f" AND entry_id IN ({placeholders})"
            where_g += f" AND g.entry_id IN ({placeholders})"
            params += chunk
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {stage_tally} WHERE {where}", params)  # noqa: S608
            if not criteria:
                continue
            marks = " ".join(f"WHEN {int(c.pk)} THEN {criterion_mark_sql(c, L0)}" for c in criteria)
            flags = " ".join(f"WHEN {int(c.pk)} THEN {criterion_flag_sql(c)}" for c in criteria)
            stages = " ".join(f"WHEN {int(c.pk)} THEN {int(c.stage_id)}" for c in criteria)
            judgement = (
                ", ".join(str(int(c.pk)) for c in criteria if c.kind == aggregation.JUDGEMENT)
                or "0"
            )
            cursor.execute(
                f"INSERT INTO {stage_tally} "  # noqa: S608
                "(competition_id, entry_id, stage_id, score, marked, fewest, flagged) "
                f"SELECT competition_id, entry_id, stage_id, CAST(SUM(mark) AS BIGINT), "
                "COUNT(*), MIN(judged), SUM(flag) FROM ("
                "  SELECT g.competition_id, g.entry_id,"
                f"  CASE g.criterion_id {stages} END AS stage_id,"
                f"  CASE g.criterion_id {marks} ELSE 0 END AS mark,"
                f"  CASE WHEN g.criterion_id IN ({judgement}) THEN g.count END AS judged,"
                f"  CASE g.criterion_id {flags} ELSE 0 END AS flag"
                f"  FROM {tally} g WHERE {where_g}"
                ") per_criterion GROUP BY competition_id, entry_id, stage_id",
                params,
            )
        _add_medians(competition_id, criteria, chunk)


def _add_medians(competition_id: int, criteria: list[Criterion], entry_ids) -> None:
    medians = {
        c.pk: c.stage_id
        for c in criteria
        if c.aggregation == aggregation.MEDIAN and c.kind == aggregation.JUDGEMENT
    }
    scaled = {
        c.pk: (int(c.max_mark * MARK_SCALE), int(c.scale) * MARK_SCALE)
        for c in criteria
        if c.pk in medians and c.scale
    }
    if not medians:
        return
    marks = Mark.objects.filter(
        competition_id=competition_id, counts=True, criterion_id__in=medians
    )
    if entry_ids is not None:
        marks = marks.filter(entry_id__in=entry_ids)
    values: dict[tuple[int, int], list[int]] = defaultdict(list)
    for entry_id, criterion_id, units in marks.order_by(
        "entry_id", "criterion_id", "units"
    ).values_list("entry_id", "criterion_id", "units"):
        values[(entry_id, criterion_id)].append(units)
    added: dict[tuple[int, int], int] = defaultdict(int)
    for (entry_id, criterion_id), units in values.items():
        middle = len(units) // 2
        if len(units) % 2:
            extra = units[middle] * L0
        else:
            extra = (units[middle - 1] + units[middle]) * L0 // 2
        if criterion_id in scaled:
            top, per = scaled[criterion_id]
            extra = extra * top // per
        added[(entry_id, medians[criterion_id])] += extra
    for (entry_id, stage_id), extra in added.items():
        StageTally.objects.filter(
            competition_id=competition_id, entry_id=entry_id, stage_id=stage_id
        ).update(score=models.F("score") + extra)
