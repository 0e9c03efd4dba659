"""Each eligibility rule passes and fails with the right reason."""

import pytest

from jingsai.competitions.models import Competition, CompetitionLevel
from jingsai.honours.domain import eligibility
from jingsai.honours.models import Nomination, Round
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation
from tests.factories import OrganisationFactory, WorkerFactory
from tests.honours.conftest import ZONE_LEVELS

pytestmark = pytest.mark.django_db
S = CompetitionLevel.Scope


def by_rule(found):
    return {c.rule: c for c in found.checks}


# --- people: skill level -------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "eligible", "reason"),
    [
        (1, True, "Skill level technician (level 2) or above: yes (senior technician (level 1))"),
        (2, True, "Skill level technician (level 2) or above: yes (technician (level 2))"),
        (3, False, "Skill level technician (level 2) or above: no (senior worker (level 3))"),
        (None, False, "Skill level technician (level 2) or above: no (no skill level recorded)"),
    ],
)
def test_craftsman_skill_level_boundary(world, rc, level, eligible, reason):
    worker = WorkerFactory(employer=world["ours"], skill_level=level)
    found = eligibility.check(rc("pudong-craftsman"), worker)
    checks = by_rule(found)
    assert checks["people.skill_level"].reason == reason
    assert checks["people.skill_level"].passed is eligible
    assert checks["people.skill_level"].alternative is True
    # no result and no rank: the skill level decides
    assert found.eligible is eligible
    assert checks["people.qualifies"].passed is eligible
    if not eligible:
        assert reason in found.refusals
        assert "Qualifies by at least one of the ways: no" in found.refusals


# --- people: top rank in a district-level competition ------------------------------------


@pytest.fixture
def junior(world):
    """A level-5 worker: only a rank can qualify him as a craftsman."""
    return WorkerFactory(employer=world["ours"], skill_level=5)


def test_top_three_district_result_within_three_years_qualifies(junior, rc, result_for):
    result_for(junior, rank=3, year=2024, title="电工技能竞赛")
    found = eligibility.check(rc("pudong-craftsman"), junior)
    check = by_rule(found)["people.top_rank"]
    assert found.eligible and check.passed
    assert check.reason == (
        "Rank 3 or better in a published competition at the district final level, "
        "2024–2026: yes (best rank 3, 电工技能竞赛, 2024)"
    )


def test_a_result_four_years_ago_does_not_count(junior, rc, result_for):
    result_for(junior, rank=1, year=2023)
    found = eligibility.check(rc("pudong-craftsman"), junior)
    check = by_rule(found)["people.top_rank"]
    assert not found.eligible and not check.passed
    assert check.reason.endswith("2024–2026: no (no published result at that level in those years)")


def test_rank_four_is_not_enough(junior, rc, result_for):
    result_for(junior, rank=4, year=2025, title="钳工技能竞赛")
    result_for(junior, rank=9, year=2026, title="焊工技能竞赛")
    found = eligibility.check(rc("pudong-craftsman"), junior)
    check = by_rule(found)["people.top_rank"]
    assert not found.eligible
    assert check.reason.endswith(": no (best rank 4, 钳工技能竞赛, 2025)")


def test_a_zone_level_competition_does_not_count(junior, rc, result_for):
    result_for(junior, rank=1, year=2025, levels=ZONE_LEVELS)
    found = eligibility.check(rc("pudong-craftsman"), junior)
    assert not found.eligible
    assert "no published result at that level" in by_rule(found)["people.top_rank"].reason


def test_the_level_the_entry_reached_decides_over_the_competitions_last(junior, rc, result_for):
    # a district competition, but the entry only reached the zone round
    result_for(junior, rank=2, year=2025, entry_scope=S.ZONE)
    assert not eligibility.check(rc("pudong-craftsman"), junior).eligible
    # an entry recorded at the district final counts
    result_for(junior, rank=2, year=2025, entry_scope=S.DISTRICT, title="电工技能竞赛")
    assert eligibility.check(rc("pudong-craftsman"), junior).eligible


@pytest.mark.parametrize(
    "status",
    [Competition.Status.JUDGING, Competition.Status.PUBLIC_NOTICE, Competition.Status.CLOSED],
)
def test_an_unpublished_result_does_not_count(junior, rc, result_for, status):
    result_for(junior, rank=1, year=2025, status=status)
    found = eligibility.check(rc("pudong-craftsman"), junior)
    assert not found.eligible


def test_an_archived_result_counts_and_an_inactive_membership_does_not(junior, rc, result_for):
    result_for(junior, rank=1, year=2025, active=False)
    assert not eligibility.check(rc("pudong-craftsman"), junior).eligible
    result_for(junior, rank=2, year=2025, status=Competition.Status.ARCHIVED, title="电工")
    assert eligibility.check(rc("pudong-craftsman"), junior).eligible


def test_rank_rules_follow_the_category_settings(junior, rc, result_for):
    result_for(junior, rank=5, year=2022, levels=ZONE_LEVELS)
    craftsman = rc("pudong-craftsman")
    craftsman.top_rank, craftsman.rank_years, craftsman.rank_scope = 5, 5, S.ZONE
    check = by_rule(eligibility.check(craftsman, junior))["people.top_rank"]
    assert check.passed
    assert check.reason.startswith(
        "Rank 5 or better in a published competition at the zone round level, 2022–2026: yes"
    )


# --- people: innovation -----------------------------------------------------------------


