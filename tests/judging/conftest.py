"""A small judged competition built through the domain services."""

from decimal import Decimal

import pytest
from django.utils import translation

from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import panel
from jingsai.judging.models import Criterion, Judging, Stage
from jingsai.people.models import Role
from tests.factories import OrganisationFactory, WorkerFactory, make_user


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def judged(world, make_competition):
    """Theory (30 %, one measurement criterion) and practical (70 %, two judgement
    criteria, trimmed mean, spread limit 10); three judges with accounts (J1 from
    our enterprise, chief J3), four approved entries (two of ours)."""
    competition = make_competition(status=Competition.Status.JUDGING)
    Judging.objects.create(competition=competition, awards="一等奖:25%,二等奖:25%")
    theory = Stage.objects.create(
        competition=competition, code="theory", name="理论", weight=Decimal(30), order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="实操", weight=Decimal(70), order=2
    )
    Criterion.objects.create(
        competition=competition,
        stage=theory,
        code="T1",
        name="理论考试",
        max_mark=Decimal(100),
        kind="measurement",
        order=1,
    )
    for order, code in enumerate(("P1", "P2"), start=2):
        Criterion.objects.create(
            competition=competition,
            stage=practical,
            code=code,
            name=f"实操{code}",
            max_mark=Decimal(50),
            kind="judgement",
            aggregation="trimmed",
            spread_limit=Decimal(10),
            order=order,
        )
    ours, theirs = world["ours"], world["theirs"]
    third = OrganisationFactory(name="上海丙机械有限公司")
    entries = []
    for n, enterprise in enumerate((ours, ours, theirs, third), start=1):
        worker = WorkerFactory(employer=enterprise)
        entry = Entry.objects.create(
            competition=competition,
            enterprise=enterprise,
            status=Entry.Status.APPROVED,
            number=f"A{n:02d}",
        )
        EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
        entries.append(entry)
    training = world["users"]["judge"].grants.get().organisation
    users = [
        make_user("judge_ours", Role.JUDGE, ours),
        world["users"]["judge"],
        make_user("judge_chief", Role.JUDGE, training),
    ]
    judges = [
        panel.add_judge(
            actor=None,
            competition=competition,
            code=f"J{n}",
            name=f"裁判{n}",
            user=user,
            is_chief=(n == 3),
        )
        for n, user in enumerate(users, start=1)
    ]
    report = panel.assign_many(actor=None, judges=judges, entries=entries)
    return {
        "competition": competition,
        "entries": entries,
        "judges": judges,
        "users": users,
        "report": report,
        "criteria": {c.code: c for c in Criterion.objects.filter(competition=competition)},
    }
