"""The review rules: reviewers and conflicts managed by programme admins, the conflict
rule on every mark, the stage, the reviewer's own sheet, the lock and the reopening."""

from decimal import Decimal

import pytest

from jingsai.common.models import AuditEntry
from jingsai.honours.domain import review
from jingsai.honours.domain.scoring import standings
from jingsai.honours.models import Reviewer, ReviewerConflict, ReviewSheet, Round
from jingsai.people.models import Role, RoleGrant
from tests.factories import OrganisationFactory, WorkerFactory, make_user
from tests.honours_review.conftest import put_sheet, set_round

pytestmark = pytest.mark.django_db


def marks(criteria, *values):
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


def audit_actions(**lookup):
    return list(AuditEntry.objects.filter(**lookup).order_by("id").values_list("action", flat=True))


# --- reviewers ------------------------------------------------------------------------


def test_admin_adds_a_reviewer_audited(world, category):
    admin = world["users"]["admin"]
    expert = make_user("expert")
    org = OrganisationFactory(name="上海交通大学")
    reviewer = review.add_reviewer(
        actor=admin, round_category=category, user=expert, name="王教授", organisation=org
    )
    assert (reviewer.name, reviewer.organisation, reviewer.user) == ("王教授", org, expert)
    entry = AuditEntry.objects.get(action="honours.reviewer_added")
    assert entry.actor_id == admin.pk and entry.object_id == str(reviewer.pk)
    with pytest.raises(review.ReviewRefused, match="already reviews"):
        review.add_reviewer(actor=admin, round_category=category, user=expert)


def test_the_account_name_is_the_default_name(world, category):
    expert = make_user("expert")
    expert.display_name = "李工"
    expert.save()
    reviewer = review.add_reviewer(
        actor=world["users"]["admin"], round_category=category, user=expert
    )
    assert reviewer.name == "李工"


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer", "judge"])
def test_only_admins_manage_reviewers(world, category, make_reviewer, role):
    actor = world["users"][role]
    with pytest.raises(review.ReviewRefused, match="Only a programme admin"):
        review.add_reviewer(actor=actor, round_category=category, user=make_user("x"))
    reviewer = make_reviewer()
    with pytest.raises(review.ReviewRefused, match="Only a programme admin"):
        review.remove_reviewer(actor=actor, reviewer=reviewer)
    with pytest.raises(review.ReviewRefused, match="Only a programme admin"):
        review.declare_conflict(actor=actor, reviewer=reviewer, organisation=world["ours"])
    assert Reviewer.objects.count() == 1 and not ReviewerConflict.objects.exists()


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [("nomination", True), ("review", True), ("selection", False), ("final", False)],
)
def test_reviewers_change_at_nomination_and_review_only(world, category, stage, allowed):
    set_round(category.round, stage=stage)
    admin = world["users"]["admin"]
    if allowed:
        review.add_reviewer(actor=admin, round_category=category, user=make_user("x"))
    else:
        with pytest.raises(review.ReviewRefused, match="nomination and review stages"):
            review.add_reviewer(actor=admin, round_category=category, user=make_user("x"))
    assert Reviewer.objects.exists() is allowed


def test_a_reviewer_with_submitted_sheets_stays(world, category, nominate, make_reviewer):
    admin = world["users"]["admin"]
    reviewer = make_reviewer()
    sheet = put_sheet(reviewer, nominate(), [30, 20, 20])
    with pytest.raises(review.ReviewRefused, match="submitted review sheets"):
        review.remove_reviewer(actor=admin, reviewer=reviewer)
    ReviewSheet.objects.filter(pk=sheet.pk).update(submitted_at=None)  # only a draft now
    review.remove_reviewer(actor=admin, reviewer=reviewer)
    assert not Reviewer.objects.exists() and not ReviewSheet.objects.exists()
    entry = AuditEntry.objects.get(action="honours.reviewer_removed")
    assert entry.after == {"drafts_deleted": 1} and entry.before["name"] == reviewer.name


