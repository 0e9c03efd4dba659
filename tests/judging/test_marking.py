"""The marks lifecycle through the domain services: conflicts, drafts, the lock,
re-marking, corrections, staff double entry, blind codes, notice, appeals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min, Sum

from jingsai.access import policy
from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition
from jingsai.judging.domain import compute, panel, publication, sheets
from jingsai.judging.models import Appeal, Assignment, BlindCode, Mark, Sheet, Tally
from tests.factories import make_user

pytestmark = pytest.mark.django_db
S = Competition.Status
FULL = {"T1": "80", "P1": "40", "P2": "45.5"}


def test_group_assignment_skips_a_judge_of_the_entrys_organisation(judged):
    j1 = judged["judges"][0]
    assigned = set(Assignment.objects.filter(judge=j1).values_list("entry__number", flat=True))
    assert assigned == {"A03", "A04"}  # not A01, A02: J1 belongs to their enterprise
    assert judged["report"].created == 10
    assert len(judged["report"].refused) == 2
    assert "belongs to" in judged["report"].refused[0]


def test_manual_assignment_across_a_conflict_is_refused_with_the_reason(judged):
    j1, j2, _ = judged["judges"]
    a01, _, a03, _ = judged["entries"]
    Assignment.objects.filter(judge=j1).delete()
    with pytest.raises(panel.PanelRefused, match=r"belongs to .*A01"):
        panel.assign(actor=None, judge=j1, entry=a01)
    Assignment.objects.filter(judge=j2, entry=a03).delete()
    panel.declare_conflict(actor=None, judge=j2, organisation=a03.enterprise, reason="亲属")
    with pytest.raises(panel.PanelRefused, match="declared a conflict"):
        panel.assign(actor=None, judge=j2, entry=a03)
    assert not Assignment.objects.filter(judge=j2, entry=a03).exists()


def test_declaring_a_conflict_removes_the_unmarked_assignment(judged):
    _, j2, _ = judged["judges"]
    a04 = judged["entries"][3]
    panel.declare_conflict(actor=None, judge=j2, organisation=a04.enterprise)
    assert not Assignment.objects.filter(judge=j2, entry=a04).exists()


def test_a_mark_from_a_conflicted_judge_is_never_accepted(judged):
    j1 = judged["judges"][0]
    a01 = judged["entries"][0]
    Assignment.objects.create(competition=a01.competition, judge=j1, entry=a01)  # forced in
    with pytest.raises(sheets.SheetRefused, match="belongs to"):
        sheets.save_draft(judge=j1, entry=a01, values={"T1": "10"})
    with pytest.raises(sheets.SheetRefused, match="belongs to"):
        sheets.submit(actor=None, judge=j1, entry=a01, values=FULL)
    assert not Mark.objects.filter(entry=a01).exists()


def test_an_unassigned_judge_cannot_mark(judged):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    Assignment.objects.filter(judge=j2, entry=a01).delete()
    with pytest.raises(sheets.SheetRefused, match="not assigned"):
        sheets.save_draft(judge=j2, entry=a01, values={"T1": "10"})


def test_drafts_are_kept_and_do_not_count_until_submitted(judged):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    sheets.save_draft(judge=j2, entry=a01, values={"T1": "80"})
    sheets.save_draft(judge=j2, entry=a01, values={"P1": "40", "T1": ""})
    sheet = Sheet.objects.get(judge=j2, entry=a01)
    assert sheets.marks_of(sheet) == {"T1": Decimal(80), "P1": Decimal(40)}
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()
    with pytest.raises(sheets.SheetRefused) as refused:
        sheets.submit(actor=None, judge=j2, entry=a01)
    assert set(refused.value.field_errors) == {"P2"}
    sheets.submit(actor=None, judge=j2, entry=a01, values={"P2": "45.5"})
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    assert Mark.objects.filter(sheet=sheet, counts=True).count() == 3


def test_a_draft_saved_again_returns_the_sheet_as_stored_and_touches_only_what_changed(judged):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    first = sheets.save_draft(judge=j2, entry=a01, values={"T1": "80", "P1": "40"})
    kept = Mark.objects.get(sheet=first, criterion__code="P1")
    again = sheets.save_draft(judge=j2, entry=a01, values={"T1": "81", "P1": "40", "P2": "3"})
    stored = Sheet.objects.get(pk=first.pk)
    for field in Sheet._meta.concrete_fields:  # every field read back as the ORM reads it
        assert getattr(again, field.attname) == getattr(stored, field.attname), field.name
    assert again.version == first.version + 1
    assert again.updated_at.tzinfo is not None and again.updated_at >= first.updated_at
    assert sheets.marks_of(stored) == {"T1": Decimal(81), "P1": Decimal(40), "P2": Decimal(3)}
    assert Mark.objects.get(pk=kept.pk).units == kept.units  # unchanged: the same row
    assert Mark.objects.filter(sheet=stored).count() == 3


def test_a_returned_sheets_marks_stop_counting_and_a_new_draft_keeps_them_so(judged):
    j2, chief = judged["judges"][1], judged["judges"][2]
    a01 = judged["entries"][0]
    sheet = sheets.submit(actor=None, judge=j2, entry=a01, values=FULL)
    sheets.return_for_remarking(actor=chief.user, sheet=sheet, reason="复核")
    sheets.save_draft(judge=j2, entry=a01, values={"T1": "70"})
    marks = dict(Mark.objects.filter(sheet=sheet).values_list("criterion__code", "counts"))
    assert marks == {"T1": False, "P1": False, "P2": False}
    assert sheets.marks_of(Sheet.objects.get(pk=sheet.pk))["T1"] == Decimal(70)


def test_marks_outside_the_range_or_too_precise_are_refused(judged):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    with pytest.raises(sheets.SheetRefused) as refused:
        sheets.save_draft(judge=j2, entry=a01, values={"T1": "100.5", "P1": "1.23456", "P2": "x"})
    assert set(refused.value.field_errors) == {"T1", "P1", "P2"}
    assert "between 0 and 100" in refused.value.field_errors["T1"]


def test_a_submitted_sheet_is_locked_and_a_double_tap_changes_nothing(judged):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    sheets.submit(actor=None, judge=j2, entry=a01, values=FULL)
    with pytest.raises(sheets.SheetRefused, match="already submitted"):
        sheets.submit(actor=None, judge=j2, entry=a01, values=FULL | {"T1": "99"})
    with pytest.raises(sheets.SheetRefused, match="locked"):
        sheets.save_draft(judge=j2, entry=a01, values={"T1": "99"})
    sheet = Sheet.objects.get(judge=j2, entry=a01)
    assert sheets.marks_of(sheet)["T1"] == Decimal(80)
    assert Mark.objects.filter(sheet=sheet).count() == 3


def test_return_for_remarking_and_correction_with_reason(judged):
    j2, chief = judged["judges"][1], judged["judges"][2]
    a01 = judged["entries"][0]
    sheet = sheets.submit(actor=None, judge=j2, entry=a01, values=FULL)
    with pytest.raises(sheets.SheetRefused, match="reason"):
        sheets.correct_mark(
            actor=chief.user, sheet=sheet, criterion=judged["criteria"]["P1"], value="41", reason=""
        )
    sheets.correct_mark(
        actor=chief.user,
        sheet=sheet,
        criterion=judged["criteria"]["P1"],
        value="41",
        reason="录入笔误",
    )
    record = AuditEntry.objects.filter(action="mark:correct").get()
    assert record.before == {"criterion": "P1", "mark": "40"}
    assert record.after == {"criterion": "P1", "mark": "41"}
    assert record.note == "录入笔误"
    sheets.return_for_remarking(actor=chief.user, sheet=sheet, reason="分差过大")
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.RETURNED
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()
    assert_tallies_match_the_marks(judged["competition"])
    sheets.submit(actor=None, judge=j2, entry=a01, values={"P1": "42"})
    assert sheets.marks_of(Sheet.objects.get(pk=sheet.pk))["P1"] == Decimal(42)
    assert_tallies_match_the_marks(judged["competition"])


def test_staff_typed_sheets_count_only_after_a_second_persons_matching_check(judged, world):
    j2 = judged["judges"][1]
    a01 = judged["entries"][0]
    typist, checker = world["users"]["admin"], make_user("checker")
    sheet = sheets.staff_enter(actor=typist, judge=j2, entry=a01, values=FULL)
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()
    with pytest.raises(sheets.SheetRefused, match="cannot check"):
        sheets.staff_check(actor=typist, sheet=sheet, values=FULL)
    with pytest.raises(sheets.SheetRefused) as refused:
        sheets.staff_check(actor=checker, sheet=sheet, values=FULL | {"P2": "45"})
    assert set(refused.value.field_errors) == {"P2"}
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()
    sheets.staff_check(actor=checker, sheet=sheet, values=FULL)
    assert Mark.objects.filter(sheet=sheet, counts=True).count() == 3
    assert_tallies_match_the_marks(judged["competition"])


def test_a_judge_sees_only_his_own_sheets(judged):
    j1, j2, chief = judged["judges"]
    a03 = judged["entries"][2]
    sheets.save_draft(judge=j1, entry=a03, values={"T1": "1"})
    sheets.save_draft(judge=j2, entry=a03, values={"T1": "2"})
    competition = judged["competition"]
    mine = policy.sheets_visible_to(j2.user, competition)
    assert list(mine.values_list("judge__code", flat=True)) == ["J2"]
    assert policy.sheets_visible_to(chief.user, competition).count() == 2
    assert set(
        policy.entries_assigned_to(j1.user, competition).values_list("number", flat=True)
    ) == {
        "A03",
        "A04",
    }


def test_blind_codes_are_unique_and_hide_identities_until_confirmation(judged):
    competition = judged["competition"]
    competition.judging.blind = True
    competition.judging.save()
    assert panel.draw_blind_codes(actor=None, competition=competition) == 4
    assert panel.draw_blind_codes(actor=None, competition=competition) == 0
    codes = list(BlindCode.objects.filter(competition=competition).values_list("code", flat=True))
    assert len(set(codes)) == 4
    assert all(len(code) == 6 for code in codes)
    assert panel.identities_hidden(competition)
    _mark_everything(judged)
    publication.confirm_marks(actor=judged["judges"][2].user, competition=competition)
    assert not panel.identities_hidden(competition)


def assert_tallies_match_the_marks(competition):
    """The tallies the results read equal a direct sum of the counted marks."""
    direct = {
        (row["entry_id"], row["criterion_id"]): (row["t"], row["lo"], row["hi"], row["n"])
        for row in Mark.objects.filter(competition=competition, counts=True)
        .values("entry_id", "criterion_id")
        .annotate(t=Sum("units"), lo=Min("units"), hi=Max("units"), n=Count("id"))
    }
    kept = {
        (t.entry_id, t.criterion_id): (t.total, t.lowest, t.highest, t.count)
        for t in Tally.objects.filter(competition=competition)
    }
    assert kept == direct


def _mark_everything(judged, overrides=None):
    overrides = overrides or {}
    for assignment in Assignment.objects.filter(competition=judged["competition"]).select_related(
        "judge", "entry"
    ):
        values = dict(FULL)
        values.update(overrides.get((assignment.judge.code, assignment.entry.number), {}))
        sheets.submit(actor=None, judge=assignment.judge, entry=assignment.entry, values=values)


def test_confirmation_is_refused_while_sheets_are_missing(judged):
    competition = judged["competition"]
    with pytest.raises(publication.PublicationRefused, match="do not count"):
        publication.confirm_marks(actor=None, competition=competition)
    state = publication.progress(competition)
    assert (state.expected, state.counted, state.missing) == (10, 0, 10)


def test_notice_is_refused_while_a_flag_is_open_then_appeal_and_publication(judged, world):
    competition = judged["competition"]
    chief = judged["judges"][2]
    # J2 and J3 differ by 12 on P1 of A01: a spread flag (limit 10)
    _mark_everything(judged, {("J2", "A01"): {"P1": "30"}, ("J3", "A01"): {"P1": "42"}})
    publication.confirm_marks(actor=chief.user, competition=competition)
    publication.compute_results(actor=None, competition=competition)
    today = dt.date(2026, 12, 1)
    with pytest.raises(publication.PublicationRefused, match="flag"):
        publication.put_on_notice(
            actor=None, competition=competition, starts=today, ends=today + dt.timedelta(days=6)
        )
    # the chief judge re-opens, corrects with a reason, results are computed again
    publication.reopen_marks(actor=chief.user, competition=competition, reason="复核 A01")
    sheet = Sheet.objects.get(judge=judged["judges"][1], entry=judged["entries"][0])
    sheets.correct_mark(
        actor=chief.user, sheet=sheet, criterion=judged["criteria"]["P1"], value="38", reason="复核"
    )
    publication.confirm_marks(actor=chief.user, competition=competition)
    rows = publication.compute_results(actor=None, competition=competition)
    assert not any(r.flags for r in rows)
    publication.put_on_notice(
        actor=None, competition=competition, starts=today, ends=today + dt.timedelta(days=6)
    )
    competition.refresh_from_db()
    assert competition.status == S.PUBLIC_NOTICE
    with pytest.raises(publication.PublicationRefused, match="public notice runs until"):
        publication.publish(actor=None, competition=competition, today=today)
    a01 = judged["entries"][0]
    officer = world["users"]["officer"]
    assert a01 in policy.entries_appealable_by(officer, competition)
    assert judged["entries"][2] not in policy.entries_appealable_by(officer, competition)
    with pytest.raises(publication.PublicationRefused, match="could be lodged"):
        publication.lodge_appeal(
            actor=officer, entry=a01, grounds="分数有误", today=today + dt.timedelta(days=3)
        )
    appeal = publication.lodge_appeal(actor=officer, entry=a01, grounds="分数有误", today=today)
    with pytest.raises(publication.PublicationRefused, match="still waiting"):
        publication.publish(actor=None, competition=competition, today=today + dt.timedelta(days=7))
    publication.decide_appeal(actor=None, appeal=appeal, uphold=True, reason="核分有误，予以更正")
    competition.refresh_from_db()
    assert competition.status == S.JUDGING
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.UPHELD
    # corrected, confirmed, recomputed, on notice again and published
    publication.confirm_marks(actor=chief.user, competition=competition)
    publication.compute_results(actor=None, competition=competition)
    publication.put_on_notice(
        actor=None, competition=competition, starts=today, ends=today + dt.timedelta(days=6)
    )
    publication.publish(actor=None, competition=competition, today=today + dt.timedelta(days=7))
    competition.refresh_from_db()
    assert competition.status == S.PUBLISHED
    assert_tallies_match_the_marks(competition)


def test_results_from_the_database_by_hand(judged):
    """A01: T1 80 (measurement, J2 and J3 agree); P1 marks 40 (J2), 40 (J3) → 40;
    P2 45.5 and 45.5 → 45.5. Total = 80/100×30 + 85.5/100×70 = 24 + 59.85 = 83.85."""
    _mark_everything(judged)
    rows = {r.entry: r for r in compute.compute(judged["competition"])}
    assert rows["A01"].total == Decimal("83.85")
    assert all(r.rank == 1 for r in rows.values())  # all four tie
    assert {r.award for r in rows.values()} == {"一等奖"}


def test_a_measurement_may_be_left_to_another_judge(judged):
    j2, j3 = judged["judges"][1], judged["judges"][2]
    a01 = judged["entries"][0]
    without_t1 = {k: v for k, v in FULL.items() if k != "T1"}
    sheets.submit(actor=None, judge=j2, entry=a01, values=without_t1)
    with pytest.raises(sheets.SheetRefused) as refused:
        sheets.submit(actor=None, judge=j3, entry=a01, values={"T1": "80"})
    assert set(refused.value.field_errors) == {"P1", "P2"}  # judgement marks are required
    sheets.submit(actor=None, judge=j3, entry=a01, values=FULL)
    row = next(r for r in compute.compute(judged["competition"]) if r.entry == "A01")
    assert row.total == Decimal("83.85")
    assert not any(flag.startswith(("missing:T1", "conflicting")) for flag in row.flags)


def test_changing_a_criterion_after_marking_keeps_results_exact(judged):
    from jingsai.judging.domain import scheme

    _mark_everything(judged, {("J2", "A03"): {"P1": "30"}, ("J3", "A03"): {"P1": "44"}})
    competition = judged["competition"]
    scheme.update_criterion(
        actor=None, criterion=judged["criteria"]["P1"], aggregation="median", spread_limit=None
    )
    scheme.update_criterion(actor=None, criterion=judged["criteria"]["P2"], spread_limit=0)
    fast = compute.compute(competition)
    reference = compute.compute(competition, force_reference=True)
    assert [(r.entry, r.rank, r.total, r.exact_total, r.flags) for r in fast] == [
        (r.entry, r.rank, r.total, r.exact_total, r.flags) for r in reference
    ]
    a03 = next(r for r in fast if r.entry == "A03")
    # P1 median of 30 and 44 (J1 40) = 40; T1 80, P2 45.5: 24 + 85.5 × 0.7 = 83.85
    assert a03.total == Decimal("83.85")
