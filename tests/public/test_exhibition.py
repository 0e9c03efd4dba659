"""The exhibition (赛展合一): a programme year's public competitions per series and brand,
with participation, winners of published competitions and red-flag holders of published
periods; each competition's page shows its winners and what they gained. Nothing of a
person beyond name, employer, award and those gains; a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jingsai.catalogue.models import Brand, ProgrammeYear, Series
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from jingsai.labour.domain import services
from jingsai.labour.models import Period
from jingsai.people.models import SkillLevel
from jingsai.public import exhibition
from jingsai.skills.domain import records
from jingsai.skills.models import SkillRecord
from tests.factories import OrganisationFactory, WorkerFactory
from tests.labour.conftest import league  # noqa: F401 (the fixture)
from tests.labour.test_league import check, first_period, second_period
from tests.redis_cache import shared_cache  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

S = Competition.Status
APPROVED = Entry.Status.APPROVED


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def chinese() -> Client:
    return Client(headers={"accept-language": "zh-hans"})


def enter(competition, enterprise, workers, number, *, status=APPROVED, team_name=""):
    """An entry of the workers (the first is the captain)."""
    entry = Entry.objects.create(
        competition=competition,
        enterprise=enterprise,
        status=status,
        number=number if status == APPROVED else None,
        team_name=team_name,
    )
    for n, worker in enumerate(workers):
        EntryMember.objects.create(
            entry=entry,
            competition=competition,
            worker=worker,
            is_captain=n == 0,
            active=status != Entry.Status.WITHDRAWN,
        )
    return entry


def set_results(competition, rows):
    """Stored results: rows of (entry, rank, total, award)."""
    for position, (entry, rank, total, award) in enumerate(rows, start=1):
        Result.objects.create(
            competition=competition,
            entry=entry,
            rank=rank,
            total=Decimal(str(total)),
            award=award,
            position=position,
        )


def section(body: str, start: str, end: str | None = None) -> str:
    begin = body.index(start)
    return body[begin : body.index(end, begin)] if end else body[begin:]


@pytest.fixture
def year_2026(world):
    return ProgrammeYear.objects.get(year=2026)


@pytest.fixture
def shown(world, make_competition):
    """A draft, an open competition and a published one (a brand, two award holders, one
    entrant without an award, a submitted entry and a withdrawn one), and one on notice
    with an award holder."""
    brand = Brand.objects.order_by("order").first()
    digital = Series.objects.get(code="city-digital-transformation")
    draft = make_competition(status=S.DRAFT, code="draft-2026", title="草稿竞赛")
    opened = make_competition(status=S.OPEN, code="open-2026", title="报名中的竞赛")
    published = make_competition(
        status=S.PUBLISHED, code="pub-2026", title="集成电路技能竞赛", brand=brand
    )
    notice = make_competition(
        status=S.PUBLIC_NOTICE, code="notice-2026", title="网络防护竞赛", series=digital
    )
    ours, theirs = world["ours"], world["theirs"]
    winner, second = world["our_worker"], world["their_worker"]
    third = WorkerFactory(employer=theirs, name="王未获")
    a1 = enter(published, ours, [winner], "P01")
    a2 = enter(published, theirs, [second], "P02")
    a3 = enter(published, theirs, [third], "P03")
    enter(published, theirs, [WorkerFactory(employer=theirs)], "x", status=Entry.Status.SUBMITTED)
    enter(
        published,
        OrganisationFactory(name="上海退出有限公司"),
        [WorkerFactory(name="退出者")],
        "y",
        status=Entry.Status.WITHDRAWN,
    )
    set_results(published, [(a1, 1, 95, "一等奖"), (a2, 2, 85, "二等奖"), (a3, 3, 60, "")])
    on_notice_worker = WorkerFactory(employer=theirs, name="赵公示")
    n1 = enter(notice, theirs, [on_notice_worker], "N01")
    enter(opened, ours, [winner], "O01")  # the winner also takes part in another competition
    set_results(notice, [(n1, 1, 90, "一等奖")])
    enter(draft, ours, [WorkerFactory(employer=ours, name="草稿人")], "D01")
    return {
        "draft": draft,
        "open": opened,
        "published": published,
        "notice": notice,
        "brand": brand,
        "third": third,
        "on_notice_worker": on_notice_worker,
    }


def test_only_public_competitions_appear(shown):
    response = english().get("/exhibition/")
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["year"].year == 2026
    for competition in ("open", "published", "notice"):
        assert shown[competition].title in body
    assert "草稿竞赛" not in body and "草稿人" not in body
    assert "/competitions/draft-2026/" not in body
    same = english().get("/exhibition/2026/").context["exhibition"]
    assert same.competitions == response.context["exhibition"].competitions
    listed = {c.competition.code for c in response.context["exhibition"].competitions}
    assert listed == {"open-2026", "pub-2026", "notice-2026"}


def test_participation_per_year_series_brand_and_competition(shown, world):
    result = exhibition.year_exhibition(ProgrammeYear.objects.get(year=2026))
    # approved entries only: published 3, notice 1, open 1
    assert result.figures == exhibition.Figures(competitions=3, entries=5, workers=4, enterprises=2)
    series = {shelf.tag.code: shelf for shelf in result.series}
    assert list(series) == ["hard-core-industries", "city-digital-transformation"]
    # the winner takes part in two competitions of the series: counted once
    assert series["hard-core-industries"].figures == exhibition.Figures(2, 4, 3, 2)
    assert series["city-digital-transformation"].figures == exhibition.Figures(1, 1, 1, 1)
    [brand] = result.brands
    assert brand.tag == shown["brand"]
    assert brand.figures == exhibition.Figures(1, 3, 3, 2)
    figures = {c.competition.code: c.figures for c in result.competitions}
    assert figures["pub-2026"] == exhibition.Figures(0, 3, 3, 2)
    assert figures["open-2026"] == exhibition.Figures(0, 1, 1, 1)
    body = english().get("/exhibition/").content.decode()
    assert section(body, 'id="brands"').count(shown["published"].title) == 1


def test_winners_only_of_published_competitions(shown, world):
    body = english().get("/exhibition/").content.decode()
    card = section(body, 'id="competition-pub-2026"', "</article>")
    assert "一等奖" in card and "张三丰" in card and world["ours"].name in card
    assert "二等奖" in card and "李四" in card and world["theirs"].name in card
    assert "王未获" not in body  # no award, not a winner
    notice_card = section(body, 'id="competition-notice-2026"', "</article>")
    assert "赵公示" not in notice_card and "一等奖" not in notice_card


def test_no_personal_data_on_any_page(shown, world):
    people = [world["our_worker"], world["their_worker"], shown["third"]]
    for url in (
        "/exhibition/",
        "/competitions/pub-2026/",
        "/competitions/pub-2026/results/",
    ):
        content = english().get(url).content
        for worker in people:
            assert worker.id_number.encode() not in content
            assert worker.id_number[-4:].encode() not in content
            assert worker.phone.encode() not in content
            assert worker.birth_date.isoformat().encode() not in content
        assert b"<img" not in content


def test_year_picker_and_other_years(shown, make_competition):
    earlier = ProgrammeYear.objects.create(year=2025, title="2025年度劳动和技能竞赛")
    make_competition(status=S.ARCHIVED, code="old-2025", title="往年竞赛", year=earlier)
    ProgrammeYear.objects.create(year=2024, title="2024年度")  # nothing public: not offered
    response = english().get("/exhibition/")
    body = response.content.decode()
    picker = section(body, 'id="year-picker"', "</nav>")
    assert '/exhibition/2025/"' in picker and '/exhibition/2026/" aria-current="page"' in picker
    assert "/exhibition/2024/" not in picker
    assert "往年竞赛" not in body
    older = english().get("/exhibition/2025/").content.decode()
    assert "往年竞赛" in older and shown["published"].title not in older
    assert '/exhibition/2025/" aria-current="page"' in older
    # a year with nothing public is still its own (empty) page; an unknown year is 404
    assert english().get("/exhibition/2024/").status_code == 200
    assert english().get("/exhibition/1999/").status_code == 404


def test_the_page_works_before_any_programme_year(db):
    response = english().get("/exhibition/")
    assert response.status_code == 200
    assert "No programme year yet." in response.content.decode()


def test_the_landing_page_and_competition_page_link_to_the_exhibition(shown):
    assert b'href="/exhibition/"' in english().get("/").content
    assert b'href="/exhibition/2026/"' in english().get("/competitions/pub-2026/").content


def build(make_competition, world, n: int, start: int) -> None:
    """n published competitions, each with a brand, three entries and two award holders."""
    brands = list(Brand.objects.all())
    for i in range(start, start + n):
        competition = make_competition(
            status=S.PUBLISHED, code=f"many-{i}", title=f"竞赛{i}", brand=brands[i % len(brands)]
        )
        entries = [
            enter(
                competition,
                world["ours"],
                [WorkerFactory(employer=world["ours"]), WorkerFactory(employer=world["ours"])],
                f"M{i}-{k}",
                team_name=f"队{i}-{k}",
            )
            for k in range(3)
        ]
        set_results(
            competition,
            [(entries[0], 1, 90, "一等奖"), (entries[1], 2, 80, "二等奖"), (entries[2], 3, 70, "")],
        )


def test_query_count_does_not_grow_with_the_competitions(world, make_competition, league):  # noqa: F811
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    services.publish(actor=None, period=p1)
    client = english()
    client.get("/exhibition/")  # warm up (content types, translations)
    build(make_competition, world, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/exhibition/").status_code == 200
    build(make_competition, world, 8, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/exhibition/")
    assert len(response.context["exhibition"].competitions) == 11
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 20, [q["sql"] for q in many.captured_queries]


def test_winners_on_the_year_page_are_capped_with_a_link_to_the_rest(world, make_competition):
    competition = make_competition(status=S.PUBLISHED, code="big-2026", title="大赛")
    shown = exhibition.WINNERS_PER_COMPETITION
    rows = []
    for k in range(shown + 2):
        worker = WorkerFactory(employer=world["ours"], name=f"获奖{k:02d}")
        rows.append((enter(competition, world["ours"], [worker], f"B{k:02d}"), k + 1, 90, "三等奖"))
    set_results(competition, rows)
    body = english().get("/exhibition/").content.decode()
    card = section(body, 'id="competition-big-2026"', "</article>")
    assert card.count("三等奖") == shown
    assert "获奖00" in card and f"获奖{shown:02d}" not in card
    assert "Results, and 2 more winners" in card


# --- red flags ---------------------------------------------------------------------------


def test_red_flag_holders_of_the_latest_published_period_only(league):  # noqa: F811
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    assert 'id="red-flags"' not in english().get("/exhibition/").content.decode()
    services.publish(actor=None, period=p1)
    p2 = second_period(league)
    check(league, p2, "A", "spot", "60", "30", league["spot"])
    services.confirm(actor=None, period=p2)  # confirmed, not published
    body = english().get("/exhibition/").content.decode()
    flags = section(body, 'id="red-flags"')
    assert league["competition"].title in flags and "2026年1月" in flags
    for name in ("项目B", "项目D", "项目E"):  # D and E tie in 张江
        assert name in flags
    assert "项目A" not in flags and "2026年2月" not in flags
    assert flags.index("前滩") < flags.index("项目B") < flags.index("张江") < flags.index("项目D")
    services.publish(actor=None, period=Period.objects.get(pk=p2.pk))
    flags = section(english().get("/exhibition/").content.decode(), 'id="red-flags"')
    assert "2026年2月" in flags and "2026年1月" not in flags
    assert "项目A" in flags and "项目B" not in flags


# --- a competition's winners and what they gained -----------------------------------------


def test_skill_level_raised_by_the_competition_is_shown(shown, world, make_competition):
    published = shown["published"]
    winner = world["our_worker"]
    records.record_level(
        actor=None,
        worker=winner,
        level=SkillLevel.TECHNICIAN,
        source=SkillRecord.Source.COMPETITION,
        competition=published,
    )
    other = make_competition(status=S.PUBLISHED, code="other-2026", title="另一竞赛")
    revoked = records.record_level(
        actor=None,
        worker=world["their_worker"],
        level=SkillLevel.SENIOR_TECHNICIAN,
        source=SkillRecord.Source.COMPETITION,
        competition=published,
    )
    SkillRecord.objects.filter(pk=revoked.pk).update(revoked_at=dt.datetime.now(dt.UTC))
    records.record_level(
        actor=None,
        worker=world["their_worker"],
        level=SkillLevel.SENIOR_WORKER,
        source=SkillRecord.Source.COMPETITION,
        competition=other,
    )
    detail = english().get("/competitions/pub-2026/")
    [first, second] = detail.context["winners"]
    assert (first.name, first.organisation, first.award) == ("张三丰", world["ours"].name, "一等奖")
    assert [g.levels for g in first.gains] == [("technician (level 2)",)]
    assert second.gains == []  # revoked, or raised by another competition
    body = detail.content.decode()
    winners = section(body, 'id="winners"', "</section>")
    assert "technician (level 2)" in winners
    assert "senior technician" not in winners and "senior worker" not in winners
    assert "王未获" not in winners
    results = english().get("/competitions/pub-2026/results/").content.decode()
    assert "technician (level 2)" in results


def test_certificates_issued_are_shown(shown, world):
    pytest.importorskip("jingsai.certification.models")
    from django.apps import apps

    if not apps.is_installed("jingsai.certification"):
        pytest.skip("certification is not installed")
    from jingsai.certification.domain import issuing
    from jingsai.certification.models import Certificate, CertificationRule

    published = shown["published"]
    CertificationRule.objects.create(
        competition=published,
        order=1,
        condition=CertificationRule.Condition.AWARD,
        award="一等奖",
        title="一等奖荣誉证书",
        level_action=CertificationRule.LevelAction.SET,
        level=SkillLevel.TECHNICIAN,
    )
    CertificationRule.objects.create(
        competition=published,
        order=2,
        condition=CertificationRule.Condition.AWARD,
        award="二等奖",
        title="二等奖荣誉证书",
    )
    CertificationRule.objects.create(
        competition=published,
        order=3,
        condition=CertificationRule.Condition.TOTAL,
        min_total=Decimal(60),
        title="合格证书",
    )
    issuing.apply_rules(actor=None, competition=published)
    second = Certificate.objects.get(competition=published, title="二等奖荣誉证书")
    issuing.revoke(actor=None, certificate=second, reason="核查有误")
    detail = english().get("/competitions/pub-2026/")
    [first, runner_up] = detail.context["winners"]
    assert [(g.person, g.certificates, g.levels) for g in first.gains] == [
        ("张三丰", ("一等奖荣誉证书", "合格证书"), ("technician (level 2)",))
    ]
    assert [g.certificates for g in runner_up.gains] == [("合格证书",)]  # the revoked one: no
    winners = section(detail.content.decode(), 'id="winners"', "</section>")
    assert "一等奖荣誉证书" in winners and "二等奖荣誉证书" not in winners
    # the certificate numbers are not shown
    for certificate in Certificate.objects.filter(competition=published):
        assert certificate.number.encode() not in detail.content
    results = english().get("/competitions/pub-2026/results/")
    body = results.content.decode()
    assert "一等奖荣誉证书" in body and "technician (level 2)" in body
    # the entrant without an award is no winner: his pass certificate is not shown
    assert body.count("合格证书") == 2


def test_nothing_gained_is_shown_while_on_notice(shown, world):
    records.record_level(
        actor=None,
        worker=shown["on_notice_worker"],
        level=SkillLevel.TECHNICIAN,
        source=SkillRecord.Source.COMPETITION,
        competition=shown["notice"],
    )
    detail = english().get("/competitions/notice-2026/")
    assert detail.context["winners"] == []
    assert 'id="winners"' not in detail.content.decode()
    results = english().get("/competitions/notice-2026/results/").content.decode()
    assert "赵公示" in results and "technician" not in results


def test_team_winners_name_each_member_with_what_he_gained(world, make_competition):
    competition = make_competition(
        status=S.PUBLISHED,
        code="team-2026",
        title="班组竞赛",
        participants=Competition.Participants.TEAMS,
        team_min=2,
        team_max=3,
    )
    captain = WorkerFactory(employer=world["ours"], name="队长甲")
    member = WorkerFactory(employer=world["ours"], name="队员乙")
    team = enter(competition, world["ours"], [captain, member], "T01", team_name="精工组")
    set_results(competition, [(team, 1, 95, "一等奖")])
    records.record_level(
        actor=None,
        worker=member,
        level=SkillLevel.SENIOR_WORKER,
        source=SkillRecord.Source.COMPETITION,
        competition=competition,
    )
    body = english().get("/competitions/team-2026/").content.decode()
    winners = section(body, 'id="winners"', "</section>")
    assert "精工组" in winners and "队员乙: " in winners and "senior worker (level 3)" in winners
    exhibition_page = english().get("/exhibition/").content.decode()
    assert "精工组" in section(exhibition_page, 'id="competition-team-2026"', "</article>")


# --- languages ---------------------------------------------------------------------------


def test_pages_render_in_chinese_and_english(shown, league):  # noqa: F811
    p1 = first_period(league)
    services.confirm(actor=None, period=p1)
    services.publish(actor=None, period=p1)
    for url in ("/exhibition/", "/exhibition/2026/", "/competitions/pub-2026/"):
        zh = chinese().get(url)
        assert zh.status_code == 200
        assert b'lang="zh-hans"' in zh.content
        assert "集成电路技能竞赛".encode() in zh.content
        en = english().get(url)
        assert en.status_code == 200
        assert b'lang="en"' in en.content
    zh_body = chinese().get("/exhibition/").content.decode()
    en_body = english().get("/exhibition/").content.decode()
    assert "Exhibition" in en_body
    assert shown["brand"].name in zh_body  # the brand's own (Chinese) name
    if shown["brand"].name_en:
        assert shown["brand"].name_en in en_body


@pytest.fixture(params=["local", "shared"])
def page_cache(request):
    """Each process's own cache, and the shared one of CACHE_URL (Redis)."""
    if request.param == "shared":
        return request.getfixturevalue("shared_cache")
    return None


def test_the_page_body_is_kept_for_a_while(shown, settings, page_cache):
    from django.core.cache import cache

    settings.JINGSAI_EXHIBITION_CACHE_SECONDS = 120
    cache.clear()
    client = english()
    first = client.get("/exhibition/")
    if page_cache is not None:  # kept in Redis, for every process
        server, prefix = page_cache
        assert [k for k in server.scan_iter(f"{prefix}:*") if b"template.cache" in k]
    with CaptureQueriesContext(connection) as again:
        second = client.get("/exhibition/")

    def body(response):  # the page around it carries a fresh nonce each time
        html = response.content.decode()
        return html[html.index('id="figures"') : html.index("</main>")]

    assert body(second) == body(first)
    assert len(again.captured_queries) < 6  # the year and the picker, not the figures
    cache.clear()
