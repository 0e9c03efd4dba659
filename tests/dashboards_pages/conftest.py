"""The generated programme of ``tests/dashboards`` (two years, entries in every state),
seen through the dashboard's pages by each role; plus direct counts over a scope."""

import pytest
from django.conf import settings
from django.test import Client

from jingsai.competitions.models import Entry, EntryMember
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from tests.dashboards.conftest import busy, english, programme  # noqa: F401 (fixtures)
from tests.factories import make_user


@pytest.fixture
def board(busy, world):  # noqa: F811 (the imported fixture)
    """The busy programme, a co-organiser of two 2026 competitions and the 2025 one, and an
    officer of one of the programme's enterprises."""
    gov = Organisation.objects.get(name="浦东新区科技和经济委员会")
    competitions = busy["competitions"]
    for key in ("ic", "teams", "old"):
        competitions[key].co_organisers.add(gov)
    enterprise = busy["enterprises"][2]
    officer = make_user("officer-of-2", Role.ENTERPRISE_OFFICER, enterprise)
    return busy | {
        "users": world["users"] | {"officer2": officer},
        "coorganised": [competitions[k].pk for k in ("ic", "teams", "old")],
        "officer_enterprise": enterprise,
    }


@pytest.fixture
def as_user(board):
    def make(role: str) -> Client:
        client = Client()
        client.force_login(board["users"][role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def scoped_direct(year, *, competitions=None, enterprises=None, series=None, zone=None) -> dict:
    """Totals counted straight from the source tables within a scope (written apart from
    the code under test)."""
    members = EntryMember.objects.filter(
        active=True, entry__status="approved", competition__year=year
    )
    entries = Entry.objects.filter(status="approved", competition__year=year)
    if competitions is not None:
        members = members.filter(competition_id__in=competitions)
        entries = entries.filter(competition_id__in=competitions)
    if enterprises is not None:
        members = members.filter(entry__enterprise_id__in=enterprises)
        entries = entries.filter(enterprise_id__in=enterprises)
    if series is not None:
        members = members.filter(competition__series_id=series)
        entries = entries.filter(competition__series_id=series)
    workers = members
    companies = entries
    if zone is not None:
        workers = workers.filter(worker__zone_id=zone or None)
        companies = companies.filter(enterprise__zone_id=zone or None)
        entries = entries.filter(zone_id=zone or None)
    return {
        "workers": workers.values("worker_id").distinct().count(),
        "enterprises": companies.values("enterprise_id").distinct().count(),
        "entries": entries.count(),
    }
