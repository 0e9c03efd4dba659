"""Bulk registration by an enterprise system: the roster import's rules, all or nothing."""

import datetime as dt

from jingsai.competitions.models import Entry, EntryMember
from jingsai.people.models import Worker
from tests.factories import make_id_number


def rows(n, start=1):
    return [
        {
            "name": f"工人{i}",
            "id_number": make_id_number(birth=dt.date(1985, 1, 1) + dt.timedelta(days=i), seq=i),
            "phone": "13912345678",
            "trade": "电工",
            "skill_level": "高级工",
        }
        for i in range(start, start + n)
    ]


def url(competition):
    return f"/api/v1/competitions/{competition.pk}/entries/bulk"


def test_a_good_batch_creates_every_entry(world, api_as, make_competition):
    competition = make_competition()
    response = api_as("officer").post(url(competition), {"rows": rows(5)})
    assert response.status_code == 201, response.content
    assert response.json() == {"rows": 5, "entries": 5, "new_workers": 5}
    entries = Entry.objects.filter(competition=competition)
    assert entries.count() == 5
    assert set(entries.values_list("enterprise_id", flat=True)) == {world["ours"].pk}
    assert set(
        EntryMember.objects.filter(competition=competition).values_list("worker__name", flat=True)
    ) == {f"工人{i}" for i in range(1, 6)}


def test_one_bad_row_at_the_end_saves_nothing_and_is_named(world, api_as, make_competition):
    competition = make_competition()
    batch = rows(4)
    batch.append({"name": "坏行", "id_number": "310115198501011230"})  # wrong check character
    workers_before = Worker.objects.count()
    response = api_as("officer").post(url(competition), {"rows": batch})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [(d["row"], d["field"], d["location"]) for d in body["detail"]] == [
        (5, "id_number", "body")
    ]
    assert body["detail"][0]["message"]
    assert Entry.objects.filter(competition=competition).count() == 0
    assert Worker.objects.count() == workers_before


def test_duplicates_in_the_batch_are_refused_with_both_rows(world, api_as, make_competition):
    competition = make_competition()
    batch = rows(3)
    batch.append(dict(batch[0]))
    response = api_as("officer").post(
        url(competition), {"rows": batch}, **{"Accept-Language": "en"}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["row"], d["field"]) for d in detail] == [(4, "id_number")]
    assert detail[0]["message"] == "This ID number is also on row 1 of the request."
    assert Entry.objects.filter(competition=competition).count() == 0


def test_workers_already_entered_are_refused(world, api_as, make_competition):
    competition = make_competition()
    client = api_as("officer")
    assert client.post(url(competition), {"rows": rows(2)}).status_code == 201
    response = client.post(url(competition), {"rows": rows(3)})  # the first two again
    assert response.status_code == 422
    assert [(d["row"], d["field"]) for d in response.json()["detail"]] == [
        (1, "id_number"),
        (2, "id_number"),
    ]
    assert Entry.objects.filter(competition=competition).count() == 2


def test_another_enterprises_worker_is_refused(world, api_as, make_competition):
    competition = make_competition()
    theirs = world["their_worker"]
    response = api_as("officer").post(
        url(competition), {"rows": [{"name": theirs.name, "id_number": theirs.id_number}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["row"] == 1


def test_registration_must_be_open(world, api_as, make_competition):
    from jingsai.competitions.models import Competition

    closed = make_competition(status=Competition.Status.CLOSED)
    response = api_as("officer").post(url(closed), {"rows": rows(1)})
    assert response.status_code == 403  # policy.can_register: open competitions only


def test_roles_that_do_not_register_are_refused(world, api_as, make_competition):
    competition = make_competition()
    assert api_as("leader").post(url(competition), {"rows": rows(1)}).status_code == 403
    assert api_as("worker").post(url(competition), {"rows": rows(1)}).status_code == 403


def test_refused_callers_are_refused_whatever_the_body(world, api_as, make_competition):
    """The permission comes before the body: a malformed body still answers 403/404, never
    422, to a caller who may not register (nothing about the schema is learnt)."""
    from jingsai.competitions.models import Competition

    competition = make_competition()
    for body in ({"rows": "not a list"}, {}, {"rows": [{"name": 1}]}):
        assert api_as("leader").post(url(competition), body).status_code == 403
        assert api_as("worker").post(url(competition), body).status_code == 403
    draft = make_competition(status=Competition.Status.DRAFT)
    assert api_as("officer").post(url(draft), {}).status_code == 404  # not in his scope
    missing = f"/api/v1/competitions/{draft.pk + 1000}/entries/bulk"
    assert api_as("officer").post(missing, {}).status_code == 404
    assert api_as("officer").post(url(competition), {}).status_code == 422  # he may: the body
