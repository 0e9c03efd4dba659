"""A course tied to an open competition, run by the worker training centre, with two
sessions; a co-organiser at the training centre; the officer's and another
enterprise's workers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.training.domain import courses
from tests.factories import make_user


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(world):
    return Organisation.objects.get(name="浦东新区职工实训中心")


@pytest.fixture
def trainer_user(centre):
    """Staff of the training centre (a co-organiser grant at a training body)."""
    return make_user("centre-staff", Role.CO_ORGANISER, centre)


@pytest.fixture
def competition(make_competition):
    return make_competition(title="数控车工技能竞赛")


@pytest.fixture
def course(world, centre, competition):
    return courses.create_course(
        actor=None,
        title="数控车工赛前培训",
        year=2026,
        competition=competition,
        organiser=centre,
        trainers="王师傅",
        place="浦东新区职工实训中心 301",
        capacity=3,
    )


@pytest.fixture
def sessions(course):
    return [
        courses.add_session(
            actor=None,
            course=course,
            date=dt.date(2026, 3, 1 + i),
            starts_at=dt.time(9),
            ends_at=dt.time(12),
            hours=Decimal(3),
        )
        for i in range(2)
    ]
