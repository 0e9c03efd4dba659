"""The category's standings: aggregation as in judging, exact sums, half-up rounding,
spread and missing flags, and the conflict rule deciding who is expected to mark."""

from decimal import Decimal
from fractions import Fraction

import pytest

from jingsai.honours.domain.scoring import standings
from jingsai.honours.models import (
    Nomination,
    ReviewCriterion,
    ReviewerConflict,
    RoundCategory,
)
from jingsai.people.models import Role, RoleGrant
from tests.factories import OrganisationFactory, WorkerFactory
from tests.honours_review.conftest import put_sheet, set_round

pytestmark = pytest.mark.django_db

# the default criteria of a people category, in order
C1, C2, C3 = "事迹与贡献", "技能与创新水平", "示范带动作用"


def only(category):
    (standing,) = standings(category)
    return standing


def test_three_reviewers_trimmed_is_the_mean(category, criteria, nominate, make_reviewer):
    nomination = nominate()
    a, b, c = make_reviewer("甲"), make_reviewer("乙"), make_reviewer("丙")
    put_sheet(a, nomination, [30, 20, 21])
    put_sheet(b, nomination, [35, 25, 22])
    put_sheet(c, nomination, [31, 27, "24.5"])
    standing = only(category)
    assert category.round.aggregation == "trimmed"
    assert standing.nomination_id == nomination.pk
    # 96/3 = 32; 72/3 = 24; 67.5/3 = 22.5
    assert standing.criteria == {
        criteria[0].pk: Fraction(32),
        criteria[1].pk: Fraction(24),
        criteria[2].pk: Fraction(45, 2),
    }
    assert standing.exact == Fraction(157, 2)
    assert standing.total == Decimal("78.50")
    assert standing.complete is True
    assert standing.flags == []


def test_exact_sum_of_thirds_is_rounded_only_at_the_end(category, nominate, make_reviewer):
    nomination = nominate()
    a, b, c = make_reviewer(), make_reviewer(), make_reviewer()
    put_sheet(a, nomination, [30, 20, 20])
    put_sheet(b, nomination, [31, 20, 20])
    put_sheet(c, nomination, [31, "20.5", 20])
    standing = only(category)
    # 92/3 + 60.5/3 + 20 = 184/6 + 121/6 + 120/6 = 425/6 = 70.8333…
    assert standing.exact == Fraction(425, 6)
    assert standing.total == Decimal("70.83")


FIVE = [[10, 20, 10], [20, 20, 12], [30, 20, 14], [35, 20, 16], [40, 20, 30]]


@pytest.mark.parametrize(
    ("method", "count", "first", "third", "total"),
    [
        # drop 10 and 40: (20+30+35)/3 = 85/3; drop 10 and 30: (12+14+16)/3 = 14
        ("trimmed", 5, Fraction(85, 3), Fraction(14), Decimal("62.33")),
        # fewer than five: nothing dropped: 95/4 = 23.75; 52/4 = 13
        ("trimmed", 4, Fraction(95, 4), Fraction(13), Decimal("56.75")),
        # 135/5 = 27; 82/5 = 16.4
        ("mean", 5, Fraction(27), Fraction(82, 5), Decimal("63.40")),
        ("median", 5, Fraction(30), Fraction(14), Decimal("64.00")),
        # even: the mean of the two middle marks: (20+30)/2, (12+14)/2
        ("median", 4, Fraction(25), Fraction(13), Decimal("58.00")),
    ],
)
def test_aggregation_rules(
    category, criteria, nominate, make_reviewer, method, count, first, third, total
):
    set_round(category.round, aggregation=method)
    category = RoundCategory.objects.get(pk=category.pk)
    nomination = nominate()
    for marks in FIVE[:count]:
        put_sheet(make_reviewer(), nomination, marks)
    standing = only(category)
    assert standing.criteria[criteria[0].pk] == first
    assert standing.criteria[criteria[1].pk] == Fraction(20)
    assert standing.criteria[criteria[2].pk] == third
    assert standing.total == total
    assert standing.complete


def test_rounding_is_half_up_at_the_third_place(category, nominate, make_reviewer):
    set_round(category.round, aggregation="mean")
    category = RoundCategory.objects.get(pk=category.pk)
    assert category.round.aggregation == "mean"
    nomination = nominate()
    put_sheet(make_reviewer(), nomination, ["10.00", 0, 0])
    put_sheet(make_reviewer(), nomination, ["10.01", 0, 0])
    standing = only(category)
    assert standing.exact == Fraction(2001, 200)  # 10.005 exactly
    assert standing.total == Decimal("10.01")  # half-even would give 10.00


def test_spread_flag_above_the_limit_only(category, nominate, make_reviewer):
    nomination = nominate()
    put_sheet(make_reviewer(), nomination, [10, 5, 10])
    put_sheet(make_reviewer(), nomination, [25, "20.01", 10])
    standing = only(category)
    # 25 − 10 = 15 is the limit itself: no flag; 20.01 − 5 = 15.01 is above it
    assert standing.flags == [f"spread:{C2}"]
    assert standing.complete
    assert standing.total == Decimal("40.01")  # 17.5 + 12.505 + 10 = 40.005 → 40.01


def test_spread_limit_blank_means_no_flag(category, criteria, nominate, make_reviewer):
    ReviewCriterion.objects.filter(pk=criteria[0].pk).update(spread_limit=None)
    nomination = nominate()
    put_sheet(make_reviewer(), nomination, [0, 10, 10])
    put_sheet(make_reviewer(), nomination, [40, 10, 10])
    assert only(category).flags == []


