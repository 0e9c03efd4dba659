"""The demo's two 830 rounds: last year's final, this year's under expert review."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from jingsai.certification.models import Certificate
from jingsai.honours.domain import scoring
from jingsai.honours.models import Honour, Nomination, Objection, Reviewer, Round, TieDecision
from jingsai.innovation.models import InnovationResult

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("demo_data", "--enterprises", "30", "--workers", "900", "--quiet")
        yield
        # the module's data is removed by the test database's teardown of each test;
        # what the fixture made outside a test transaction is flushed here
        call_command("flush", "--no-input")


def test_last_years_round_is_final_with_a_committee_decision_and_resolved_objections(demo):
    past, current = Round.objects.order_by("year__year")
    assert past.stage == Round.Stage.FINAL and current.stage == Round.Stage.REVIEW
    craftsmen = past.categories.get(category__code="pudong-craftsman")
    assert Nomination.objects.filter(round_category=craftsmen, status="honoured").count() == 30
    decision = TieDecision.objects.get(round_category=craftsmen, active=True)
    assert decision.reason and len(decision.chosen) == 1
    assert set(
        Objection.objects.filter(nomination__round_category__round=past).values_list(
            "status", flat=True
        )
    ) == {"upheld", "dismissed"}
    removed = Nomination.objects.get(round_category__round=past, status="removed")
    assert not removed.proposed
    # every honour has its certificates: a worker, each author of a result, or the place
    for honour in Honour.objects.filter(round=past).select_related("innovation"):
        expected = honour.innovation.authors.count() if honour.innovation_id else 1
        assert Certificate.objects.filter(honour=honour, status="valid").count() == expected
    assert not Objection.objects.filter(status="open").exists()


def test_this_years_round_leaves_marking_to_the_expert_login(demo):
    current = Round.objects.get(stage=Round.Stage.REVIEW)
    seat = Reviewer.objects.get(
        user__username="expert", round_category__round=current,
        round_category__category__code="pudong-craftsman",
    )  # fmt: skip
    submitted = seat.sheets.filter(submitted_at__isnull=False).count()
    live = Nomination.objects.filter(round_category=seat.round_category).count()
    assert 0 < submitted < live
    standings = scoring.standings(seat.round_category)
    assert any(not s.complete for s in standings)
    assert current.nomination_opens < current.nomination_closes
    assert Nomination.objects.filter(
        round_category__round=current, nominator__kind="enterprise"
    ).exists()  # the demo officer's own nomination


def test_innovation_results_of_every_state_exist(demo):
    states = set(InnovationResult.objects.values_list("status", flat=True))
    assert states == set(InnovationResult.Status.values)
    verified = InnovationResult.objects.filter(status__in=["verified", "recognised"])
    assert verified.exists() and not verified.filter(reward_band__isnull=True).exists()


def test_nomination_windows_are_in_each_rounds_year_and_local_time(demo):
    """Found walking the demo: the windows were set in UTC (shown as 17:00 and 01:00 next
    day) and last year's final round said it closed and was finalised this year."""
    from django.utils import timezone

    past, current = Round.objects.order_by("year__year")
    opens = timezone.localtime(past.nomination_opens)
    closes = timezone.localtime(past.nomination_closes)
    assert opens.year == closes.year == past.year.year
    assert (opens.hour, opens.minute, closes.hour, closes.minute) == (9, 0, 17, 0)
    assert timezone.localtime(past.finalised_at).year == past.year.year
    for objection in Objection.objects.filter(nomination__round_category__round=past):
        assert timezone.localtime(objection.created_at).year == past.year.year
        assert timezone.localtime(objection.resolved_at).year == past.year.year
    # this year's window is over (the round is under review), whatever the month today
    assert current.nomination_opens < current.nomination_closes < timezone.now()
