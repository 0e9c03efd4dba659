"""Attendance taken on a 390 px phone in headless Chromium: big toggles, no sideways
scrolling, a plain form POST."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.training.domain import courses, enrolment
from jingsai.training.models import Attendance
from tests.e2e.conftest import (  # noqa: F401 (the browser and the e2e world)
    PASSWORD,
    browser_type_launch_args,
    e2e_world,
)
from tests.factories import WorkerFactory, make_user

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def roll(e2e_world):  # noqa: F811 (the imported fixture)
    centre = Organisation.objects.create(
        name="浦东新区职工实训中心", kind=Organisation.Kind.TRAINING_BODY
    )
    make_user("centre", Role.CO_ORGANISER, centre)
    course = courses.create_course(
        actor=None, title="数控车工赛前培训（第一期）", year=2026, organiser=centre
    )
    session = courses.add_session(
        actor=None, course=course, date=dt.date(2026, 3, 1), starts_at=dt.time(9),
        ends_at=dt.time(12), hours=Decimal(3), place="浦东新区职工实训中心 301 数控实训室",
    )  # fmt: skip
    workers = [
        WorkerFactory(employer=e2e_world["ours"], name=name)
        for name in ("赵一甲", "钱二乙", "欧阳三丙丁")
    ]
    enrolment.enrol(actor=None, course=course, workers=workers)
    return course, session, workers


def test_attendance_on_a_phone(roll, live_server, browser):
    course, session, workers = roll
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "centre")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/home/")
    url = f"{live_server.url}/office/training/{course.pk}/sessions/{session.pk}/attendance/"
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    toggle = page.locator(f"label[for='w{workers[0].pk}-1']")
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target
    page.tap(f"label[for='w{workers[0].pk}-1']")
    page.tap(f"label[for='w{workers[1].pk}-0']")
    with page.expect_navigation():
        page.tap("#roll button[type=submit]")
    page.wait_for_selector("p.notice-success")
    marks = {a.worker_id: a.present for a in Attendance.objects.all()}
    assert marks == {workers[0].pk: True, workers[1].pk: False}
    assert page.locator(f"li[data-worker='{workers[0].pk}']").get_attribute("data-state") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
