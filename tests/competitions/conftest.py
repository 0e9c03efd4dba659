import datetime as dt

import pytest
from django.utils import timezone

from jingsai.catalogue.models import Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation


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
