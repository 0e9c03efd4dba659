"""The 2026 round (window open), earlier programme years, an officer for each of the
two enterprises, and helpers that make published results and innovation results."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.domain.services import DEFAULT_LEVELS
from jingsai.competitions.models import Competition, CompetitionLevel, Entry, EntryMember
from jingsai.honours.domain import rounds
from jingsai.honours.models import Round, RoundCategory
from jingsai.innovation.models import Author, InnovationResult
from jingsai.judging.models import Result
from jingsai.people.models import Role
from tests.factories import make_user

S = CompetitionLevel.Scope
ZONE_LEVELS = [(S.ENTERPRISE, "企业初赛"), (S.ZONE, "区域复赛")]


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def years(preset):
    made = {2026: ProgrammeYear.objects.get(year=2026)}
    for year in (2022, 2023, 2024, 2025, 2027):
        made[year] = ProgrammeYear.objects.create(year=year, title=f"{year} 年度")
    return made


@pytest.fixture
def round_(world, years):
    return rounds.ensure_round(actor=None, year=years[2026])


@pytest.fixture
def rc(round_):
    """The round's category by its code."""

    def get(code: str) -> RoundCategory:
        return RoundCategory.objects.select_related("round__year", "category").get(
            round=round_, category__code=code
        )

    return get


@pytest.fixture
def officer_b(world):
    return make_user("officer-b", Role.ENTERPRISE_OFFICER, world["theirs"])


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_of():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return in_english(client)

    return make


@pytest.fixture
def result_for(make_competition, years):
    """A published result of ``worker`` (rank, year, competition status, levels)."""

    def make(
        worker,
        *,
        rank: int,
        year: int = 2025,
        status=Competition.Status.PUBLISHED,
        levels=DEFAULT_LEVELS,
        entry_scope=None,
        active=True,
        award="",
        title="数控车工技能竞赛",
    ) -> Result:
        competition = make_competition(status=status, year=years[year], levels=levels, title=title)
        level = (
            CompetitionLevel.objects.get(competition=competition, scope=entry_scope)
            if entry_scope
            else None
        )
        entry = Entry.objects.create(
            competition=competition,
            enterprise=worker.employer,
            status=Entry.Status.APPROVED,
            level=level,
        )
        EntryMember.objects.create(
            entry=entry, competition=competition, worker=worker, active=active
        )
        return Result.objects.create(
            competition=competition,
            entry=entry,
            rank=rank,
            total=Decimal("90.5"),
            award=award,
            position=rank,
        )

    return make


@pytest.fixture
def innovation(years):
    """An innovation result of ``enterprise`` with ``authors``."""

    def make(
        enterprise,
        *,
        kind=InnovationResult.Kind.ACHIEVEMENT,
        status=InnovationResult.Status.VERIFIED,
        authors=(),
        year: int = 2025,
        title="数控刀具快换装置",
        money=Decimal("120000"),
    ) -> InnovationResult:
        verified = status in (InnovationResult.Status.VERIFIED, InnovationResult.Status.RECOGNISED)
        result = InnovationResult.objects.create(
            kind=kind,
            title=title,
            year=years[year],
            enterprise=enterprise,
            description="把换刀时间从 15 分钟缩短到 3 分钟。",
            status=status,
            money_saved=money if verified else None,
            hours_saved=Decimal("300") if verified else None,
            verified_at=timezone.now() - dt.timedelta(days=30) if verified else None,
        )
        for order, worker in enumerate(authors, start=1):
            Author.objects.create(result=result, worker=worker, order=order)
        return result

    return make


def close_window(round_: Round, *, days_ago: int = 1) -> None:
    Round.objects.filter(pk=round_.pk).update(
        nomination_closes=timezone.now() - dt.timedelta(days=days_ago)
    )
    round_.refresh_from_db()