def test_missing_sheets_and_drafts_are_flagged(category, criteria, nominate, make_reviewer):
    nomination = nominate()
    a, b, c = make_reviewer("甲"), make_reviewer("乙"), make_reviewer("丙")
    put_sheet(a, nomination, [30, 20, 20])
    put_sheet(b, nomination, [40, 30, 30], submitted=False)  # a draft does not count
    standing = only(category)
    assert standing.complete is False
    assert standing.total is None and standing.exact is None
    assert standing.criteria == {
        criteria[0].pk: Fraction(30),
        criteria[1].pk: Fraction(20),
        criteria[2].pk: Fraction(20),
    }
    assert sorted(standing.flags) == sorted(
        f"missing:{name}:{who}" for name in (C1, C2, C3) for who in ("乙", "丙")
    )
    assert standing.expected == [a.pk, b.pk, c.pk]
    assert standing.submitted == [a.pk]


def test_a_criterion_left_out_of_a_submitted_sheet_is_missing(category, nominate, make_reviewer):
    nomination = nominate()
    put_sheet(make_reviewer("甲"), nomination, [30, 20, None])
    standing = only(category)
    assert standing.flags == [f"missing:{C3}:甲"]
    assert not standing.complete and standing.total is None


def test_no_marks_at_all(category, criteria, nominate, make_reviewer):
    nominate()
    make_reviewer("甲")
    standing = only(category)
    assert standing.criteria == {c.pk: None for c in criteria}
    assert len(standing.flags) == 3 and not standing.complete


def test_conflicted_reviewers_are_not_expected_and_do_not_count(
    category, nominate, make_reviewer, world
):
    employer = OrganisationFactory(name="上海丙机械有限公司")
    union = world["union"]
    nomination = nominate(WorkerFactory(employer=employer), nominator=union)
    seat = make_reviewer("同单位", organisation=employer)  # the nominee's employer
    grant = make_reviewer("总工会", role_at=union)  # a role at the nominating organisation
    declared = make_reviewer("申报回避")
    ReviewerConflict.objects.create(reviewer=declared, organisation=employer, reason="亲属")
    ok1, ok2 = make_reviewer("甲"), make_reviewer("乙")
    for conflicted in (seat, grant, declared):
        put_sheet(conflicted, nomination, [0, 0, 0])  # slipped in: never counts
    put_sheet(ok1, nomination, [30, 20, 20])
    put_sheet(ok2, nomination, [32, 22, 22])
    standing = only(category)
    assert standing.expected == [ok1.pk, ok2.pk]
    assert standing.flags == []
    assert standing.complete
    assert standing.total == Decimal("73.00")  # 31 + 21 + 21


def test_a_role_anywhere_at_the_nominees_employer_is_a_conflict(category, nominate, make_reviewer):
    employer = OrganisationFactory()
    nomination = nominate(WorkerFactory(employer=employer))
    reviewer = make_reviewer("甲")
    RoleGrant.objects.create(user=reviewer.user, role=Role.WORKER, organisation=employer)
    standing = only(category)
    assert standing.expected == []
    assert standing.flags == ["no_reviewer"]
    assert standing.complete is False and standing.total is None
    assert nomination.pk == standing.nomination_id


def test_no_reviewer_at_all(category, nominate):
    nominate()
    standing = only(category)
    assert standing.flags == ["no_reviewer"] and not standing.complete


def test_only_live_eligible_nominations_are_scored(category, nominate):
    live = nominate()
    honoured = nominate(status=Nomination.Status.HONOURED)
    nominate(eligible=False)
    nominate(status=Nomination.Status.WITHDRAWN)
    nominate(status=Nomination.Status.REMOVED)
    assert [s.nomination_id for s in standings(category)] == [live.pk, honoured.pk]


def test_other_categories_marks_stay_out(category, round_, nominate, make_reviewer):
    other = RoundCategory.objects.filter(round=round_, category__kind="people").exclude(
        pk=category.pk
    )[0]
    worker = WorkerFactory()
    mine = nominate(worker)
    theirs = nominate(worker, round_category=other)
    put_sheet(make_reviewer("甲"), mine, [30, 20, 20])
    put_sheet(make_reviewer("乙", round_category=other), theirs, [1, 1, 1])
    (standing,) = standings(category)
    assert standing.total == Decimal("70.00")
    assert [s.total for s in standings(other)] == [Decimal("3.00")]


def test_standings_take_a_fixed_number_of_queries(
    category, nominate, make_reviewer, django_assert_max_num_queries
):
    reviewers = [make_reviewer(organisation=OrganisationFactory()) for _ in range(4)]
    ReviewerConflict.objects.create(reviewer=reviewers[0], organisation=OrganisationFactory())
    nominations = [nominate() for _ in range(12)]
    for nomination in nominations:
        for reviewer in reviewers:
            put_sheet(reviewer, nomination, [30, 20, 20])
    fresh = RoundCategory.objects.get(pk=category.pk)
    with django_assert_max_num_queries(7):
        result = standings(fresh)
    assert len(result) == 12 and all(s.total == Decimal("70.00") for s in result)
    nominations[0].delete()
    fresh = RoundCategory.objects.get(pk=category.pk)
    with django_assert_max_num_queries(7):
        assert len(standings(fresh)) == 11
