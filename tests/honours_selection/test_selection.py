"""Ranking, the quota, ties across the boundary and the committee's decision."""

from decimal import Decimal

import pytest

from jingsai.common.models import AuditEntry
from jingsai.honours.domain import selection, stages
from jingsai.honours.domain.selection import Ranked, SelectionRefused, Tie, plan, rank
from jingsai.honours.models import Nomination, Reviewer, Round, TieDecision
from tests.factories import make_user
from tests.honours_selection.conftest import D0, reload

S = Round.Stage
pytestmark = pytest.mark.django_db


# --- the pure rules ---------------------------------------------------------------


def test_standard_competition_ranking_equal_totals_share_a_rank():
    ranked = rank([(7, Decimal("80")), (3, Decimal("85")), (5, Decimal("90")), (4, Decimal("85"))])
    assert [(r.nomination_id, r.rank) for r in ranked] == [(5, 1), (3, 2), (4, 2), (7, 4)]


def test_nothing_but_the_total_separates_nominations():
    # 85.00 and 85 are the same total: same rank, whatever the ids
    ranked = rank([(9, Decimal("85.00")), (1, Decimal("85")), (2, Decimal("84.99"))])
    assert [r.rank for r in ranked] == [1, 1, 3]


def _ranked(*totals):
    return rank((i, Decimal(t)) for i, t in enumerate(totals, start=1))


def test_plan_fills_the_quota_from_the_top():
    result = plan(_ranked(95, 90, 85, 80, 75), 3)
    assert result.proposed == [1, 2, 3]
    assert result.tie is None
    assert result.unfilled == 0


def test_plan_tie_inside_the_quota_needs_no_decision():
    result = plan(_ranked(95, 90, 90, 70), 3)
    assert result.proposed == [1, 2, 3]
    assert result.tie is None


def test_plan_tie_across_the_boundary():
    # ranks 1, 2, 3, 3, 5 with quota 3: the 3rd place is one of the two at rank 3
    result = plan(_ranked(95, 90, 85, 85, 70), 3)
    assert result.proposed == [1, 2]
    assert result.tie == Tie(rank=3, tied=(3, 4), places=1)


def test_plan_tie_takes_several_places():
    # ranks 1, 2, 2, 2, 2 with quota 3: two of the four at rank 2
    result = plan(_ranked(95, 90, 90, 90, 90), 3)
    assert result.proposed == [1]
    assert result.tie == Tie(rank=2, tied=(2, 3, 4, 5), places=2)


def test_plan_fewer_nominations_than_the_quota():
    result = plan(_ranked(80, 70), 5)
    assert result.proposed == [1, 2]
    assert result.unfilled == 3


def test_plan_with_no_free_place_proposes_nothing():
    assert plan([Ranked(1, Decimal(90), 1)], 0).proposed == []


# --- on the database ------------------------------------------------------------------


def test_quota_selection_without_ties(h):
    rc = h.quota(h.rc("pudong-craftsman"), 3)
    noms = [h.worker(rc, t) for t in (75, 95, 85, 90, 80)]
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    got = {n.pk: reload(n) for n in noms}
    assert [(got[n.pk].rank, got[n.pk].total, got[n.pk].proposed) for n in noms] == [
        (5, Decimal("75.00"), False),
        (1, Decimal("95.00"), True),
        (3, Decimal("85.00"), True),
        (2, Decimal("90.00"), True),
        (4, Decimal("80.00"), False),
    ]
    state = selection.selection_state(rc)
    assert state.quota == 3 and state.proposed == 3 and state.tie is None
    assert [row.rank for row in state.rows] == [1, 2, 3, 4, 5]
    entry = AuditEntry.objects.filter(action="honours.proposed", object_id=str(rc.pk)).get()
    assert entry.after["proposed"] == sorted([noms[1].pk, noms[2].pk, noms[3].pk])
    assert entry.actor_label == "admin"


