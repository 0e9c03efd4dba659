"""Hand-computed cases for every scoring rule (no database)."""

from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from jingsai.judging.domain import aggregation, awards, ranking, totals
from jingsai.judging.domain.results import (
    CriterionSpec,
    EntrySpec,
    Scheme,
    StageSpec,
    compute,
    csv_rows,
)


def test_mean():
    assert aggregation.aggregate([D("8"), D("9"), D("7.5")], "mean") == F(49, 2) / 3


def test_trimmed_with_four_judges_is_the_mean():
    assert aggregation.aggregate([D("6"), D("9"), D("7"), D("8")], "trimmed") == F(15, 2)


def test_trimmed_with_five_judges_drops_one_highest_and_one_lowest():
    # 5, 7, 8, 8, 10 → drop 5 and 10 → (7 + 8 + 8) / 3
    assert aggregation.aggregate([D("10"), D("8"), D("5"), D("8"), D("7")], "trimmed") == F(23, 3)


def test_trimmed_drops_only_one_of_equal_extremes():
    # 9, 9, 9, 6, 6 → drop one 9 and one 6 → (9 + 9 + 6) / 3 = 8
    assert aggregation.aggregate([D(9), D(9), D(9), D(6), D(6)], "trimmed") == 8


def test_median_odd_and_even():
    assert aggregation.aggregate([D("3"), D("9"), D("4")], "median") == 4
    assert aggregation.aggregate([D("3"), D("9"), D("4"), D("8")], "median") == 6


def test_decimals_stay_exact():
    assert aggregation.aggregate([D("130.01"), D("130.02")], "mean") == F(26003, 200)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (F(8005, 1000), D("8.01")),  # .005 rounds up
        (F(8004999, 1000000), D("8.00")),
        (F(2, 3) * 100, D("66.67")),
        (F(12345, 1000), D("12.35")),
        (F(12344999, 1000000), D("12.34")),
        (F(0), D("0.00")),
    ],
)
def test_half_up_rounding(value, rounded):
    assert totals.round_half_up(value) == rounded


def test_total_is_weighted_by_stage_maximum():
    # theory 24/30 × 30 + practical 63/70 × 70 = 24 + 63 = 87
    assert totals.total([(F(24), D(30), D(30)), (F(63), D(70), D(70))]) == 87
    # theory 45/50 × 30 + practical 80/100 × 70 = 27 + 56 = 83
    assert totals.total([(F(45), D(50), D(30)), (F(80), D(100), D(70))]) == 83


def _r(entry, total, time=None, **stages):
    return ranking.Ranked(
        entry, D(total), {k: F(v) for k, v in stages.items()}, D(time) if time else None
    )


def test_standard_competition_ranking():
    ordered = ranking.rank([_r("1", "80"), _r("2", "90"), _r("3", "80"), _r("4", "70")])
    assert [(r.entry, r.rank) for r in ordered] == [("2", 1), ("1", 2), ("3", 2), ("4", 4)]


def test_tie_broken_by_stage_then_time():
    items = [
        _r("1", "80.00", time="300", practical="50"),
        _r("2", "80.00", time="200", practical="50"),
        _r("3", "80.00", time="100", practical="49"),
    ]
    by_stage = ranking.rank(items, tiebreak=["practical"])
    assert [(r.entry, r.rank) for r in by_stage] == [("1", 1), ("2", 1), ("3", 3)]
    both = ranking.rank(items, tiebreak=["practical", "time"])
    assert [(r.entry, r.rank) for r in both] == [("2", 1), ("1", 2), ("3", 3)]
    by_time = ranking.rank(items, tiebreak=["time"])
    assert [(r.entry, r.rank) for r in by_time] == [("3", 1), ("2", 2), ("1", 3)]


def test_tie_breaker_uses_the_exact_stage_score():
    items = [_r("1", "80", practical=F(100, 3)), _r("2", "80", practical="33.33")]
    assert [r.entry for r in ranking.rank(items, tiebreak=["practical"])] == ["1", "2"]


def test_entry_without_time_comes_after_timed_ones():
    ordered = ranking.rank([_r("1", "80"), _r("2", "80", time="500")], tiebreak=["time"])
    assert [(r.entry, r.rank) for r in ordered] == [("2", 1), ("1", 2)]


def test_award_bounds_are_cumulative_and_half_up():
    levels = awards.parse_awards("一等奖:10%,二等奖:20%,三等奖:30%")
    # N = 25: 2.5 → 3, 7.5 → 8, 15
    assert awards.bounds(levels, 25) == [3, 8, 15]
    assert awards.bounds(levels, 7) == [1, 2, 4]  # 0.7 → 1, 2.1 → 2, 4.2 → 4


