"""Marking with a WorldSkills scheme through the engine: judgement 0–3 (max × mean ÷ 3),
measurements all or nothing or by their deduction rule (never below zero), the spread
flag at a difference of 2 but not 1 and its re-scoring, results by criterion and
section, medals. Every figure is worked out by hand in the comments."""

from decimal import Decimal
from fractions import Fraction

import pytest

from jingsai.judging.domain import awards, compute, sheets, tallies
from jingsai.judging.models import Criterion, Judging, Mark, Sheet
from jingsai.worldskills.domain import deductions, marking, medals, results
from jingsai.worldskills.models import MeasurementInput

pytestmark = pytest.mark.django_db

# (entry, judge) → inputs; J1 also enters the measurements (one mark each)
INPUTS = {
    ("E1", "J1"): {"A1-J1": "3", "B1-J1": "1", "A1-M1": "1", "A1-M2": "2", "A1-M3": "2"},
    ("E1", "J2"): {"A1-J1": "2", "B1-J1": "1"},
    ("E1", "J3"): {"A1-J1": "2", "B1-J1": "2"},
    ("E2", "J1"): {"A1-J1": "0", "B1-J1": "3", "A1-M1": "0", "A1-M2": "4", "A1-M3": "3"},
    ("E2", "J2"): {"A1-J1": "1", "B1-J1": "3"},
    ("E2", "J3"): {"A1-J1": "1", "B1-J1": "3"},
    ("E3", "J1"): {"A1-J1": "0", "B1-J1": "1", "A1-M1": "1", "A1-M2": "0", "A1-M3": "1"},
    ("E3", "J2"): {"A1-J1": "2", "B1-J1": "2"},
    ("E3", "J3"): {"A1-J1": "2", "B1-J1": "2"},
}


def _mark_all(marked):
    entries = {e.number: e for e in marked["entries"]}
    judges = {j.code: j for j in marked["judges"]}
    for (entry, judge), inputs in INPUTS.items():
        marking.submit(actor=None, judge=judges[judge], entry=entries[entry], inputs=inputs)


def test_deduction_rules_by_hand():
    per_error = deductions.DifferenceRule(Decimal(0), Decimal(1), Decimal("0.25"))
    assert deductions.difference_mark(Decimal("0.75"), per_error, Decimal(2)) == Decimal("0.25")
    assert deductions.difference_mark(Decimal("0.75"), per_error, Decimal(3)) == 0
    # four errors would give 0.75 − 1 = −0.25: never below zero
    assert deductions.difference_mark(Decimal("0.75"), per_error, Decimal(4)) == 0
    # a target of 10 mm, 0.25 per full 0.5 mm of difference: 9.3 mm is 1 full step off
    millimetres = deductions.DifferenceRule(Decimal(10), Decimal("0.5"), Decimal("0.25"))
    assert deductions.difference_mark(Decimal(2), millimetres, Decimal("9.3")) == Decimal("1.75")
    assert deductions.difference_mark(Decimal(2), millimetres, Decimal("11.1")) == Decimal("1.5")
    # 10 % of the maximum per 5 % of difference from a target of 200: 230 is 3 steps
    percent = deductions.DifferenceRule(
        Decimal(200), Decimal(5), Decimal(10), deductions.PERCENT, deductions.PERCENT
    )
    assert deductions.difference_mark(Decimal(4), percent, Decimal(230)) == Decimal("2.8")
    pick = deductions.rule_of(
        "CHOICE",
        deductions.parse_parameters(
            "DEDUCTION_TYPE:::#x~x#UNIT#-#CHOICE2_DEDUCTION:::0.25000000#x~x#"
            "#-#CHOICE2_LABEL:::#x~x#Partly#-#CHOICE1_DEDUCTION:::0E-8#x~x#"
            "#-#CHOICE1_LABEL:::#x~x#Full Marks#-#CHOICE3_LABEL:::#x~x#No Marks"
            "#-#CHOICE3_DEDUCTION:::0.75000000#x~x#"
        ),
    )
    assert [(c.number, c.label, c.deduction) for c in pick.choices] == [
        (1, "Full Marks", 0),
        (2, "Partly", Decimal("0.25")),
        (3, "No Marks", Decimal("0.75")),
    ]
    assert deductions.choice_mark(Decimal("0.5"), pick, 2) == Decimal("0.25")
    assert deductions.choice_mark(Decimal("0.5"), pick, 3) == 0  # 0.5 − 0.75, floored
    with pytest.raises(deductions.RuleProblem, match="no choice 4"):
        deductions.choice_mark(Decimal("0.5"), pick, 4)


