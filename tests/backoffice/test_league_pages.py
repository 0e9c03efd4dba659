"""A labour competition's league through the back-office pages: who reaches what,
the scheme, participants, assessors, periods, bonuses and vetoes, confirmation and
the hand-computed ranking, corrections, photos, exports, imports and the year's end."""

import html
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition, Entry
from jingsai.labour.domain import services
from jingsai.labour.models import (
    Assessor,
    AssessorConflict,
    Block,
    Bonus,
    Check,
    Indicator,
    League,
    Participant,
    Period,
    PeriodScore,
    Veto,
)
from tests.factories import OrganisationFactory
from tests.labour import conftest as labour_fixtures
from tests.labour.test_league import PNG, first_period, second_period
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

# the small league of tests/labour (A, B, C in 前滩; D, E in 张江; two monthly periods)
league = labour_fixtures.league
english = labour_fixtures.english


def signed_in(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def client_for(league):
    return lambda role: signed_in(league["users"][role])


def url(league, rest: str = "") -> str:
    return f"/office/competitions/{league['competition'].pk}/league/{rest}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def flash(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def confirmed_first(league):
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    return p1


def read_xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    assert content[:2] == b"PK"
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def page_urls(league, p1, check, photo=None) -> list[str]:
    site = league["sites"]["A"]
    indicator = Indicator.objects.get(league=league["league"], code="safety")
    urls = [
        "",
        "scheme/",
        f"scheme/indicator/{indicator.pk}/edit/",
        "scheme/block/new/",
        "participants/",
        "participants/new/",
        f"participants/{site.pk}/edit/",
        "assessors/",
        "periods/",
        "periods/new/",
        f"periods/{p1.pk}/edit/",
        f"periods/{p1.pk}/",
        f"periods/{p1.pk}/confirm/",
        f"periods/{p1.pk}/ranking/",
        f"periods/{p1.pk}/standings/",
        f"periods/{p1.pk}/ranking.xlsx",
        f"periods/{p1.pk}/standings.xlsx",
        f"periods/{p1.pk}/participants/{site.pk}/",
        f"periods/{p1.pk}/import/",
        f"periods/{p1.pk}/import/template.xlsx",
        f"checks/{check.pk}/",
    ]
    if photo is not None:
        urls.append(f"photos/{photo.pk}/")
    return [url(league, rest) for rest in urls]


# --- who reaches what ----------------------------------------------------------------


def test_every_page_renders_for_the_admin(league, client_for):
    p1 = confirmed_first(league)
    check = Check.objects.filter(period=p1).first()
    client = client_for("admin")
    for address in page_urls(league, p1, check):
        response = client.get(address)
        assert response.status_code == 200, address


def test_leadership_reads_but_changes_nothing(league, client_for):
    p1 = confirmed_first(league)
    check = Check.objects.filter(period=p1).first()
    client = client_for("leader")
    for rest in ("", "scheme/", "participants/", "assessors/", "periods/", f"periods/{p1.pk}/"):
        response = client.get(url(league, rest))
        assert response.status_code == 200, rest
        assert response.context["manage"] is False
        assert "Remove</button>" not in text(response)
    assert client.get(url(league, f"periods/{p1.pk}/ranking/")).status_code == 200
    assert client.get(url(league, f"checks/{check.pk}/")).status_code == 200
    for rest in ("scheme/indicator/new/", "participants/new/", f"periods/{p1.pk}/confirm/"):
        assert client.get(url(league, rest)).status_code == 403, rest
    response = client.post(url(league, ""), {"settings-flags_per_block": "2"})
    assert response.status_code == 403
    response = client.post(url(league, f"checks/{check.pk}/"), {"correct-reason": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer", 403), ("worker", 403), ("nobody", 403), ("judge", 403), ("coorganiser", 404)],
)
def test_others_are_refused(league, client_for, role, status, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p1 = confirmed_first(league)
    check = Check.objects.filter(period=p1).first()
    photo = services.add_photo(
        actor=None, check=check, upload=SimpleUploadedFile("x.png", PNG), caption="现场"
    )
    client = client_for(role)
    for address in page_urls(league, p1, check, photo):
        assert client.get(address).status_code == status, address
    assert client.post(url(league, f"periods/{p1.pk}/publish/")).status_code == status
    assert Period.objects.get(pk=p1.pk).status == Period.Status.CONFIRMED


def test_ids_of_another_competitions_league_are_not_found(league, client_for, make_competition):
    other_competition = make_competition(
        status=Competition.Status.JUDGING, kind=Competition.Kind.LABOUR, title="另一个劳动竞赛"
    )
    other = services.league_of(other_competition)
    block = Block.objects.create(league=other, name="金桥")
    indicator = Indicator.objects.create(league=other, code="x", name="x", weight=100)
    site = services.add_participant(
        other, actor=None, name="项目Z", enterprise=league["sites"]["A"].enterprise, block=block
    )
    period = Period.objects.create(
        league=other, code="p", name="P", starts_on="2026-01-01", ends_on="2026-01-31"
    )
    check = services.save_check(
        actor=None, period=period, participant=site, kind="self", assessor=None, values={"x": "1"}
    )
    p1 = league["periods"][0]
    client = client_for("admin")
    for rest in (
        f"scheme/indicator/{indicator.pk}/edit/",
        f"scheme/block/{block.pk}/edit/",
        f"participants/{site.pk}/edit/",
        f"periods/{period.pk}/",
        f"periods/{period.pk}/ranking/",
        f"periods/{period.pk}/import/",
        f"periods/{p1.pk}/participants/{site.pk}/",
        f"checks/{check.pk}/",
        "scheme/nonsense/new/",
    ):
        assert client.get(url(league, rest)).status_code == 404, rest
    assert client.post(url(league, f"scheme/block/{block.pk}/delete/")).status_code == 404
    assert Block.objects.filter(pk=block.pk).exists()


def test_a_skills_competition_has_no_league_pages(league, client_for, make_competition):
    skills = make_competition(status=Competition.Status.JUDGING)
    response = client_for("admin").get(f"/office/competitions/{skills.pk}/league/")
    assert response.status_code == 404
    assert not League.objects.filter(competition=skills).exists()


def test_first_visit_sets_the_league_up_for_managers_only(league, client_for, make_competition):
    fresh = make_competition(status=Competition.Status.OPEN, kind=Competition.Kind.LABOUR)
    response = client_for("leader").get(f"/office/competitions/{fresh.pk}/league/")
    assert response.status_code == 200
    assert "not set up yet" in text(response)
    assert not League.objects.filter(competition=fresh).exists()
    scheme = client_for("leader").get(f"/office/competitions/{fresh.pk}/league/scheme/")
    assert scheme.status_code == 404
    assert not League.objects.filter(competition=fresh).exists()
    response = client_for("admin").get(f"/office/competitions/{fresh.pk}/league/")
    assert response.status_code == 200
    assert League.objects.filter(competition=fresh).exists()
    assert "The scheme has no indicator." in text(response)


def test_the_competition_page_links_to_the_league(league, client_for):
    address = f"/office/competitions/{league['competition'].pk}/"
    link = url(league)
    assert link in text(client_for("admin").get(address))
    assert link in text(client_for("leader").get(address))
    assert link not in text(client_for("officer").get(address))


# --- settings and scheme -------------------------------------------------------------


def settings_form(**overrides):
    data = {
        "self_weight": "20",
        "mutual_weight": "30",
        "spot_weight": "50",
        "absent_kind": "leave_out",
        "flags_per_block": "2",
        "bonus_cap": "5",
        "cumulative": "mean",
        "missing_period": "as_zero",
        "awards": "一等奖:20%,二等奖:20%",
    }
    return {f"settings-{k}": v for k, v in (data | overrides).items()}


def test_settings_are_saved_and_their_problems_shown(league, client_for):
    client = client_for("admin")
    response = client.post(url(league), settings_form())
    assert response.status_code == 302
    assert League.objects.get(pk=league["league"].pk).flags_per_block == 2
    response = client.post(url(league), settings_form(awards="一等奖"))
    assert response.status_code == 200
    assert "NAME:SHARE" in text(response)
    client.post(url(league), settings_form(spot_weight="40"))
    response = client.get(url(league))
    assert "The check-kind weights add up to 90%, not 100%." in text(response)


def test_add_an_indicator_then_the_locked_scheme_refuses(league, client_for):
    client = client_for("admin")
    data = {
        "code": "progress",
        "name": "进度",
        "maximum": "100",
        "weight": "10",
        "guidance": "",
        "order": "3",
    }
    response = client.post(url(league, "scheme/indicator/new/"), data)
    assert response.status_code == 302
    assert Indicator.objects.filter(league=league["league"], code="progress").exists()
    response = client.get(url(league, "scheme/"))
    assert "The indicator weights add up to 110%, not 100%." in text(response)
    progress = Indicator.objects.get(code="progress")
    response = client.post(url(league, f"scheme/indicator/{progress.pk}/delete/"))
    assert response.status_code == 302
    assert not Indicator.objects.filter(code="progress").exists()

    confirmed_first(league)
    response = client.post(url(league, "scheme/indicator/new/"), data)
    assert response.status_code == 200
    assert "indicators and check weights can no longer change" in text(response)
    assert not Indicator.objects.filter(code="progress").exists()
    safety = Indicator.objects.get(league=league["league"], code="safety")
    response = client.post(
        url(league, f"scheme/indicator/{safety.pk}/edit/"), data | {"code": "safety", "weight": 50}
    )
    assert "can no longer change" in text(response)
    assert Indicator.objects.get(pk=safety.pk).weight == 40


def test_scheme_items_and_blocks(league, client_for):
    client = client_for("admin")
    assert (
        client.post(
            url(league, "scheme/bonus/new/"), {"code": "qc", "name": "QC成果", "cap": "2"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url(league, "scheme/veto/new/"), {"code": "env", "name": "环保处罚"}
        ).status_code
        == 302
    )
    response = client.post(url(league, "scheme/block/new/"), {"name": "金桥", "order": "3"})
    assert response.status_code == 302
    response = client.post(url(league, "scheme/block/new/"), {"name": "金桥", "order": "4"})
    assert response.status_code == 200 and Block.objects.filter(name="金桥").count() == 1
    qiantan = league["blocks"]["前滩"]
    response = client.post(url(league, f"scheme/block/{qiantan.pk}/delete/"), follow=True)
    assert "still in use" in flash(response)
    page = text(client.get(url(league, "scheme/")))
    assert "QC成果" in page and "环保处罚" in page and "金桥" in page


# --- participants and assessors ------------------------------------------------------


def test_participants_added_edited_and_taken_in(league, client_for):
    client = client_for("admin")
    builder = OrganisationFactory(name="上海己建设有限公司")
    qiantan = league["blocks"]["前滩"]
    response = client.post(
        url(league, "participants/new/"),
        {
            "name": "项目F",
            "enterprise": builder.name,
            "block": qiantan.pk,
            "address": "前滩大道1号",
            "contract_value": "12000.50",
            "starts_on": "2026-01-01",
            "ends_on": "2027-06-30",
            "manager": "王经理",
            "description": "",
        },
    )
    assert response.status_code == 302
    site = Participant.objects.get(name="项目F")
    assert site.entry.status == Entry.Status.APPROVED and site.entry.number
    assert site.block == qiantan and site.enterprise == builder
    response = client.post(
        url(league, "participants/new/"), {"name": "项目G", "enterprise": "没有这家企业"}
    )
    assert "No enterprise has this name" in text(response)

    zhangjiang = league["blocks"]["张江"]
    response = client.post(
        url(league, f"participants/{site.pk}/edit/"),
        {"name": "项目F", "block": zhangjiang.pk, "manager": "李经理"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.block == zhangjiang and site.manager == "李经理"
    entry = AuditEntry.objects.filter(
        object_type="labour.participant", object_id=str(site.pk), action="update"
    ).get()
    assert entry.before["manager"] == "王经理" and entry.after["manager"] == "李经理"

    waiting = Entry.objects.create(
        competition=league["competition"],
        enterprise=builder,
        status=Entry.Status.APPROVED,
        number="GMR-9001",
        project_name="项目H",
    )
    response = client.post(url(league, "participants/take-in/"), follow=True)
    assert "1 approved entries now take part" in flash(response)
    assert Participant.objects.get(entry=waiting).name == "项目H"
    page = text(client.get(url(league, "participants/")))
    assert "项目H" in page and "GMR-9001" in page and "without a block" in page
    page = text(client.get(url(league, f"participants/?block={qiantan.pk}")))
    assert "项目A" in page and "项目D" not in page


def test_assessors_and_their_conflicts(league, client_for):
    client = client_for("admin")
    response = client.post(
        url(league, "assessors/"),
        {
            "action": "assessor",
            "assessor-username": "leader",
            "assessor-name": "抽查二组",
            "assessor-organisation": "",
            "assessor-kind": "spot",
        },
    )
    assert response.status_code == 302
    seat = Assessor.objects.get(league=league["league"], user__username="leader")
    assert (seat.name, seat.kind, seat.is_lead) == ("抽查二组", "spot", False)
    response = client.post(
        url(league, "assessors/"),
        {"action": "assessor", "assessor-username": "leader", "assessor-kind": "spot"},
    )
    assert "already on the inspection team" in text(response)
    response = client.post(
        url(league, "assessors/"),
        {"action": "assessor", "assessor-username": "ghost", "assessor-kind": "spot"},
    )
    assert "No active login" in text(response)

    site = league["sites"]["E"]
    response = client.post(
        url(league, "assessors/"),
        {
            "action": "conflict",
            "conflict-assessor": seat.pk,
            "conflict-participant": site.pk,
            "conflict-reason": "亲属在该项目",
        },
    )
    assert response.status_code == 302
    conflict = AssessorConflict.objects.get(assessor=seat)
    page = text(client.get(url(league, "assessors/")))
    assert "亲属在该项目" in page
    assert site not in services.participants_for(seat)
    assert client.post(url(league, f"conflicts/{conflict.pk}/remove/")).status_code == 302
    assert not AssessorConflict.objects.exists()

    # an assessor with checks stays; one without leaves
    first_period(league)
    response = client.post(url(league, f"assessors/{league['spot'].pk}/remove/"), follow=True)
    assert "stays on the team" in flash(response)
    assert client.post(url(league, f"assessors/{seat.pk}/remove/")).status_code == 302
    assert not Assessor.objects.filter(pk=seat.pk).exists()


# --- periods -------------------------------------------------------------------------


def test_periods_monthly_and_one_by_one(league, client_for):
    client = client_for("admin")
    response = client.post(url(league, "periods/monthly/"), {"monthly-year": "2027"}, follow=True)
    assert "12 monthly periods created" in flash(response)
    assert league["league"].periods.filter(code__startswith="2027-").count() == 12
    response = client.post(
        url(league, "periods/new/"),
        {
            "code": "2028-q1",
            "name": "2028年一季度",
            "starts_on": "2028-01-01",
            "ends_on": "2028-03-31",
            "weight": "3",
        },
    )
    assert response.status_code == 302
    quarter = Period.objects.get(code="2028-q1")
    response = client.post(
        url(league, f"periods/{quarter.pk}/edit/"),
        {
            "code": "2028-q1",
            "name": "2028年第一季度",
            "starts_on": "2028-01-01",
            "ends_on": "2027-12-31",
            "weight": "3",
        },
    )
    assert response.status_code == 200 and "ends on or after" in text(response)
    page = text(client.get(url(league, "periods/")))
    assert "2028年一季度" in page and "2027-12" in page


# --- a period: bonuses, vetoes, confirmation, ranking ---------------------------------


def test_bonus_and_veto_forms_then_corrections_need_a_reason(league, client_for):
    client = client_for("admin")
    p1 = league["periods"][0]
    a, c = league["sites"]["A"], league["sites"]["C"]
    period_url = url(league, f"periods/{p1.pk}/")
    response = client.post(
        period_url + "bonuses/",
        {
            "bonus-participant": a.pk,
            "bonus-item": league["bonus"].pk,
            "bonus-points": "4",
            "bonus-reason": "获市级奖项",
        },
    )
    assert response.status_code == 302
    response = client.post(
        period_url + "bonuses/",
        {
            "bonus-participant": a.pk,
            "bonus-item": league["bonus2"].pk,
            "bonus-points": "-1",
            "bonus-reason": "x",
        },
    )
    assert response.status_code == 200 and "Points are a number" in text(response)
    response = client.post(
        period_url + "vetoes/",
        {"veto-participant": c.pk, "veto-item": league["veto"].pk, "veto-reason": "高处坠落事故"},
    )
    assert response.status_code == 302
    page = text(client.get(period_url))
    assert "获市级奖项" in page and "高处坠落事故" in page
    bonus = Bonus.objects.get(period=p1, participant=a)
    assert client.post(period_url + f"bonuses/{bonus.pk}/remove/").status_code == 302
    assert not Bonus.objects.filter(period=p1).exists()

    confirmed_first(league)
    veto = Veto.objects.get(period=p1, participant=c)
    response = client.post(period_url + f"vetoes/{veto.pk}/remove/", follow=True)
    assert "correction with a reason" in flash(response)
    assert Veto.objects.filter(pk=veto.pk).exists()
    response = client.post(
        period_url + "bonuses/",
        {
            "bonus-participant": c.pk,
            "bonus-item": league["bonus2"].pk,
            "bonus-points": "1",
            "bonus-reason": "创新",
        },
    )
    assert response.status_code == 200
    assert "correction" in response.context["bonus_form"].errors
    response = client.post(
        period_url + f"vetoes/{veto.pk}/remove/", {"remove-correction": "经复核非责任事故"}
    )
    assert response.status_code == 302
    assert not Veto.objects.filter(period=p1).exists()
    entry = AuditEntry.objects.filter(action="correct").latest("id")
    assert entry.note == "经复核非责任事故"
    assert str(PeriodScore.objects.get(period=p1, participant=c).score) == "83.60"


def ranking_rows(response) -> dict[str, tuple]:
    return {
        s.participant.name[-1]: (str(s.score), s.rank, s.block_rank, s.flag, s.vetoed)
        for s in response.context["page"].items
    }


def test_confirm_in_two_steps_then_the_ranking_shows_the_hand_computed_figures(league, client_for):
    client = client_for("admin")
    p1 = first_period(league)
    confirm_url = url(league, f"periods/{p1.pk}/confirm/")
    response = client.get(confirm_url)
    assert response.status_code == 200
    assert "Yes, confirm the period" in text(response)
    assert response.context["submitted"] == 7 and response.context["assessed"] == 5
    assert Period.objects.get(pk=p1.pk).status == Period.Status.OPEN

    p2 = league["periods"][1]
    response = client.post(url(league, f"periods/{p2.pk}/confirm/"), follow=True)
    assert "periods are confirmed in order" in flash(response)

    response = client.post(confirm_url, follow=True)
    assert Period.objects.get(pk=p1.pk).status == Period.Status.CONFIRMED
    assert response.redirect_chain[-1][0].endswith(f"periods/{p1.pk}/ranking/")
    assert ranking_rows(response) == {
        "B": ("89.80", 1, 1, True, False),
        "D": ("86.80", 2, 1, True, False),
        "E": ("86.80", 2, 1, True, False),
        "A": ("85.80", 4, 2, False, False),
        "C": ("0.00", 5, 3, False, True),
    }
    page = text(response)
    assert page.count("🚩") == 3
    row_b = re.search(r"<tr><td>1</td><td>1</td>.*?</tr>", page, re.S).group(0)
    assert "项目B" in row_b and "89.80" in row_b and "🚩" in row_b
    row_a = re.search(r"<tr>(?:(?!</tr>).)*项目A.*?</tr>", page, re.S).group(0)
    assert "80.80" in row_a and "5.00" in row_a and "85.80" in row_a
    assert "vetoed" in page

    zhangjiang = league["blocks"]["张江"]
    response = client.get(url(league, f"periods/{p1.pk}/ranking/?block={zhangjiang.pk}"))
    assert set(ranking_rows(response)) == {"D", "E"}

    response = client.get(url(league, f"periods/{p1.pk}/standings/"))
    standings = {
        s.participant.name[-1]: (str(s.score), s.rank) for s in response.context["page"].items
    }
    assert standings["B"] == ("89.80", 1)

    # publish, then the next period moves the standings
    response = client.post(url(league, f"periods/{p1.pk}/publish/"), follow=True)
    assert Period.objects.get(pk=p1.pk).status == Period.Status.PUBLISHED
    second_period(league)
    client.post(url(league, f"periods/{p2.pk}/confirm/"))
    response = client.get(url(league, f"periods/{p2.pk}/standings/"))
    moves = {
        s.participant.name[-1]: (str(s.score), s.move_kind, s.move_by)
        for s in response.context["page"].items
    }
    assert moves["D"] == ("93.40", "up", 1)
    assert moves["E"] == ("43.40", "down", 1)
    assert "▲1" in text(response) and "▼1" in text(response)


def test_reopen_needs_a_reason(league, client_for):
    client = client_for("admin")
    p1 = confirmed_first(league)
    response = client.post(
        url(league, f"periods/{p1.pk}/reopen/"), {"reopen-reason": " "}, follow=True
    )
    assert "Say why" in flash(response)
    assert Period.objects.get(pk=p1.pk).status == Period.Status.CONFIRMED
    response = client.post(
        url(league, f"periods/{p1.pk}/reopen/"), {"reopen-reason": "漏录一条抽查"}
    )
    assert Period.objects.get(pk=p1.pk).status == Period.Status.OPEN
    assert not PeriodScore.objects.filter(period=p1).exists()


def test_the_progress_grid_counts_checks_per_kind(league, client_for):
    p1 = league["periods"][0]
    services.save_check(
        actor=None,
        period=p1,
        participant=league["sites"]["B"],
        kind="spot",
        assessor=league["spot"],
        values={"safety": "80"},
    )
    first_period(league)
    response = client_for("admin").get(url(league, f"periods/{p1.pk}/"))
    rows = {p.name[-1]: cells for p, cells in response.context["rows"]}
    assert rows["A"] == [(1, 0), (1, 0), (1, 0)]
    assert rows["B"] == [(0, 0), (0, 0), (1, 0)]
    assert response.context["totals"]["submitted"] == 7


# --- checks: detail, correction, photos -------------------------------------------------


def test_a_correction_through_the_page_needs_its_reason_and_is_audited(league, client_for):
    client = client_for("admin")
    p1 = confirmed_first(league)
    b_spot = Check.objects.get(period=p1, participant=league["sites"]["B"], kind="spot")
    check_url = url(league, f"checks/{b_spot.pk}/")
    page = text(client.get(check_url))
    assert "41.5" in page and "抽查员" in page
    marks = {"correct-mark_safety": "100", "correct-mark_quality": "30"}
    response = client.post(check_url, marks | {"correct-reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert (
        str(PeriodScore.objects.get(period=p1, participant=league["sites"]["B"]).score) == "89.80"
    )
    response = client.post(check_url, marks | {"correct-mark_quality": "55", "correct-reason": "x"})
    assert "0 to 50" in text(response)
    response = client.post(check_url, marks | {"correct-reason": "抄录错误"})
    assert response.status_code == 302
    score = PeriodScore.objects.get(period=p1, participant=league["sites"]["B"])
    assert (str(score.score), score.rank, score.flag) == ("76.00", 4, False)
    entry = AuditEntry.objects.filter(action="correct").latest("id")
    assert entry.note == "抄录错误" and entry.actor_label
    assert entry.after["marks"]["quality"] == "30"
    assert "抄录错误" in text(client.get(check_url))


def test_photos_are_served_only_to_readers(league, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p1 = first_period(league)
    check = Check.objects.get(period=p1, participant=league["sites"]["A"], kind="spot")
    photo = services.add_photo(
        actor=None, check=check, upload=SimpleUploadedFile("site.png", PNG), caption="脚手架"
    )
    photo_url = url(league, f"photos/{photo.pk}/")
    assert photo_url in text(client_for("admin").get(url(league, f"checks/{check.pk}/")))
    assert client_for("officer").get(photo_url).status_code == 403
    assert client_for("coorganiser").get(photo_url).status_code == 404
    for role in ("admin", "leader"):
        response = client_for(role).get(photo_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG
    assert photo.file.url not in text(client_for("admin").get(url(league, f"checks/{check.pk}/")))


# --- exports, imports, year end -------------------------------------------------------


def test_ranking_and_standings_export_to_xlsx(league, client_for):
    client = client_for("admin")
    p1 = confirmed_first(league)
    response = client.get(url(league, f"periods/{p1.pk}/ranking.xlsx"))
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert rows[0][:4] == ["rank", "rank in block", "entry number", "participant"]
    assert len(rows) == 6
    by_name = {row[3]: row for row in rows[1:]}
    b = by_name["项目B"]
    assert (b[0], b[8], b[10]) == (1, 89.8, "🚩")
    assert isinstance(b[2], str) and b[2] == league["sites"]["B"].entry.number
    assert by_name["项目C"][9] == "vetoed"

    response = client.get(url(league, f"periods/{p1.pk}/standings.xlsx"))
    rows = read_xlsx(response)
    assert len(rows) == 6 and rows[0][6] == "cumulative score"
    assert {row[3]: row[6] for row in rows[1:]}["项目D"] == 86.8

    zhangjiang = league["blocks"]["张江"]
    response = client.get(url(league, f"periods/{p1.pk}/ranking.xlsx?block={zhangjiang.pk}"))
    assert {row[3] for row in read_xlsx(response)[1:]} == {"项目D", "项目E"}


IMPORT_HEADER = ["参赛编号或项目名称", "检查类型", "考核人", "检查日期", "检查情况", "安全", "质量"]


def upload(rows):
    file = io.BytesIO(xlsx_bytes([IMPORT_HEADER, *rows], sheet="checks"))
    file.name = "checks.xlsx"
    return file


def test_checks_import_is_all_or_nothing(league, client_for):
    client = client_for("admin")
    p1 = league["periods"][0]
    import_url = url(league, f"periods/{p1.pk}/import/")
    template = client.get(import_url + "template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    number_b = league["sites"]["B"].entry.number
    bad = [
        [number_b, "抽查", "judge", "2026-01-10", "", 90, 45],
        ["项目Q", "抽查", "judge", "", "", 90, 45],
        ["项目D", "互查", "mutual", "", "", 90, 45],
    ]
    response = client.post(import_url, {"file": upload(bad)})
    assert response.status_code == 200
    assert "Nothing was imported" in text(response)
    problems = {(e.row, e.message) for e in response.context["errors_shown"]}
    assert any(row == 3 and "No participant" in message for row, message in problems)
    assert any(row == 4 and "belongs to" in message for row, message in problems)
    assert not Check.objects.exists()
    token = response.context["report_token"]
    report = client.get(import_url + f"report/{token}.xlsx")
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"
    assert client_for("leader").get(import_url + f"report/{token}.xlsx").status_code == 403

    good = [
        [number_b, "抽查", "judge", "2026-01-10", "", 100, 41.5],
        ["项目A", "自查", "", "", "", 90, 40],
    ]
    response = client.post(import_url, {"file": upload(good)}, follow=True)
    assert "2 checks imported from 2 rows" in flash(response)
    assert Check.objects.filter(period=p1, source="import", status="submitted").count() == 2

    not_a_workbook = io.BytesIO(b"not a spreadsheet")
    not_a_workbook.name = "checks.xlsx"
    response = client.post(import_url, {"file": not_a_workbook})
    assert response.context["form"].errors["file"]


def test_year_end_final_standings_and_awards(league, client_for):
    client = client_for("admin")
    p1 = confirmed_first(league)
    assert "Final standings and awards" not in text(client.get(url(league)))
    response = client.post(url(league, "finalise/"), follow=True)
    assert "Every period must be confirmed" in flash(response)
    second_period(league)
    services.confirm(actor=None, period=league["periods"][1])
    assert "Final standings and awards" in text(client.get(url(league)))
    response = client.post(url(league, "finalise/"), follow=True)
    assert response.status_code == 200
    assert response.context["final"]
    awards = {s.participant.name[-1]: s.award for s in response.context["page"].items}
    assert awards == {"D": "一等奖", "B": "二等奖", "E": "", "A": "", "C": ""}
    assert "一等奖" in text(response)
    assert League.objects.get(pk=league["league"].pk).finalised_at
    assert p1.pk  # the first period's standings stay as they were
