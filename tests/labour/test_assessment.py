"""Labour-competition assessment rules, by hand."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from jingsai.labour.domain.assessment import (
    AS_ZERO,
    LEAVE_OUT,
    MUTUAL,
    SELF,
    SPOT,
    BonusItem,
    Check,
    Indicator,
    PeriodInput,
    Scheme,
    base_score,
    bonus_points,
    period,
    standings,
)

SAFETY = Indicator("safety", D(100), D(60))
QUALITY = Indicator("quality", D(50), D(40))


def scheme(**changes):
    values = {
        "indicators": [SAFETY, QUALITY],
        "kind_weights": {SELF: D(20), MUTUAL: D(30), SPOT: D(50)},
        "bonus_items": [BonusItem("award", D(3)), BonusItem("innovation", D(2))],
        "bonus_cap": D(4),
        "flags_per_block": 1,
    }
    return Scheme(**(values | changes))


def checks(self_=(90, 40), mutual=(80, 45), spot=((70, 35), (80, 45))):
    out = [Check(SELF, {"safety": D(self_[0]), "quality": D(self_[1])})]
    out.append(Check(MUTUAL, {"safety": D(mutual[0]), "quality": D(mutual[1])}))
    out += [Check(SPOT, {"safety": D(s), "quality": D(q)}) for s, q in spot]
    return out


def test_the_scheme_checks_its_weights():
    assert scheme().problems() == []
    bad = scheme(kind_weights={SELF: D(20), SPOT: D(50)})
    assert "the check-kind weights do not sum to 100" in bad.problems()


def test_base_score_by_hand():
    # self: 90/100×60 + 40/50×40 = 54 + 32 = 86
    # mutual: 80/100×60 + 45/50×40 = 48 + 36 = 84
    # spot (two assessors): safety mean 75 → 45; quality mean 40 → 32; = 77
    # base = 86×0.2 + 84×0.3 + 77×0.5 = 17.2 + 25.2 + 38.5 = 80.9
    assert base_score(scheme(), checks()) == Fraction("80.9")


def test_an_absent_kind_is_left_out_or_counted_as_zero():
    only_spot = [c for c in checks() if c.kind == SPOT]
    assert base_score(scheme(), only_spot) == 77  # spot alone, scaled to 100
    assert base_score(scheme(absent_kind=AS_ZERO), only_spot) == Fraction("38.5")


def test_bonuses_are_capped_per_item_and_in_all():
    assert bonus_points(scheme(), {"award": D(5)}) == 3
    assert bonus_points(scheme(), {"award": D(3), "innovation": D(2)}) == 4
    with pytest.raises(ValueError, match="unknown bonus"):
        bonus_points(scheme(), {"lottery": D(1)})


def test_a_period_with_veto_bonus_ties_and_flags_at_the_boundary():
    inputs = [
        PeriodInput("P1", "前滩", checks(), {"award": D(1)}),  # 80.9 + 1 = 81.9
        PeriodInput("P2", "前滩", checks(), {"innovation": D("1.0")}),  # 81.9: tied with P1
        PeriodInput("P3", "前滩", checks(), {}),  # 80.9
        PeriodInput(
            "P4", "张江", checks(), {"award": D(3), "innovation": D(2)}, veto="重大安全事故"
        ),
        PeriodInput("P5", "张江", checks(spot=((60, 30),)), {}),
    ]
    results = {r.participant: r for r in period(scheme(), inputs)}
    assert results["P1"].score == D("81.90") == results["P2"].score
    assert (results["P1"].rank, results["P2"].rank, results["P3"].rank) == (1, 1, 3)
    # both tied at the boundary of one flag per block take it
    assert results["P1"].flag and results["P2"].flag and not results["P3"].flag
    # P4 is vetoed: zero, and no flag even though P5 is the only other one in 张江
    assert results["P4"].score == D("0.00") and results["P4"].vetoed
    assert not results["P4"].flag
    # P5: spot 60/100×60 + 30/50×40 = 36 + 24 = 60 → 86×.2 + 84×.3 + 60×.5 = 72.4
    assert results["P5"].score == D("72.40")
    assert results["P5"].block_rank == 1 and results["P5"].flag
    assert results["P4"].block_rank == 2


def test_half_up_rounding_of_the_period_score():
    third = Indicator("safety", D(3), D(100))
    one_kind = scheme(indicators=[third], kind_weights={SPOT: D(100)}, bonus_cap=None)
    [result] = period(one_kind, [PeriodInput("P", "b", [Check(SPOT, {"safety": D(1)})])])
    assert result.exact == Fraction(100, 3)
    assert result.score == D("33.33")
    [result] = period(one_kind, [PeriodInput("P", "b", [Check(SPOT, {"safety": D("0.0001")})])])
    # 0.0001/3×100 = 0.00333… → 0.00
    assert result.score == D("0.00")


def test_cumulative_standings_with_a_missing_period_both_ways_and_movement():
    history = {
        "A": {"m1": D(80), "m2": D(90)},
        "B": {"m1": D(85)},  # missed m2
        "C": {"m1": D(70), "m2": D(95)},
    }
    blocks = {"A": "前滩", "B": "前滩", "C": "金桥"}
    as_zero = {s.participant: s for s in standings(scheme(), history, ["m1", "m2"], blocks)}
    # A 85, B 42.5, C 82.5
    assert (as_zero["A"].score, as_zero["B"].score, as_zero["C"].score) == (
        D("85.00"),
        D("42.50"),
        D("82.50"),
    )
    assert (as_zero["A"].rank, as_zero["C"].rank, as_zero["B"].rank) == (1, 2, 3)
    # after m1 the order was B 85, A 80, C 70: A gained 1, C gained 1, B lost 2
    assert (as_zero["A"].movement, as_zero["C"].movement, as_zero["B"].movement) == (1, 1, -2)
    left_out = {
        s.participant: s
        for s in standings(scheme(missing_period=LEAVE_OUT), history, ["m1", "m2"], blocks)
    }
    assert left_out["B"].score == D("85.00") and left_out["B"].periods == 1
    assert left_out["A"].rank == 1 and left_out["B"].rank == 1  # tied at 85
    assert left_out["C"].rank == 3


def test_weighted_cumulative_standings():
    history = {"A": {"q1": D(80), "q2": D(90)}}
    weighted = scheme(period_weights={"q1": D(1), "q2": D(3)})
    [a] = standings(weighted, history, ["q1", "q2"], {"A": "b"})
    assert a.score == D("87.50")  # (80 + 270) / 4