def test_boundary_tie_needs_a_committee_decision_before_the_notice(h):
    rc = h.quota(h.rc("pudong-craftsman"), 3)
    a, b, c, d, e = (h.worker(rc, t) for t in (95, 90, 85, 85, 70))
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    assert [reload(n).proposed for n in (a, b, c, d, e)] == [True, True, False, False, False]
    assert selection.undecided_tie(rc) == Tie(rank=3, tied=(c.pk, d.pk), places=1)
    row_tied = {row.nomination.pk: row.tied for row in selection.selection_state(rc).rows}
    assert row_tied == {a.pk: False, b.pk: False, c.pk: True, d.pk: True, e.pk: False}

    with pytest.raises(SelectionRefused) as refused:
        stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    assert refused.value.reasons == [
        "浦东工匠: 2 nominations tied at rank 3 for 1 place(s) need a committee decision."
    ]
    assert h.refresh().stage == S.SELECTION

    # wrong number chosen, someone outside the tie, no reason
    with pytest.raises(SelectionRefused, match="Choose exactly 1 of the 2 tied nominations"):
        selection.record_tie_decision(
            actor=h.admin, round_category=rc, chosen_ids=[c.pk, d.pk], reason="事迹更突出"
        )
    with pytest.raises(SelectionRefused, match="Choose only among the tied nominations"):
        selection.record_tie_decision(
            actor=h.admin, round_category=rc, chosen_ids=[e.pk], reason="事迹更突出"
        )
    with pytest.raises(SelectionRefused, match="Give the committee's reason"):
        selection.record_tie_decision(
            actor=h.admin, round_category=rc, chosen_ids=[d.pk], reason="  "
        )
    assert not TieDecision.objects.exists()

    decision = selection.record_tie_decision(
        actor=h.admin, round_category=rc, chosen_ids=[str(d.pk)], reason="评审委员会表决 7:2"
    )
    decision.refresh_from_db()
    assert (decision.rank, decision.tied, decision.chosen) == (3, [c.pk, d.pk], [d.pk])
    assert decision.reason == "评审委员会表决 7:2" and decision.decided_by == h.admin
    assert decision.active
    assert reload(d).proposed and not reload(c).proposed
    assert selection.undecided_tie(rc) is None
    entry = AuditEntry.objects.get(action="honours.tie_decided")
    assert entry.after["chosen"] == [d.pk] and entry.note == "评审委员会表决 7:2"

    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    assert h.refresh().stage == S.NOTICE
    assert [reload(n).notice_from for n in (a, b, d)] == [D0] * 3
    assert reload(c).notice_from is None


def test_no_decision_without_a_tie(h):
    rc = h.quota(h.rc("pudong-craftsman"), 3)
    a = h.worker(rc, 90)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    with pytest.raises(SelectionRefused, match="no tie awaiting"):
        selection.record_tie_decision(
            actor=h.admin, round_category=rc, chosen_ids=[a.pk], reason="无"
        )


def test_a_tie_inside_the_quota_needs_no_decision(h):
    rc = h.quota(h.rc("pudong-craftsman"), 3)
    noms = [h.worker(rc, t) for t in (95, 90, 90, 70)]
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    assert [reload(n).rank for n in noms] == [1, 2, 2, 4]
    assert [reload(n).proposed for n in noms] == [True, True, True, False]
    assert selection.undecided_tie(rc) is None
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)
    assert h.refresh().stage == S.NOTICE


def test_fewer_nominations_than_the_quota_all_proposed_rest_unfilled(h):
    rc = h.quota(h.rc("operation-method"), 5)
    noms = [h.result(rc, t) for t in (70, 88)]
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    assert [reload(n).proposed for n in noms] == [True, True]
    state = selection.selection_state(rc)
    assert (state.proposed, state.unfilled, state.tie) == (2, 3, None)
    # a category with no nomination at all is simply unfilled
    empty = selection.selection_state(h.rc("training-centre"))
    assert (empty.proposed, empty.unfilled) == (0, 30)
    stages.move(actor=h.admin, round_=h.round, to=S.NOTICE, today=D0)


