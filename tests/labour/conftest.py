"""A small labour competition built through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from jingsai.competitions.models import Competition
from jingsai.labour.domain import services
from jingsai.labour.models import Assessor, Block, BonusItem, Indicator, Period, VetoItem
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, make_user


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def league(world, make_competition):
    """Safety 40 % (max 100), quality 60 % (max 50); kinds self 20 / mutual 30 / spot 50;
    blocks 前滩 and 张江 with participants A, B, C (前滩; A is ours) and D, E (张江);
    a spot assessor (the judge account) and a mutual assessor from the builder of D;
    two monthly periods; a bonus item capped at 3 (all bonuses at 5) and a veto item."""
    competition = make_competition(
        status=Competition.Status.JUDGING,
        kind=Competition.Kind.LABOUR,
        participants=Competition.Participants.PROJECT_SITES,
        title="金色中环劳动竞赛",
    )
    league = services.league_of(competition)
    league.bonus_cap = Decimal(5)
    league.flags_per_block = 1
    league.awards = "一等奖:20%,二等奖:20%"
    league.save()
    Indicator.objects.create(
        league=league, code="safety", name="安全", maximum=100, weight=40, order=1
    )
    Indicator.objects.create(
        league=league, code="quality", name="质量", maximum=50, weight=60, order=2
    )
    qiantan = Block.objects.create(league=league, name="前滩", order=1)
    zhangjiang = Block.objects.create(league=league, name="张江", order=2)
    builder_d = OrganisationFactory(name="上海丁建设有限公司")
    sites = {}
    for code, block, enterprise in (
        ("A", qiantan, world["ours"]),
        ("B", qiantan, world["theirs"]),
        ("C", qiantan, OrganisationFactory(name="上海丙建设有限公司")),
        ("D", zhangjiang, builder_d),
        ("E", zhangjiang, OrganisationFactory(name="上海戊建设有限公司")),
    ):
        sites[code] = services.add_participant(
            league, actor=None, name=f"项目{code}", enterprise=enterprise, block=block
        )
    spot = Assessor.objects.create(
        league=league, user=world["users"]["judge"], name="抽查员", kind="spot", is_lead=True
    )
    mutual_user = make_user("mutual", Role.JUDGE, builder_d)
    mutual = Assessor.objects.create(
        league=league, user=mutual_user, name="互查员", kind="mutual", organisation=builder_d
    )
    periods = [
        Period.objects.create(
            league=league,
            code=f"2026-0{m}",
            name=f"2026年{m}月",
            starts_on=dt.date(2026, m, 1),
            ends_on=dt.date(2026, m, 28),
        )
        for m in (1, 2)
    ]
    bonus = BonusItem.objects.create(league=league, code="award", name="获奖", cap=Decimal(3))
    bonus2 = BonusItem.objects.create(league=league, code="innovation", name="创新成果")
    veto = VetoItem.objects.create(league=league, code="accident", name="重大安全事故")
    return {
        "league": league,
        "competition": competition,
        "sites": sites,
        "blocks": {"前滩": qiantan, "张江": zhangjiang},
        "spot": spot,
        "mutual": mutual,
        "periods": periods,
        "bonus": bonus,
        "bonus2": bonus2,
        "veto": veto,
        "users": world["users"] | {"mutual": mutual_user},
    }
