"""The generated programme of tests/dashboards (two years, competitions across series and
brands, enterprises across zones and industries, approvals, returns and withdrawals), with
what the other sections count added on top: published, archived, re-opened and unpublished
results (with certificates and skill-level upgrades), a labour league with published and
unpublished periods, courses with attendance, innovation results and an 830 round."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.catalogue.models import HonourCategory
from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.competitions.domain import lifecycle
from jingsai.competitions.models import Competition, Entry
from jingsai.dashboards.domain import enterprise_tally, worker_facts
from jingsai.honours.domain import rounds
from jingsai.honours.models import Nomination, RoundCategory
from jingsai.innovation.models import InnovationResult, RewardBand
from jingsai.judging.domain import publication
from jingsai.judging.models import Judging, Result
from jingsai.labour.domain import services as labour
from jingsai.labour.models import Block, Period, PeriodScore
from jingsai.organisations.models import Organisation
from jingsai.training.models import Attendance, Course, Session
from tests.dashboards.conftest import busy, english, programme  # noqa: F401 (fixtures)

S = Competition.Status
AWARDS = ["一等奖", "二等奖", "三等奖", "优秀奖", "", "特别奖", "二等奖", ""]
TODAY = dt.date(2026, 12, 1)


def store_results(competition, rng) -> list[Result]:
    """Results for the competition's approved entries: random totals, ranks 1, 2, 2, 4 …,
    awards cycling through AWARDS (an unconfigured 特别奖 among them), with ties."""
    entries = list(Entry.objects.filter(competition=competition, status="approved").order_by("pk"))
    totals = [Decimal(rng.randrange(5000, 10000)) / 100 for _e in entries]
    if len(totals) > 3:
        totals[2] = totals[1]  # a tie
    order = sorted(range(len(entries)), key=lambda i: -totals[i])
    Result.objects.filter(competition=competition).delete()
    made, rank = [], 0
    for position, i in enumerate(order, start=1):
        if position == 1 or totals[i] != totals[order[position - 2]]:
            rank = position
        made.append(
            Result.objects.create(
                competition=competition,
                entry=entries[i],
                rank=rank,
                total=totals[i],
                award=AWARDS[(rank - 1) % len(AWARDS)],
                position=position,
            )
        )
    return made


def on_notice(competition) -> None:
    Judging.objects.update_or_create(
        competition=competition,
        defaults={"awards": "一等奖:10%", "notice_from": TODAY, "notice_until": TODAY},
    )
    Competition.objects.filter(pk=competition.pk).update(status=S.PUBLIC_NOTICE)
    competition.refresh_from_db()


def publish(competition) -> None:
    on_notice(competition)
    publication.publish(actor=None, competition=competition, today=TODAY + dt.timedelta(days=1))
    competition.refresh_from_db()


@pytest.fixture
def sections_data(busy, world, make_competition):  # noqa: F811 (fixture imported above)
    rng = busy["rng"]
    comps = busy["competitions"]
    y2026, y2025 = busy["years"]
    enterprises = busy["enterprises"]
    # results: ic (with certification rules), teams, digital (then archived) and old (2025)
    # published; sites published then re-opened; other left on public notice
    ic = comps["ic"]
    CertificationRule.objects.create(
        competition=ic,
        order=1,
        condition=CertificationRule.Condition.AWARD,
        award="一等奖",
        title="一等奖证书",
        level_action=CertificationRule.LevelAction.SET,
        level=2,
    )
    CertificationRule.objects.create(
        competition=ic, order=2, condition=CertificationRule.Condition.TOTAL, min_total=60,
        title="合格证书",
    )  # fmt: skip
    CertificationRule.objects.create(
        competition=comps["teams"],
        order=1,
        condition=CertificationRule.Condition.RANK,
        max_rank=2,
        title="优胜证书",
        level_action=CertificationRule.LevelAction.ONE_UP_BELOW,
        level=1,
    )
    for key in ("ic", "teams", "digital", "old", "sites", "other"):
        store_results(comps[key], rng)
    for key in ("ic", "teams", "digital", "old", "sites"):
        publish(comps[key])
    on_notice(comps["other"])
    lifecycle.move(actor=None, competition=comps["digital"], to=S.ARCHIVED)
    publication.reopen_published(actor=None, competition=comps["sites"], reason="复核")
    revoked = Certificate.objects.filter(competition=ic).order_by("pk").first()
    issuing.revoke(actor=None, certificate=revoked, reason="信息有误")

    # a labour league: blocks 前滩 and 张江, five sites; two published periods, one confirmed
    league_competition = make_competition(
        status=S.JUDGING,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        series=busy["series"]["golden-middle-ring"],
        brand=busy["brands"][2],
        title="金色中环劳动竞赛",
    )
    league = labour.league_of(league_competition)
    blocks = [
        Block.objects.create(league=league, name="前滩", order=1),
        Block.objects.create(league=league, name="张江", order=2),
    ]
    sites = [
        labour.add_participant(
            league,
            actor=None,
            name=f"项目{n}",
            enterprise=enterprises[n],
            block=blocks[n % 2] if n != 4 else None,
        )
        for n in range(5)
    ]
    for month, status in ((3, Period.Status.PUBLISHED), (4, Period.Status.PUBLISHED),
                          (5, Period.Status.CONFIRMED)):  # fmt: skip
        period = Period.objects.create(
            league=league,
            code=f"2026-{month:02d}",
            name=f"{month}月",
            starts_on=dt.date(2026, month, 1),
            ends_on=dt.date(2026, month, 28),
            status=status,
        )
        for rank, site in enumerate(sorted(sites, key=lambda s: rng.random()), start=1):
            PeriodScore.objects.create(
                period=period,
                participant=site,
                base=Decimal(90 - rank),
                bonus=Decimal(0),
                score=Decimal(90 - rank),
                vetoed=rank == 5,
                rank=rank,
                block_rank=rank,
                flag=rank <= 3,
            )

    # training: a course of ic, a free-standing one, and one of 2025
    training_body = Organisation.objects.filter(kind=Organisation.Kind.TRAINING_BODY).first()
    courses = [
        Course.objects.create(
            title="数控车工集训", year=2026, competition=ic, organiser=training_body
        ),
        Course.objects.create(title="安全生产讲座", year=2026, organiser=training_body),
        Course.objects.create(
            title="旧课程", year=2025, competition=comps["old"], organiser=training_body
        ),
    ]  # fmt: skip
    workers = [w for e in enterprises for w in busy["workers"][e.pk]]
    for course in courses:
        for day in (3, 10, 17):
            session = Session.objects.create(
                course=course,
                date=dt.date(course.year, 3 + day // 10, day),
                starts_at=dt.time(9),
                ends_at=dt.time(12),
                hours=Decimal("3.0") if day != 17 else Decimal("1.5"),
            )
            for worker in rng.sample(workers, 12):
                present = rng.random() < 0.8
                Attendance.objects.create(
                    session=session,
                    worker=worker,
                    present=present,
                    hours=session.hours if present else 0,
                )

    # innovation results of every kind and status, some from competitions
    top = RewardBand.objects.create(name="一等", min_money=Decimal(100000), order=1)
    low = RewardBand.objects.create(name="三等", min_money=Decimal(1000), order=3)
    statuses = list(InnovationResult.Status.values)
    for n in range(24):
        status = statuses[n % len(statuses)]
        verified = status in ("verified", "recognised")
        InnovationResult.objects.create(
            kind=InnovationResult.Kind.values[n % 3],
            title=f"成果{n}",
            year=y2026 if n % 7 else y2025,
            enterprise=enterprises[n % len(enterprises)],
            competition=[None, ic, comps["teams"], comps["other"]][n % 4],
            description="说明",
            status=status,
            money_saved=Decimal(50000 * n) if verified else None,
            hours_saved=Decimal(10 * n) if verified else None,
            reward_band=(top if n % 2 else low if n % 3 else None) if verified else None,
        )

    # the 830 round: nominations of people, results and places, live and not
    round_ = rounds.ensure_round(actor=None, year=y2026)
    categories = {rc.category.code: rc for rc in RoundCategory.objects.filter(round=round_)}
    people = next(
        rc for code, rc in categories.items() if rc.category.kind == HonourCategory.Kind.PEOPLE
    )
    results_rc = next(
        rc for code, rc in categories.items() if rc.category.kind == HonourCategory.Kind.RESULTS
    )
    places = next(
        rc for code, rc in categories.items() if rc.category.kind == HonourCategory.Kind.PLACES
    )
    statuses = list(Nomination.Status.values)
    for n, worker in enumerate(workers[:14]):
        Nomination.objects.create(
            round_category=people,
            worker=worker,
            nominator=worker.employer,
            narrative="事迹",
            status=statuses[n % len(statuses)],
            eligible=n % 3 != 0,
            proposed=n % 4 == 0,
        )
    for n, result in enumerate(InnovationResult.objects.filter(year=y2026)[:6]):
        Nomination.objects.create(
            round_category=results_rc,
            innovation=result,
            nominator=result.enterprise,
            narrative="成果",
            eligible=True,
            proposed=n < 2,
            status=Nomination.Status.HONOURED if n == 0 else Nomination.Status.SUBMITTED,
        )
    for n, enterprise in enumerate(enterprises[:4]):
        Nomination.objects.create(
            round_category=places,
            organisation=enterprise,
            nominator=world["union"],
            narrative="基地",
            eligible=n != 1,
        )
    # the top-enterprise summary is kept by the participation hook; built here from scratch,
    # and so are the attendance facts (the attendances above are made behind the service)
    enterprise_tally.rebuild()
    for year in busy["years"]:
        worker_facts.rebuild(year)
    return busy | {
        "league": league,
        "sites": sites,
        "blocks": blocks,
        "courses": courses,
        "round": round_,
        "world": world,
    }
