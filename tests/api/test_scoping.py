"""Every endpoint applies the pages' scope: lists from the policy, 404 outside it,
403 for a role that may not."""

import pytest

from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from tests.factories import WorkerFactory


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_officer_sees_only_his_enterprises_workers(world, api_as):
    client = api_as("officer")
    assert ids(client.get("/api/v1/workers")) == {world["our_worker"].pk}
    response = client.get(f"/api/v1/workers/{world['their_worker'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", ["worker", "judge", "coorganiser", "nobody"])
def test_roles_that_do_not_browse_workers_are_refused(world, api_as, role):
    assert api_as(role).get("/api/v1/workers").status_code == 403


def test_officer_sees_his_own_organisation_only(world, api_as):
    client = api_as("officer")
    assert ids(client.get("/api/v1/organisations")) == {world["ours"].pk}
    assert client.get(f"/api/v1/organisations/{world['theirs'].pk}").status_code == 404
    assert len(ids(api_as("leader").get("/api/v1/organisations"))) >= 5


def test_officer_sees_only_his_enterprises_entries(world, api_as, judged):
    competition = judged["competition"]
    ours = {e.pk for e in judged["entries"] if e.enterprise_id == world["ours"].pk}
    assert len(ours) == 2
    assert ids(api_as("officer").get(f"/api/v1/competitions/{competition.pk}/entries")) == ours
    assert len(ids(api_as("admin").get(f"/api/v1/competitions/{competition.pk}/entries"))) == 4


def test_entries_of_a_draft_competition_are_not_found_for_an_officer(
    world, api_as, make_competition
):
    draft = make_competition(status=Competition.Status.DRAFT)
    assert api_as("officer").get(f"/api/v1/competitions/{draft.pk}/entries").status_code == 404
    assert api_as("worker").get(f"/api/v1/competitions/{draft.pk}/entries").status_code == 403


def test_anonymous_sees_public_competitions_only(world, anonymous_api, api_as, make_competition):
    public = make_competition()
    draft = make_competition(status=Competition.Status.DRAFT, title="草稿竞赛")
    assert ids(anonymous_api.get("/api/v1/competitions")) == {public.pk}
    assert anonymous_api.get(f"/api/v1/competitions/{draft.pk}").status_code == 404
    assert api_as("admin").get(f"/api/v1/competitions/{draft.pk}").json()["title"] == "草稿竞赛"
    assert ids(api_as("admin").get("/api/v1/competitions")) == {public.pk, draft.pk}


