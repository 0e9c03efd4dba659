"""The judge's pages: his entries, his mark sheet, drafts, submission and its lock, and
what he may not reach or see."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from jingsai.access import policy
from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import Assignment, BlindCode, Judging, Mark, PanelJudge, Sheet

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MARKS_BY_CODE = {"exam": "27.5", "accuracy": "36", "safety": "28"}
MARKS = {f"mark-{code}": value for code, value in MARKS_BY_CODE.items()}


def sheet_url(competition, entry, action=""):
    return f"/home/judging/{competition.pk}/entries/{entry.pk}/{action + '/' if action else ''}"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def judge(world):
    return client_of(world["users"]["judge"])


def marks_of(seat, entry) -> dict[str, str]:
    sheet = Sheet.objects.filter(judge=seat, entry=entry).first()
    return {k: str(v) for k, v in sheets.marks_of(sheet).items()} if sheet else {}


def test_the_judge_sees_only_his_assigned_entries(judge, marking):
    page = judge.get("/home/judging/").content.decode()
    for entry in marking["entries"][:3]:
        assert entry.number in page and sheet_url(marking["competition"], entry) in page
    assert "C-0004" not in page and "李四丁" not in page
    assert "W-0001" not in page  # the other competition's entry
    assert "赵一甲" in page  # not blind: number and name
    assert page.count('data-state="new"') == 3


def test_home_links_to_the_judges_pages(judge, client_for, marking):
    assert "/home/judging/" in judge.get("/home/").content.decode()
    assert "/home/judging/" not in client_for("officer").get("/home/").content.decode()


def test_blind_marking_shows_only_the_drawn_code(judge, marking, world):
    competition = marking["competition"]
    Judging.objects.filter(pk=competition.pk).update(blind=True)
    panel.draw_blind_codes(actor=None, competition=competition)
    codes = dict(BlindCode.objects.values_list("entry_id", "code"))
    first = marking["entries"][0]
    hidden = ["C-0001", "C-0002", "C-0003", "赵一甲", "钱二乙", "孙三丙"]
    hidden += [world["ours"].name, world["theirs"].name]
    pages = [
        judge.get("/home/judging/").content.decode(),
        judge.get(sheet_url(competition, first)).content.decode(),
    ]
    for page in pages:
        assert not [text for text in hidden if text in page]
    assert all(codes[e.pk] in pages[0] for e in marking["entries"][:3])
    assert codes[first.pk] in pages[1]
    # the confirmation step shows the code too, never the number
    judge.post(sheet_url(competition, first, "draft"), MARKS, **HTMX)
    confirm = judge.post(sheet_url(competition, first, "submit"), MARKS).content.decode()
    assert codes[first.pk] in confirm and not [text for text in hidden if text in confirm]


def test_the_sheet_shows_each_criterion_with_its_maximum(judge, marking):
    response = judge.get(sheet_url(marking["competition"], marking["entries"][0]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("理论") < page.index("理论考试") < page.index("实操") < page.index("尺寸精度")
    assert page.count('inputmode="decimal"') == 3
    assert re.search(r'<label for="id_mark-accuracy">尺寸精度 <small[^>]*>[^<]*40', page)
    assert 'hx-trigger="change"' in page and 'id="sheet-submit"' in page


def test_a_draft_is_saved_through_htmx_and_prefilled(judge, marking):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    response = judge.post(sheet_url(competition, entry, "draft"), {"mark-exam": "27.5"}, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="sheet-saved-at">[^<]*\d\d:\d\d', fragment)
    assert 'id="err-exam" hx-swap-oob="true"></p>' in fragment
    assert "<html" not in fragment
    assert marks_of(chief, entry) == {"exam": "27.5"}
    # later fields are added; a blank field keeps its mark
    judge.post(sheet_url(competition, entry, "draft"), {"mark-accuracy": "36"}, **HTMX)
    assert marks_of(chief, entry) == {"exam": "27.5", "accuracy": "36"}
    assert not Mark.objects.filter(sheet__entry=entry, counts=True).exists()
    page = judge.get(sheet_url(competition, entry)).content.decode()
    assert 'name="mark-exam" value="27.5"' in page and 'name="mark-accuracy" value="36"' in page
    listed = judge.get("/home/judging/").content.decode()
    assert listed.count('data-state="draft"') == 1


def test_a_wrong_mark_is_reported_next_to_its_field_and_the_others_are_kept(judge, marking):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    fragment = judge.post(
        sheet_url(competition, entry, "draft"),
        {"mark-exam": "31", "mark-accuracy": "abc", "mark-safety": "20"},
        **HTMX,
    ).content.decode()
    assert re.search(r'id="err-exam" hx-swap-oob="true">[^<]+30', fragment)  # 0..30
    assert re.search(r'id="err-accuracy" hx-swap-oob="true">[^<]*abc', fragment)
    assert 'id="err-safety" hx-swap-oob="true"></p>' in fragment
    assert marks_of(chief, entry) == {"safety": "20"}
    # without htmx the whole page comes back with what was typed
    page = judge.post(
        sheet_url(competition, entry, "draft"), {"mark-exam": "31", "mark-accuracy": "36"}
    ).content.decode()
    assert 'value="31"' in page and 'value="36"' in page and 'aria-invalid="true"' in page
    assert marks_of(chief, entry) == {"safety": "20", "accuracy": "36"}


def test_submitting_asks_to_confirm_then_locks(judge, marking):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    confirm = judge.post(sheet_url(competition, entry, "submit"), MARKS)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and 'name="confirm" value="1"' in page
    sheet = Sheet.objects.get(judge=chief, entry=entry)
    assert sheet.status == Sheet.Status.DRAFT  # only kept as a draft so far
    done = judge.post(sheet_url(competition, entry, "submit"), {**MARKS, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == sheet_url(competition, entry)
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    assert marks_of(chief, entry) == {"exam": "27.5", "accuracy": "36", "safety": "28"}
    assert Mark.objects.filter(sheet=sheet, counts=True).count() == 3
    version = sheet.version
    # a double tap, or a changed value posted again, changes nothing
    again = judge.post(
        sheet_url(competition, entry, "submit"), {**MARKS, "mark-exam": "1", "confirm": "1"}
    )
    assert again.status_code == 302
    judge.post(sheet_url(competition, entry, "draft"), {"mark-exam": "2"}, **HTMX)
    sheet.refresh_from_db()
    assert sheet.version == version and marks_of(chief, entry)["exam"] == "27.5"
    locked = judge.get(sheet_url(competition, entry)).content.decode()
    assert 'data-state="submitted"' in locked and 'data-editable="0"' in locked
    assert "<input" not in locked.split("<main", 1)[1].replace('type="hidden"', "")
    assert 'class="mark-input"' not in locked
    listed = judge.get("/home/judging/").content.decode()
    assert listed.count('data-state="submitted"') == 1


def test_submitting_with_a_missing_mark_keeps_what_was_typed(judge, marking):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    response = judge.post(
        sheet_url(competition, entry, "submit"), {"mark-exam": "20", "mark-accuracy": "33"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'name="confirm"' not in page
    assert 'value="20"' in page and 'value="33"' in page
    assert re.search(r'id="err-safety">[^<]+<', page)
    assert Sheet.objects.get(judge=chief, entry=entry).status == Sheet.Status.DRAFT


def test_a_returned_sheet_can_be_marked_again(judge, marking, world):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    sheet = sheets.submit(actor=None, judge=chief, entry=entry, values=dict(MARKS_BY_CODE))
    sheets.return_for_remarking(actor=None, sheet=sheet, reason="安全分偏高，请复核")
    page = judge.get(sheet_url(competition, entry)).content.decode()
    assert 'data-state="returned"' in page and "安全分偏高，请复核" in page
    assert 'data-editable="1"' in page and 'name="mark-safety" value="28"' in page
    assert "安全分偏高" in judge.get("/home/judging/").content.decode()


def test_a_judge_never_sees_another_judges_marks(judge, marking):
    competition, shared, second = marking["competition"], marking["entries"][1], marking["second"]
    sheets.submit(
        actor=None,
        judge=second,
        entry=shared,
        values={"exam": "29.1234", "accuracy": "39.4321", "safety": "7.7777"},
    )
    for url in ("/home/judging/", sheet_url(competition, shared)):
        page = judge.get(url).content.decode()
        assert "29.1234" not in page and "39.4321" not in page and "7.7777" not in page
    assert 'data-state="submitted"' not in judge.get("/home/judging/").content.decode()


def test_another_judges_entry_answers_404(judge, marking):
    competition, theirs = marking["competition"], marking["entries"][3]
    for action in ("", "draft", "submit"):
        assert judge.get(sheet_url(competition, theirs, action)).status_code == 404
    response = judge.post(sheet_url(competition, theirs, "draft"), MARKS, **HTMX)
    assert response.status_code == 404
    assert not Sheet.objects.filter(entry=theirs).exists()
    # and the other judge cannot reach the chief's
    other = client_of(marking["judge2"])
    assert other.get(sheet_url(competition, marking["entries"][0])).status_code == 404
    assert other.get(sheet_url(competition, marking["entries"][1])).status_code == 200


def test_an_entry_of_another_competition_answers_404(judge, marking):
    competition, other, elsewhere = marking["competition"], marking["other"], marking["elsewhere"]
    assert judge.get(sheet_url(competition, elsewhere)).status_code == 404  # wrong pairing
    assert judge.get(sheet_url(other, elsewhere)).status_code == 404  # no seat there
    assert judge.get(sheet_url(other, marking["entries"][0])).status_code == 404
    response = judge.post(sheet_url(other, elsewhere, "submit"), {**MARKS, "confirm": "1"})
    assert response.status_code == 404
    assert not Sheet.objects.filter(entry=elsewhere).exists()


def test_a_judge_with_a_conflict_cannot_mark(judge, marking, world):
    competition, entry, chief = marking["competition"], marking["entries"][0], marking["chief"]
    # his seat now records the entry's enterprise; the assignment is still there
    PanelJudge.objects.filter(pk=chief.pk).update(organisation=world["ours"])
    assert Assignment.objects.filter(judge=chief, entry=entry).exists()
    page = judge.get(sheet_url(competition, entry)).content.decode()
    assert 'data-editable="0"' in page and 'class="mark-input"' not in page
    fragment = judge.post(sheet_url(competition, entry, "draft"), MARKS, **HTMX).content.decode()
    assert 'class="sheet-refused"' in fragment and "sheet-saved-at" not in fragment
    refused = judge.post(
        sheet_url(competition, entry, "submit"), {**MARKS, "confirm": "1"}, follow=True
    )
    assert 'data-editable="0"' in refused.content.decode()
    assert not Sheet.objects.filter(judge=chief, entry=entry).exists()
    # under blind marking the refusal does not say which enterprise the entry is from
    Judging.objects.filter(pk=competition.pk).update(blind=True)
    page = judge.get(sheet_url(competition, entry)).content.decode()
    assert world["ours"].name not in page and "C-0001" not in page


def test_marking_closes_when_the_competition_leaves_judging(judge, marking):
    competition, entry = marking["competition"], marking["entries"][0]
    type(competition).objects.filter(pk=competition.pk).update(status="public_notice")
    page = judge.get(sheet_url(competition, entry)).content.decode()
    assert 'data-editable="0"' in page
    assert judge.get("/home/judging/").status_code == 200
    judge.post(sheet_url(competition, entry, "draft"), MARKS, **HTMX)
    assert not Sheet.objects.filter(entry=entry).exists()


@pytest.mark.parametrize("role", ["officer", "worker", "admin", "nobody"])
def test_someone_without_a_seat_is_refused(client_for, marking, role):
    client = client_for(role)
    competition, entry = marking["competition"], marking["entries"][0]
    assert client.get("/home/judging/").status_code == 403
    assert client.get(sheet_url(competition, entry)).status_code in (403, 404)
    response = client.post(sheet_url(competition, entry, "draft"), MARKS, **HTMX)
    assert response.status_code in (403, 404)
    assert not Sheet.objects.exists()


def test_the_pages_need_a_login(marking):
    competition, entry = marking["competition"], marking["entries"][0]
    response = Client().get(sheet_url(competition, entry))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@override_settings(DEBUG=True)
def test_the_demo_judge_can_mark_after_demo_data():
    from jingsai.judging.models import Criterion, Stage
    from jingsai.people.models import User

    call_command("demo_data", "--enterprises", "25", "--workers", "200", "--quiet")
    call_command("demo_data", "--if-empty", "--quiet")  # idempotent: nothing more
    user = User.objects.get(username="judge")
    # his seats: chief of the blind-marked competition, a judge of the WorldSkills one
    seat = PanelJudge.objects.get(user=user, is_chief=True)
    competition = seat.competition
    assert competition.status == "judging"
    assert PanelJudge.objects.filter(user=user).count() == 2
    assert Competition.objects.filter(judges__isnull=False).distinct().count() == 2
    assert [(s.name, int(s.weight)) for s in Stage.objects.filter(competition=competition)] == [
        ("理论", 30),
        ("实操", 70),
    ]
    criteria = Criterion.objects.filter(competition=competition)
    assert criteria.filter(kind="measurement").count() == 1
    judgement = criteria.filter(kind="judgement")
    assert judgement.count() >= 2
    assert all(c.aggregation == "trimmed" and c.spread_limit for c in judgement)
    assert PanelJudge.objects.filter(competition=competition).count() == 4
    entries = competition.entries.filter(status="approved")
    assert 15 <= entries.count() <= 20 and not entries.filter(number=None).exists()
    assert BlindCode.objects.filter(competition=competition).count() == entries.count()
    assert Judging.objects.get(pk=competition.pk).blind
    # conflicts respected: nobody is assigned an entry of his own organisation
    for a in Assignment.objects.filter(competition=competition).select_related("judge", "entry"):
        assert a.judge.organisation_id != a.entry.enterprise_id
    assert (
        Sheet.objects.filter(competition=competition, status="submitted")
        .exclude(judge=seat)
        .exists()
    )
    assert not Sheet.objects.filter(judge=seat).exists()
    # and he can mark through the pages
    client = client_of(user)
    listed = client.get("/home/judging/").content.decode()
    entry = policy.entries_assigned_to(user, competition).first()
    assert listed.count('data-state="new"') >= 15 and (entry.number not in listed)
    values = {f"mark-{c.code}": str(int(c.max_mark) - 1) for c in criteria}
    client.post(sheet_url(competition, entry, "submit"), {**values, "confirm": "1"})
    assert Sheet.objects.get(judge=seat, entry=entry).status == "submitted"
