import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jingsai.catalogue.models import Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.presets import pudong
from tests.factories import OrganisationFactory, WorkerFactory, make_user


@pytest.fixture
def preset(db):
    pudong.apply(year=2026)


@pytest.fixture
def world(preset):
    """Two enterprises with workers, and one user per role."""
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)
    gov = OrganisationFactory(
        name="浦东新区科技和经济委员会", kind=Organisation.Kind.GOVERNMENT, credit_code=None
    )
    training = OrganisationFactory(
        name="浦东新区职工实训中心", kind=Organisation.Kind.TRAINING_BODY, credit_code=None
    )
    ours = OrganisationFactory(name="上海甲芯片有限公司")
    theirs = OrganisationFactory(name="上海乙医药有限公司")
    our_worker = WorkerFactory(employer=ours, name="张三丰")
    their_worker = WorkerFactory(employer=theirs, name="李四")
    users = {
        "admin": make_user("admin", Role.PROGRAMME_ADMIN, union),
        "leader": make_user("leader", Role.LEADERSHIP, gov),
        "coorganiser": make_user("coorganiser", Role.CO_ORGANISER, gov),
        "officer": make_user("officer", Role.ENTERPRISE_OFFICER, ours),
        "judge": make_user("judge", Role.JUDGE, training),
        "worker": make_user("worker", Role.WORKER, ours),
        "nobody": make_user("nobody"),
    }
    our_worker.user = users["worker"]
    our_worker.save()
    return {
        "union": union,
        "ours": ours,
        "theirs": theirs,
        "our_worker": our_worker,
        "their_worker": their_worker,
        "users": users,
    }


@pytest.fixture
def client_for(world):
    def make(role: str) -> Client:
        client = Client()
        client.force_login(world["users"][role])
        return client

    return make


@pytest.fixture
def make_competition(preset):
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)

    def make(status=Competition.Status.OPEN, **fields):
        defaults = {
            "year": ProgrammeYear.objects.get(year=2026),
            "title": "数控车工技能竞赛",
            "series": Series.objects.get(code="hard-core-industries"),
            "organiser": union,
            "registration_opens": timezone.now() - dt.timedelta(days=1),
            "registration_closes": timezone.now() + dt.timedelta(days=10),
        }
        competition = create_competition(actor=None, **(defaults | fields))
        Competition.objects.filter(pk=competition.pk).update(status=status)
        competition.refresh_from_db()
        return competition

    return make


@pytest.fixture
def zhangjiang(preset):
    return Zone.objects.get(code="zhangjiang")


@pytest.fixture
def chips(preset):
    return Industry.objects.get(code="chips")
