"""Training pages through the test client: who may do what, the phone attendance page,
the import page with its error report, and the hours export."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from python_calamine import CalamineWorkbook

from jingsai.training.domain import enrolment
from jingsai.training.models import Attendance, Course, Enrolment, Session
from tests.factories import WorkerFactory
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def as_centre(trainer_user):
    client = Client()
    client.force_login(trainer_user)
    return in_english(client)


def test_nobody_and_workers_are_refused(client_for, course, sessions):
    for role in ("nobody", "worker", "judge"):
        client = client_for(role)
        assert client.get("/office/training/").status_code == 403
        assert client.get(f"/office/training/{course.pk}/").status_code == 403
        assert (
            client.post(f"/office/training/{course.pk}/enrol/", {"worker": [1]}).status_code == 403
        )


def test_centre_staff_create_a_course_and_a_session(world, competition, centre, as_centre):
    response = as_centre.post(
        "/office/training/new/",
        {"title": "电工实训", "year": "2026", "organiser": centre.pk, "capacity": "20"},
    )
    assert response.status_code == 302
    course = Course.objects.get(title="电工实训")
    assert (course.year, course.organiser, course.competition, course.capacity) == (
        2026, centre, None, 20,
    )  # fmt: skip
    # a free-standing course needs its year
    response = as_centre.post(
        "/office/training/new/", {"title": "钳工实训", "organiser": centre.pk}
    )
    assert response.status_code == 200 and not Course.objects.filter(title="钳工实训").exists()
    # and the staff of the centre run courses of their own organisation only
    response = as_centre.post(
        "/office/training/new/",
        {"title": "钳工实训", "year": "2026", "organiser": world["union"].pk},
    )
    assert response.status_code == 200 and not Course.objects.filter(title="钳工实训").exists()
    response = as_centre.post(
        f"/office/training/{course.pk}/sessions/new/",
        {"date": "2026-03-01", "starts_at": "09:00", "ends_at": "12:00", "hours": "3"},
    )
    assert response.status_code == 302
    assert Session.objects.get(course=course).hours == 3
    response = as_centre.post(
        f"/office/training/{course.pk}/sessions/new/",
        {"date": "2026-03-01", "starts_at": "12:00", "ends_at": "09:00", "hours": "3"},
    )
    assert "must end after it starts" in response.content.decode()


def test_a_course_of_a_competition_takes_its_year(world, competition, centre, as_centre):
    # the centre's staff do not organise the competition: they cannot tie a course to it
    response = as_centre.post(
        "/office/training/new/",
        {"title": "数控实训", "organiser": centre.pk, "competition": competition.pk},
    )
    assert response.status_code == 200
    admin = world["users"]["admin"]
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/office/training/new/",
        {"title": "数控实训", "organiser": centre.pk, "competition": competition.pk},
    )
    assert response.status_code == 302
    assert Course.objects.get(title="数控实训").year == competition.year.year


def test_managers_and_others(client_for, world, course, as_centre):
    assert as_centre.get(f"/office/training/{course.pk}/edit/").status_code == 200
    # co-organiser staff of another organisation: not their course, not even visible
    assert client_for("coorganiser").get(f"/office/training/{course.pk}/").status_code == 404
    assert client_for("coorganiser").get("/office/training/new/").status_code == 200
    # the officer sees the course but does not change it
    officer = client_for("officer")
    assert officer.get(f"/office/training/{course.pk}/").status_code == 200
    assert officer.get(f"/office/training/{course.pk}/edit/").status_code == 403
    assert officer.get("/office/training/new/").status_code == 403
    # leadership reads
    assert client_for("leader").get(f"/office/training/{course.pk}/").status_code == 200


def test_officer_enrols_only_his_workers(client_for, world, course):
    officer = in_english(client_for("officer"))
    page = officer.get(f"/office/training/{course.pk}/enrol/").content.decode()
    assert world["our_worker"].name in page and world["their_worker"].name not in page
    response = officer.post(
        f"/office/training/{course.pk}/enrol/", {"worker": [world["our_worker"].pk]}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().worker == world["our_worker"]
    # a crafted POST with another enterprise's worker is refused, and nothing is enrolled
    other = WorkerFactory(employer=world["ours"])
    response = officer.post(
        f"/office/training/{course.pk}/enrol/",
        {"worker": [other.pk, world["their_worker"].pk]},
    )
    assert response.status_code == 403
    assert Enrolment.objects.count() == 1


def test_officer_sees_and_cancels_only_his_workers(client_for, world, course):
    enrolment.enrol(actor=None, course=course, workers=[world["our_worker"], world["their_worker"]])
    officer = client_for("officer")
    page = officer.get(f"/office/training/{course.pk}/").content.decode()
    assert world["our_worker"].name in page and world["their_worker"].name not in page
    theirs = Enrolment.objects.get(worker=world["their_worker"])
    url = f"/office/training/{course.pk}/enrolments/{theirs.pk}/cancel/"
    assert officer.post(url).status_code == 404
    ours = Enrolment.objects.get(worker=world["our_worker"])
    assert (
        officer.post(f"/office/training/{course.pk}/enrolments/{ours.pk}/cancel/").status_code
        == 302
    )
    assert Enrolment.objects.get(pk=ours.pk).status == "cancelled"
    assert Enrolment.objects.get(pk=theirs.pk).status == "enrolled"
    # and the export holds only his worker
    export = officer.get(f"/office/training/{course.pk}/hours.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[0] for r in rows[1:]] == [world["our_worker"].name]


def test_staff_enrol_anyone_found_by_search_and_are_told_when_full(world, course, as_centre):
    others = [WorkerFactory(employer=world["theirs"]) for _ in range(4)]
    page = as_centre.get(f"/office/training/{course.pk}/enrol/").content.decode()
    assert "Search for the workers" in page
    page = as_centre.get(
        f"/office/training/{course.pk}/enrol/", {"q": others[0].id_number}
    ).content.decode()
    assert f'value="{others[0].pk}"' in page
    response = as_centre.post(
        f"/office/training/{course.pk}/enrol/", {"worker": [w.pk for w in others]}, follow=True
    )
    assert "The course is full: 3 places, 0 taken" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_attendance_page_on_a_phone(world, course, sessions, as_centre, client_for):
    a, b = world["our_worker"], world["their_worker"]
    enrolment.enrol(actor=None, course=course, workers=[a, b])
    url = f"/office/training/{course.pk}/sessions/{sessions[0].pk}/attendance/"
    page = as_centre.get(url).content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert page.count('type="radio"') == 4 and 'class="roll"' in page
    # big tap targets, from the platform's stylesheet (no inline styles: the CSP forbids them)
    assert "jingsai/jingsai.css" in page
    css = (settings.BASE_DIR / "static" / "jingsai" / "jingsai.css").read_text()
    assert re.search(r"\.roll label\.toggle \{[^}]*min-height: 3rem", css)
    response = as_centre.post(url, {f"w{a.pk}": "1", f"w{b.pk}": "0"})
    assert response.status_code == 302
    marks = {m.worker_id: (m.present, m.hours) for m in Attendance.objects.all()}
    assert marks == {a.pk: (True, Decimal(3)), b.pk: (False, Decimal(0))}
    page = as_centre.get(url).content.decode()
    assert re.search(rf'data-worker="{a.pk}" data-state="1"', page)
    assert "1 present" in page and "1 absent" in page
    # a worker not enrolled is ignored by the page; an officer may not take attendance
    stranger = WorkerFactory()
    as_centre.post(url, {f"w{stranger.pk}": "1"})
    assert not Attendance.objects.filter(worker=stranger).exists()
    assert client_for("officer").post(url, {f"w{a.pk}": "0"}).status_code == 403
    assert Attendance.objects.get(worker=a).present
    # the hours show on the course page
    page = as_centre.get(f"/office/training/{course.pk}/").content.decode()
    assert re.search(rf'data-worker="{a.pk}">.*?class="hours">3\b', page, re.S)


def test_import_page_reports_errors_then_imports(world, course, sessions, as_centre):
    a = world["our_worker"]
    enrolment.enrol(actor=None, course=course, workers=[a])
    base = f"/office/training/{course.pk}/sessions/{sessions[0].pk}/attendance"
    template = as_centre.get(f"{base}/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    header = ["身份证号码", "姓名", "是否出勤", "学时"]
    bad = io.BytesIO(xlsx_bytes([header, [a.id_number, "别人", "是", ""]]))
    bad.name = "attendance.xlsx"
    response = as_centre.post(f"{base}/import/", {"file": bad})
    page = response.content.decode()
    assert response.status_code == 200 and "does not match" in page
    assert not Attendance.objects.exists()
    report_url = next(part for part in page.split('"') if "/attendance/report/" in part)
    report = as_centre.get(report_url)
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert int(rows[1][1]) == 2 and rows[1][2].startswith("B")
    good = io.BytesIO(xlsx_bytes([header, [a.id_number, a.name, "是", "2"]]))
    good.name = "attendance.xlsx"
    assert as_centre.post(f"{base}/import/", {"file": good}).status_code == 302
    assert Attendance.objects.get().hours == 2


def test_sessions_and_enrolments_of_another_course_are_404(
    world, centre, course, sessions, as_centre
):
    from jingsai.training.domain import courses

    other = courses.create_course(actor=None, title="其他", year=2026, organiser=centre)
    url = f"/office/training/{other.pk}/sessions/{sessions[0].pk}/attendance/"
    assert as_centre.get(url).status_code == 404
    assert as_centre.get(f"{url}import/").status_code == 404


def test_course_list_is_scoped(client_for, world, centre, course, as_centre):
    from jingsai.training.domain import courses

    courses.create_course(actor=None, title="总工会自办培训", year=2025, organiser=world["union"])
    page = as_centre.get("/office/training/").content.decode()
    assert "数控车工赛前培训" in page and "总工会自办培训" not in page
    page = client_for("admin").get("/office/training/?year=2025").content.decode()
    assert "总工会自办培训" in page and "数控车工赛前培训" not in page
    page = client_for("officer").get("/office/training/?q=数控").content.decode()
    assert "数控车工赛前培训" in page