def test_declaring_a_conflict_drops_drafts_but_not_submitted_sheets(
    world, category, nominate, make_reviewer
):
    admin = world["users"]["admin"]
    employer = OrganisationFactory()
    reviewer = make_reviewer()
    mine = nominate(WorkerFactory(employer=employer))
    by_them = nominate(nominator=employer)  # nominated by the organisation
    elsewhere = nominate()
    submitted = put_sheet(reviewer, mine, [30, 20, 20])
    with pytest.raises(review.ReviewRefused, match="reopen them first"):
        review.declare_conflict(actor=admin, reviewer=reviewer, organisation=employer)
    ReviewSheet.objects.filter(pk=submitted.pk).update(submitted_at=None)
    put_sheet(reviewer, by_them, [1, 1, 1], submitted=False)
    kept = put_sheet(reviewer, elsewhere, [2, 2, 2], submitted=False)
    review.declare_conflict(actor=admin, reviewer=reviewer, organisation=employer, reason="校友")
    assert list(ReviewSheet.objects.values_list("pk", flat=True)) == [kept.pk]
    conflict = ReviewerConflict.objects.get()
    assert (conflict.organisation, conflict.reason) == (employer, "校友")
    entry = AuditEntry.objects.get(action="honours.reviewer_conflict")
    assert sorted(entry.after["drafts_deleted_for"]) == sorted([mine.pk, by_them.pk])
    assert entry.note == "校友"


# --- the conflict rule ----------------------------------------------------------------


@pytest.fixture
def conflicts(world, category, nominate, make_reviewer):
    """One nomination of an enterprise's worker, nominated by the union, and a reviewer
    in conflict with it each way, plus one free of conflicts."""
    employer = OrganisationFactory(name="上海丙机械有限公司")
    union = world["union"]
    nomination = nominate(WorkerFactory(employer=employer, name="赵师傅"), nominator=union)
    declared = make_reviewer("申报")
    ReviewerConflict.objects.create(reviewer=declared, organisation=employer)
    declared_nominator = make_reviewer("申报工会")
    ReviewerConflict.objects.create(reviewer=declared_nominator, organisation=union)
    return {
        "nomination": nomination,
        "employer": employer,
        "seat": make_reviewer("同单位", organisation=employer),
        "grant": make_reviewer("兼职", role_at=employer),
        "nominator": make_reviewer("工会", role_at=union),
        "declared": declared,
        "declared_nominator": declared_nominator,
        "free": make_reviewer("无关"),
    }


REASONS = {
    "seat": "同单位 belongs to 上海丙机械有限公司, the organisation of the nominee 赵师傅.",
    "grant": "兼职 belongs to 上海丙机械有限公司, the organisation of the nominee 赵师傅.",
    "nominator": "工会 belongs to {union}, which nominated 赵师傅.",
    "declared": "申报 has declared a conflict of interest with 上海丙机械有限公司, "
    "the organisation of the nominee 赵师傅.",
    "declared_nominator": "申报工会 has declared a conflict of interest with {union}, "
    "which nominated 赵师傅.",
}


@pytest.mark.parametrize("who", list(REASONS))
def test_conflict_refuses_marking_with_the_reason(world, conflicts, criteria, who):
    reviewer, nomination = conflicts[who], conflicts["nomination"]
    reason = REASONS[who].format(union=world["union"].name)
    assert review.conflict_reason(reviewer, nomination) == reason
    for submit in (False, True):
        with pytest.raises(review.ReviewRefused) as refused:
            review.save_marks(
                actor=reviewer.user,
                reviewer=reviewer,
                nomination=nomination,
                marks=marks(criteria, 30, 20, 20),
                submit=submit,
            )
        assert str(refused.value) == reason
    assert not ReviewSheet.objects.exists()
    assert nomination.pk not in [r.nomination.pk for r in review.nominations_to_review(reviewer)]
    assert review.reviewable(reviewer, nomination.pk) is None


def test_the_free_reviewer_marks(conflicts, criteria):
    reviewer, nomination = conflicts["free"], conflicts["nomination"]
    assert review.conflict_reason(reviewer, nomination) == ""
    assert [r.nomination for r in review.nominations_to_review(reviewer)] == [nomination]
    review.save_marks(
        actor=reviewer.user,
        reviewer=reviewer,
        nomination=nomination,
        marks=marks(criteria, 30, 20, 20),
        submit=True,
    )
    (standing,) = standings(reviewer.round_category)
    assert standing.expected == [reviewer.pk] and standing.total == Decimal("70.00")


def test_a_place_nominee_conflict_names_the_place(category, round_, make_reviewer, world):
    from jingsai.honours.models import Nomination, RoundCategory

    places = RoundCategory.objects.get(round=round_, category__code="innovation-base")
    place = OrganisationFactory(name="上海丁科技有限公司")
    nomination = Nomination.objects.create(
        round_category=places, organisation=place, nominator=world["union"], narrative="x",
        eligible=True,
    )  # fmt: skip
    reviewer = make_reviewer("甲", organisation=place, round_category=places)
    assert review.conflict_reason(reviewer, nomination) == (
        "甲 belongs to 上海丁科技有限公司, the nominated place."
    )


