"""A competition that requires N hours of its training refuses entry until they are
attended: web registration (service and page) and the roster import, with the reason."""

import io
from decimal import Decimal

import pytest
from django.conf import settings

from jingsai.competitions.domain import registration
from jingsai.competitions.domain.roster import import_roster
from jingsai.competitions.models import Competition, Entry
from jingsai.training.domain import attendance, enrolment
from tests.factories import WorkerFactory
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

ROSTER_HEADER = ["姓名", "身份证号码", "手机号码", "工种", "技能等级"]


@pytest.fixture
def requiring(competition):
    Competition.objects.filter(pk=competition.pk).update(required_training_hours=Decimal(6))
    competition.refresh_from_db()
    return competition


def attend(worker, course, sessions, n):
    enrolment.enrol(actor=None, course=course, workers=[worker])
    for session in sessions[:n]:
        attendance.record(actor=None, session=session, present={worker.pk: True})


def test_registration_is_refused_until_the_hours_are_attended(world, requiring, course, sessions):
    worker = world["our_worker"]
    attend(worker, course, sessions, 1)
    with pytest.raises(registration.RegistrationRefused) as refused:
        registration.register(
            actor=None, competition=requiring, enterprise=world["ours"], workers=[worker]
        )
    (reasons,) = refused.value.refusals.values()
    assert reasons == [f"{worker.name} has 3 hours of this competition's training; 6 are required."]
    attendance.record(actor=None, session=sessions[1], present={worker.pk: True})
    (entry,) = registration.register(
        actor=None, competition=requiring, enterprise=world["ours"], workers=[worker]
    )
    assert entry.status == "submitted"


def test_hours_of_other_training_do_not_count(world, centre, requiring, sessions, course):
    import datetime as dt

    from jingsai.training.domain import courses

    worker = world["our_worker"]
    other = courses.create_course(actor=None, title="通用培训", year=2026, organiser=centre)
    session = courses.add_session(
        actor=None, course=other, date=dt.date(2026, 4, 1), starts_at=dt.time(8),
        ends_at=dt.time(17), hours=Decimal(8),
    )  # fmt: skip
    attend(worker, other, [session], 1)
    with pytest.raises(registration.RegistrationRefused, match="0 hours"):
        registration.register(
            actor=None, competition=requiring, enterprise=world["ours"], workers=[worker]
        )


def test_no_requirement_means_no_check(world, competition):
    (entry,) = registration.register(
        actor=None, competition=competition, enterprise=world["ours"], workers=[world["our_worker"]]
    )
    assert entry.pk


def test_the_register_page_says_why(client_for, world, requiring, course, sessions):
    worker = world["our_worker"]
    attend(worker, course, sessions, 1)
    client = client_for("officer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/office/competitions/{requiring.pk}/register/"
    response = client.post(url, {"worker": [worker.pk]}, follow=True)
    assert "has 3 hours of this competition&#x27;s training; 6 are required" in (
        response.content.decode()
    )
    assert not Entry.objects.exists()
    attendance.record(actor=None, session=sessions[1], present={worker.pk: True})
    assert client.post(url, {"worker": [worker.pk]}).status_code == 302
    assert Entry.objects.count() == 1


def test_the_roster_import_refuses_per_row_with_the_reason(world, requiring, course, sessions):
    ours = world["ours"]
    trained = WorkerFactory(employer=ours, name="赵一")
    half = WorkerFactory(employer=ours, name="钱二")
    attend(trained, course, sessions, 2)
    attend(half, course, sessions, 1)
    rows = [
        ["赵一", trained.id_number, "", "", ""],
        ["钱二", half.id_number, "", "", ""],
        ["孙三", "310115196503150028", "", "", ""],  # new to the platform: no hours
    ]

    def run():
        data = xlsx_bytes([ROSTER_HEADER, *rows])
        return import_roster(
            actor=None, competition=requiring, source=io.BytesIO(data), enterprises=[ours]
        )

    result = run()
    assert not result.ok
    errors = {(e.row, e.column.split("（")[0]): e.message for e in result.errors.errors}
    assert errors == {
        (3, "B"): "钱二 has 3 hours of this competition's training; 6 are required.",
        (4, "B"): "孙三 has 0 hours of this competition's training; 6 are required.",
    }
    assert not Entry.objects.exists()
    # once the hours suffice (and the new worker is left out), the file goes in
    attendance.record(actor=None, session=sessions[1], present={half.pk: True})
    rows.pop()
    result = run()
    assert result.ok and result.entries == 2


def test_the_roster_reads_the_hours_in_one_query(world, requiring, course, sessions):
    ours = world["ours"]
    workers = [WorkerFactory(employer=ours) for _ in range(3)]
    for worker in workers:
        attend(worker, course, sessions, 2)
    rows = [[w.name, w.id_number, "", "", ""] for w in workers]
    data = xlsx_bytes([ROSTER_HEADER, *rows])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = import_roster(
            actor=None, competition=requiring, source=io.BytesIO(data), enterprises=[ours]
        )
    assert result.ok
    hours_queries = [q for q in queries.captured_queries if "training_attendance" in q["sql"]]
    assert len(hours_queries) == 1
