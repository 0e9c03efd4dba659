"""Marks through the API are stored as through the portal; the dashboard's figures are
the registry's."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from jingsai.access import policy
from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.domain import registry
from jingsai.dashboards.domain.base import Filters
from jingsai.judging.models import Mark, Sheet

MARKS = {"T1": "88.5", "P1": "41", "P2": "39.25"}


def stored(sheet):
    return {m.criterion.code: (m.units, m.counts) for m in sheet.marks.select_related("criterion")}


def test_marks_through_the_api_equal_those_through_the_portal(world, api_as, judged):
    competition = judged["competition"]
    by_portal, by_api = judged["entries"][2], judged["entries"][3]
    judge = world["users"]["judge"]
    portal = Client()
    portal.force_login(judge)
    form = {f"mark-{code}": value for code, value in MARKS.items()} | {"confirm": "1"}
    response = portal.post(f"/home/judging/{competition.pk}/entries/{by_portal.pk}/submit/", form)
    assert response.status_code == 302
    client = api_as("judge")
    sheet_url = f"/api/v1/judging/competitions/{competition.pk}/entries/{by_api.pk}/sheet"
    draft = client.put(sheet_url, {"marks": {"T1": 88.5, "P1": "41"}})
    assert draft.status_code == 200, draft.content
    assert (draft.json()["state"], draft.json()["marks"]) == ("draft", {"T1": "88.5", "P1": "41"})
    submitted = client.post(sheet_url + "/submit", {"marks": {"P2": "39.25"}})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    seat = policy.seat_in(judge, competition)
    portal_sheet = Sheet.objects.get(judge=seat, entry=by_portal)
    api_sheet = Sheet.objects.get(judge=seat, entry=by_api)
    assert (
        stored(api_sheet)
        == stored(portal_sheet)
        == {
            "T1": (885000, True),
            "P1": (410000, True),
            "P2": (392500, True),
        }
    )
    assert api_sheet.status == portal_sheet.status == Sheet.Status.SUBMITTED
    again = client.post(sheet_url + "/submit", {"marks": {"P2": "1"}})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert Mark.objects.get(sheet=api_sheet, criterion__code="P2").units == 392500


def test_a_mark_out_of_range_is_refused_with_its_field(world, api_as, judged):
    competition, entry = judged["competition"], judged["entries"][3]
    sheet_url = f"/api/v1/judging/competitions/{competition.pk}/entries/{entry.pk}/sheet"
    response = api_as("judge").put(sheet_url, {"marks": {"P1": "51"}})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["marks.P1"]
    assert not Sheet.objects.filter(entry=entry).exists()


def test_submitting_without_every_required_mark_is_refused(world, api_as, judged):
    competition, entry = judged["competition"], judged["entries"][3]
    sheet_url = f"/api/v1/judging/competitions/{competition.pk}/entries/{entry.pk}/sheet"
    response = api_as("judge").post(sheet_url + "/submit", {"marks": {"P1": "40"}})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["marks.P2"]


def test_a_judge_in_conflict_may_not_mark(world, api_as, judged):
    competition = judged["competition"]
    ours = judged["entries"][0]  # judge_ours works for our enterprise
    sheet_url = f"/api/v1/judging/competitions/{competition.pk}/entries/{ours.pk}/sheet"
    response = api_as(judged["users"][0]).put(sheet_url, {"marks": {"P1": "40"}})
    assert response.status_code in (404, 409)
    assert not Sheet.objects.filter(entry=ours).exists()


def test_the_dashboard_equals_the_registrys_figures(world, api_as):
    response = api_as("admin").get("/api/v1/dashboard", {"year": 2026})
    assert response.status_code == 200
    expected = registry.dashboard(
        Filters(year=ProgrammeYear.objects.get(year=2026)),
        policy.dashboard_scope(world["users"]["admin"]),
    ).as_json()
    assert response.json() == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))


def test_the_dashboard_is_scoped_and_refused_to_others(world, api_as):
    officer = api_as("officer").get("/api/v1/dashboard")
    assert officer.status_code == 200
    assert api_as("worker").get("/api/v1/dashboard").status_code == 403
    assert api_as("admin").get("/api/v1/dashboard", {"year": 2030}).status_code == 404
    assert api_as("admin").get("/api/v1/dashboard", {"series": 9999}).status_code == 404