def test_the_phone_fields_show_descriptors_and_choices(marked):
    fields = {f.label: f for f in marking.marking_fields(marked["competition"])}
    assert list(fields) == ["A1.J1", "A1.M1", "A1.M2", "A1.M3", "B1.J1"]
    assert fields["A1.J1"].descriptors == [(0, "none"), (1, "some"), (2, "most"), (3, "all")]
    assert fields["A1.M3"].choices == [
        (1, "Full Marks", Decimal("0.5")),
        (2, "Partly", Decimal("0.25")),
        (3, "No Marks", Decimal(0)),
    ]
    assert isinstance(fields["A1.M2"].rule, deductions.DifferenceRule)
    assert fields["A1.M1"].rule is None


def test_scores_and_marks_out_of_their_rule_are_refused(marked):
    judge, entry = marked["judges"][0], marked["entries"][0]
    with pytest.raises(sheets.SheetRefused) as refused:
        marking.save_draft(
            judge=judge,
            entry=entry,
            inputs={"A1-J1": "4", "B1-J1": "1.5", "A1-M1": "0.5", "A1-M2": "x", "A1-M3": "7"},
        )
    assert refused.value.field_errors == {
        "A1-M2": "“x” is not a number.",
        "A1-M3": "There is no choice 7.",
    }
    with pytest.raises(sheets.SheetRefused) as refused:
        marking.save_draft(
            judge=judge, entry=entry, inputs={"A1-J1": "4", "B1-J1": "1.5", "A1-M1": "0.5"}
        )
    assert refused.value.field_errors == {
        "A1-J1": "The score must be a whole number from 0 to 3.",
        "B1-J1": "The score must be a whole number from 0 to 3.",
        "A1-M1": "This is awarded in full or not at all: 0 or 1.",
    }
    assert not Mark.objects.filter(entry=entry).exists()


def test_judgement_and_measurement_marks_by_hand(marked):
    _mark_all(marked)
    competition = marked["competition"]
    rows = {r.entry: r for r in compute.compute(competition)}
    # E1: A1.J1 1.5 × (3+2+2)/3 ÷ 3 = 7/6; A1.M1 1; A1.M2 0.75 − 2 × 0.25 = 0.25;
    #     A1.M3 choice 2: 0.5 − 0.25 = 0.25; B1.J1 2 × (1+1+2)/3 ÷ 3 = 8/9 → 32/9
    assert rows["E1"].exact_total == Fraction(32, 9)
    assert rows["E1"].total == Decimal("3.56")
    # E2: A1.J1 1.5 × 2/3 ÷ 3 = 1/3; A1.M1 0; A1.M2 0.75 − 4 × 0.25 < 0 → 0;
    #     A1.M3 choice 3: 0.5 − 0.75 < 0 → 0; B1.J1 2 × 3 ÷ 3 = 2 → 7/3
    assert rows["E2"].exact_total == Fraction(7, 3)
    assert rows["E2"].total == Decimal("2.33")
    # E3: A1.J1 1.5 × 4/3 ÷ 3 = 2/3 (scores 0, 2, 2: spread 2); 1; 0.75; 0.5;
    #     B1.J1 2 × 5/3 ÷ 3 = 10/9 (scores 1, 2, 2: spread 1) → 145/36
    assert rows["E3"].exact_total == Fraction(145, 36)
    assert rows["E3"].total == Decimal("4.03")
    assert rows["E3"].flags == ["spread:A1-J1"]
    assert rows["E1"].flags == [] and rows["E2"].flags == []
    assert [(r.rank, r.entry) for r in compute.compute(competition)] == [
        (1, "E3"),
        (2, "E1"),
        (3, "E2"),
    ]
    reference = compute.compute(competition, force_reference=True)
    assert [(r.entry, r.exact_total, r.flags) for r in reference] == [
        (r.entry, r.exact_total, r.flags) for r in compute.compute(competition)
    ]
    stored = MeasurementInput.objects.filter(sheet__entry__number="E1")
    assert sorted((i.aspect.code, i.choice, i.measured) for i in stored) == [
        ("A1.M2", None, Decimal(2)),
        ("A1.M3", 2, None),
    ]


