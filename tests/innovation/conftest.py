"""Innovation results: the world's two enterprises (ours in 集成电路, theirs in 医疗卫生),
a colleague of our worker, an officer of the other enterprise, the default reward
tiers, and helpers that record a result and move it along its lifecycle."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from jingsai.catalogue.models import Industry, ProgrammeYear
from jingsai.innovation.domain import bands, lifecycle
from jingsai.innovation.models import InnovationResult
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from tests.factories import WorkerFactory, make_user

K = InnovationResult.Kind
S = InnovationResult.Status


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ours(world):
    ours = world["ours"]
    Organisation.objects.filter(pk=ours.pk).update(industry=Industry.objects.get(code="chips"))
    theirs = world["theirs"]
    Organisation.objects.filter(pk=theirs.pk).update(
        industry=Industry.objects.get(code="healthcare")
    )
    ours.refresh_from_db()
    return ours


@pytest.fixture
def theirs(world, ours):
    theirs = world["theirs"]
    theirs.refresh_from_db()
    return theirs


@pytest.fixture
def users(world):
    return world["users"]


@pytest.fixture
def their_officer(theirs):
    return make_user("their-officer", Role.ENTERPRISE_OFFICER, theirs)


@pytest.fixture
def colleague(ours):
    return WorkerFactory(employer=ours, name="王五")


@pytest.fixture
def year(preset):
    return ProgrammeYear.objects.get(year=2026)


@pytest.fixture
def default_bands(db):
    return bands.ensure_default_bands()


@pytest.fixture
def make_result(world, ours, year):
    def make(*, actor=None, enterprise=None, authors=None, **fields):
        defaults = {
            "kind": K.ACHIEVEMENT,
            "title": "数控刀具寿命提升方法",
            "year": year,
            "description": "改进刀具冷却方式，延长寿命。",
        }
        return lifecycle.record(
            actor=actor,
            enterprise=enterprise or ours,
            authors=authors or [world["our_worker"]],
            **(defaults | fields),
        )

    return make


@pytest.fixture
def advance(default_bands):
    """Move a result (as the system) to ``to``, with the given benefit when verified."""

    def move(result, to, *, money=Decimal(250_000), hours=None, quality=""):
        path = [S.SUBMITTED, S.IN_REVIEW, S.ADOPTED, S.VERIFIED, S.RECOGNISED]
        result.refresh_from_db()
        while path.index(result.status) < path.index(to):
            if result.status == S.SUBMITTED:
                result = lifecycle.start_review(actor=None, result=result)
            elif result.status == S.IN_REVIEW:
                result = lifecycle.adopt(
                    actor=None,
                    result=result,
                    adopted_on=timezone.localdate() - dt.timedelta(days=10),
                    note="已在车间推广",
                )
            elif result.status == S.ADOPTED:
                result = lifecycle.verify_benefit(
                    actor=None,
                    result=result,
                    money_saved=money,
                    hours_saved=hours,
                    quality_gain=quality,
                    evidence="财务部门核算报告",
                )
            else:
                result = lifecycle.recognise(actor=None, result=result)
        return result

    return move


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
