"""The demo's Golden Middle Ring league (jingsai.presets.demo_labour), on a small scale."""

import datetime as dt
import random

import pytest

from jingsai.competitions.models import Competition
from jingsai.labour.domain import compute
from jingsai.labour.models import (
    Bonus,
    Check,
    CheckMark,
    Indicator,
    KindTally,
    Period,
    PeriodScore,
    Standing,
    Veto,
)
from jingsai.presets import demo, demo_labour

pytestmark = pytest.mark.django_db

SITES = 24


@pytest.fixture
def demo_league(preset):
    demo.ensure_other_organisations()
    demo.create_enterprises(random.Random(7), 40)
    demo.ensure_demo_accounts()
    added = demo_labour.ensure_demo_labour(year=2026, sites=SITES, today=dt.date(2026, 7, 15))
    assert added == 1
    return Competition.objects.get(title__contains="金色中环").league


def test_the_demo_league_is_living(demo_league):
    league = demo_league
    competition = league.competition
    assert competition.kind == Competition.Kind.LABOUR
    assert competition.series.code == "golden-middle-ring"
    assert competition.status == Competition.Status.JUDGING
    assert list(league.blocks.values_list("name", flat=True)) == ["前滩", "张江", "金桥"]
    assert league.participants.count() >= SITES
    assert all(
        block.participants.count() == SITES // 3 for block in league.blocks.all()
    )  # the blocks take the sites in turn
    assert dict(Indicator.objects.filter(league=league).values_list("name", "weight")) == {
        "安全": 25, "质量": 25, "进度": 20, "文明施工": 15, "技术创新": 10, "节能降耗": 5,
    }  # fmt: skip
    assert (league.self_weight, league.mutual_weight, league.spot_weight) == (20, 30, 50)
    assert league.bonus_cap == 5 and league.flags_per_block == 3
    assert sorted(league.bonus_items.values_list("name", "cap")) == [
        ("创新成果采纳", 2),
        ("获奖", 3),
    ]
    assert list(league.veto_items.values_list("name", flat=True)) == ["重大安全事故"]

    # twelve months: January to June confirmed and published, July open
    periods = list(league.periods.order_by("starts_on"))
    assert len(periods) == 12
    assert [p.status for p in periods] == [Period.Status.PUBLISHED] * 6 + [Period.Status.OPEN] * 6
    assert all(p.confirmed_at and p.published_at for p in periods[:6])

    # every site checked every confirmed month: a self, a mutual and two spot checks
    for period in periods[:6]:
        kinds = list(
            Check.objects.filter(period=period, status=Check.Status.SUBMITTED).values_list(
                "kind", flat=True
            )
        )
        assert kinds.count("self") == kinds.count("mutual") == SITES
        assert kinds.count("spot") == 2 * SITES
    assert CheckMark.objects.filter(check_ref__period=periods[0]).count() == 4 * SITES * 6
    # mutual checks come from another builder
    for check in Check.objects.filter(period__league=league, kind="mutual").select_related(
        "assessor", "participant"
    ):
        assert check.assessor.organisation_id != check.participant.enterprise_id
    # the open month is under way; later months are empty
    assert Check.objects.filter(period=periods[6]).exists()
    assert not Check.objects.filter(period__in=periods[7:]).exists()

    # scores, ranks, flags and standings stored for the confirmed months, as computed
    for period in periods[:6]:
        scores = PeriodScore.objects.filter(period=period)
        assert scores.count() == SITES
        for block in league.blocks.all():
            assert scores.filter(participant__block=block, flag=True).count() >= 1
        assert Standing.objects.filter(period=period).count() == SITES
    assert not PeriodScore.objects.filter(period__in=periods[6:]).exists()
    assert KindTally.objects.filter(period=periods[0]).count() == 3 * SITES
    results = compute.league_results(league)
    stored = {
        (s.period_id, s.participant_id): (s.score * 100, s.rank, s.flag)
        for s in PeriodScore.objects.filter(period__league=league)
    }
    assert stored == {
        (period_id, s.participant): (s.score, s.rank, s.flag)
        for period_id, items in results.scores.items()
        for s in items
    }

    # bonuses and vetoes with their reasons, in confirmed months
    assert Bonus.objects.filter(period__league=league).exists()
    assert all(b.reason for b in Bonus.objects.filter(period__league=league))
    vetoes = list(Veto.objects.filter(period__league=league))
    assert len(vetoes) == 2 and all(v.reason for v in vetoes)  # in February and April
    for veto in vetoes:
        score = PeriodScore.objects.get(period=veto.period, participant=veto.participant)
        assert score.vetoed and score.score == 0 and not score.flag


def test_the_demo_accounts_have_their_part(demo_league):
    from jingsai.access import policy
    from jingsai.people.models import User

    league = demo_league
    judge = User.objects.get(username="judge")
    seat = policy.assessor_seat(judge, league)
    assert seat is not None and seat.kind == "spot"
    open_period = league.periods.filter(status=Period.Status.OPEN).order_by("starts_on").first()
    # the demo judge's spot checks of the open month are his to enter
    assert not Check.objects.filter(period=open_period, assessor=seat).exists()
    assert Check.objects.filter(assessor=seat, status=Check.Status.SUBMITTED).exists()

    officer = User.objects.get(username="officer")
    sites = policy.participants_self_checked_by(officer, league)
    assert sites.exists()
    assert not Check.objects.filter(period=open_period, participant__in=sites, kind="self").exists()


def test_the_demo_league_is_added_once(demo_league):
    assert demo_labour.ensure_demo_labour(year=2026, sites=SITES) == 0
    assert Competition.objects.filter(title__contains="金色中环").count() == 1


def test_a_past_year_has_eleven_months_confirmed():
    assert demo_labour._confirmed_months(2025, dt.date(2026, 3, 1)) == 11
    assert demo_labour._confirmed_months(2026, dt.date(2026, 3, 1)) == 2
    assert demo_labour._confirmed_months(2026, dt.date(2026, 12, 20)) == 11
