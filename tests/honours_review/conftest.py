"""A 2026 honours round at the review stage; the 浦东工匠 category with its three
default criteria (40 + 30 + 30, spread limit 15); nominations of workers of two
enterprises made through the ORM; reviewers with accounts of their own."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from jingsai.catalogue.models import HonourCategory, ProgrammeYear
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
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, WorkerFactory, make_user


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def round_(world):
    round_ = ensure_round(actor=None, year=ProgrammeYear.objects.get(year=2026))
    Round.objects.filter(pk=round_.pk).update(stage=Round.Stage.REVIEW)
    round_.refresh_from_db()
    return round_


def set_round(round_, **fields):
    Round.objects.filter(pk=round_.pk).update(**fields)
    round_.refresh_from_db()


@pytest.fixture
def category(round_):
    return RoundCategory.objects.select_related("round", "category").get(
        round=round_, category=HonourCategory.objects.get(code="pudong-craftsman")
    )


@pytest.fixture
def criteria(category):
    return list(ReviewCriterion.objects.filter(round_category=category).order_by("order", "id"))


@pytest.fixture
def nominate(category, world):
    def make(worker=None, *, nominator=None, round_category=None, **fields):
        worker = worker or WorkerFactory(employer=OrganisationFactory())
        return Nomination.objects.create(
            round_category=round_category or category,
            worker=worker,
            nominator=nominator or worker.employer,
            narrative=fields.pop("narrative", "二十年扎根一线，带出徒弟三十余人。"),
            eligible=fields.pop("eligible", True),
            **fields,
        )

    return make


@pytest.fixture
def make_reviewer(category):
    counter = iter(range(1, 1000))

    def make(name=None, *, organisation=None, role_at=None, round_category=None):
        n = next(counter)
        user = make_user(f"reviewer{n}", Role.JUDGE if role_at else None, role_at)
        return Reviewer.objects.create(
            round_category=round_category or category,
            user=user,
            name=name or f"专家{n}",
            organisation=organisation,
        )

    return make


def put_sheet(reviewer, nomination, marks, *, submitted=True):
    """A sheet straight through the ORM: ``marks`` in criterion order (None: no mark)."""
    criteria = list(
        ReviewCriterion.objects.filter(round_category_id=reviewer.round_category_id).order_by(
            "order", "id"
        )
    )
    sheet = ReviewSheet.objects.create(
        reviewer=reviewer,
        nomination=nomination,
        submitted_at=timezone.now() if submitted else None,
    )
    ReviewMark.objects.bulk_create(
        ReviewMark(sheet=sheet, criterion=c, mark=Decimal(str(m)))
        for c, m in zip(criteria, marks, strict=False)
        if m is not None
    )
    return sheet