def test_competition_filters(world, anonymous_api, make_competition):
    open_one = make_competition()
    closed = make_competition(status=Competition.Status.CLOSED)
    assert ids(anonymous_api.get("/api/v1/competitions", {"status": "closed"})) == {closed.pk}
    assert ids(anonymous_api.get("/api/v1/competitions", {"year": 2026})) == {
        open_one.pk,
        closed.pk,
    }
    assert ids(anonymous_api.get("/api/v1/competitions", {"year": 2025})) == set()
    bad = anonymous_api.get("/api/v1/competitions", {"status": "nonsense"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "status"


def _results(judged):
    competition = judged["competition"]
    for position, entry in enumerate(judged["entries"], start=1):
        Result.objects.create(
            competition=competition,
            entry=entry,
            rank=position,
            total=100 - position,
            position=position,
            award="一等奖" if position == 1 else "",
        )
    return competition


def test_results_before_publication_only_for_those_who_may_read_them(
    world, anonymous_api, api_as, judged
):
    competition = _results(judged)
    url = f"/api/v1/competitions/{competition.pk}/results"
    assert anonymous_api.get(url).status_code == 404
    assert api_as("officer").get(url).status_code == 404
    rows = api_as("leader").get(url).json()["items"]
    assert [(r["rank"], r["entry"], r["published"]) for r in rows] == [
        (1, "A01", False),
        (2, "A02", False),
        (3, "A03", False),
        (4, "A04", False),
    ]


def test_published_results_are_public(world, anonymous_api, judged):
    competition = _results(judged)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.PUBLISHED)
    rows = anonymous_api.get(f"/api/v1/competitions/{competition.pk}/results").json()["items"]
    first = rows[0]
    member = EntryMember.objects.get(entry=judged["entries"][0])
    assert (first["rank"], first["name"], first["award"], first["total"]) == (
        1,
        member.worker.name,
        "一等奖",
        "99.00",
    )
    assert "id_number" not in first


def test_a_judge_sees_only_his_own_assigned_entries(world, api_as, judged):
    rows = api_as("judge").get("/api/v1/judging/sheets").json()["items"]
    assert {r["entry_id"] for r in rows} == {e.pk for e in judged["entries"]}
    assert {r["state"] for r in rows} == {"new"}
    other = judged["competition"]
    assert api_as("officer").get("/api/v1/judging/sheets").status_code == 403
    # an entry of another competition, or one not assigned to him: 404
    stranger = Entry.objects.create(competition=other, enterprise=world["theirs"])
    url = f"/api/v1/judging/competitions/{other.pk}/entries/{stranger.pk}/sheet"
    assert api_as("judge").get(url).status_code == 404
    assert (
        api_as("judge")
        .get(f"/api/v1/judging/competitions/999/entries/{stranger.pk}/sheet")
        .status_code
        == 404
    )


def test_innovations_and_nominations_need_their_roles(world, api_as):
    assert api_as("officer").get("/api/v1/innovations").status_code == 200
    assert api_as("worker").get("/api/v1/innovations").status_code == 200  # his own
    assert api_as("judge").get("/api/v1/innovations").status_code == 403
    assert api_as("officer").get("/api/v1/nominations").status_code == 200
    assert api_as("worker").get("/api/v1/nominations").status_code == 403
    assert api_as("officer").get("/api/v1/nominations/12345").status_code == 404


def test_training_lists_need_a_training_role(world, api_as):
    assert api_as("officer").get("/api/v1/training/courses").status_code == 200
    assert api_as("worker").get("/api/v1/training/courses").status_code == 403


def _certificate(world, worker, number, competition):
    import datetime as dt

    from jingsai.certification.models import Certificate

    return Certificate.objects.create(
        number=number,
        worker=worker,
        competition=competition,
        title="技术能手",
        issued_on=dt.date(2026, 5, 1),
        issuer=world["union"],
        basis="技术能手",
    )


def test_certificates_of_the_callers_scope(world, api_as, make_competition):
    competition = make_competition()
    ours = _certificate(world, world["our_worker"], "JS2026A", competition)
    theirs = _certificate(world, world["their_worker"], "JS2026B", competition)
    assert ids(api_as("officer").get("/api/v1/certificates")) == {ours.pk}
    assert ids(api_as("worker").get("/api/v1/certificates")) == {ours.pk}
    assert ids(api_as("leader").get("/api/v1/certificates")) == {ours.pk, theirs.pk}
    assert ids(api_as("judge").get("/api/v1/certificates")) == set()


def test_a_certificate_is_verified_by_anyone_with_the_name_masked(
    world, anonymous_api, make_competition
):
    competition = make_competition()
    _certificate(world, world["our_worker"], "JS2026A", competition)
    body = anonymous_api.get("/api/v1/certificates/verify/js2026a").json()
    assert (body["number"], body["valid"], body["holder"], body["title"]) == (
        "JS2026A",
        True,
        "张**",
        "技术能手",
    )
    assert body["competition"] == f"2026 {competition.title}"
    assert world["our_worker"].id_number not in str(body)


def test_catalogue_is_public(world, anonymous_api):
    body = anonymous_api.get("/api/v1/catalogue/series", {"page_size": 100}).json()
    assert body["count"] >= 1 and body["items"][0]["code"] == "hard-core-industries"
    assert anonymous_api.get("/api/v1/catalogue/years").json()["items"][0]["year"] == 2026


def test_unknown_certificate_number_is_not_found(world, anonymous_api):
    response = anonymous_api.get("/api/v1/certificates/verify/NO-SUCH-NUMBER")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_worker_factory_workers_of_another_enterprise_stay_hidden(world, api_as):
    hidden = WorkerFactory(employer=world["theirs"])
    assert hidden.pk not in ids(api_as("officer").get("/api/v1/workers", {"page_size": 100}))