def test_a_conflict_arising_after_submission_takes_the_marks_out(category, nominate, make_reviewer):
    employer = OrganisationFactory()
    nomination = nominate(WorkerFactory(employer=employer))
    late, other = make_reviewer("甲"), make_reviewer("乙")
    put_sheet(late, nomination, [0, 0, 0])
    put_sheet(other, nomination, [30, 20, 20])
    RoleGrant.objects.create(user=late.user, role=Role.ENTERPRISE_OFFICER, organisation=employer)
    (standing,) = standings(category)
    assert standing.expected == [other.pk] and standing.total == Decimal("70.00")


# --- marking --------------------------------------------------------------------------


@pytest.fixture
def seat(make_reviewer):
    return make_reviewer("甲")


@pytest.fixture
def nomination(nominate):
    return nominate()


def save(reviewer, nomination, values, *, submit=False, actor=None):
    return review.save_marks(
        actor=actor or reviewer.user,
        reviewer=reviewer,
        nomination=nomination,
        marks=values,
        submit=submit,
    )


@pytest.mark.parametrize("stage", ["nomination", "selection", "notice", "final"])
def test_marking_only_at_the_review_stage(category, criteria, seat, nomination, stage):
    set_round(category.round, stage=stage)
    with pytest.raises(review.ReviewRefused, match="Marking is not open"):
        save(seat, nomination, marks(criteria, 30, 20, 20))
    assert not ReviewSheet.objects.exists()


def test_only_the_reviewer_himself_marks(world, criteria, seat, nomination, make_reviewer):
    other = make_reviewer("乙")
    for actor in (other.user, world["users"]["admin"]):
        with pytest.raises(review.ReviewRefused, match="Only the reviewer himself"):
            save(seat, nomination, marks(criteria, 30, 20, 20), actor=actor)
    assert not ReviewSheet.objects.exists()


def test_a_nomination_of_another_category_or_not_live_is_refused(round_, criteria, seat, nominate):
    from jingsai.honours.models import RoundCategory

    other = RoundCategory.objects.get(round=round_, category__code="innovation-talent")
    with pytest.raises(review.ReviewRefused, match="not in your category"):
        save(seat, nominate(round_category=other), marks(criteria, 1, 1, 1))
    with pytest.raises(review.ReviewRefused, match="not under review"):
        save(seat, nominate(eligible=False), marks(criteria, 1, 1, 1))
    with pytest.raises(review.ReviewRefused, match="not under review"):
        save(seat, nominate(status="withdrawn"), marks(criteria, 1, 1, 1))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("40.01", "between 0 and 40"),
        ("-1", "between 0 and 40"),
        ("12.345", "at most 2 decimal places"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
    ],
)
def test_mark_checks(criteria, seat, nomination, value, error):
    with pytest.raises(review.ReviewRefused) as refused:
        save(seat, nomination, {criteria[0].pk: value, criteria[1].pk: "20"})
    assert error in refused.value.field_errors[criteria[0].pk]
    assert not ReviewSheet.objects.filter(marks__isnull=False).exists()


def test_a_criterion_of_another_category_is_refused(round_, seat, nomination):
    from jingsai.honours.models import ReviewCriterion

    foreign = ReviewCriterion.objects.exclude(round_category=seat.round_category).first()
    with pytest.raises(review.ReviewRefused, match="not in this category"):
        save(seat, nomination, {foreign.pk: "1"})


def test_draft_then_submit_locks(criteria, seat, nomination):
    sheet = save(seat, nomination, {criteria[0].pk: "40", criteria[1].pk: "12.5"})
    assert sheet.submitted_at is None
    assert review.marks_of(sheet) == {
        criteria[0].pk: Decimal("40"),
        criteria[1].pk: Decimal("12.5"),
    }
    with pytest.raises(review.ReviewRefused) as refused:
        save(seat, nomination, {}, submit=True)  # the third criterion is missing
    assert list(refused.value.field_errors) == [criteria[2].pk]
    assert ReviewSheet.objects.get().submitted_at is None
    sheet = save(seat, nomination, {criteria[2].pk: "0"}, submit=True)
    assert sheet.submitted_at is not None
    assert review.marks_of(sheet)[criteria[2].pk] == Decimal("0")
    for again in (False, True):
        with pytest.raises(review.ReviewRefused, match="submitted and locked"):
            save(seat, nomination, {criteria[0].pk: "1"}, submit=again)
    assert review.marks_of(sheet)[criteria[0].pk] == Decimal("40")
    assert audit_actions(object_type="honours.reviewsheet") == [
        "honours.review_draft",
        "honours.review_submitted",
    ]
    submitted = AuditEntry.objects.get(action="honours.review_submitted")
    assert submitted.after["marks"] == {
        "事迹与贡献": "40.00",
        "技能与创新水平": "12.50",
        "示范带动作用": "0.00",
    }


