"""The lifecycle of a result: the happy path with its audit trail, every move refused
in the wrong state or by the wrong person, rejections and their reasons, authors, the
benefit's checks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jingsai.common.models import AuditEntry
from jingsai.innovation.domain import lifecycle
from jingsai.innovation.domain.lifecycle import InnovationRefused
from jingsai.innovation.models import Author, InnovationResult
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db
K = InnovationResult.Kind
S = InnovationResult.Status


def trail(result):
    return list(
        AuditEntry.objects.filter(
            object_type="innovation.innovationresult", object_id=str(result.pk)
        ).order_by("id")
    )


def refused(call, **kwargs) -> str:
    with pytest.raises(InnovationRefused) as caught:
        call(**kwargs)
    return caught.value.message


def test_the_whole_lifecycle_by_those_entitled(world, users, colleague, year, default_bands):
    officer, union_side, admin = users["officer"], users["coorganiser"], users["admin"]
    result = lifecycle.record(
        actor=officer,
        kind=K.METHOD,
        title="张三丰焊接操作法",
        year=year,
        enterprise=world["ours"],
        description="一种薄板焊接的操作法。",
        authors=[world["our_worker"], colleague],
    )
    assert result.status == S.SUBMITTED and result.submitted_by == officer
    assert list(Author.objects.filter(result=result).values_list("worker_id", "order")) == [
        (world["our_worker"].pk, 1),
        (colleague.pk, 2),
    ]
    lifecycle.start_review(actor=officer, result=result)
    adopted_on = timezone.localdate() - dt.timedelta(days=3)
    lifecycle.adopt(actor=officer, result=result, adopted_on=adopted_on, note="全车间推广")
    lifecycle.verify_benefit(
        actor=union_side,
        result=result,
        money_saved="250000",
        hours_saved="300",
        quality_gain="返工率下降 2%",
        evidence="财务核算报告",
    )
    result.refresh_from_db()
    assert result.status == S.VERIFIED
    assert (result.money_saved, result.hours_saved) == (Decimal("250000.00"), Decimal("300.0"))
    assert result.verified_by == union_side and result.verified_at is not None
    assert result.reward_band.name == "二等"  # 250,000 ≥ 200,000; 300 h reaches no band
    assert result.adopted_on == adopted_on and result.adoption_note == "全车间推广"
    lifecycle.recognise(actor=admin, result=result)
    result.refresh_from_db()
    assert result.status == S.RECOGNISED and result.recognised_at is not None

    entries = trail(result)
    assert [e.action for e in entries] == [
        "innovation.recorded",
        "innovation.review_started",
        "innovation.adopted",
        "innovation.benefit_verified",
        "innovation.recognised",
    ]
    assert entries[0].after["authors"] == [world["our_worker"].pk, colleague.pk]
    assert entries[0].before is None
    moves = [(e.before["status"], e.after["status"]) for e in entries[1:]]
    assert moves == [
        ("submitted", "in_review"),
        ("in_review", "adopted"),
        ("adopted", "verified"),
        ("verified", "recognised"),
    ]
    assert [e.actor_label for e in entries] == [
        "officer", "officer", "officer", "coorganiser", "admin",
    ]  # fmt: skip
    assert entries[3].after["money_saved"] == "250000.00"
    assert entries[3].after["tier"] == "二等"


def test_moves_in_the_wrong_state_are_refused(users, make_result, advance):
    admin = users["admin"]
    result = make_result()
    today = timezone.localdate()
    assert "not possible now" in refused(
        lifecycle.adopt, actor=admin, result=result, adopted_on=today, note="x"
    )
    assert "not possible now" in refused(
        lifecycle.verify_benefit, actor=admin, result=result, money_saved=1, evidence="x"
    )
    assert "not possible now" in refused(lifecycle.recognise, actor=admin, result=result)
    advance(result, S.IN_REVIEW)
    assert "not possible now" in refused(lifecycle.start_review, actor=admin, result=result)
    advance(result, S.ADOPTED)
    assert "not possible now" in refused(lifecycle.recognise, actor=admin, result=result)
    assert "not possible now" in refused(lifecycle.edit, actor=admin, result=result, title="新标题")
    advance(result, S.VERIFIED)
    assert "not possible now" in refused(lifecycle.reject, actor=admin, result=result, reason="x")
    result.refresh_from_db()
    assert result.status == S.VERIFIED
    # a rejected result moves no further
    other = make_result(title="另一项")
    lifecycle.reject(actor=admin, result=other, reason="重复申报")
    assert "not possible now" in refused(lifecycle.start_review, actor=admin, result=other)
    assert "not possible now" in refused(lifecycle.reject, actor=admin, result=other, reason="x")


def test_a_worker_cannot_review_or_adopt(users, make_result, advance):
    worker = users["worker"]  # an author of the result
    result = make_result()
    assert refused(lifecycle.start_review, actor=worker, result=result)
    advance(result, S.IN_REVIEW)
    assert refused(
        lifecycle.adopt,
        actor=worker,
        result=result,
        adopted_on=timezone.localdate(),
        note="自己采纳",
    )
    assert refused(lifecycle.reject, actor=worker, result=result, reason="撤回")
    result.refresh_from_db()
    assert result.status == S.IN_REVIEW


def test_an_officer_of_another_enterprise_cannot_review(their_officer, make_result, advance):
    result = make_result()
    assert refused(lifecycle.start_review, actor=their_officer, result=result)
    assert refused(lifecycle.reject, actor=their_officer, result=result, reason="不行")
    assert refused(lifecycle.edit, actor=their_officer, result=result, title="改名")
    advance(result, S.IN_REVIEW)
    assert refused(
        lifecycle.adopt,
        actor=their_officer,
        result=result,
        adopted_on=timezone.localdate(),
        note="x",
    )
    result.refresh_from_db()
    assert (result.status, result.title) == (S.IN_REVIEW, "数控刀具寿命提升方法")


def test_the_benefit_is_verified_by_the_union_side_only(users, their_officer, make_result, advance):
    result = advance(make_result(), S.ADOPTED)
    # the result's own enterprise may not verify its benefit
    message = refused(
        lifecycle.verify_benefit,
        actor=users["officer"],
        result=result,
        money_saved=100,
        evidence="自评",
    )
    assert "union side" in message
    for name in ("worker", "leader", "judge"):
        assert refused(
            lifecycle.verify_benefit, actor=users[name], result=result, money_saved=1, evidence="x"
        )
    assert refused(
        lifecycle.verify_benefit, actor=their_officer, result=result, money_saved=1, evidence="x"
    )
    result.refresh_from_db()
    assert result.status == S.ADOPTED
    lifecycle.verify_benefit(
        actor=users["coorganiser"], result=result, hours_saved=600, evidence="工时统计"
    )
    result.refresh_from_db()
    assert result.status == S.VERIFIED and result.reward_band.name == "三等"  # 600 h ≥ 500 h


def test_only_programme_admins_recognise(users, make_result, advance):
    result = advance(make_result(), S.VERIFIED)
    for name in ("officer", "coorganiser", "leader", "worker"):
        assert refused(lifecycle.recognise, actor=users[name], result=result)
    result.refresh_from_db()
    assert result.status == S.VERIFIED
    lifecycle.recognise(actor=users["admin"], result=result)
    result.refresh_from_db()
    assert result.status == S.RECOGNISED


def test_a_rejection_needs_its_reason_and_keeps_it(users, make_result, advance):
    officer = users["officer"]
    result = advance(make_result(), S.IN_REVIEW)
    for blank in ("", "   \n "):
        assert "reason" in refused(lifecycle.reject, actor=officer, result=result, reason=blank)
    result.refresh_from_db()
    assert result.status == S.IN_REVIEW and not trail(result)[-1].action.endswith("rejected")
    lifecycle.reject(actor=officer, result=result, reason="  已有同类成果  ")
    result.refresh_from_db()
    assert result.status == S.REJECTED
    assert (result.rejected_from, result.rejection_reason) == ("in_review", "已有同类成果")
    assert result.rejected_at is not None
    entry = trail(result)[-1]
    assert entry.action == "innovation.rejected" and entry.note == "已有同类成果"
    assert (entry.before["status"], entry.after["status"]) == ("in_review", "rejected")


def test_an_adopted_result_may_be_rejected_by_the_union_side(users, make_result, advance):
    result = advance(make_result(), S.ADOPTED)
    assert refused(lifecycle.reject, actor=users["leader"], result=result, reason="x")
    lifecycle.reject(actor=users["coorganiser"], result=result, reason="效益无法核实")
    result.refresh_from_db()
    assert (result.status, result.rejected_from) == (S.REJECTED, "adopted")
    # before adoption the union side does not reject: that is the enterprise's review
    fresh = make_result(title="另一项")
    assert refused(lifecycle.reject, actor=users["coorganiser"], result=fresh, reason="x")


def test_the_benefit_is_checked(users, make_result, advance):
    admin = users["admin"]
    result = advance(make_result(), S.ADOPTED)
    cases = [
        ({"money_saved": -1, "evidence": "x"}, "negative"),
        ({"hours_saved": "-0.5", "evidence": "x"}, "negative"),
        ({"money_saved": "abc", "evidence": "x"}, "not a number"),
        ({"evidence": "x"}, "money saved, the hours saved or the quality gain"),
        ({"quality_gain": "  ", "evidence": "x"}, "money saved, the hours saved or the quality"),
        ({"money_saved": 100, "evidence": " "}, "evidence"),
    ]
    for kwargs, expected in cases:
        assert expected in refused(lifecycle.verify_benefit, actor=admin, result=result, **kwargs)
    result.refresh_from_db()
    assert result.status == S.ADOPTED and result.money_saved is None
    lifecycle.verify_benefit(
        actor=admin, result=result, quality_gain="合格率提高", evidence="质检报告"
    )
    result.refresh_from_db()
    # a quality gain only: no money, counted as 0 yuan, reaches the tier from 0 yuan
    assert (result.money_saved, result.hours_saved, result.reward_band.name) == (None, None, "鼓励")


def test_an_adoption_needs_its_note_and_a_past_date(users, make_result, advance):
    officer = users["officer"]
    result = advance(make_result(), S.IN_REVIEW)
    today = timezone.localdate()
    assert "implemented" in refused(
        lifecycle.adopt, actor=officer, result=result, adopted_on=today, note=" "
    )
    assert "future" in refused(
        lifecycle.adopt,
        actor=officer,
        result=result,
        adopted_on=today + dt.timedelta(days=1),
        note="x",
    )
    lifecycle.adopt(actor=officer, result=result, adopted_on=today, note="已实施")
    result.refresh_from_db()
    assert result.status == S.ADOPTED


def test_authors_are_checked(world, users, colleague, year, their_officer):
    officer, worker = users["officer"], users["worker"]
    base = {
        "kind": K.SUGGESTION,
        "title": "合理化建议一则",
        "year": year,
        "description": "说明",
    }
    assert "at least one author" in refused(
        lifecycle.record, actor=officer, enterprise=world["ours"], authors=[], **base
    )
    assert "twice" in refused(
        lifecycle.record,
        actor=officer,
        enterprise=world["ours"],
        authors=[colleague, colleague],
        **base,
    )
    # an officer names his enterprise's workers only
    assert "李四" in refused(
        lifecycle.record,
        actor=officer,
        enterprise=world["ours"],
        authors=[colleague, world["their_worker"]],
        **base,
    )
    # and records for his enterprises only
    assert refused(
        lifecycle.record,
        actor=officer,
        enterprise=world["theirs"],
        authors=[world["their_worker"]],
        **base,
    )
    # a worker records for his employer, naming himself among the authors
    assert "yourself" in refused(
        lifecycle.record, actor=worker, enterprise=world["ours"], authors=[colleague], **base
    )
    assert refused(
        lifecycle.record,
        actor=worker,
        enterprise=world["theirs"],
        authors=[world["our_worker"]],
        **base,
    )
    result = lifecycle.record(
        actor=worker,
        enterprise=world["ours"],
        authors=[colleague, world["our_worker"]],
        **base,
    )
    assert result.submitted_by == worker
    # leadership and judges record nothing; admins name anyone
    assert refused(
        lifecycle.record,
        actor=users["leader"],
        enterprise=world["ours"],
        authors=[colleague],
        **base,
    )
    stranger = WorkerFactory(name="赵六")
    done = lifecycle.record(
        actor=users["admin"], enterprise=world["ours"], authors=[stranger], **base
    )
    assert list(done.authors.values_list("worker__name", flat=True)) == ["赵六"]
    assert InnovationResult.objects.count() == 2


def test_authors_and_details_change_while_not_adopted(world, users, colleague, make_result):
    worker = users["worker"]
    result = make_result(authors=[world["our_worker"]])
    lifecycle.edit(
        actor=worker,
        result=result,
        title="  改进后的标题 ",
        authors=[world["our_worker"], colleague],
    )
    result.refresh_from_db()
    assert result.title == "改进后的标题"
    assert list(result.authors.order_by("order").values_list("worker_id", flat=True)) == [
        world["our_worker"].pk,
        colleague.pk,
    ]
    entry = trail(result)[-1]
    assert entry.action == "innovation.edited"
    assert entry.before["authors"] == [world["our_worker"].pk]
    assert entry.after["authors"] == [world["our_worker"].pk, colleague.pk]
    assert (entry.before["title"], entry.after["title"]) == ("数控刀具寿命提升方法", "改进后的标题")
    # an author does not take himself off; the enterprise's officer may
    assert "yourself" in refused(lifecycle.edit, actor=worker, result=result, authors=[colleague])
    lifecycle.edit(actor=users["officer"], result=result, authors=[colleague])
    assert list(result.authors.values_list("worker_id", flat=True)) == [colleague.pk]
    # nor may a worker add someone of another enterprise
    with pytest.raises(InnovationRefused):
        lifecycle.edit(
            actor=users["officer"], result=result, authors=[colleague, world["their_worker"]]
        )
    # no change, no record
    count = len(trail(result))
    lifecycle.edit(actor=users["officer"], result=result, title="改进后的标题")
    assert len(trail(result)) == count


def test_a_move_locks_the_row(users, make_result):
    result = make_result()
    with CaptureQueriesContext(connection) as queries:
        lifecycle.start_review(actor=users["officer"], result=result)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    result.refresh_from_db()
    assert result.status == S.IN_REVIEW
