"""Results from marks to the public: the chief judge confirms the submitted marks; the
programme admin computes the results, puts them on public notice (the public sees them
with the notice), is refused publication while the notice runs, and publishes them once
it is over; the public results page shows the ranks and awards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import Criterion, Judging, Result, Stage
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from tests.e2e.conftest import PASSWORD
from tests.factories import OrganisationFactory, WorkerFactory, make_user

pytestmark = pytest.mark.e2e

S = Competition.Status

# entry: (J1's theory, J1's practical), (J2's theory, J2's practical); each criterion out of
# 100, the mean of the two judges; theory weighs 30 and practical 70.
MARKS = {
    "A01": ((90, 80), (90, 90)),  # 90 × 0.3 + 85 × 0.7 = 27 + 59.5 = 86.50
    "A02": ((70, 60), (70, 70)),  # 70 × 0.3 + 65 × 0.7 = 21 + 45.5 = 66.50
    "A03": ((80, 75), (80, 79)),  # 80 × 0.3 + 77 × 0.7 = 24 + 53.9 = 77.90
}
# rank, entry, name, total, award: worked out by hand from MARKS and the award shares
EXPECTED = [
    ("1", "A01", "张三丰", "86.50", "一等奖"),
    ("2", "A03", "王小五", "77.90", "二等奖"),
    ("3", "A02", "李四", "66.50", "三等奖"),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}  # the UI's default language


@pytest.fixture
def all_sheets_submitted(e2e_world):
    """A competition in judging, two judges (J1 the chief) who have submitted every sheet."""
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.get(year=2026),
        title="浦东新区数控车工技能竞赛（决赛）",
        series=Series.objects.get(code="hard-core-industries"),
        organiser=Organisation.objects.get(kind=Organisation.Kind.UNION),
        registration_opens=timezone.now() - dt.timedelta(days=30),
        registration_closes=timezone.now() - dt.timedelta(days=10),
    )
    Competition.objects.filter(pk=competition.pk).update(status=S.JUDGING)
    competition.refresh_from_db()
    Judging.objects.create(
        competition=competition, awards="一等奖:34%,二等奖:33%,三等奖:33%", appeal_days=3
    )
    theory = Stage.objects.create(
        competition=competition, code="theory", name="理论", weight=Decimal(30), order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="实操", weight=Decimal(70), order=2
    )
    Criterion.objects.create(
        competition=competition, stage=theory, code="T1", name="理论考试", max_mark=100, order=1
    )
    Criterion.objects.create(
        competition=competition,
        stage=practical,
        code="P1",
        name="工件加工",
        max_mark=100,
        spread_limit=20,
        order=2,
    )
    third = WorkerFactory(employer=OrganisationFactory(name="上海丙精工有限公司"), name="王小五")
    entries = {}
    for number, worker in (
        ("A01", e2e_world["our_worker"]),
        ("A02", e2e_world["their_worker"]),
        ("A03", third),
    ):
        entries[number] = Entry.objects.create(
            competition=competition,
            enterprise=worker.employer,
            status=Entry.Status.APPROVED,
            number=number,
        )
        EntryMember.objects.create(entry=entries[number], competition=competition, worker=worker)
    chief = panel.add_judge(
        actor=None,
        competition=competition,
        code="J1",
        name="钱裁判",
        user=make_user("chief", Role.JUDGE),
        is_chief=True,
    )
    second = panel.add_judge(
        actor=None,
        competition=competition,
        code="J2",
        name="孙裁判",
        user=make_user("judge2", Role.JUDGE),
    )
    panel.assign_many(actor=None, judges=[chief, second], entries=list(entries.values()))
    for number, by_judge in MARKS.items():
        for judge, (t1, p1) in zip((chief, second), by_judge, strict=True):
            sheets.submit(
                actor=judge.user, judge=judge, entry=entries[number], values={"T1": t1, "P1": p1}
            )
    return competition


def table_rows(page, selector: str, columns: int) -> list[tuple[str, ...]]:
    return [
        tuple(cell.strip() for cell in row.locator("td").all_inner_texts()[:columns])
        for row in page.locator(f"{selector} tbody tr").all()
    ]


def test_admin_computes_puts_on_notice_and_publishes_results(
    all_sheets_submitted, e2e_world, live_server, browser, sign_in, screenshot
):
    competition = all_sheets_submitted
    office = f"{live_server.url}/office/competitions/{competition.pk}/marking/"
    public_results = f"{live_server.url}/competitions/{competition.code}/results/"
    public = browser.new_context(locale="zh-CN")  # a member of the public, never signed in
    reader = public.new_page()
    assert reader.goto(public_results).status == 404  # nothing public before the notice

    # the chief judge confirms the marks: every sheet is in
    chief = browser.new_context(locale="zh-CN")
    judge_page = chief.new_page()
    judge_page.goto(f"{live_server.url}/login/")
    judge_page.fill("#id_username", "chief")
    judge_page.fill("#id_password", PASSWORD)
    judge_page.click("main button[type=submit]")
    judge_page.wait_for_url(f"{live_server.url}/home/")
    judge_page.goto(office)
    expect(judge_page.locator("#progress-figures")).to_contain_text("6")
    judge_page.click("form[action$='/marking/confirm/'] button")
    expect(judge_page.locator("main .notice-success").first).to_be_visible()
    chief.close()
    assert Judging.objects.get(pk=competition.pk).marks_confirmed_at is not None

    # the admin computes the results
    page = sign_in("admin")
    page.goto(f"{live_server.url}/office/competitions/{competition.pk}/")
    page.click("main a[href$='/marking/results/']")
    page.wait_for_url(f"{office}results/")
    expect(page.locator("main")).to_contain_text("尚未计算成绩")
    page.click("form[action$='/results/compute/'] button")
    expect(page.locator("main .notice-success")).to_contain_text("已计算 3 个报名的成绩")
    assert [(r[0], r[1], r[2], r[4], r[7]) for r in table_rows(page, "#results", 9)] == EXPECTED
    screenshot(page, "results-1-computed")

    # on public notice for a week from today
    today = timezone.localdate()
    page.fill("#id_notice-starts", today.isoformat())
    page.fill("#id_notice-ends", (today + dt.timedelta(days=6)).isoformat())
    page.click("form[action$='/results/notice/'] button")
    expect(page.locator("main .notice-success")).to_contain_text("成绩已公示")
    competition.refresh_from_db()
    assert competition.status == S.PUBLIC_NOTICE
    screenshot(page, "results-2-on-notice")
    reader.goto(public_results)
    expect(reader.locator("#on-notice")).to_be_visible()
    expect(reader.locator("#notice")).to_contain_text(
        f"{today:%Y-%m-%d} 至 {today + dt.timedelta(days=6):%Y-%m-%d}"
    )
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in table_rows(reader, "#results", 6)] == EXPECTED
    screenshot(reader, "public-results-on-notice")

    # publishing is refused while the notice runs
    page.click("form[action$='/results/publish/'] button")
    expect(page.locator("main .notice-error")).to_contain_text(
        f"公示期至 {today + dt.timedelta(days=6):%Y-%m-%d}"
    )
    competition.refresh_from_db()
    assert competition.status == S.PUBLIC_NOTICE

    # a week later (the clock moved on: the notice now lies in the past), no appeal: published
    Judging.objects.filter(pk=competition.pk).update(
        notice_from=today - dt.timedelta(days=8), notice_until=today - dt.timedelta(days=2)
    )
    page.reload()
    page.click("form[action$='/results/publish/'] button")
    expect(page.locator("main .notice-success")).to_contain_text("成绩已发布")
    competition.refresh_from_db()
    assert competition.status == S.PUBLISHED
    assert Judging.objects.get(pk=competition.pk).published_at is not None
    screenshot(page, "results-3-published")

    reader.goto(f"{live_server.url}/competitions/{competition.code}/")
    reader.click("#results-link a")
    reader.wait_for_url(public_results)
    expect(reader.locator("#results")).to_be_visible()
    assert reader.locator("#on-notice").count() == 0
    rows = table_rows(reader, "#results", 6)
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == EXPECTED
    assert [r[3] for r in rows] == [
        "上海甲芯片有限公司",
        "上海丙精工有限公司",
        "上海乙医药有限公司",
    ]
    html = reader.content()
    for worker in (e2e_world["our_worker"], e2e_world["their_worker"]):
        assert worker.id_number not in html  # never an ID number on the public page
    screenshot(reader, "public-results")
    public.close()
    stored = Result.objects.filter(competition=competition).order_by("position")
    assert [(r.entry.number, r.rank, f"{r.total:.2f}", r.award) for r in stored] == [
        (number, int(rank), total, award) for rank, number, _, total, award in EXPECTED
    ]