def test_an_author_of_a_verified_result_qualifies_as_a_worker_inventor(
    world, rc, innovation, junior
):
    inventor = rc("worker-inventor")
    innovation(world["ours"], authors=[junior], status=InnovationResult.Status.ADOPTED)
    found = eligibility.check(inventor, junior)
    assert not found.eligible
    assert (
        by_rule(found)["people.innovation"].reason
        == "Author of an innovation result with verified benefit: no"
    )
    innovation(world["ours"], authors=[junior], title="高效焊接操作法")
    found = eligibility.check(inventor, junior)
    assert found.eligible
    assert (
        by_rule(found)["people.innovation"].reason
        == "Author of an innovation result with verified benefit: yes (高效焊接操作法)"
    )
    assert "people.skill_level" not in by_rule(found)  # not a way for this category


def test_no_way_enabled_lets_anyone_qualify(world, rc, junior):
    craftsman = rc("pudong-craftsman")
    craftsman.max_skill_level = craftsman.top_rank = None
    found = eligibility.check(craftsman, junior)
    assert found.eligible
    assert by_rule(found)["people.qualifies"].reason == (
        "This category sets no qualification: any worker may be nominated."
    )


# --- people: one people category per person ---------------------------------------------


def test_no_one_in_two_people_categories(world, rc, junior, innovation):
    innovation(world["ours"], authors=[junior])
    junior.skill_level = 2
    junior.save()
    craftsman, talent = rc("pudong-craftsman"), rc("innovation-talent")
    nomination = Nomination.objects.create(
        round_category=craftsman, worker=junior, nominator=world["ours"], narrative="x"
    )
    found = eligibility.check(talent, junior)
    assert not found.eligible
    assert by_rule(found)["people.exclusive"].reason == (
        "Not nominated in another people category of 2026: no (already nominated in "
        "Pudong craftsmen; one people category per person)"
    )
    # the nomination itself is not held against it
    assert eligibility.check(craftsman, junior).eligible
    assert eligibility.check(talent, junior, exclude_nomination=nomination).eligible
    # a withdrawn nomination does not count
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.WITHDRAWN)
    assert eligibility.check(talent, junior).eligible
    # nor does any when the round allows several categories
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.SUBMITTED)
    Round.objects.filter(pk=talent.round_id).update(exclusive_people=False)
    talent.round.refresh_from_db()
    found = eligibility.check(talent, junior)
    assert found.eligible and "people.exclusive" not in by_rule(found)


# --- results ----------------------------------------------------------------------------


def test_a_result_of_another_kind_is_refused(world, rc, innovation):
    method = innovation(world["ours"], kind=InnovationResult.Kind.METHOD)
    found = eligibility.check(rc("innovation-achievement"), method)
    assert not found.eligible
    assert found.refusals == [
        "Kind innovation achievement (职工创新成果): no (advanced operation method (先进操作法))"
    ]
    assert eligibility.check(rc("operation-method"), method).eligible


@pytest.mark.parametrize(
    ("status", "eligible"),
    [
        (InnovationResult.Status.SUBMITTED, False),
        (InnovationResult.Status.ADOPTED, False),
        (InnovationResult.Status.VERIFIED, True),
        (InnovationResult.Status.RECOGNISED, True),
    ],
)
def test_a_result_needs_verified_benefit(world, rc, innovation, status, eligible):
    result = innovation(world["ours"], status=status)
    found = eligibility.check(rc("innovation-achievement"), result)
    check = by_rule(found)["results.verified_benefit"]
    assert found.eligible is eligible and check.passed is eligible
    label = InnovationResult.Status(status).label
    answer = "yes" if eligible else "no"
    assert check.reason == f"Adopted with verified benefit: {answer} ({label})"


def test_a_rejected_or_later_result_is_refused(world, rc, innovation):
    achievement = rc("innovation-achievement")
    later = innovation(world["ours"], year=2027)
    found = eligibility.check(achievement, later)
    assert found.refusals == ["Recorded for 2026 or earlier: no (2027)"]
    achievement.requires_verified_benefit = False
    rejected = innovation(world["ours"], status=InnovationResult.Status.REJECTED)
    rejected.rejection_reason = "与已有成果重复"
    found = eligibility.check(achievement, rejected)
    assert found.refusals == ["Not rejected: no (rejected: 与已有成果重复)"]


# --- places -----------------------------------------------------------------------------


def test_a_place_must_be_of_a_fitting_kind_and_active(world, rc):
    centre = Organisation.objects.get(name="浦东新区职工实训中心")
    base = rc("innovation-base")
    found = eligibility.check(base, centre)
    assert found.refusals == ["Kind of organisation enterprise: no (school or training body)"]
    assert eligibility.check(rc("training-centre"), centre).eligible
    assert eligibility.check(base, world["ours"]).eligible
    closed = OrganisationFactory(is_active=False)
    found = eligibility.check(base, closed)
    assert found.refusals == ["Organisation active: no"]


def test_a_subject_of_the_wrong_kind_is_refused(world, rc):
    found = eligibility.check(rc("innovation-base"), world["our_worker"])
    assert not found.eligible
    assert found.refusals == ["This category nominates organisations (places)."]


def test_rules_in_words(rc):
    assert eligibility.describe(rc("pudong-craftsman"))[0] == (
        "A worker qualifies by any one of: skill level technician (level 2) or above; a rank "
        "of 3 or better in a published competition at the district final level in 2024–2026."
    )