def test_the_spread_flag_goes_after_re_scoring(marked):
    _mark_all(marked)
    competition = marked["competition"]
    chief = marked["judges"][2]
    e3 = marked["entries"][2]
    sheet = Sheet.objects.get(judge=marked["judges"][0], entry=e3)
    sheets.return_for_remarking(actor=chief.user, sheet=sheet, reason="scores 0 and 2")
    marking.submit(actor=None, judge=marked["judges"][0], entry=e3, inputs={"A1-J1": "1"})
    row = next(r for r in compute.compute(competition) if r.entry == "E3")
    assert row.flags == []  # scores 1, 2, 2 differ by 1
    # A1.J1 1.5 × 5/3 ÷ 3 = 5/6 → 5/6 + 1 + 0.75 + 0.5 + 10/9 = 151/36
    assert row.exact_total == Fraction(151, 36)
    assert row.total == Decimal("4.19")


def test_results_by_criterion_and_section(marked):
    _mark_all(marked)
    rows = {r.entry: r for r in results.breakdown(marked["competition"])}
    e1 = rows["E1"]
    # criterion A: 7/6 + 1 + 0.25 + 0.25 = 8/3; B: 8/9
    assert e1.criteria_exact == {"A": Fraction(8, 3), "B": Fraction(8, 9)}
    assert e1.criteria == {"A": Decimal("2.67"), "B": Decimal("0.89")}
    # section 1: A1.J1 + A1.M2 = 7/6 + 1/4 = 17/12; section 2: 1 + 1/4 + 8/9 = 77/36
    assert e1.sections_exact == {1: Fraction(17, 12), 2: Fraction(77, 36)}
    assert e1.sections == {1: Decimal("1.42"), 2: Decimal("2.14")}
    assert rows["E3"].criteria == {"A": Decimal("2.92"), "B": Decimal("1.11")}
    assert rows["E3"].sections == {1: Decimal("1.42"), 2: Decimal("2.61")}
    assert rows["E2"].sections == {1: Decimal("0.33"), 2: Decimal(2)}
    for row in rows.values():
        assert sum(row.criteria_exact.values()) == row.exact_total
        assert sum(row.sections_exact.values()) == row.exact_total


def test_medals_by_rank_and_medallions_for_excellence(marked):
    _mark_all(marked)
    competition = marked["competition"]
    medals.set_medals(
        actor=None, competition=competition, gold=1, silver=1, bronze=0, excellence_at=Decimal(2)
    )
    assert Judging.objects.get(pk=competition.pk).awards == (
        "Gold medal:#1,Silver medal:#1,Medallion for Excellence:>=2"
    )
    assert [(r.entry, r.award) for r in compute.compute(competition)] == [
        ("E3", "Gold medal"),
        ("E1", "Silver medal"),
        ("E2", "Medallion for Excellence"),  # 2.33 ≥ 2
    ]
    medals.set_medals(actor=None, competition=competition, excellence_at=Decimal("2.34"))
    assert [r.award for r in results.breakdown(competition)] == [
        "Gold medal",
        "Silver medal",
        "Bronze medal",
    ]
    medals.set_medals(
        actor=None,
        competition=competition,
        gold=1,
        silver=0,
        bronze=0,
        excellence_at=Decimal("2.34"),
    )
    assert [r.award for r in compute.compute(competition)] == [
        "Gold medal",
        "Medallion for Excellence",
        "",
    ]


def test_tied_entries_share_a_medal_and_the_next_rank_skips():
    levels = awards.parse_awards("Gold:#1,Silver:#1,Bronze:#1,MfE:>=70")
    bounds = awards.bounds(levels, 5)
    assert bounds == [1, 2, 3, 3]
    got = [
        awards.award_for(
            rank=rank,
            total=Decimal(total),
            levels=levels,
            level_bounds=bounds,
            min_total=Decimal(0),
        )
        for rank, total in ((1, 90), (1, 90), (3, 80), (4, 71), (5, 69))
    ]
    assert got == ["Gold", "Gold", "Bronze", "MfE", ""]
    # the existing shares still work, and mix with places
    assert awards.bounds(awards.parse_awards("一等奖:10%,二等奖:20%"), 10) == [1, 3]
    with pytest.raises(ValueError, match="not whole"):
        awards.parse_awards("Gold:#x")


def test_scored_marks_fall_back_to_the_reference_when_not_whole():
    quarter = Criterion(max_mark=Decimal("0.25"), scale=3, kind="judgement")
    assert tallies.scaled_exactly([quarter], 3)
    assert tallies.scaled_exactly([quarter], 8)
    assert not tallies.scaled_exactly([quarter], 9)  # 0.25 × k ÷ 27 is not whole in 10⁴·L₀
    assert tallies.scaled_exactly([Criterion(max_mark=Decimal("0.75"), scale=3)], 12)
