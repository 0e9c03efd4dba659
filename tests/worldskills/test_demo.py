"""The demo's WorldSkills competition: the real scheme imported, a panel of three with the
demo judge, eight entries marked by the two others, none yet by him."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from jingsai.competitions.models import Competition
from jingsai.judging.models import PanelJudge, Sheet
from jingsai.presets import demo_worldskills
from jingsai.worldskills.models import Aspect

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_has_a_worldskills_competition_to_mark():
    call_command("demo_data", "--enterprises", "40", "--workers", "400", "--quiet")
    competition = Competition.objects.get(title__endswith=demo_worldskills.TITLE)
    assert competition.status == Competition.Status.JUDGING
    aspects = Aspect.objects.filter(scheme__competition=competition)
    assert aspects.count() == 220
    assert aspects.filter(kind=Aspect.Kind.JUDGEMENT).count() == 19
    panel = PanelJudge.objects.filter(competition=competition)
    assert panel.count() == 3
    judge = panel.get(user__username="judge")
    entries = competition.entries.filter(status="approved").count()
    assert entries == demo_worldskills.ENTRIES
    submitted = Sheet.objects.filter(entry__competition=competition, status=Sheet.Status.SUBMITTED)
    assert submitted.count() == 2 * demo_worldskills.MARKED
    assert not Sheet.objects.filter(judge=judge).exists()
    assert "Medallion for Excellence" in competition.judging.awards or "优胜奖" in (
        competition.judging.awards
    )
    # running the demo again adds nothing twice
    assert demo_worldskills.ensure_demo_worldskills(year=competition.year.year) == 0
