"""Marking follow-up, paper sheets, mark imports, results, notice, publication and
appeals, through the pages, role by role."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import compute, panel, publication, results, sheets
from jingsai.judging.domain.workbook import SHEETS, read_workbook
from jingsai.judging.domain.workbook_template import workbook_template
from jingsai.judging.models import Appeal, Criterion, Judging, Mark, Result, Sheet, Stage
from jingsai.people.models import Role
from tests.factories import make_user
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

S = Competition.Status


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def signed_in(user) -> Client:
    """A client signed in as ``user`` that reads the pages in English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def client_for(world):
    return lambda role: signed_in(world["users"][role])


def build_judged(world, make_competition, *, code="cnc-2026"):
    """A competition in judging: two stages, two judges (J1 the chief), entries A01 (ours)
    and A02 (theirs), every judge assigned to every entry, no mark yet."""
    admin = world["users"]["admin"]
    competition = make_competition(status=S.JUDGING, title="数控车工竞赛", code=code)
    gov = world["users"]["coorganiser"].grants.get().organisation
    competition.co_organisers.add(gov)
    Judging.objects.create(competition=competition, awards="一等奖:50%", appeal_days=3)
    theory = Stage.objects.create(
        competition=competition, code="theory", name="理论", weight=30, order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="实操", weight=70, order=2
    )
    Criterion.objects.create(
        competition=competition, stage=theory, code="T1", name="理论考试", max_mark=100, order=1
    )
    Criterion.objects.create(
        competition=competition,
        stage=practical,
        code="P1",
        name="工艺",
        max_mark=100,
        spread_limit=20,
        order=2,
    )
    a01 = Entry.objects.create(
        competition=competition, enterprise=world["ours"], status="approved", number="A01"
    )
    EntryMember.objects.create(
        entry=a01, competition=competition, worker=world["our_worker"], is_captain=True
    )
    a02 = Entry.objects.create(
        competition=competition, enterprise=world["theirs"], status="approved", number="A02"
    )
    EntryMember.objects.create(
        entry=a02, competition=competition, worker=world["their_worker"], is_captain=True
    )
    training = world["users"]["judge"].grants.get().organisation
    second = make_user(f"judge2-{code}", Role.JUDGE, training)
    j1 = panel.add_judge(
        actor=admin,
        competition=competition,
        code="J1",
        name="钱裁判",
        user=world["users"]["judge"],
        is_chief=True,
    )
    j2 = panel.add_judge(
        actor=admin, competition=competition, code="J2", name="孙裁判", user=second
    )
    panel.assign_many(actor=admin, judges=[j1, j2], entries=[a01, a02])
    return {"competition": competition, "j1": j1, "j2": j2, "a01": a01, "a02": a02}


def mark(judge, entry, t1, p1):
    return sheets.submit(actor=judge.user, judge=judge, entry=entry, values={"T1": t1, "P1": p1})


def mark_all(j):
    mark(j["j1"], j["a01"], 90, 80)
    mark(j["j2"], j["a01"], 90, 90)
    mark(j["j1"], j["a02"], 70, 60)
    mark(j["j2"], j["a02"], 70, 70)


def on_notice(j, world, *, starts=None, ends=None):
    """Confirm, compute and put on notice through the domain."""
    competition = j["competition"]
    today = timezone.localdate()
    publication.confirm_marks(actor=j["j1"].user, competition=competition)
    publication.compute_results(actor=world["users"]["admin"], competition=competition)
    publication.put_on_notice(
        actor=world["users"]["admin"],
        competition=competition,
        starts=starts or today,
        ends=ends or today + dt.timedelta(days=6),
    )
    competition.refresh_from_db()
    return competition


@pytest.fixture
def judged(world, make_competition):
    return build_judged(world, make_competition)


def url(j, path=""):
    return f"/office/competitions/{j['competition'].pk}/marking/{path}"