def test_tied_entries_get_the_same_award():
    levels = awards.parse_awards("一等奖:10%,二等奖:20%")
    bounds = awards.bounds(levels, 10)  # [1, 3]
    assert [
        awards.award_for(rank=r, total=D(90), levels=levels, level_bounds=bounds, min_total=D(0))
        for r in (1, 1, 3, 3, 5)
    ] == ["一等奖", "一等奖", "二等奖", "二等奖", ""]


def test_minimum_total_withholds_awards():
    levels = awards.parse_awards("一等奖:50%")
    assert (
        awards.award_for(rank=1, total=D("59.99"), levels=levels, level_bounds=[1], min_total=D(60))
        == ""
    )


def test_flags():
    spread = aggregation.criterion_result(
        criterion="C1", kind="judgement", method="mean", spread_limit=D(2),
        marks_by_judge={"J1": D(5), "J2": D("7.01")}, assigned_judges=["J1", "J2", "J3"],
    )  # fmt: skip
    assert sorted(str(f) for f in spread.flags) == ["missing:C1", "spread:C1"]
    exact_limit = aggregation.criterion_result(
        criterion="C1", kind="judgement", method="mean", spread_limit=D(2),
        marks_by_judge={"J1": D(5), "J2": D(7)}, assigned_judges=["J1", "J2"],
    )  # fmt: skip
    assert exact_limit.flags == []
    conflicting = aggregation.criterion_result(
        criterion="M1", kind="measurement", method="mean", spread_limit=None,
        marks_by_judge={"J1": D(5), "J2": D(6)}, assigned_judges=["J1", "J2"],
    )  # fmt: skip
    assert [str(f) for f in conflicting.flags] == ["conflicting:M1"]
    missing = aggregation.criterion_result(
        criterion="M1", kind="measurement", method="mean", spread_limit=None,
        marks_by_judge={}, assigned_judges=["J1"],
    )  # fmt: skip
    assert [str(f) for f in missing.flags] == ["missing:M1"]


def test_a_whole_competition_by_hand():
    scheme = Scheme(
        stages=[StageSpec("theory", "理论", D(30)), StageSpec("practical", "实操", D(70))],
        criteria=[
            CriterionSpec("T1", "theory", "理论考试", D(100), kind="measurement"),
            CriterionSpec("P1", "practical", "工艺", D(60), method="trimmed", spread_limit=D(7)),
            CriterionSpec("P2", "practical", "安全", D(40), method="median"),
        ],
        award_levels=awards.parse_awards("一等奖:34%,二等奖:33%"),
        min_total=D(60),
        tiebreak=["practical"],
    )
    entries = [
        EntrySpec("1", "张三", "甲公司"),
        EntrySpec("2", "李四", "乙公司"),
        EntrySpec("3", "王五", "丙公司"),
    ]
    judges = ["J1", "J2", "J3", "J4", "J5"]
    marks = {}
    # entry 1: theory 90; P1 50..58 → trimmed (52+54+56)/3 = 54, spread 8 > 7; P2 median 34
    # practical = 88/100 × 70 = 61.6; theory 90/100 × 30 = 27 → total 88.6
    # entry 2: theory 80; P1 all 57 → 57; P2 all 35 → 35; practical 92 → 64.4; theory 24 → 88.4
    # entry 3: theory 50; P1 all 30; P2 all 20; practical 50 → 35; theory 15 → 50 (below 60)
    for judge, p1, p2 in zip(judges, (50, 52, 54, 56, 58), (30, 32, 34, 36, 38), strict=True):
        marks[("1", judge, "P1")], marks[("1", judge, "P2")] = D(p1), D(p2)
        marks[("2", judge, "P1")], marks[("2", judge, "P2")] = D(57), D(35)
        marks[("3", judge, "P1")], marks[("3", judge, "P2")] = D(30), D(20)
    marks[("1", "J1", "T1")], marks[("2", "J2", "T1")], marks[("3", "J3", "T1")] = (
        D(90),
        D(80),
        D(50),
    )
    rows = compute(scheme, entries, assigned={e.number: judges for e in entries}, marks=marks)
    # bounds: 0.34 × 3 = 1.02 → 1; 0.67 × 3 = 2.01 → 2
    assert csv_rows(rows) == [
        ["1", "1", "张三", "甲公司", "88.60", "一等奖", "spread:P1"],
        ["2", "2", "李四", "乙公司", "88.40", "二等奖", ""],
        ["3", "3", "王五", "丙公司", "50.00", "", ""],
    ]
