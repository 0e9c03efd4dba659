"""The 2026 honours round of the Pudong preset, at the review stage, with a builder
(``h``) that nominates workers, innovation results and places through the ORM and
gives each nomination its review total: one reviewer per category submits one
sheet whose marks (40 + 30 + 30 at most) add up to the total wanted, so the total
is exact and no spread flag is raised."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from jingsai.catalogue.models import HonourCategory, HonourQuota, ProgrammeYear
from jingsai.honours.domain.rounds import ensure_round
from jingsai.honours.models import (
    Nomination,
    ReviewCriterion,
    Reviewer,
    ReviewMark,
    ReviewSheet,
    Round,
    RoundCategory,
)
from jingsai.innovation.models import Author, InnovationResult
from tests.factories import OrganisationFactory, WorkerFactory, make_user

D0 = dt.date(2026, 5, 4)  # the day the notice starts in these tests


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def split_total(total: Decimal, maxima: list[Decimal]) -> list[Decimal]:
    """Marks within the maxima adding up to ``total`` (greedy from the first criterion)."""
    marks, left = [], Decimal(total)
    for maximum in maxima:
        mark = min(left, maximum)
        marks.append(mark)
        left -= mark
    assert left == 0, "total above the maximum"
    return marks


class Builder:
    def __init__(self, world):
        self.world = world
        self.admin = world["users"]["admin"]
        self.year = ProgrammeYear.objects.get(year=2026)
        self.round = ensure_round(actor=None, year=self.year)
        Round.objects.filter(pk=self.round.pk).update(stage=Round.Stage.REVIEW)
        self.round.refresh_from_db()
        self.reviewers: dict[int, Reviewer] = {}
        self.n = 0

    def refresh(self) -> Round:
        self.round.refresh_from_db()
        return self.round

    def set_stage(self, stage: str) -> None:
        Round.objects.filter(pk=self.round.pk).update(stage=stage)
        self.round.refresh_from_db()

    def rc(self, code: str) -> RoundCategory:
        return RoundCategory.objects.select_related("round", "category").get(
            round=self.round, category=HonourCategory.objects.get(code=code)
        )

    def quota(self, rc: RoundCategory, quota: int) -> RoundCategory:
        HonourQuota.objects.filter(year=self.year, category=rc.category).update(quota=quota)
        return rc

    def reviewer(self, rc: RoundCategory) -> Reviewer:
        if rc.pk not in self.reviewers:
            self.n += 1
            user = make_user(f"expert{self.n}")
            self.reviewers[rc.pk] = Reviewer.objects.create(
                round_category=rc, user=user, name=f"专家{self.n}"
            )
        return self.reviewers[rc.pk]

    def score(self, nomination: Nomination, total, reviewer: Reviewer | None = None) -> None:
        reviewer = reviewer or self.reviewer(nomination.round_category)
        criteria = list(
            ReviewCriterion.objects.filter(round_category=nomination.round_category).order_by(
                "order", "id"
            )
        )
        marks = split_total(Decimal(str(total)), [c.max_mark for c in criteria])
        sheet, _created = ReviewSheet.objects.get_or_create(
            reviewer=reviewer, nomination=nomination, defaults={"submitted_at": timezone.now()}
        )
        sheet.marks.all().delete()
        ReviewMark.objects.bulk_create(
            ReviewMark(sheet=sheet, criterion=c, mark=m)
            for c, m in zip(criteria, marks, strict=True)
        )

    def worker(self, rc: RoundCategory, total=None, *, name: str | None = None, **fields):
        self.n += 1
        employer = self.world["ours"]
        worker = WorkerFactory(employer=employer, name=name or f"工匠{self.n}")
        nomination = Nomination.objects.create(
            round_category=rc,
            worker=worker,
            nominator=employer,
            narrative="扎根一线二十年。",
            eligible=fields.pop("eligible", True),
            **fields,
        )
        if total is not None:
            self.score(nomination, total)
        return nomination

    def result(self, rc: RoundCategory, total=None, *, authors: int = 2):
        self.n += 1
        enterprise = self.world["ours"]
        result = InnovationResult.objects.create(
            kind=rc.innovation_kind or InnovationResult.Kind.ACHIEVEMENT,
            title=f"数控刀具寿命提升{self.n}",
            year=self.year,
            enterprise=enterprise,
            description="改进刀具涂层。",
            status=InnovationResult.Status.VERIFIED,
            money_saved=Decimal("120000"),
        )
        for order in range(1, authors + 1):
            Author.objects.create(
                result=result, worker=WorkerFactory(employer=enterprise), order=order
            )
        nomination = Nomination.objects.create(
            round_category=rc,
            innovation=result,
            nominator=enterprise,
            narrative="年节约成本十二万元。",
            eligible=True,
        )
        if total is not None:
            self.score(nomination, total)
        return nomination

    def place(self, rc: RoundCategory, total=None):
        self.n += 1
        organisation = OrganisationFactory(name=f"上海创新基地{self.n}有限公司")
        nomination = Nomination.objects.create(
            round_category=rc,
            organisation=organisation,
            nominator=organisation,
            narrative="建成职工创新工作室。",
            eligible=True,
        )
        if total is not None:
            self.score(nomination, total)
        return nomination


@pytest.fixture
def h(world):
    return Builder(world)


@pytest.fixture
def users(world):
    return SimpleNamespace(**world["users"])


def ids(nominations) -> list[int]:
    return [n.pk for n in nominations]


def reload(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)
