"""Hand-made honours data for the public pages: a 2026 round with nominations in a people,
a results and a places category, made directly with the ORM (the round by ensure_round)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from jingsai.catalogue.models import ProgrammeYear
from jingsai.honours.domain.rounds import ensure_round
from jingsai.honours.models import Honour, Nomination, Round
from jingsai.innovation.models import Author, InnovationResult, RewardBand
from jingsai.organisations.models import Organisation
from tests.factories import OrganisationFactory, WorkerFactory

N = Nomination.Status


@pytest.fixture(autouse=True)
def english_messages():
    """Refusal texts are compared in English."""
    with translation.override("en"):
        yield


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def set_stage(round_: Round, stage: str) -> Round:
    Round.objects.filter(pk=round_.pk).update(stage=stage)
    round_.refresh_from_db()
    return round_


def category(round_: Round, code: str):
    return round_.categories.select_related("category").get(category__code=code)


def nominate(round_category, nominator, *, rank=1, proposed=True, status=N.SUBMITTED, **subject):
    today = timezone.localdate()
    return Nomination.objects.create(
        round_category=round_category,
        nominator=nominator,
        narrative=subject.pop("narrative", "长期扎根一线，技术攻关成效显著，带徒传艺。"),
        status=status,
        eligible=True,
        rank=rank,
        total=Decimal(90) - rank,
        proposed=proposed,
        notice_from=today - dt.timedelta(days=1) if proposed else None,
        notice_until=today + dt.timedelta(days=5) if proposed else None,
        **subject,
    )


def make_result(year, enterprise, authors, *, title, kind="method", status="verified", **fields):
    result = InnovationResult.objects.create(
        kind=kind,
        title=title,
        year=year,
        enterprise=enterprise,
        description="说明",
        status=status,
        **fields,
    )
    for order, worker in enumerate(authors, start=1):
        Author.objects.create(result=result, worker=worker, order=order)
    return result


def grant(nomination, *, status=Honour.Status.ACTIVE, term_ends=None, **fields):
    nomination.status = N.HONOURED
    nomination.save(update_fields=["status"])
    rc = nomination.round_category
    return Honour.objects.create(
        round=rc.round,
        category=rc.category,
        nomination=nomination,
        worker=nomination.worker,
        innovation=nomination.innovation,
        organisation=nomination.organisation,
        title=rc.category.name,
        granted_on=dt.date(2026, 12, 1),
        term_ends=term_ends,
        status=status,
        **fields,
    )


@pytest.fixture
def year(preset):
    return ProgrammeYear.objects.get(year=2026)


@pytest.fixture
def honours(world, year):
    """A round on notice: proposed nominees in 浦东工匠, 先进操作法 and 职工实训中心, plus a
    removed, a withdrawn and an unproposed nomination that the public never sees."""
    round_ = ensure_round(actor=None, year=year)
    union = world["union"]
    ours, theirs = world["ours"], world["theirs"]
    craftsman = category(round_, "pudong-craftsman")
    method = category(round_, "operation-method")
    centre = category(round_, "training-centre")
    band = RewardBand.objects.create(name="一等", min_money=Decimal(100000), order=1)
    colleague = WorkerFactory(employer=ours, name="赵六")
    result = make_result(
        year,
        ours,
        [world["our_worker"], colleague],
        title="张三丰数控快速对刀法",
        money_saved=Decimal("250000.00"),
        hours_saved=Decimal("1200.0"),
        reward_band=band,
        verified_at=timezone.now(),
    )
    place = OrganisationFactory(
        name="浦东新区职工实训中心甲", kind=Organisation.Kind.TRAINING_BODY, credit_code=None
    )
    removed_worker = WorkerFactory(employer=theirs, name="钱被撤")
    withdrawn_worker = WorkerFactory(employer=theirs, name="孙撤回")
    unproposed_worker = WorkerFactory(employer=theirs, name="周候补")
    nominations = {
        "ours": nominate(
            craftsman,
            ours,
            rank=1,
            worker=world["our_worker"],
            narrative="十年攻关，电话13912345678，身份证310115198506150017。" + "事迹" * 100,
        ),
        "theirs": nominate(craftsman, theirs, rank=2, worker=world["their_worker"]),
        "removed": nominate(
            craftsman, theirs, rank=3, worker=removed_worker, proposed=False, status=N.REMOVED
        ),
        "withdrawn": nominate(
            craftsman, theirs, rank=4, worker=withdrawn_worker, status=N.WITHDRAWN
        ),
        "unproposed": nominate(
            craftsman, theirs, rank=40, worker=unproposed_worker, proposed=False
        ),
        "result": nominate(method, ours, rank=1, innovation=result),
        "place": nominate(centre, union, rank=1, organisation=place),
    }
    set_stage(round_, Round.Stage.NOTICE)
    return {
        "round": round_,
        "nominations": nominations,
        "result": result,
        "place": place,
        "band": band,
        "colleague": colleague,
        "categories": {"craftsman": craftsman, "method": method, "centre": centre},
    }


@pytest.fixture
def final(honours):
    """The same round made final: the proposed nominees honoured."""
    n = honours["nominations"]
    granted = {
        "ours": grant(n["ours"]),
        "theirs": grant(n["theirs"]),
        "result": grant(n["result"]),
        "place": grant(n["place"], term_ends=dt.date(2029, 11, 30)),
    }
    set_stage(honours["round"], Round.Stage.FINAL)
    return honours | {"granted": granted}