def texts(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def follow_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- progress, return, correction, confirmation ---------------------------------


def test_chief_judge_follows_progress_and_missing_sheets(judged, client_for):
    mark(judged["j1"], judged["a01"], 90, 80)
    mark(judged["j2"], judged["a01"], 90, 90)
    sheets.save_draft(judge=judged["j1"], entry=judged["a02"], values={"T1": "70"})
    response = client_for("judge").get(url(judged))
    assert response.status_code == 200
    state = response.context["state"]
    assert (state.expected, state.counted, state.drafts, state.missing) == (4, 2, 1, 1)
    missing = [(judge.code, label) for judge, label in response.context["missing"]]
    assert missing == [("J1", "A02"), ("J2", "A02")]
    flagged = {f.label: f.flags for f in response.context["flagged"]}
    assert flagged == {"A02": ["missing:P1", "missing:T1"]}
    assert b"Confirm all marks" in response.content


def test_blind_marking_shows_codes_until_confirmation(judged, client_for, world):
    Judging.objects.filter(pk=judged["competition"].pk).update(blind=True)
    panel.draw_blind_codes(actor=world["users"]["admin"], competition=judged["competition"])
    mark(judged["j1"], judged["a01"], 90, 80)
    response = client_for("judge").get(url(judged))
    code = judged["a01"].blind_code.code
    body = response.content.decode()
    assert code in body
    assert "A01" not in body and "张三丰" not in body


def test_chief_returns_a_sheet_and_its_marks_stop_counting(judged, client_for):
    sheet = mark(judged["j2"], judged["a01"], 90, 90)
    client = client_for("judge")
    response = client.post(url(judged, f"sheets/{sheet.pk}/return/"), {"return-reason": ""})
    assert "Say why" in texts(response)
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    response = client.post(
        url(judged, f"sheets/{sheet.pk}/return/"),
        {"return-reason": "工艺分与录像不符"},
        follow=True,
    )
    assert "back with the judge" in " ".join(follow_messages(response))
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.RETURNED
    assert sheet.return_reason == "工艺分与录像不符"
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()
    assert publication.progress(judged["competition"]).returned == 1
    page = client.get(url(judged, f"sheets/{sheet.pk}/"))
    assert "工艺分与录像不符" in page.content.decode()
    assert "sheet:return" in page.content.decode()  # the history from the audit trail


def test_correction_needs_a_reason_and_is_audited(judged, client_for):
    sheet = mark(judged["j2"], judged["a01"], 90, 90)
    p1 = Criterion.objects.get(competition=judged["competition"], code="P1")
    client = client_for("judge")
    refused = client.post(
        url(judged, f"sheets/{sheet.pk}/correct/"),
        {"correct-criterion": p1.pk, "correct-value": "85", "correct-reason": "  "},
    )
    assert refused.status_code == 200
    assert refused.context["correction_form"].errors["reason"]
    assert Mark.objects.get(sheet=sheet, criterion=p1).units == 900_000
    assert not AuditEntry.objects.filter(action="mark:correct").exists()
    too_high = client.post(
        url(judged, f"sheets/{sheet.pk}/correct/"),
        {"correct-criterion": p1.pk, "correct-value": "130", "correct-reason": "录入错误"},
    )
    assert "between 0 and 100" in texts(too_high)
    client.post(
        url(judged, f"sheets/{sheet.pk}/correct/"),
        {"correct-criterion": p1.pk, "correct-value": "85.5", "correct-reason": "录入错误"},
    )
    assert Mark.objects.get(sheet=sheet, criterion=p1).units == 855_000
    entry = AuditEntry.objects.get(action="mark:correct")
    assert entry.before == {"criterion": "P1", "mark": "90"}
    assert entry.after == {"criterion": "P1", "mark": "85.5"}
    assert entry.note == "录入错误"


def test_criterion_of_another_competition_is_refused(judged, client_for, world, make_competition):
    other = build_judged(world, make_competition, code="other-2026")
    sheet = mark(judged["j2"], judged["a01"], 90, 90)
    foreign = Criterion.objects.get(competition=other["competition"], code="P1")
    response = client_for("judge").post(
        url(judged, f"sheets/{sheet.pk}/correct/"),
        {"correct-criterion": foreign.pk, "correct-value": "85", "correct-reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["correction_form"].errors["criterion"]


def test_confirm_is_refused_while_sheets_are_missing_then_accepted(judged, client_for):
    mark(judged["j1"], judged["a01"], 90, 80)
    client = client_for("judge")
    response = client.post(url(judged, "confirm/"), follow=True)
    assert "3 of 4 sheets do not count yet" in " ".join(follow_messages(response))
    assert not Judging.objects.get(pk=judged["competition"].pk).marks_confirmed_at
    mark(judged["j2"], judged["a01"], 90, 90)
    mark(judged["j1"], judged["a02"], 70, 60)
    mark(judged["j2"], judged["a02"], 70, 70)
    response = client.post(url(judged, "confirm/"), follow=True)
    assert "All marks are confirmed" in " ".join(follow_messages(response))
    response = client.post(url(judged, "reopen/"), {"reopen-reason": ""}, follow=True)
    assert "Say why the marks are re-opened" in " ".join(follow_messages(response))
    client.post(url(judged, "reopen/"), {"reopen-reason": "申诉复核"})
    assert not Judging.objects.get(pk=judged["competition"].pk).marks_confirmed_at


def test_the_progress_pages_reopen_form_reopens_the_marks(judged, client_for):
    """The chief judge's 'Re-open the marks' form posts to the marks' re-open, not the results'."""
    for judge, entry in (("j1", "a01"), ("j2", "a01"), ("j1", "a02"), ("j2", "a02")):
        mark(judged[judge], judged[entry], 80, 80)
    client = client_for("judge")
    client.post(url(judged, "confirm/"))
    page = client.get(url(judged)).content.decode()
    action = url(judged, "reopen/")
    assert f'action="{action}"' in page
    assert "results/reopen/" not in page
    client.post(action, {"reopen-reason": "申诉复核"})
    assert not Judging.objects.get(pk=judged["competition"].pk).marks_confirmed_at


def test_managers_follow_but_cannot_confirm_return_or_correct(judged, client_for):
    sheet = mark(judged["j2"], judged["a01"], 90, 90)
    admin = client_for("admin")
    page = admin.get(url(judged))
    assert page.status_code == 200
    assert b"Confirm all marks" not in page.content
    assert admin.post(url(judged, "confirm/")).status_code == 403
    assert (
        admin.post(url(judged, f"sheets/{sheet.pk}/return/"), {"return-reason": "x"}).status_code
        == 403
    )
    assert admin.get(url(judged, f"sheets/{sheet.pk}/")).status_code == 200
    assert b"Correct the mark" not in admin.get(url(judged, f"sheets/{sheet.pk}/")).content


def test_changes_are_post_only(judged, client_for):
    assert client_for("judge").get(url(judged, "confirm/")).status_code == 405
    assert client_for("admin").get(url(judged, "results/compute/")).status_code == 405


# --- access ----------------------------------------------------------------------


def test_judges_officers_and_others_cannot_open_the_manager_pages(judged, client_for, world):
    plain_judge = signed_in(judged["j2"].user)
    for path in ("", "paper/", "import/", "results/", "appeals/", "workbook-template.xlsx"):
        assert plain_judge.get(url(judged, path)).status_code == 403, path
        assert client_for("officer").get(url(judged, path)).status_code == 403, path
        assert client_for("worker").get(url(judged, path)).status_code == 403, path
    for path in ("paper/", "import/", "workbook-template.xlsx"):
        assert client_for("judge").get(url(judged, path)).status_code == 403, path  # chief
        assert client_for("leader").get(url(judged, path)).status_code == 403, path
    assert client_for("leader").get(url(judged, "results/")).status_code == 200


def test_a_judge_of_another_panel_gets_404(judged, world, make_competition):
    other = build_judged(world, make_competition, code="other-2026")
    outsider = make_user("outsider", Role.JUDGE, world["theirs"])
    panel.add_judge(
        actor=None, competition=other["competition"], code="J9", name="外", user=outsider
    )
    client = signed_in(outsider)
    assert client.get(url(judged)).status_code == 404


def test_another_competitions_sheet_is_404(judged, client_for, world, make_competition):
    other = build_judged(world, make_competition, code="other-2026")
    sheet = mark(other["j2"], other["a01"], 90, 90)
    client = client_for("admin")
    assert client.get(url(judged, f"sheets/{sheet.pk}/")).status_code == 404
    assert client.get(url(other, f"sheets/{sheet.pk}/")).status_code == 200
    assert (
        client_for("judge")
        .post(url(judged, f"sheets/{sheet.pk}/return/"), {"return-reason": "x"})
        .status_code
        == 404
    )
    appeal_free = url(judged, "appeals/999999/")
    assert client.get(appeal_free).status_code == 404


# --- paper sheets ----------------------------------------------------------------


def paper_form(judge, entry, t1, p1):
    return {"judge": judge.pk, "entry": entry.number, "mark_T1": t1, "mark_P1": p1}


def test_a_paper_sheet_counts_only_after_a_different_persons_matching_check(
    judged, client_for, world
):
    admin = client_for("admin")
    response = admin.post(url(judged, "paper/"), paper_form(judged["j1"], judged["a01"], "", "80"))
    assert response.context["form"].errors["mark_T1"]
    response = admin.post(url(judged, "paper/"), paper_form(judged["j1"], judged["a01"], 90, 180))
    assert "between 0 and 100" in str(response.context["form"].errors["mark_P1"])
    response = admin.post(
        url(judged, "paper/"), paper_form(judged["j1"], judged["a01"], 90, 80), follow=True
    )
    assert "counts once a second person" in " ".join(follow_messages(response))
    sheet = Sheet.objects.get(judge=judged["j1"], entry=judged["a01"])
    assert sheet.source == Sheet.Source.STAFF and not sheet.counts
    assert publication.progress(judged["competition"]).awaiting_check == 1
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()

    check = url(judged, f"paper/{sheet.pk}/check/")
    same_person = admin.post(check, {"mark_T1": 90, "mark_P1": 80})
    assert "cannot check it" in texts(same_person)
    assert not Mark.objects.filter(sheet=sheet, counts=True).exists()

    second = client_for("coorganiser")
    differing = second.post(check, {"mark_T1": 90, "mark_P1": 85})
    assert "differ from the first entry" in texts(differing)
    assert "does not match" in str(differing.context["form"].errors["mark_P1"])
    assert "mark_T1" not in differing.context["form"].errors
    matching = second.post(check, {"mark_T1": 90, "mark_P1": 80}, follow=True)
    assert "now counts" in " ".join(follow_messages(matching))
    sheet.refresh_from_db()
    assert sheet.counts and sheet.checked_by == world["users"]["coorganiser"]
    assert Mark.objects.filter(sheet=sheet, counts=True).count() == 2
    assert publication.progress(judged["competition"]).counted == 1
    assert second.get(check).status_code == 404  # no longer waiting


def test_a_paper_sheet_for_an_unknown_entry_is_refused(judged, client_for):
    form = paper_form(judged["j1"], judged["a01"], 90, 80) | {"entry": "Z99"}
    response = client_for("admin").post(url(judged, "paper/"), form)
    assert "No approved entry" in str(response.context["form"].errors["entry"])
    assert not Sheet.objects.exists()


# --- marks import ----------------------------------------------------------------

MARK_HEADER = ["参赛编号", "裁判编号", "评分项", "分数"]


def test_marks_import_is_all_or_nothing_with_rows_and_columns(judged, client_for):
    client = client_for("admin")
    template = client.get(url(judged, "import/template.xlsx"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    rows = [
        ["A01", "J1", "T1", 90], ["A01", "J1", "P1", 80],
        ["A01", "J2", "T1", 130], ["A01", "J2", "P1", 90],
        ["A02", "J7", "T1", 70],
    ]  # fmt: skip
    file = xlsx_bytes([MARK_HEADER, *rows], sheet="marks")
    file_io = io.BytesIO(file)
    file_io.name = "marks.xlsx"
    response = client.post(url(judged, "import/"), {"file": file_io})
    assert response.status_code == 200
    errors = [(e.row, e.column[:1], e.message) for e in response.context["errors_shown"]]
    assert (4, "D", "The mark must be between 0 and 100.") in errors
    assert (6, "B", "No judge on this panel has this code.") in errors
    assert b"Nothing was imported" in response.content
    assert not Sheet.objects.exists()
    token = response.context["report_token"]
    report = client.get(url(judged, f"import/report/{token}.xlsx"))
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"
    assert (
        client_for("coorganiser").get(url(judged, f"import/report/{token}.xlsx")).status_code == 404
    )

    good = [
        ["A01", "J1", "T1", 90], ["A01", "J1", "P1", 80],
        ["A01", "J2", "T1", 90], ["A01", "J2", "P1", 90],
    ]  # fmt: skip
    file_io = io.BytesIO(xlsx_bytes([MARK_HEADER, *good], sheet="marks"))
    file_io.name = "marks.xlsx"
    response = client.post(url(judged, "import/"), {"file": file_io}, follow=True)
    assert "2 sheets imported from 4 rows" in " ".join(follow_messages(response))
    assert Sheet.objects.filter(source=Sheet.Source.IMPORT, status="submitted").count() == 2
    assert publication.progress(judged["competition"]).counted == 2


def test_a_file_that_is_not_a_workbook_is_refused(judged, client_for):
    file_io = io.BytesIO(b"not a spreadsheet at all")
    file_io.name = "marks.xlsx"
    response = client_for("admin").post(url(judged, "import/"), {"file": file_io})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Sheet.objects.exists()


def test_workbook_template_has_every_sheet_and_a_valid_example(judged, client_for):
    response = client_for("admin").get(url(judged, "workbook-template.xlsx"))
    assert response.status_code == 200
    workbook = read_workbook(response.content)
    assert [s.code for s in workbook.scheme.stages] == ["theory", "practical"]
    assert len(workbook.entries) == 2 and workbook.marks
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook_template(example=False)))
    for name, headers in SHEETS.items():
        rows = book.get_sheet_by_name(name).to_python()
        assert tuple(rows[0]) == headers


# --- results, notice, publication --------------------------------------------------


def test_results_computed_then_notice_refused_while_a_flag_is_open(judged, client_for, world):
    mark(judged["j1"], judged["a01"], 90, 50)
    mark(judged["j2"], judged["a01"], 90, 90)  # P1 spread 40 > 20
    mark(judged["j1"], judged["a02"], 70, 60)
    mark(judged["j2"], judged["a02"], 70, 70)
    admin = client_for("admin")
    refused = admin.post(url(judged, "results/compute/"), follow=True)
    assert "has not confirmed the marks" in " ".join(follow_messages(refused))
    publication.confirm_marks(actor=judged["j1"].user, competition=judged["competition"])
    page = admin.get(url(judged, "results/"))
    assert b"Compute the results" in page.content
    response = admin.post(url(judged, "results/compute/"), follow=True)
    assert "Results computed for 2 entries; 1 carry a flag" in " ".join(follow_messages(response))
    lines = response.context["lines"]
    assert [(ln.rank, ln.entry, ln.name, ln.flags) for ln in lines] == [
        (1, "A01", "张三丰", ["spread:P1"]),
        (2, "A02", "李四", []),
    ]
    assert f"{lines[0].total:.2f}" == "76.00"  # 27 + 70 × 70/100
    assert b"76.00" in response.content
    today = timezone.localdate()
    response = admin.post(
        url(judged, "results/notice/"),
        {"notice-starts": today.isoformat(), "notice-ends": today.isoformat()},
        follow=True,
    )
    assert "1 results still carry a flag" in " ".join(follow_messages(response))
    judged["competition"].refresh_from_db()
    assert judged["competition"].status == S.JUDGING
    # the co-organiser manages the competition but only programme admins put it on notice
    assert (
        client_for("coorganiser")
        .post(url(judged, "results/notice/"), {"notice-starts": today, "notice-ends": today})
        .status_code
        == 403
    )


def test_notice_then_appeal_by_the_officer_upheld_sends_it_back(judged, client_for, world):
    mark_all(judged)
    admin = client_for("admin")
    client_for("judge").post(url(judged, "confirm/"))
    admin.post(url(judged, "results/compute/"))
    today = timezone.localdate()
    response = admin.post(
        url(judged, "results/notice/"),
        {
            "notice-starts": today.isoformat(),
            "notice-ends": (today + dt.timedelta(days=6)).isoformat(),
        },
        follow=True,
    )
    assert "on public notice" in " ".join(follow_messages(response))
    judged["competition"].refresh_from_db()
    assert judged["competition"].status == S.PUBLIC_NOTICE

    officer = client_for("officer")
    lodge = url(judged, "appeals/new/")
    page = officer.get(lodge)
    assert page.status_code == 200
    assert [e.number for e in page.context["form"].fields["entry"].queryset] == ["A01"]
    refused = officer.post(lodge, {"entry": judged["a02"].pk, "grounds": "不服"})
    assert refused.context["form"].errors["entry"]  # not his enterprise's entry
    response = officer.post(
        lodge, {"entry": judged["a01"].pk, "grounds": "实操评分有误"}, follow=True
    )
    assert "Your appeal is lodged" in " ".join(follow_messages(response))
    appeal = Appeal.objects.get()
    assert appeal.lodged_by == world["users"]["officer"] and appeal.entry == judged["a01"]
    again = officer.post(lodge, {"entry": judged["a01"].pk, "grounds": "再次"}, follow=True)
    assert "already waiting" in " ".join(follow_messages(again))

    assert officer.get(url(judged, "appeals/")).status_code == 403
    assert client_for("judge").get(url(judged, f"appeals/{appeal.pk}/")).status_code == 403
    publish = admin.post(url(judged, "results/publish/"), follow=True)
    assert "runs until" in " ".join(follow_messages(publish))

    decide = url(judged, f"appeals/{appeal.pk}/")
    no_reason = admin.post(decide, {"decision": "uphold", "reason": " "})
    assert no_reason.context["form"].errors["reason"]
    response = admin.post(decide, {"decision": "uphold", "reason": "复核属实"}, follow=True)
    assert "back in judging" in " ".join(follow_messages(response))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD and appeal.decision == "复核属实"
    judged["competition"].refresh_from_db()
    assert judged["competition"].status == S.JUDGING
    judging = Judging.objects.get(pk=judged["competition"].pk)
    assert judging.marks_confirmed_at is None and judging.notice_from is None
    results_page = admin.get(url(judged, "results/")).content.decode()
    assert "实操评分有误" in results_page and "复核属实" in results_page
    mine = officer.get(lodge).content.decode()
    assert "复核属实" in mine


def test_a_worker_lodges_for_his_own_entry(judged, client_for, world):
    mark_all(judged)
    on_notice(judged, world)
    worker = client_for("worker")
    response = worker.post(
        url(judged, "appeals/new/"), {"entry": judged["a01"].pk, "grounds": "理论成绩有误"}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().lodged_by == world["users"]["worker"]
    other_worker = signed_in(make_user("stranger", Role.WORKER, world["theirs"]))
    assert other_worker.get(url(judged, "appeals/new/")).status_code == 404


def test_dismissed_appeal_then_publish_after_the_notice(judged, client_for, world):
    mark_all(judged)
    today = timezone.localdate()
    competition = on_notice(
        judged, world, starts=today - dt.timedelta(days=9), ends=today - dt.timedelta(days=2)
    )
    appeal = Appeal.objects.create(
        competition=competition,
        entry=judged["a02"],
        lodged_by=world["users"]["officer"],
        grounds="x",
    )
    admin = client_for("admin")
    waiting = admin.post(url(judged, "results/publish/"), follow=True)
    assert "still waiting for its decision" in " ".join(follow_messages(waiting))
    admin.post(url(judged, f"appeals/{appeal.pk}/"), {"decision": "dismiss", "reason": "无误"})
    response = admin.post(url(judged, "results/publish/"), follow=True)
    assert "published" in " ".join(follow_messages(response))
    competition.refresh_from_db()
    assert competition.status == S.PUBLISHED
    assert Judging.objects.get(pk=competition.pk).published_at is not None


def test_csv_export_has_exactly_the_results_columns(judged, client_for, world):
    mark_all(judged)
    on_notice(judged, world)
    response = client_for("leader").get(url(judged, "results/export.csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "rank,entry,name,organisation,total,award,flags"
    expected = results.csv_rows(compute.compute(judged["competition"]))
    assert list(csv.reader(lines[1:])) == expected
    assert lines[1] == f"1,A01,张三丰,{world['ours'].name},86.50,一等奖,"
    assert lines[2] == f"2,A02,李四,{world['theirs'].name},66.50,,"
    xlsx = client_for("admin").get(url(judged, "results/export.xlsx"))
    assert xlsx.status_code == 200
    from python_calamine import CalamineWorkbook

    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:5] == ["rank", "entry number", "name", "organisation", "total"]
    assert rows[1][:5] == [1, "A01", "张三丰", world["ours"].name, 86.5]
    # stage scores: the criterion marks of each stage, before weighting
    assert [Decimal(str(v)) for v in rows[1][5:7]] == [Decimal(90), Decimal(85)]
    assert rows[1][7] == "一等奖"


def test_results_page_is_paginated_in_rank_order(judged, client_for, world):
    mark_all(judged)
    on_notice(judged, world)
    page = client_for("admin").get(url(judged, "results/"))
    assert [ln.entry for ln in page.context["lines"]] == ["A01", "A02"]
    assert list(Result.objects.order_by("position").values_list("rank", flat=True)) == [1, 2]
    assert page.context["page"].count == 2


def test_admin_reopens_published_results_with_a_reason(client, world, make_competition):
    from jingsai.common.models import AuditEntry
    from jingsai.competitions.models import Competition
    from jingsai.judging.models import Judging

    competition = make_competition(status=Competition.Status.PUBLISHED)
    Judging.objects.create(competition=competition)
    url = f"/office/competitions/{competition.pk}/marking/results/reopen/"
    client.force_login(world["users"]["officer"])
    assert client.post(url, {"reason": "x"}).status_code in (403, 404)
    client.force_login(world["users"]["admin"])
    client.post(url, {"reason": ""})
    competition.refresh_from_db()
    assert competition.status == Competition.Status.PUBLISHED
    client.post(url, {"reason": "第3号评分表录入错误"})
    competition.refresh_from_db()
    assert competition.status == Competition.Status.JUDGING
    assert AuditEntry.objects.filter(action="results:reopen", note="第3号评分表录入错误").exists()