def test_the_decision_stays_for_the_same_tie_and_lapses_when_it_changes(h):
    rc = h.quota(h.rc("pudong-craftsman"), 2)
    a, b, c = (h.worker(rc, t) for t in (95, 85, 85))
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    decision = selection.record_tie_decision(
        actor=h.admin, round_category=rc, chosen_ids=[c.pk], reason="现场答辩更优"
    )
    # proposing again with the same standings keeps the decision in force
    selection.propose(actor=h.admin, round_category=rc)
    decision.refresh_from_db()
    assert decision.active
    assert [reload(n).proposed for n in (a, b, c)] == [True, False, True]
    # the standings change (a re-score): the tie is gone and the decision lapses
    h.score(b, Decimal("86"))
    selection.propose(actor=h.admin, round_category=rc)
    decision.refresh_from_db()
    assert not decision.active
    assert [reload(n).proposed for n in (a, b, c)] == [True, True, False]
    assert AuditEntry.objects.filter(action="honours.tie_decision_lapsed").count() == 1


def test_review_to_selection_names_missing_and_flagged_nominations(h):
    rc = h.quota(h.rc("pudong-craftsman"), 3)
    zhao = h.worker(rc, 90, name="赵工")
    h.worker(rc, None, name="钱工")  # no sheet
    sun = h.worker(rc, 80, name="孙工")  # 40 / 30 / 10
    second = Reviewer.objects.create(round_category=rc, user=make_user("expert-b"), name="专家乙")
    h.score(zhao, 90, reviewer=second)
    h.score(sun, 50, reviewer=second)  # 40 / 10 / 0: 20 apart on the second criterion (limit 15)
    with pytest.raises(SelectionRefused) as refused:
        stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    text = " ".join(refused.value.reasons)
    assert "钱工" in text and "孙工" in text and "赵工" not in text
    assert "孙工 — reviewers' marks too far apart (技能与创新水平)" in text
    assert h.refresh().stage == S.REVIEW
    # re-scored within the limit, the move goes through
    h.score(sun, 70, reviewer=second)  # 40 / 30 / 0
    h.score(h.worker(rc, None, name="李工"), 60)
    Nomination.objects.filter(worker__name="钱工").update(status=Nomination.Status.WITHDRAWN)
    with pytest.raises(SelectionRefused, match="李工"):  # the second reviewer has not marked him
        stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    h.score(Nomination.objects.get(worker__name="李工"), 60, reviewer=second)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    assert h.refresh().stage == S.SELECTION


def test_propose_only_at_the_selection_stage(h):
    rc = h.rc("pudong-craftsman")
    h.worker(rc, 90)
    with pytest.raises(SelectionRefused, match="selection stage"):
        selection.propose(actor=h.admin, round_category=rc)


def test_moves_one_stage_at_a_time(h):
    with pytest.raises(SelectionRefused, match="one stage forward at a time"):
        stages.move(actor=h.admin, round_=h.round, to=S.NOTICE)
    h.set_stage(S.NOMINATION)
    stages.move(actor=h.admin, round_=h.round, to=S.REVIEW)
    round_ = h.refresh()
    assert round_.stage == S.REVIEW and round_.nomination_closes is not None


@pytest.mark.parametrize("role", ["leader", "officer", "coorganiser", "nobody"])
def test_only_programme_admins_move_things(h, users, role):
    rc = h.quota(h.rc("pudong-craftsman"), 1)
    h.worker(rc, 90)
    h.worker(rc, 90)
    actor = getattr(users, role)
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        stages.move(actor=actor, round_=h.round, to=S.SELECTION)
    stages.move(actor=h.admin, round_=h.round, to=S.SELECTION)
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        selection.propose(actor=actor, round_category=rc)
    tie = selection.undecided_tie(rc)
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        selection.record_tie_decision(
            actor=actor, round_category=rc, chosen_ids=tie.tied[:1], reason="理由"
        )
    with pytest.raises(SelectionRefused, match="Only programme admins"):
        stages.move(actor=None, round_=h.round, to=S.NOTICE)
    assert h.refresh().stage == S.SELECTION
