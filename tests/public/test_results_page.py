"""The public results page: nothing before the public notice; during the notice the
results with the notice dates and how to appeal; after publication the results."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jingsai.competitions.models import Competition
from jingsai.judging.domain import publication
from tests.backoffice.test_marking_pages import build_judged, mark_all, on_notice

pytestmark = pytest.mark.django_db

S = Competition.Status


@pytest.fixture
def judged(world, make_competition):
    j = build_judged(world, make_competition)
    mark_all(j)
    return j


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def results_url(competition) -> str:
    return f"/competitions/{competition.code}/results/"


def test_no_results_before_the_notice(judged, world):
    competition = judged["competition"]
    assert english().get(results_url(competition)).status_code == 404
    publication.confirm_marks(actor=judged["j1"].user, competition=competition)
    publication.compute_results(actor=world["users"]["admin"], competition=competition)
    assert english().get(results_url(competition)).status_code == 404  # computed, not public
    detail = english().get(f"/competitions/{competition.code}/")
    assert detail.status_code == 200
    assert results_url(competition).encode() not in detail.content
    assert english().get("/competitions/no-such-code/results/").status_code == 404


def test_a_draft_never_shows_results(make_competition):
    draft = make_competition(status=S.DRAFT, code="draft-2026")
    assert english().get(results_url(draft)).status_code == 404


def test_results_on_notice_with_dates_and_how_to_appeal(judged, world):
    today = timezone.localdate()
    competition = on_notice(judged, world, starts=today, ends=today + dt.timedelta(days=6))
    detail = english().get(f"/competitions/{competition.code}/")
    assert results_url(competition).encode() in detail.content
    response = english().get(results_url(competition))
    assert response.status_code == 200
    body = response.content.decode()
    assert "On public notice" in body
    assert f"Public notice from {today:%Y-%m-%d} to {today + dt.timedelta(days=6):%Y-%m-%d}" in body
    assert f"Appeals are lodged until {today + dt.timedelta(days=2):%Y-%m-%d}" in body
    assert f"/office/competitions/{competition.pk}/marking/appeals/new/" in body
    rows = [
        (ln.rank, ln.entry, ln.name, ln.organisation, ln.award) for ln in response.context["lines"]
    ]
    assert rows == [
        (1, "A01", "张三丰", world["ours"].name, "一等奖"),
        (2, "A02", "李四", world["theirs"].name, ""),
    ]
    assert "86.50" in body and "66.50" in body
    for worker in (world["our_worker"], world["their_worker"]):
        assert worker.id_number not in body and worker.id_number[-4:] not in body
        assert worker.phone not in body
    assert "spread" not in body  # no flags, no stage detail for the public


def test_results_after_publication_without_the_appeal_notice(judged, world):
    today = timezone.localdate()
    competition = on_notice(
        judged, world, starts=today - dt.timedelta(days=9), ends=today - dt.timedelta(days=2)
    )
    publication.publish(actor=world["users"]["admin"], competition=competition)
    response = english().get(results_url(competition))
    assert response.status_code == 200
    body = response.content.decode()
    assert "On public notice" not in body and "appeals/new/" not in body
    assert [ln.entry for ln in response.context["lines"]] == ["A01", "A02"]


def test_results_leave_the_public_page_when_an_appeal_is_upheld(judged, world):
    competition = on_notice(judged, world)
    appeal = publication.lodge_appeal(
        actor=world["users"]["officer"], entry=judged["a01"], grounds="实操评分有误"
    )
    publication.decide_appeal(
        actor=world["users"]["admin"], appeal=appeal, uphold=True, reason="复核属实"
    )
    assert english().get(results_url(competition)).status_code == 404