def test_an_unchanged_draft_adds_no_audit_record(criteria, seat, nomination):
    save(seat, nomination, marks(criteria, "30", "20", ""))
    save(seat, nomination, marks(criteria, "30.00", "20", ""))
    save(seat, nomination, marks(criteria, "31", "", ""))
    drafts = AuditEntry.objects.filter(action="honours.review_draft").order_by("id")
    assert drafts.count() == 2
    assert drafts.last().before == {"marks": {"事迹与贡献": "30.00"}}
    assert drafts.last().after == {"marks": {"事迹与贡献": "31.00"}}


# --- reopening ------------------------------------------------------------------------


@pytest.fixture
def submitted(criteria, seat, nomination):
    return save(seat, nomination, marks(criteria, "40", "5", "10"), submit=True)


@pytest.mark.parametrize("role", ["leader", "coorganiser", "officer"])
def test_only_admins_reopen(world, submitted, role):
    with pytest.raises(review.ReviewRefused, match="Only a programme admin"):
        review.reopen_sheet(actor=world["users"][role], sheet=submitted, reason="分差过大")
    with pytest.raises(review.ReviewRefused, match="Only a programme admin"):
        review.reopen_sheet(actor=submitted.reviewer.user, sheet=submitted, reason="我想改")
    assert ReviewSheet.objects.get().submitted_at is not None


def test_reopen_needs_a_reason_and_the_review_stage(world, category, submitted):
    admin = world["users"]["admin"]
    with pytest.raises(review.ReviewRefused, match="Say why"):
        review.reopen_sheet(actor=admin, sheet=submitted, reason="  ")
    set_round(category.round, stage=Round.Stage.SELECTION)
    with pytest.raises(review.ReviewRefused, match="Marking is not open"):
        review.reopen_sheet(actor=admin, sheet=submitted, reason="分差过大")
    assert ReviewSheet.objects.get().submitted_at is not None


def test_reopen_rescore_and_resubmit(world, category, criteria, seat, nomination, submitted):
    admin = world["users"]["admin"]
    other = put_sheet(Reviewer.objects.create(
        round_category=category, user=make_user("second"), name="乙"
    ), nomination, [10, 5, 10])  # fmt: skip
    (standing,) = standings(category)
    assert standing.flags == [f"spread:{criteria[0].name}"]  # 40 − 10 = 30 > 15
    sheet = review.reopen_sheet(actor=admin, sheet=submitted, reason="事迹分差过大，请复核")
    assert sheet.submitted_at is None
    entry = AuditEntry.objects.get(action="honours.review_reopened")
    assert entry.actor_id == admin.pk and entry.note == "事迹分差过大，请复核"
    assert entry.before["marks"]["事迹与贡献"] == "40.00"
    assert review.reopen_reason(sheet) == "事迹分差过大，请复核"
    (standing,) = standings(category)
    assert not standing.complete and standing.total is None  # the reopened sheet is out
    with pytest.raises(review.ReviewRefused, match="Only a submitted sheet"):
        review.reopen_sheet(actor=admin, sheet=sheet, reason="again")
    sheet = save(seat, nomination, {criteria[0].pk: "20"}, submit=True)
    assert review.reopen_reason(sheet) == ""
    (standing,) = standings(category)
    assert standing.flags == [] and standing.total == Decimal("30.00")  # 15 + 5 + 10
    assert other.pk != sheet.pk


# --- progress -------------------------------------------------------------------------


def test_progress_counts_per_reviewer_and_flags_per_nomination(
    category, criteria, nominate, make_reviewer
):
    employer = OrganisationFactory()
    a = make_reviewer("甲", organisation=employer)
    b = make_reviewer("乙")
    n1 = nominate(WorkerFactory(employer=employer))  # a is in conflict
    n2 = nominate()
    n3 = nominate()
    put_sheet(b, n1, [30, 20, 20])
    put_sheet(a, n2, [30, 20, 20])
    put_sheet(b, n2, [10, 20, 20])
    put_sheet(a, n3, [30, 20, 20], submitted=False)
    progress = review.progress(category)
    counts = {r.reviewer.name: (r.expected, r.submitted, r.drafts) for r in progress.reviewers}
    assert counts == {"甲": (2, 1, 1), "乙": (3, 2, 0)}
    flags = {row.nomination.pk: row.standing.flags for row in progress.nominations}
    assert flags[n1.pk] == []
    assert flags[n2.pk] == [f"spread:{criteria[0].name}"]
    assert sorted(flags[n3.pk]) == sorted(
        f"missing:{c.name}:{who}" for c in criteria for who in ("甲", "乙")
    )
    assert progress.complete == 2 and progress.flagged == 2
